#pragma once
// Layered configuration: built-in defaults < INI file < environment variables.
//
// Keys are "section.name" (e.g. "db.backend"). In the INI file they are written as [section] name=value.
// Environment: MERIDIAN_<SECTION>_<NAME>, further dots written "__" (MERIDIAN_STRATEGY_SMA_CROSS__FAST sets
// strategy.sma_cross.fast; see ConfigKeys.h), plus the vendors' documented variables (APCA_API_KEY_ID,
// APCA_API_SECRET_KEY, POLYGON_API_KEY). The known keys and their defaults live in ConfigKeys.cpp; a MERIDIAN_*
// variable or INI key that names none of them is still applied but reported in warnings(), with the closest known
// key when there is one.
// Secret keys (see isSecretKey) are accepted from the environment (or the OS keychain, see SecretStore) only: a
// secret found in a file is ignored and reported in warnings(), so credentials never live in plain-text settings.
// A connection URI in the file that embeds a password (db.pg_uri = postgresql://u:PASS@h/db) is stripped: the
// entry keeps the URI without it, the password goes to the secret key (db.pg_password) for this session only and
// is listed in plaintextSecrets() so SecretStore::migratePlaintext can move it to the keychain.
#include "core/common/Result.h"

#include <QMap>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace meridian::common {

class Config {
 public:
  enum class Source { Default, File, Environment, Runtime };

  // Whether the INI file must exist: the default location may not exist yet (first run), a file the user named
  // (--config FILE) must.
  enum class FileRequirement { Optional, Required };

  // Defaults only.
  Config();
  // defaults < file (if it exists; a missing file is not an error) < env. Lenient: a malformed file is reported in
  // warnings() and ignored (tests, tools); the applications use loadStrict().
  static Config load(const QString& iniPath,
                     const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment());
  // defaults < file < env, or an Error (code "config.file") when the file is required but missing, cannot be
  // read, or is not well-formed INI: the message names the file, the line and the reason ("<path>:<line>: ...").
  static Result<Config> loadStrict(const QString& iniPath, FileRequirement requirement,
                                   const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment());
  // The syntax check loadStrict applies before QSettings (which silently skips or merges what it cannot parse):
  // every line is blank, a ';' or '#' comment, a [section] header or key=value (a value ending in '\' continues
  // on the next line; a double-quoted value must close), and the file is UTF-8.
  static Status checkIniSyntax(const QString& iniPath);

  QString value(const QString& key, const QString& fallback = {}) const;
  int intValue(const QString& key, int fallback = 0) const;
  double doubleValue(const QString& key, double fallback = 0.0) const;
  bool boolValue(const QString& key, bool fallback = false) const;
  bool contains(const QString& key) const { return m_entries.contains(key); }
  Source sourceOf(const QString& key) const;
  QStringList keys() const { return m_entries.keys(); }

  // Runtime override (e.g. from the settings dialog or a CLI flag).
  void set(const QString& key, const QString& value, Source source = Source::Runtime);

  // Messages about ignored or invalid input found while loading (safe to log: never contain secret values).
  const QStringList& warnings() const { return m_warnings; }

  // key=value lines for diagnostics, secret values replaced by "***".
  QStringList dumpRedacted() const;

  static bool isSecretKey(const QString& key);
  // uri without its password (userinfo password, ?password= or a libpq "password=" keyword); *password gets it.
  // Returns uri unchanged (and clears *password) when it has none.
  static QString stripUriPassword(const QString& uri, QString* password);
  // uri with password put back (URI userinfo, or a libpq keyword string); for the connection only, never stored.
  static QString withUriPassword(const QString& uri, const QString& password);
  // Secret key that holds the password stripped from a URI setting ("db.pg_uri" -> "db.pg_password").
  static QString passwordKeyFor(const QString& uriKey);

  struct PlaintextSecret {
    QString setting;  // the file entry it was found in, e.g. "db.pg_uri"
    QString value;
  };
  // Passwords found embedded in file entries during load, by secret key. Never logged.
  QMap<QString, PlaintextSecret> plaintextSecrets() const { return m_plaintext; }
  void forgetPlaintextSecret(const QString& secretKey) { m_plaintext.remove(secretKey); }
  // Default directory for the user's data (SQLite file, logs): QStandardPaths::AppDataLocation.
  static QString defaultDataDir();

 private:
  struct Entry {
    QString value;
    Source source = Source::Default;
  };
  Status applyFile(const QString& iniPath);  // an error when QSettings cannot parse the file
  void applyEnvironment(const QProcessEnvironment& env);
  QMap<QString, Entry> m_entries;
  QStringList m_warnings;
  QMap<QString, PlaintextSecret> m_plaintext;
};

}  // namespace meridian::common
