#include "core/common/Config.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QUrl>
#include <QUrlQuery>

#include "core/common/Redact.h"

namespace meridian::common {
namespace {

struct Default {
  const char* key;
  const char* value;
};

// Every known key with its default. Paths depending on the user's data dir are filled in by Config().
constexpr Default kDefaults[] = {
    {"db.backend", "sqlite"},            // sqlite | postgres
    {"db.sqlite_path", ""},              // default: <data dir>/meridian.sqlite
    {"db.pg_uri", ""},                   // postgresql://user@host:port/db (password via PGPASSWORD or ~/.pgpass)
    {"redis.url", ""},                   // redis://127.0.0.1:6379 ; empty = Redis disabled
    {"market.feed", "simulated"},        // simulated (built-in feed) | none
    {"market.sim_always_open", "true"},  // simulated feed ticks around the clock (false: NYSE sessions only)
    {"market.sim_ticks_per_second", "2000"},
    {"market.sim_seed", "42"},
    {"broker.kind", "paper"},            // paper | alpaca
    {"broker.alpaca_live", "false"},     // live endpoint only with an explicit setting + UI confirmation
    {"display.timezone", "America/Chicago"},
    {"log.dir", ""},                     // default: <data dir>/logs
    {"log.level", "info"},
    {"log.max_file_mb", "10"},
    {"log.max_files", "5"},
    {"log.db_level", "warn"},            // records at or above this level are also stored in the logs table
    {"ui.refresh_hz", "60"},
};

// Vendor-documented variable names mapped onto config keys.
constexpr Default kVendorEnv[] = {
    {"APCA_API_KEY_ID", "alpaca.key_id"},
    {"APCA_API_SECRET_KEY", "alpaca.secret_key"},
    {"POLYGON_API_KEY", "polygon.api_key"},
};

bool parseBool(const QString& v, bool fallback) {
  const QString s = v.trimmed().toLower();
  if (s == "1" || s == "true" || s == "yes" || s == "on") return true;
  if (s == "0" || s == "false" || s == "no" || s == "off") return false;
  return fallback;
}

}  // namespace

QString Config::defaultDataDir() {
  QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
  if (dir.isEmpty()) dir = QDir::homePath() + "/.local/share/meridian";
  return dir;
}

Config::Config() {
  for (const auto& d : kDefaults) m_entries.insert(QString::fromLatin1(d.key), Entry{QString::fromLatin1(d.value)});
  const QString data = defaultDataDir();
  m_entries["db.sqlite_path"].value = data + "/meridian.sqlite";
  m_entries["log.dir"].value = data + "/logs";
}

Config Config::load(const QString& iniPath, const QProcessEnvironment& env) {
  Config c;
  if (!iniPath.isEmpty()) c.applyFile(iniPath);
  c.applyEnvironment(env);
  return c;
}

void Config::applyFile(const QString& iniPath) {
  if (!QFileInfo::exists(iniPath)) return;
  QSettings ini(iniPath, QSettings::IniFormat);
  if (ini.status() != QSettings::NoError) {
    m_warnings << QStringLiteral("config file %1 could not be parsed; using defaults").arg(iniPath);
    return;
  }
  for (const QString& raw : ini.allKeys()) {
    QString key = raw;
    key.replace('/', '.');
    if (!key.contains('.')) {
      m_warnings << QStringLiteral("config file %1: key '%2' has no [section]; ignored").arg(iniPath, raw);
      continue;
    }
    if (isSecretKey(key)) {
      m_warnings << QStringLiteral("config file %1: secret '%2' ignored; set it in the environment or keychain")
                        .arg(iniPath, key);
      continue;
    }
    // QSettings reads an unquoted "a,b" as a string list, whose toString() is empty: keep the text as written.
    const QVariant v = ini.value(raw);
    QString value = v.typeId() == QMetaType::QStringList ? v.toStringList().join(',') : v.toString();
    if (key.endsWith(QLatin1String("_uri")) || key.endsWith(QLatin1String(".url")) || key.endsWith(QLatin1String("_url"))) {
      QString password;
      const QString stripped = stripUriPassword(value, &password);
      if (!password.isEmpty()) {
        const QString secretKey = passwordKeyFor(key);
        registerSecret(password.toStdString());
        m_warnings << QStringLiteral("config file %1: '%2' contains a password; it was stripped from the setting "
                                     "(kept for this session as %3; store it in the keychain or the environment)")
                          .arg(iniPath, key, secretKey);
        m_plaintext.insert(secretKey, PlaintextSecret{key, password});
        m_entries[secretKey] = Entry{password, Source::Runtime};
        value = stripped;
      }
    }
    m_entries[key] = Entry{value, Source::File};
  }
}

QString Config::passwordKeyFor(const QString& uriKey) {
  if (uriKey == QLatin1String("db.pg_uri")) return QStringLiteral("db.pg_password");
  return uriKey + QStringLiteral("_password");
}

QString Config::withUriPassword(const QString& uri, const QString& password) {
  if (password.isEmpty() || uri.isEmpty()) return uri;
  if (uri.contains(QLatin1String("://"))) {
    QUrl url(uri, QUrl::TolerantMode);
    if (!url.isValid()) return uri;
    url.setPassword(password, QUrl::DecodedMode);
    return url.toString(QUrl::FullyEncoded);
  }
  QString quoted = password;
  quoted.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('\''), QStringLiteral("\\'"));
  return uri + QStringLiteral(" password='") + quoted + QLatin1Char('\'');
}

QString Config::stripUriPassword(const QString& uri, QString* password) {
  QString found;
  QString out = uri;
  static const QRegularExpression keyword(QStringLiteral("(^|\\s)password\\s*=\\s*('(?:[^'\\\\]|\\\\.)*'|\\S+)"));
  if (out.contains(QLatin1String("://"))) {
    QUrl url(out, QUrl::TolerantMode);
    if (url.isValid()) {
      bool changed = false;
      if (!url.password().isEmpty()) {
        found = url.password(QUrl::FullyDecoded);
        url.setPassword(QString());
        changed = true;
      }
      QUrlQuery q(url);
      if (q.hasQueryItem(QStringLiteral("password"))) {
        if (found.isEmpty()) found = q.queryItemValue(QStringLiteral("password"), QUrl::FullyDecoded);
        q.removeAllQueryItems(QStringLiteral("password"));
        url.setQuery(q);
        changed = true;
      }
      if (changed) out = url.toString(QUrl::FullyEncoded);
    }
  } else if (const auto m = keyword.match(out); m.hasMatch()) {
    found = m.captured(2);
    if (found.size() >= 2 && found.startsWith(QLatin1Char('\'')) && found.endsWith(QLatin1Char('\''))) {
      found = found.mid(1, found.size() - 2);
      found.replace(QStringLiteral("\\'"), QStringLiteral("'")).replace(QStringLiteral("\\\\"), QStringLiteral("\\"));
    }
    out.remove(m.capturedStart(0), m.capturedLength(0));
    out = out.trimmed();
  }
  if (password) *password = found;
  return found.isEmpty() ? uri : out;
}

void Config::applyEnvironment(const QProcessEnvironment& env) {
  static const QString prefix = QStringLiteral("MERIDIAN_");
  for (const QString& name : env.keys()) {
    if (!name.startsWith(prefix)) continue;
    const QString rest = name.mid(prefix.size()).toLower();
    const int sep = rest.indexOf('_');
    if (sep <= 0 || sep == rest.size() - 1) continue;
    const QString key = rest.left(sep) + '.' + rest.mid(sep + 1);
    m_entries[key] = Entry{env.value(name), Source::Environment};
  }
  for (const auto& v : kVendorEnv) {
    const QString name = QString::fromLatin1(v.key);
    if (env.contains(name)) m_entries[QString::fromLatin1(v.value)] = Entry{env.value(name), Source::Environment};
  }
}

QString Config::value(const QString& key, const QString& fallback) const {
  auto it = m_entries.constFind(key);
  return it == m_entries.cend() ? fallback : it->value;
}

int Config::intValue(const QString& key, int fallback) const {
  bool ok = false;
  const int v = value(key).trimmed().toInt(&ok);
  return ok ? v : fallback;
}

double Config::doubleValue(const QString& key, double fallback) const {
  bool ok = false;
  const double v = value(key).trimmed().toDouble(&ok);
  return ok ? v : fallback;
}

bool Config::boolValue(const QString& key, bool fallback) const {
  return contains(key) ? parseBool(value(key), fallback) : fallback;
}

Config::Source Config::sourceOf(const QString& key) const {
  auto it = m_entries.constFind(key);
  return it == m_entries.cend() ? Source::Default : it->source;
}

void Config::set(const QString& key, const QString& value, Source source) { m_entries[key] = Entry{value, source}; }

bool Config::isSecretKey(const QString& key) {
  const QString k = key.toLower();
  if (k == QLatin1String("relay.key")) return true;  // the HMAC key of serve / attach
  for (const char* marker : {"secret", "password", "passwd", "api_key", "apikey", "token", "key_id", "credential"})
    if (k.contains(QLatin1String(marker))) return true;
  return false;
}

QStringList Config::dumpRedacted() const {
  QStringList out;
  for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
    const bool hide = isSecretKey(it.key()) && !it->value.isEmpty();
    out << it.key() + '=' + (hide ? QStringLiteral("***") : QString::fromStdString(redact(it->value.toStdString())));
  }
  return out;
}

}  // namespace meridian::common
