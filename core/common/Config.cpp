#include "core/common/Config.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QUrl>
#include <QUrlQuery>

#include "core/common/ConfigKeys.h"
#include "core/common/Redact.h"

#include <QFile>
#include <QStringDecoder>

namespace meridian::common {
namespace {

struct VendorVariable {
  const char* name;
  const char* key;
};

// Vendor-documented variable names mapped onto config keys.
constexpr VendorVariable kVendorEnv[] = {
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

namespace {

// "unknown setting; did you mean x (MERIDIAN_X)?" for a key ConfigKeys does not know.
QString unknownKeyHint(const QString& key, bool env) {
  const QString near = ConfigKeys::closest(key);
  if (near.isEmpty()) return QStringLiteral("not a setting Meridian knows");
  return env ? QStringLiteral("not a setting Meridian knows; did you mean %1 (%2)?").arg(near, ConfigKeys::envName(near))
             : QStringLiteral("not a setting Meridian knows; did you mean %1?").arg(near);
}

Error fileError(const QString& path, int line, const QString& reason) {
  const QString where = line > 0 ? QStringLiteral("%1:%2").arg(path).arg(line) : path;
  return makeError("config.file", QStringLiteral("%1: %2").arg(where, reason).toStdString());
}

// Unescaped double quotes in an INI value (QSettings' quoting: "..." with \" inside).
int quoteCount(const QString& value) {
  int n = 0;
  for (qsizetype i = 0; i < value.size(); ++i) {
    if (value[i] == QLatin1Char('\\')) ++i;
    else if (value[i] == QLatin1Char('"')) ++n;
  }
  return n;
}

}  // namespace

Status Config::checkIniSyntax(const QString& iniPath) {
  QFile f(iniPath);
  if (!f.open(QIODevice::ReadOnly)) return fileError(iniPath, 0, QStringLiteral("cannot be read: ") + f.errorString());
  QByteArray bytes = f.readAll();
  if (bytes.startsWith("\xEF\xBB\xBF")) bytes.remove(0, 3);  // a UTF-8 byte order mark (Windows editors)
  QStringDecoder utf8(QStringDecoder::Utf8);
  const QString text = utf8.decode(bytes);
  if (utf8.hasError()) return fileError(iniPath, 0, QStringLiteral("is not UTF-8 text"));
  const QStringList lines = text.split(QLatin1Char('\n'));
  bool continued = false;  // the previous value ended in '\\'
  int openQuoteLine = 0;   // line of a double-quoted value not closed yet
  for (qsizetype i = 0; i < lines.size(); ++i) {
    const int lineNo = int(i) + 1;
    QString line = lines[i];
    if (line.endsWith(QLatin1Char('\r'))) line.chop(1);
    const QString t = line.trimmed();
    if (continued || openQuoteLine > 0) {
      // Part of the value above (QSettings joins continuation lines, and reads a quoted value up to its quote).
      if (quoteCount(t) % 2 == 1) openQuoteLine = openQuoteLine > 0 ? 0 : lineNo;
      continued = t.endsWith(QLatin1Char('\\'));
      continue;
    }
    if (t.isEmpty() || t.startsWith(QLatin1Char(';')) || t.startsWith(QLatin1Char('#'))) continue;
    if (t.startsWith(QLatin1Char('['))) {
      if (!t.endsWith(QLatin1Char(']')))
        return fileError(iniPath, lineNo, QStringLiteral("section header without its closing ']'"));
      if (t.mid(1, t.size() - 2).trimmed().isEmpty())
        return fileError(iniPath, lineNo, QStringLiteral("empty section name '[]'"));
      continue;
    }
    const qsizetype eq = t.indexOf(QLatin1Char('='));
    if (eq < 0)
      return fileError(iniPath, lineNo,
                       QStringLiteral("not key=value, a [section] or a comment (; or #): no '=' on this line"));
    if (t.left(eq).trimmed().isEmpty()) return fileError(iniPath, lineNo, QStringLiteral("no key before '='"));
    const QString value = t.mid(eq + 1);
    if (quoteCount(value) % 2 == 1) openQuoteLine = lineNo;
    continued = value.endsWith(QLatin1Char('\\'));
  }
  if (openQuoteLine > 0)
    return fileError(iniPath, openQuoteLine, QStringLiteral("a double-quoted value is not closed"));
  return {};
}

Config::Config() {
  for (const auto& k : ConfigKeys::all())
    if (k.defaultValue) m_entries.insert(QString::fromLatin1(k.key), Entry{QString::fromLatin1(k.defaultValue)});
  const QString data = defaultDataDir();
  m_entries["db.sqlite_path"].value = data + "/meridian.sqlite";
  m_entries["log.dir"].value = data + "/logs";
}

Config Config::load(const QString& iniPath, const QProcessEnvironment& env) {
  Config c;
  if (!iniPath.isEmpty() && QFileInfo::exists(iniPath)) {
    Status s = checkIniSyntax(iniPath);
    if (s.ok()) s = c.applyFile(iniPath);
    if (!s.ok()) c.m_warnings << QString::fromStdString(s.error().message) + QStringLiteral("; using defaults");
  }
  c.applyEnvironment(env);
  return c;
}

Result<Config> Config::loadStrict(const QString& iniPath, FileRequirement requirement, const QProcessEnvironment& env) {
  Config c;
  const QFileInfo info(iniPath);
  if (!iniPath.isEmpty() && !info.exists() && requirement == FileRequirement::Required)
    return fileError(iniPath, 0, QStringLiteral("no such file"));
  if (!iniPath.isEmpty() && info.exists()) {
    if (!info.isFile()) return fileError(iniPath, 0, QStringLiteral("not a regular file"));
    if (Status s = checkIniSyntax(iniPath); !s.ok()) return s.error();
    if (Status s = c.applyFile(iniPath); !s.ok()) return s.error();
  }
  c.applyEnvironment(env);
  return c;
}

Status Config::applyFile(const QString& iniPath) {
  QSettings ini(iniPath, QSettings::IniFormat);
  if (ini.status() != QSettings::NoError)
    return fileError(iniPath, 0, QStringLiteral("not a valid INI file (QSettings could not parse it)"));
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
    if (!ConfigKeys::isKnown(key))
      m_warnings << QStringLiteral("config file %1: '%2': %3").arg(iniPath, key, unknownKeyHint(key, false));
    m_entries[key] = Entry{value, Source::File};
  }
  return {};
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
  QStringList names = env.keys();
  names.sort();  // warnings in a stable order
  for (const QString& name : names) {
    if (!name.startsWith(QLatin1String("MERIDIAN_")) || ConfigKeys::isNonSetting(name)) continue;
    const QString key = ConfigKeys::keyForEnv(name);
    if (key.isEmpty()) {
      m_warnings << QStringLiteral("environment: %1 names no setting (MERIDIAN_<SECTION>_<NAME>); ignored").arg(name);
      continue;
    }
    // Applied even when unknown (a key read by code this list missed keeps working), but never silently.
    if (!ConfigKeys::isKnown(key))
      m_warnings << QStringLiteral("environment: %1 (%2): %3").arg(name, key, unknownKeyHint(key, true));
    m_entries[key] = Entry{env.value(name), Source::Environment};
  }
  for (const auto& v : kVendorEnv) {
    const QString name = QString::fromLatin1(v.name);
    if (env.contains(name)) m_entries[QString::fromLatin1(v.key)] = Entry{env.value(name), Source::Environment};
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
    const std::string shown = isUrlWithSecretPath(it.key().toStdString()) ? redactUrlPath(it->value.toStdString())
                                                                           : redact(it->value.toStdString());
    out << it.key() + '=' + (hide ? QStringLiteral("***") : QString::fromStdString(shown));
  }
  return out;
}

}  // namespace meridian::common
