// Launches the real meridian GUI binary on the embedded default in an isolated home and lets it run.
#include <QProcess>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

class tst_AppLaunch : public QObject {
  Q_OBJECT

  // The app's settings, data and logs go to `home`, not the user's.
  static void isolate(QProcess& p, const QTemporaryDir& home) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert("HOME", home.path());
    env.insert("XDG_CONFIG_HOME", home.filePath("config"));
    env.insert("XDG_DATA_HOME", home.filePath("data"));
    p.setProcessEnvironment(env);
  }

 private Q_SLOTS:
  void startsOnEmbeddedDefaultAndQuitsCleanly() {
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariable("QT_QPA_PLATFORM") != "offscreen")
      QSKIP("needs an X display (the README test command runs GUI tests under Xvfb)");
    QTemporaryDir home;
    QProcess p;
    isolate(p, home);
    p.start(MERIDIAN_GUI_PATH, {"--quit-after", "2500"});
    QVERIFY(p.waitForFinished(60'000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    const QString data = home.filePath("data/Meridian/Meridian");
    QVERIFY(QFileInfo::exists(data + "/meridian.sqlite"));
    QFile log(data + "/logs/meridian.log");
    QVERIFY(log.open(QIODevice::ReadOnly));
    const QByteArray text = log.readAll();
    QVERIFY(text.contains("Meridian " MERIDIAN_VERSION " starting"));
    QVERIFY(text.contains("sqlite storage open"));
    QVERIFY(text.contains("Meridian stopped"));
  }
  // SIGTERM (a logout, `kill`, a service manager) is a normal exit: the layout is saved as on Quit, exit code 0.
  void savesTheLayoutOnSigterm() {
#ifdef Q_OS_WIN
    QSKIP("QProcess::terminate is WM_CLOSE on Windows (the close path, tested by the GUI suites)");
#endif
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariable("QT_QPA_PLATFORM") != "offscreen")
      QSKIP("needs an X display (the README test command runs GUI tests under Xvfb)");
    QTemporaryDir home;
    QProcess p;
    isolate(p, home);
    p.start(MERIDIAN_GUI_PATH, QStringList{});
    QVERIFY(p.waitForStarted());
    const QString logPath = home.filePath("data/Meridian/Meridian/logs/meridian.log");
    const auto logText = [&] {
      QFile log(logPath);
      return log.open(QIODevice::ReadOnly) ? log.readAll() : QByteArray();
    };
    QTRY_VERIFY_WITH_TIMEOUT(logText().contains("workstation ready"), 60'000);
    const QString conf = home.filePath("config/Meridian/Meridian.conf");
    const auto geometry = [&] { return QSettings(conf, QSettings::IniFormat).value("mainwindow/geometry").toByteArray(); };
    QVERIFY2(geometry().isEmpty(), "the layout was saved before the signal: the test would prove nothing");
    p.terminate();  // SIGTERM
    QVERIFY(p.waitForFinished(30'000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    QVERIFY(!geometry().isEmpty());
    QVERIFY(!QSettings(conf, QSettings::IniFormat).value("mainwindow/state").toByteArray().isEmpty());
    QVERIFY(logText().contains("Meridian stopped"));
  }
  // The GUI shares the CLI's strict configuration: a --config file that does not exist starts nothing, exit 2
  // (the message box closes itself with --quit-after, as smoke tests need).
  void aMissingConfigFileStopsTheStart() {
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariable("QT_QPA_PLATFORM") != "offscreen")
      QSKIP("needs an X display (the README test command runs GUI tests under Xvfb)");
    QTemporaryDir home;
    QProcess p;
    isolate(p, home);
    const QString missing = home.filePath("missing.ini");
    p.start(MERIDIAN_GUI_PATH, {"--config", missing, "--quit-after", "300"});
    QVERIFY(p.waitForFinished(60'000));
    QCOMPARE(p.exitCode(), 2);
    const QByteArray err = p.readAllStandardError();
    QVERIFY2(err.contains((missing + ": no such file").toUtf8()), err.constData());
    QVERIFY(!QFileInfo::exists(home.filePath("data/Meridian/Meridian/meridian.sqlite")));  // nothing started
  }
};

QTEST_GUILESS_MAIN(tst_AppLaunch)
#include "tst_AppLaunch.moc"
