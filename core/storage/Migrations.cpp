#include "core/storage/Migrations.h"

#include "core/storage/Records.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>

// Q_INIT_RESOURCE must be used at global namespace scope. meridian_storage is a static library, so the
// resource's registration object is not pulled in by the linker unless something references it.
static void meridianInitSqlResource() { Q_INIT_RESOURCE(sql); }

namespace meridian::storage {
namespace {

void ensureResourceRegistered() {
  static std::once_flag once;
  std::call_once(once, [] { meridianInitSqlResource(); });
}

std::string checksumOf(QByteArray content) {
  content.replace("\r\n", "\n");
  return QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex().toStdString();
}

bool isWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

std::string upperTrimmed(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  std::string out(s.substr(b, e - b));
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

// `code` is the statement with comments blanked out.
bool isUnfinishedTrigger(const std::string& code) {
  static const QRegularExpression kTrigger(QStringLiteral("^CREATE\\s+(TEMP\\s+|TEMPORARY\\s+)?TRIGGER\\b"));
  const std::string up = upperTrimmed(code);
  if (!kTrigger.match(QString::fromStdString(up)).hasMatch()) return false;
  const bool endsWithEnd = up.size() >= 3 && up.compare(up.size() - 3, 3, "END") == 0 &&
                           (up.size() == 3 || !isWordChar(up[up.size() - 4]));
  return !endsWithEnd;
}

}  // namespace

Result<std::vector<Migration>> loadMigrations(std::string_view dialect, std::string_view directory) {
  ensureResourceRegistered();
  const QString dirPath = directory.empty()
                              ? QStringLiteral(":/sql/") + QString::fromUtf8(dialect.data(), qsizetype(dialect.size()))
                              : QString::fromUtf8(directory.data(), qsizetype(directory.size()));
  const QDir dir(dirPath);
  if (!dir.exists())
    return makeError(errc::kMigration, fmt::format("migration directory {} not found", dirPath.toStdString()));

  static const QRegularExpression kName(QStringLiteral("^V(\\d+)__([A-Za-z0-9_]+)\\.sql$"));
  std::vector<Migration> out;
  for (const QString& file : dir.entryList(QDir::Files, QDir::Name)) {
    const auto m = kName.match(file);
    if (!m.hasMatch()) {
      if (file.endsWith(QLatin1String(".sql")))
        return makeError(errc::kMigration,
                         fmt::format("migration file {} does not match V<NNN>__<name>.sql", file.toStdString()));
      continue;
    }
    QFile f(dir.filePath(file));
    if (!f.open(QIODevice::ReadOnly))
      return makeError(errc::kMigration, fmt::format("cannot read migration {}", file.toStdString()));
    const QByteArray content = f.readAll();
    Migration mig;
    mig.version = m.captured(1).toInt();
    mig.name = m.captured(2).toStdString();
    mig.fileName = file.toStdString();
    mig.checksum = checksumOf(content);
    mig.sql = content.toStdString();
    out.push_back(std::move(mig));
  }
  std::sort(out.begin(), out.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
  for (std::size_t i = 1; i < out.size(); ++i)
    if (out[i].version == out[i - 1].version)
      return makeError(errc::kMigration, fmt::format("duplicate migration version {} ({} and {})", out[i].version,
                                                     out[i - 1].fileName, out[i].fileName));
  if (out.empty())
    return makeError(errc::kMigration, fmt::format("no migrations found in {}", dirPath.toStdString()));
  return out;
}

Result<std::vector<Migration>> pendingMigrations(const std::vector<Migration>& available,
                                                 const std::vector<AppliedMigration>& applied) {
  std::map<int, const Migration*> byVersion;
  for (const auto& m : available) byVersion[m.version] = &m;
  std::map<int, std::string> done;
  for (const auto& a : applied) {
    const auto it = byVersion.find(a.version);
    if (it == byVersion.end())
      return makeError(errc::kMigration,
                       fmt::format("database has migration version {} which this build does not know; "
                                   "it was migrated by a newer Meridian",
                                   a.version));
    if (it->second->checksum != a.checksum)
      return makeError(errc::kMigration,
                       fmt::format("migration {} was changed after it was applied (checksum {} in the database, "
                                   "{} in this build); add a new migration instead of editing an applied one",
                                   it->second->fileName, a.checksum.substr(0, 12), it->second->checksum.substr(0, 12)));
    done.emplace(a.version, a.checksum);
  }
  std::vector<Migration> pending;
  for (const auto& m : available)
    if (!done.count(m.version)) pending.push_back(m);
  return pending;
}

std::vector<std::string> splitSqlStatements(std::string_view script) {
  std::vector<std::string> out;
  std::string stmt;  // text as written (comments included)
  std::string code;  // same statement, comments blanked: used to detect triggers
  auto flush = [&] {
    if (upperTrimmed(code).empty()) {
      stmt.clear();
      code.clear();
      return;
    }
    // trim
    const auto b = stmt.find_first_not_of(" \t\r\n");
    const auto e = stmt.find_last_not_of(" \t\r\n");
    out.push_back(stmt.substr(b, e - b + 1));
    stmt.clear();
    code.clear();
  };
  const std::size_t n = script.size();
  for (std::size_t i = 0; i < n; ++i) {
    const char c = script[i];
    if (c == '-' && i + 1 < n && script[i + 1] == '-') {  // line comment
      while (i < n && script[i] != '\n') ++i;
      stmt.push_back('\n');
      code.push_back(' ');
      continue;
    }
    if (c == '/' && i + 1 < n && script[i + 1] == '*') {  // block comment
      i += 2;
      while (i + 1 < n && !(script[i] == '*' && script[i + 1] == '/')) ++i;
      ++i;
      stmt.push_back(' ');
      code.push_back(' ');
      continue;
    }
    if (c == '\'' || c == '"' || c == '`' || c == '[') {  // quoted literal / identifier
      const char close = c == '[' ? ']' : c;
      std::size_t j = i + 1;
      while (j < n) {
        if (script[j] == close) {
          if (close != ']' && j + 1 < n && script[j + 1] == close) {
            j += 2;  // doubled quote
            continue;
          }
          break;
        }
        ++j;
      }
      const std::size_t end = std::min(j, n - 1);
      stmt.append(script.substr(i, end - i + 1));
      code.append(script.substr(i, end - i + 1));
      i = end;
      continue;
    }
    if (c == ';' && !isUnfinishedTrigger(code)) {
      flush();
      continue;
    }
    stmt.push_back(c);
    code.push_back(c);
  }
  flush();
  return out;
}

}  // namespace meridian::storage
