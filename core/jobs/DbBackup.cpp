#include "core/jobs/DbBackup.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>

#include <fmt/core.h>

#include "core/common/Clock.h"
#include "core/common/Logging.h"
#include "core/common/Redact.h"

namespace meridian::jobs {
namespace {

QString stamp(domain::Timestamp t) {
  return QDateTime::fromMSecsSinceEpoch(t / domain::kNanosPerMilli, Qt::UTC).toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
}

Error backupError(const std::string& message) { return makeError("jobs.backup", message); }

Result<QString> backupSqlite(const BackupOptions& o, const QString& target, const std::atomic<bool>& cancel) {
  if (o.sqlitePath.isEmpty() || o.sqlitePath == QLatin1String(":memory:"))
    return backupError("SQLite backup needs a database file (db.sqlite_path is empty or :memory:)");
  if (!QFileInfo::exists(o.sqlitePath))
    return backupError(fmt::format("SQLite database {} does not exist", o.sqlitePath.toStdString()));
  const QString partial = target + QStringLiteral(".partial");
  QFile::remove(partial);

  static std::atomic<int> counter{0};
  const QString connection = QStringLiteral("meridian-backup-%1").arg(counter.fetch_add(1));
  QString error;
  {
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), connection);
    db.setDatabaseName(o.sqlitePath);
    db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=10000"));
    if (!db.open()) {
      error = QStringLiteral("cannot open %1: %2").arg(o.sqlitePath, db.lastError().text());
    } else if (cancel.load()) {
      error = QStringLiteral("cancelled");
    } else {
      QString quoted = partial;
      quoted.replace(QLatin1Char('\''), QStringLiteral("''"));
      QSqlQuery q(db);
      if (!q.exec(QStringLiteral("VACUUM INTO '%1'").arg(quoted)))
        error = QStringLiteral("VACUUM INTO failed: %1").arg(q.lastError().text());
    }
    db.close();
  }
  QSqlDatabase::removeDatabase(connection);
  if (error.isEmpty() && cancel.load()) error = QStringLiteral("cancelled");
  if (!error.isEmpty()) {
    QFile::remove(partial);
    return backupError(error.toStdString());
  }
  QFile::remove(target);
  if (!QFile::rename(partial, target)) {
    QFile::remove(partial);
    return backupError(fmt::format("cannot rename the backup to {}", target.toStdString()));
  }
  return target;
}

Result<QString> backupPostgres(const BackupOptions& o, const QString& target, const std::atomic<bool>& cancel) {
  const QString pgDump = o.pgDumpPath.isEmpty() ? QStandardPaths::findExecutable(QStringLiteral("pg_dump")) : o.pgDumpPath;
  if (pgDump.isEmpty() || !QFileInfo(pgDump).isExecutable())
    return backupError(
        "PostgreSQL backups use pg_dump, which is not on PATH: install the PostgreSQL client tools "
        "(e.g. apt install postgresql-client) or back up the server with pg_dump / your provider's snapshots");
  if (o.pgUri.empty()) return backupError("PostgreSQL backup needs db.pg_uri");
  const QString partial = target + QStringLiteral(".partial");
  QFile::remove(partial);

  QProcess p;
  p.setProgram(pgDump);
  p.setArguments({QStringLiteral("--format=custom"), QStringLiteral("--no-password"), QStringLiteral("--file"), partial,
                  QStringLiteral("--dbname"), QString::fromStdString(o.pgUri)});
  p.setProcessChannelMode(QProcess::SeparateChannels);
  p.start();
  if (!p.waitForStarted(10'000)) return backupError("cannot start pg_dump: " + p.errorString().toStdString());
  int waited = 0;
  while (!p.waitForFinished(200)) {
    waited += 200;
    if (cancel.load() || waited >= o.pgDumpTimeoutMs) {
      p.kill();
      p.waitForFinished(5'000);
      QFile::remove(partial);
      return backupError(cancel.load() ? "cancelled" : "pg_dump timed out");
    }
  }
  if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
    QFile::remove(partial);
    const std::string err = QString::fromLocal8Bit(p.readAllStandardError()).trimmed().toStdString();
    return backupError(common::redact(fmt::format("pg_dump failed (exit {}): {}", p.exitCode(), err)));
  }
  QFile::remove(target);
  if (!QFile::rename(partial, target)) return backupError("cannot rename the backup to " + target.toStdString());
  return target;
}

}  // namespace

BackupOptions backupOptionsFrom(const common::Config& config) {
  BackupOptions o;
  o.backend = config.value(QStringLiteral("db.backend"), QStringLiteral("sqlite")).trimmed().toLower().toStdString();
  o.sqlitePath = config.value(QStringLiteral("db.sqlite_path"));
  o.pgUri = config.value(QStringLiteral("db.pg_uri")).toStdString();
  o.directory = config.value(QStringLiteral("jobs.db_backup.dir"));
  if (o.directory.isEmpty()) o.directory = common::Config::defaultDataDir() + QStringLiteral("/backups");
  o.keep = std::max(1, config.intValue(QStringLiteral("jobs.db_backup.keep"), 7));
  return o;
}

int pruneBackups(const QString& dir, const QString& suffix, int keep) {
  QDir d(dir);
  QStringList files = d.entryList({QStringLiteral("meridian-*") + suffix}, QDir::Files, QDir::Name);
  int removed = 0;
  while (files.size() > std::max(1, keep)) {
    if (d.remove(files.takeFirst())) ++removed;
  }
  return removed;
}

Result<QString> runDbBackup(const BackupOptions& options, const std::atomic<bool>& cancel) {
  if (!QDir().mkpath(options.directory))
    return backupError(fmt::format("cannot create the backup directory {}", options.directory.toStdString()));
  const domain::Timestamp now = options.now ? options.now() : common::systemClock().now();
  const bool sqlite = options.backend == "sqlite";
  if (!sqlite && options.backend != "postgres")
    return backupError(fmt::format("unknown db.backend '{}'", options.backend));
  const QString suffix = sqlite ? QStringLiteral(".sqlite") : QStringLiteral(".dump");
  const QString target = QDir(options.directory).filePath(QStringLiteral("meridian-%1%2").arg(stamp(now), suffix));
  auto result = sqlite ? backupSqlite(options, target, cancel) : backupPostgres(options, target, cancel);
  if (!result.ok()) return result;
  const int pruned = pruneBackups(options.directory, suffix, options.keep);
  common::logger("jobs")->info("database backup written to {} ({} bytes; {} old backup(s) removed)",
                               result.value().toStdString(), QFileInfo(result.value()).size(), pruned);
  return result;
}

}  // namespace meridian::jobs
