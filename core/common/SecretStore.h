#pragma once
// Secrets (API keys, the PostgreSQL password): resolved from the environment first (Config's rule: MERIDIAN_* and the
// vendors' documented variables), then from the OS keychain; never from INI files or QSettings.
//
// Module split: SecretStore lives in common (Qt Core only) and talks to an ISecretBackend. The OS keychain backend
// (qtkeychain -> Secret Service over D-Bus on Linux, Keychain on macOS, Credential Manager on Windows) is the separate
// target meridian::keychain (core/common/KeychainBackend.*), so core libraries, the CLI and headless tools do not link
// QtDBus / libsecret just because they include Config. Without qtkeychain (MERIDIAN_HAVE_KEYCHAIN=0) that target still
// exists and reports "keychain unavailable: built without qtkeychain".
//
// Values never leave this class except as the return of resolve(): statuses, messages and logs name the key and the
// source only, and every resolved value is registered with Redact so it is masked if it ever reaches a log line.
#include "core/common/Config.h"
#include "core/common/Result.h"

#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace meridian::common {

// A secret the application knows about (the Settings dialog lists these).
struct SecretSpec {
  QString key;          // config key, also the keychain entry name: "alpaca.key_id"
  QString label;        // "Alpaca API key id"
  QStringList envVars;  // checked in order: MERIDIAN_ALPACA_KEY_ID, APCA_API_KEY_ID
};
const std::vector<SecretSpec>& knownSecrets();
const SecretSpec* findSecret(const QString& key);

// Synchronous OS keychain port. Implementations must not log values.
class ISecretBackend {
 public:
  virtual ~ISecretBackend() = default;
  virtual QString name() const = 0;  // "Secret Service (qtkeychain)"
  // False with a reason when no keychain can be used (no D-Bus secret service, built without qtkeychain, ...).
  virtual bool available(QString* why) = 0;
  // nullopt when there is no entry; Error when the keychain cannot be read.
  virtual Result<std::optional<QString>> read(const QString& key) = 0;
  virtual Status write(const QString& key, const QString& value) = 0;
  virtual Status remove(const QString& key) = 0;  // removing a missing entry is not an error
};

// The OS keychain (meridian::keychain), or a backend that is never available when built without it.
// `service` names the keychain collection entry ("Meridian"; tests use their own).
std::shared_ptr<ISecretBackend> makeSystemSecretBackend(const QString& service = QStringLiteral("Meridian"));

enum class SecretSource { None, Environment, Keychain };

struct SecretStatus {
  SecretSource source = SecretSource::None;
  bool keychainAvailable = false;
  QString text;  // "from env (APCA_API_KEY_ID)", "stored in keychain", "not set", "keychain unavailable: <why>"
};

class SecretStore {
 public:
  explicit SecretStore(std::shared_ptr<ISecretBackend> backend,
                       QProcessEnvironment env = QProcessEnvironment::systemEnvironment());

  struct Resolved {
    std::optional<QString> value;
    SecretSource source = SecretSource::None;
    QString detail;  // env variable name, "keychain", or why nothing was found (never the value)
  };
  // Environment first, then keychain. A found value is registered with Redact.
  Resolved resolve(const QString& key) const;
  SecretStatus status(const QString& key) const;
  bool keychainAvailable(QString* why = nullptr) const;

  // Keychain writes (the environment is never written). Errors say "keychain unavailable: ..." when it is.
  Status store(const QString& key, const QString& value);
  Status clear(const QString& key);

  // Copies keychain secrets into config (Runtime source) for keys the environment does not set, so the code reading
  // Config (AlpacaConfig::fromConfig, ...) sees them. Returns how many were applied.
  int applyTo(Config& config) const;

  // Plaintext secrets Config::load found in the INI file (a password inside db.pg_uri): stores each in the keychain
  // and, only once stored, rewrites the INI entry without it. When the keychain is unavailable nothing is lost: the
  // value stays in use for this session and the file is left as it is, with a warning. Returns human-readable
  // messages (no values) for the log / UI.
  QStringList migratePlaintext(Config& config, const QString& iniPath);

 private:
  std::shared_ptr<ISecretBackend> m_backend;
  QProcessEnvironment m_env;
};

}  // namespace meridian::common
