#include "core/common/SecretStore.h"

#include <QSettings>

#include "core/common/Logging.h"
#include "core/common/Redact.h"

namespace meridian::common {

const std::vector<SecretSpec>& knownSecrets() {
  static const std::vector<SecretSpec> kSecrets = {
      {QStringLiteral("alpaca.key_id"), QStringLiteral("Alpaca API key id"),
       {QStringLiteral("MERIDIAN_ALPACA_KEY_ID"), QStringLiteral("APCA_API_KEY_ID")}},
      {QStringLiteral("alpaca.secret_key"), QStringLiteral("Alpaca API secret key"),
       {QStringLiteral("MERIDIAN_ALPACA_SECRET_KEY"), QStringLiteral("APCA_API_SECRET_KEY")}},
      {QStringLiteral("polygon.api_key"), QStringLiteral("Polygon API key"),
       {QStringLiteral("MERIDIAN_POLYGON_API_KEY"), QStringLiteral("POLYGON_API_KEY")}},
      {QStringLiteral("db.pg_password"), QStringLiteral("PostgreSQL password"),
       {QStringLiteral("MERIDIAN_DB_PG_PASSWORD"), QStringLiteral("PGPASSWORD")}},
      {QStringLiteral("redis.url_password"), QStringLiteral("Redis password"),
       {QStringLiteral("MERIDIAN_REDIS_URL_PASSWORD"), QStringLiteral("REDISCLI_AUTH")}},
      {QStringLiteral("relay.key"), QStringLiteral("Relay signing key (serve / attach)"),
       {QStringLiteral("MERIDIAN_RELAY_KEY")}},
  };
  return kSecrets;
}

const SecretSpec* findSecret(const QString& key) {
  for (const auto& s : knownSecrets())
    if (s.key == key) return &s;
  return nullptr;
}

SecretStore::SecretStore(std::shared_ptr<ISecretBackend> backend, QProcessEnvironment env)
    : m_backend(std::move(backend)), m_env(std::move(env)) {}

bool SecretStore::keychainAvailable(QString* why) const {
  if (!m_backend) {
    if (why) *why = QStringLiteral("no keychain backend");
    return false;
  }
  return m_backend->available(why);
}

SecretStore::Resolved SecretStore::resolve(const QString& key) const {
  Resolved r;
  QStringList vars;
  if (const SecretSpec* spec = findSecret(key)) {
    vars = spec->envVars;
  } else {
    // Config's naming rule for any other secret key: MERIDIAN_<SECTION>_<NAME>.
    QString name = key.toUpper();
    name.replace(QLatin1Char('.'), QLatin1Char('_'));
    vars << QStringLiteral("MERIDIAN_") + name;
  }
  for (const QString& var : vars) {
    const QString v = m_env.value(var);
    if (v.isEmpty()) continue;
    registerSecret(v.toStdString());
    r.value = v;
    r.source = SecretSource::Environment;
    r.detail = var;
    return r;
  }
  QString why;
  if (!keychainAvailable(&why)) {
    r.detail = QStringLiteral("keychain unavailable: ") + why;
    return r;
  }
  auto read = m_backend->read(key);
  if (!read) {
    r.detail = QStringLiteral("keychain read failed: ") + QString::fromStdString(read.error().message);
    return r;
  }
  if (!*read || (*read)->isEmpty()) {
    r.detail = QStringLiteral("not set");
    return r;
  }
  registerSecret((*read)->toStdString());
  r.value = **read;
  r.source = SecretSource::Keychain;
  r.detail = QStringLiteral("keychain");
  return r;
}

SecretStatus SecretStore::status(const QString& key) const {
  SecretStatus s;
  QString why;
  s.keychainAvailable = keychainAvailable(&why);
  const Resolved r = resolve(key);
  s.source = r.source;
  switch (r.source) {
    case SecretSource::Environment: s.text = QStringLiteral("from env (%1)").arg(r.detail); break;
    case SecretSource::Keychain: s.text = QStringLiteral("stored in keychain"); break;
    case SecretSource::None:
      s.text = s.keychainAvailable ? r.detail : QStringLiteral("not set — keychain unavailable: %1").arg(why);
      break;
  }
  return s;
}

Status SecretStore::store(const QString& key, const QString& value) {
  if (key.trimmed().isEmpty()) return makeError("usage", "secret: empty key");
  if (value.isEmpty()) return makeError("usage", "secret " + key.toStdString() + ": empty value (use clear to remove it)");
  QString why;
  if (!keychainAvailable(&why))
    return makeError("keychain.unavailable", "keychain unavailable: " + why.toStdString());
  registerSecret(value.toStdString());
  Status s = m_backend->write(key, value);
  if (s.ok()) logger("secrets")->info("secret {} stored in the keychain ({})", key.toStdString(), m_backend->name().toStdString());
  return s;
}

Status SecretStore::clear(const QString& key) {
  QString why;
  if (!keychainAvailable(&why))
    return makeError("keychain.unavailable", "keychain unavailable: " + why.toStdString());
  Status s = m_backend->remove(key);
  if (s.ok()) logger("secrets")->info("secret {} removed from the keychain", key.toStdString());
  return s;
}

int SecretStore::applyTo(Config& config) const {
  if (!keychainAvailable()) return 0;
  int applied = 0;
  for (const SecretSpec& spec : knownSecrets()) {
    if (config.sourceOf(spec.key) == Config::Source::Environment && !config.value(spec.key).isEmpty()) continue;
    const Resolved r = resolve(spec.key);
    if (r.source != SecretSource::Keychain) continue;
    config.set(spec.key, *r.value, Config::Source::Runtime);
    ++applied;
  }
  return applied;
}

QStringList SecretStore::migratePlaintext(Config& config, const QString& iniPath) {
  QStringList messages;
  const auto found = config.plaintextSecrets();
  for (auto it = found.cbegin(); it != found.cend(); ++it) {
    const QString& secretKey = it.key();      // e.g. db.pg_password
    const QString& settingKey = it->setting;  // e.g. db.pg_uri
    QString why;
    if (!keychainAvailable(&why)) {
      messages << QStringLiteral("%1 in %2 contains a password: keychain unavailable (%3); it is used for this session "
                                 "only and left in the file — remove it and set %4 or store it in the keychain")
                      .arg(settingKey, iniPath, why, findSecret(secretKey) ? findSecret(secretKey)->envVars.value(1) : secretKey);
      continue;
    }
    if (Status s = m_backend->write(secretKey, it->value); !s.ok()) {
      messages << QStringLiteral("%1 in %2 contains a password; moving it to the keychain failed (%3): left in the file")
                      .arg(settingKey, iniPath, QString::fromStdString(s.error().message));
      continue;
    }
    if (!iniPath.isEmpty()) {
      QSettings ini(iniPath, QSettings::IniFormat);
      QString raw = settingKey;
      raw.replace(QLatin1Char('.'), QLatin1Char('/'));
      ini.setValue(raw, config.value(settingKey));  // the stripped URI
      ini.sync();
      if (ini.status() != QSettings::NoError) {
        messages << QStringLiteral("%1: password stored in the keychain, but %2 could not be rewritten; remove the "
                                   "password from it by hand")
                        .arg(settingKey, iniPath);
        config.forgetPlaintextSecret(secretKey);
        continue;
      }
    }
    config.forgetPlaintextSecret(secretKey);
    messages << QStringLiteral("%1: password moved to the keychain (%2) and removed from %3")
                    .arg(settingKey, m_backend->name(), iniPath);
  }
  for (const QString& m : messages) logger("secrets")->warn("{}", m.toStdString());
  return messages;
}

}  // namespace meridian::common
