// DbBackup: SQLite VACUUM INTO a timestamped file, newest N kept; PostgreSQL without pg_dump is a clear error.
#include <QtTest>

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>

#include "core/common/Config.h"
#include "core/jobs/DbBackup.h"
#include "core/time/TimeZones.h"

using namespace meridian;

namespace {

domain::Timestamp utc(int y, int mo, int d, int h, int mi, int s) {
  return time::TimeZones::fromQDateTime(QDateTime(QDate(y, mo, d), QTime(h, mi, s), Qt::UTC));
}

int countRows(const QString& path) {
  int n = -1;
  {
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
    db.setDatabaseName(path);
    if (db.open()) {
      QSqlQuery q(db);
      if (q.exec(QStringLiteral("SELECT COUNT(*) FROM bars")) && q.next()) n = q.value(0).toInt();
    }
    db.close();
  }
  QSqlDatabase::removeDatabase(QStringLiteral("check"));
  return n;
}

}  // namespace

class tst_DbBackup : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void sqliteBackupAndRetention() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString dbPath = dir.filePath(QStringLiteral("meridian.sqlite"));
    {
      QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("src"));
      db.setDatabaseName(dbPath);
      QVERIFY(db.open());
      QSqlQuery q(db);
      QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode=WAL")));
      QVERIFY(q.exec(QStringLiteral("CREATE TABLE bars (ts INTEGER PRIMARY KEY, close REAL)")));
      for (int i = 0; i < 500; ++i) QVERIFY(q.exec(QStringLiteral("INSERT INTO bars VALUES (%1, %2)").arg(i).arg(100.0 + i)));
      db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("src"));

    jobs::BackupOptions o;
    o.backend = "sqlite";
    o.sqlitePath = dbPath;
    o.directory = dir.filePath(QStringLiteral("backups with 'quote"));
    o.keep = 2;
    domain::Timestamp now = utc(2026, 1, 6, 8, 0, 0);
    o.now = [&] { return now; };
    std::atomic<bool> cancel{false};

    auto r = jobs::runDbBackup(o, cancel);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QCOMPARE(QFileInfo(r.value()).fileName(), QStringLiteral("meridian-20260106T080000Z.sqlite"));
    QCOMPARE(countRows(r.value()), 500);
    QVERIFY(!QFileInfo::exists(r.value() + QStringLiteral(".partial")));

    for (int i = 1; i <= 3; ++i) {
      now += domain::kNanosPerDay;
      auto again = jobs::runDbBackup(o, cancel);
      QVERIFY(again.ok());
    }
    const QStringList left = QDir(o.directory).entryList({QStringLiteral("meridian-*")}, QDir::Files, QDir::Name);
    QCOMPARE(left, (QStringList{"meridian-20260108T080000Z.sqlite", "meridian-20260109T080000Z.sqlite"}));

    // A cancelled backup leaves nothing behind.
    cancel = true;
    now += domain::kNanosPerDay;
    auto cancelled = jobs::runDbBackup(o, cancel);
    QVERIFY(!cancelled.ok());
    QCOMPARE(QDir(o.directory).entryList(QDir::Files).size(), 2);

    // Missing database file.
    cancel = false;
    o.sqlitePath = dir.filePath(QStringLiteral("nope.sqlite"));
    auto missing = jobs::runDbBackup(o, cancel);
    QVERIFY(!missing.ok());
    QVERIFY(QString::fromStdString(missing.error().message).contains(QStringLiteral("does not exist")));
  }

  void postgresWithoutPgDumpExplains() {
    QTemporaryDir dir;
    jobs::BackupOptions o;
    o.backend = "postgres";
    o.pgUri = "postgresql://meridian@127.0.0.1:1/none";
    o.directory = dir.path();
    o.pgDumpPath = dir.filePath(QStringLiteral("no-such-pg_dump"));
    std::atomic<bool> cancel{false};
    auto r = jobs::runDbBackup(o, cancel);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, std::string("jobs.backup"));
    QVERIFY2(QString::fromStdString(r.error().message).contains(QStringLiteral("pg_dump")), r.error().message.c_str());
  }

  void optionsFromConfig() {
    common::Config c;
    c.set(QStringLiteral("db.backend"), QStringLiteral("Postgres"));
    c.set(QStringLiteral("jobs.db_backup.keep"), QStringLiteral("3"));
    c.set(QStringLiteral("jobs.db_backup.dir"), QStringLiteral("/tmp/x"));
    const auto o = jobs::backupOptionsFrom(c);
    QCOMPARE(o.backend, std::string("postgres"));
    QCOMPARE(o.keep, 3);
    QCOMPARE(o.directory, QStringLiteral("/tmp/x"));
    const auto d = jobs::backupOptionsFrom(common::Config());
    QVERIFY(d.directory.endsWith(QStringLiteral("/backups")));
    QCOMPARE(d.keep, 7);
  }
};

QTEST_GUILESS_MAIN(tst_DbBackup)
#include "tst_DbBackup.moc"
