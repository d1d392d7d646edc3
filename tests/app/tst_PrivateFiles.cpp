// Under the usual umask 022, everything meridian-cli creates is still private to the user: the SQLite database
// and its WAL, the logs and the database backups are 0600 and the directories it creates 0700. A real run: the
// server (embedded set-up) starts, runs the db_backup job on request and stops.
#include <QDirIterator>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <sys/stat.h>

class tst_PrivateFiles : public QObject {
  Q_OBJECT

  static int modeOf(const QString& path) {
    struct stat st {};
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0) return -1;
    return int(st.st_mode & 07777);
  }

 private Q_SLOTS:
  void filesAndFoldersArePrivate() {
    QTemporaryDir home;
    QVERIFY(home.isValid());
    const mode_t previous = ::umask(022);  // what a login shell usually has; the CLI must not depend on it
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString& k : env.keys())
      if (k.startsWith("MERIDIAN_") || k.startsWith("APCA_") || k == "POLYGON_API_KEY") env.remove(k);
    env.insert("HOME", home.path());
    env.insert("XDG_CONFIG_HOME", home.filePath("config"));
    env.insert("XDG_DATA_HOME", home.filePath("data"));
    env.insert("MERIDIAN_MARKET_SIM_TICKS_PER_SECOND", "50");
    p.setProcessEnvironment(env);
    p.start(MERIDIAN_CLI_PATH, {"serve", "--allow-embedded", "--stdin-commands"});
    ::umask(previous);
    QVERIFY(p.waitForStarted(5000));
    QByteArray out;
    QElapsedTimer t;
    t.start();
    while (!out.contains("ready instance=") && p.state() == QProcess::Running && t.elapsed() < 30'000) {
      p.waitForReadyRead(200);
      out += p.readAllStandardOutput();
    }
    QVERIFY2(out.contains("ready instance="), p.readAllStandardError().constData());
    p.write(R"({"kind":"run_job","body":{"correlation_id":"private-1","job_name":"db_backup"}})" "\n");

    const QString data = home.filePath("data/Meridian/Meridian");
    QString backup;
    t.restart();
    while (backup.isEmpty() && t.elapsed() < 30'000) {
      p.waitForReadyRead(200);
      const QStringList found = QDir(data + "/backups").entryList({"meridian-*.sqlite"}, QDir::Files);
      if (!found.isEmpty()) backup = data + "/backups/" + found.front();
    }
    QVERIFY2(!backup.isEmpty(), "the db_backup job wrote no backup within 30 s");
    p.terminate();
    QVERIFY(p.waitForFinished(20'000));
    QCOMPARE(p.exitCode(), 0);

    QVERIFY(QFileInfo::exists(data + "/meridian.sqlite"));
    QVERIFY(QFileInfo::exists(data + "/logs/meridian.log"));
    int files = 0;
    int dirs = 0;
    QDirIterator it(home.path(), QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
      const QString path = it.next();
      const QFileInfo info(path);
      const int mode = modeOf(path);
      if (info.isDir()) {
        ++dirs;
        QVERIFY2(mode == 0700, qPrintable(QString("%1 is %2").arg(path).arg(mode, 4, 8, QChar('0'))));
      } else {
        ++files;
        QVERIFY2(mode == 0600, qPrintable(QString("%1 is %2").arg(path).arg(mode, 4, 8, QChar('0'))));
      }
    }
    QVERIFY(files >= 3);  // database, log, backup (and whatever else the run left)
    QVERIFY(dirs >= 4);   // data, data/Meridian, data/Meridian/Meridian, logs, backups
  }
};

QTEST_GUILESS_MAIN(tst_PrivateFiles)
#include "tst_PrivateFiles.moc"
