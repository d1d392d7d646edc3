// Runs the real meridian-cli binary as a user would.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "../support/CliRun.h"

class tst_Cli : public QObject {
  Q_OBJECT
  QTemporaryDir m_home;

  using Run = meridian::testsupport::CliRun;
  Run run(const QStringList& args, const QProcessEnvironment& extra = {}) {
    return meridian::testsupport::runCli(m_home, args, extra, 60'000);
  }

 private Q_SLOTS:
  void helpAndVersion() {
    const Run help = run({"--help"});
    QCOMPARE(help.code, 0);
    QVERIFY(help.out.contains("Usage: meridian-cli"));
    QVERIFY(help.out.contains("calendar"));
    const Run version = run({"--version"});
    QCOMPARE(version.code, 0);
    QCOMPARE(version.out.trimmed(), QString("meridian-cli " MERIDIAN_VERSION));
  }
  // Every subcommand (and every benchmark) answers --help on stdout with exit 0.
  void everySubcommandAnswersHelp_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("expected");
    for (const char* c : {"config", "migrate", "calendar", "health", "serve", "backtest", "pairs-scan", "report", "import-csv",
                          "ingest", "screen"})
      QTest::newRow(c) << QStringList{c, "--help"} << QString();
    QTest::newRow("import-csv -h") << QStringList{"import-csv", "-h"} << "--dedupe";
    QTest::newRow("ingest") << QStringList{"ingest", "--help"} << "--provider";
    QTest::newRow("bench") << QStringList{"bench", "--help"} << "screener";
    for (const char* b : {"calendar", "backtest", "ingest", "load", "risk", "screener", "chart", "gui"})
      QTest::newRow(qPrintable(QString("bench ") + b)) << QStringList{"bench", b, "--help"} << QString(b);
  }
  void everySubcommandAnswersHelp() {
    QFETCH(QStringList, args);
    QFETCH(QString, expected);
    const Run r = run(args);
    QVERIFY2(r.code == 0, qPrintable(args.join(' ') + ": " + r.err));
    QVERIFY2(r.out.contains("sage"), qPrintable(r.out));
    if (!expected.isEmpty()) QVERIFY2(r.out.contains(expected), qPrintable(r.out));
    QVERIFY2(!r.err.contains("Unknown option"), qPrintable(r.err));
    if (args.size() == 2) QVERIFY2(r.out.startsWith("Usage: meridian-cli " + args[0]), qPrintable(r.out));
  }
  // One strict reader behind import-csv and backtest --csv: the same refusals, file:line: column (Name): reason on
  // stderr, exit 1, nothing stored; --sort / --dedupe last accept what they name.
  void badCsvIsRefusedTheSameWayEverywhere() {
    QTemporaryDir dir;
    auto write = [&](const char* name, const QByteArray& body) {
      QFile f(dir.filePath(name));
      f.open(QIODevice::WriteOnly);
      f.write(body);
      return f.fileName();
    };
    const QByteArray header = "Date,Open,High,Low,Close,Adj Close,Volume\n";
    const QString headerOnly = write("x-header.csv", header);
    Run r = run({"import-csv", headerOnly});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("x-header.csv: no data rows (only a header)"), qPrintable(r.err));
    QVERIFY(r.err.contains("nothing written"));

    const QString late = write("late.csv", header + "2262-04-10,1,2,0.5,1.5,1.5,10\n2263-01-02,1,2,0.5,1.5,1.5,10\n");
    for (const QStringList& args : {QStringList{"import-csv", late}, QStringList{"backtest", "--csv", late}}) {
      r = run(args);
      QCOMPARE(r.code, 1);
      QVERIFY2(r.err.contains("late.csv:3: column 1 (Date): '2263-01-02' is outside the representable range"),
               qPrintable(r.err));
    }
    r = run({"backtest", "--csv", dir.path()});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("is a directory, not a CSV file"), qPrintable(r.err));

    QByteArray rows = header;
    for (int d = 1; d <= 28; ++d) rows += QByteArray("2024-02-") + (d < 10 ? "0" : "") + QByteArray::number(d) + ",10,11,9,10.5,10.5,100\n";
    const QString dup = write("dup.csv", rows + "2024-02-28,10,11,9,10.6,10.6,100\n");
    r = run({"import-csv", dup});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("dup.csv:30: column 1 (Date): '2024-02-28' repeats the time of line 29"), qPrintable(r.err));
    r = run({"import-csv", dup, "--dedupe", "last"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("rows read 28, inserted 28"), qPrintable(r.out));  // 29 rows, one time twice
    QCOMPARE(run({"import-csv", dup, "--dedupe", "first"}).code, 2);

    const QString swapped = write("swapped.csv", header + "2024-01-03,10,11,9,10.5,10.5,100\n2024-01-02,10,11,9,10.5,10.5,100\n");
    r = run({"import-csv", swapped});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("swapped.csv:3: column 1 (Date): '2024-01-02' is before the previous row's time (line 2)"),
             qPrintable(r.err));
    QCOMPARE(run({"import-csv", swapped, "--sort"}).code, 0);

    QByteArray utf16("\xFF\xFE", 2);
    for (char c : header) utf16 += QByteArray(1, c) + QByteArray(1, '\0');
    r = run({"import-csv", write("wide.csv", utf16)});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("is UTF-16 LE"), qPrintable(r.err));
  }
  void unknownCommandIsAUsageError() {
    const Run r = run({"frobnicate"});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("unknown command 'frobnicate'"));
    QCOMPARE(run({}).code, 2);
  }
  void calendarAroundThanksgiving2026() {
    const Run r = run({"calendar", "--from", "2026-11-25", "--to", "2026-11-30"});
    QCOMPARE(r.code, 0);
    const QStringList expected{
        "2026-11-25  open 09:30  close 16:00",
        "2026-11-26  closed: Thanksgiving Day",
        "2026-11-27  open 09:30  close 13:00  early close",
        "2026-11-30  open 09:30  close 16:00",
    };
    QCOMPARE(r.out.trimmed().split('\n'), expected);
    QCOMPARE(run({"calendar", "--from", "2026-13-01"}).code, 2);
  }
  void configIsLayeredAndRedacted() {
    QProcessEnvironment env;
    env.insert("MERIDIAN_DISPLAY_TIMEZONE", "Europe/London");
    env.insert("APCA_API_SECRET_KEY", "very-secret-value-123");
    const Run r = run({"config"}, env);
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("display.timezone=Europe/London"));
    QVERIFY(r.out.contains("alpaca.secret_key=***"));
    QVERIFY(!r.out.contains("very-secret-value-123"));
  }
  void serveRefusesLiveWithoutConfirmation() {
    // A server has nobody to ask: LIVE (real money) needs --confirm-live on the command line.
    QProcessEnvironment env;
    env.insert("MERIDIAN_BROKER_KIND", "alpaca");
    env.insert("MERIDIAN_BROKER_ALPACA_LIVE", "true");
    const Run r = run({"serve", "--allow-embedded"}, env);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--confirm-live"), qPrintable(r.err));
    QVERIFY(r.err.contains("real money"));
  }
  void migrateCreatesTheEmbeddedDatabaseInTheUserDataDir() {
    const Run r = run({"migrate"});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.startsWith("sqlite storage is up to date"), qPrintable(r.out + r.err));
    QVERIFY(QFileInfo::exists(m_home.filePath("data/Meridian/Meridian/meridian.sqlite")));
    QCOMPARE(run({"migrate"}).code, 0);  // idempotent
  }
  // --config names a file the user means: a missing one is not silently replaced by the defaults.
  void aMissingConfigFileIsAnError() {
    const QString missing = m_home.filePath("nope.ini");
    const Run r = run({"--config", missing, "config"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(missing + ": no such file"), qPrintable(r.err));
    QVERIFY(r.out.isEmpty());
  }
  void aMalformedConfigFileIsAnError() {
    const QString ini = m_home.filePath("bad.ini");
    QFile f(ini);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("[db]\nbackend=sqlite\nbackend postgres\n");
    f.close();
    const Run r = run({"--config", ini, "health"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains(ini + ":3: ") && r.err.contains("no '='"), qPrintable(r.err));
  }
  void unknownEnvironmentKeysAreWarnedAboutOnce() {
    QProcessEnvironment env;
    env.insert("MERIDIAN_STRATEGY_SMA_CROSS_FAST", "5");
    const Run r = run({"config"}, env);
    QCOMPARE(r.code, 0);
    QCOMPARE(r.err.count("MERIDIAN_STRATEGY_SMA_CROSS_FAST"), 1);
    QVERIFY2(r.err.contains("did you mean strategy.sma_cross.fast (MERIDIAN_STRATEGY_SMA_CROSS__FAST)?"),
             qPrintable(r.err));
    env.clear();
    env.insert("MERIDIAN_STRATEGY_SMA_CROSS__FAST", "5");
    const Run fixed = run({"config"}, env);
    QCOMPARE(fixed.code, 0);
    QVERIFY2(fixed.err.isEmpty(), qPrintable(fixed.err));
    QVERIFY(fixed.out.contains("strategy.sma_cross.fast=5"));
  }
  // Standalone without Redis: nothing serves, and that is fine.
  void healthStandaloneWithoutRedis() {
    const Run r = run({"health", "--json", "--no-network"});
    QCOMPARE(r.code, 0);
    const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(root.value("ok").toBool(false), true);
    QCOMPARE(root.value("mode").toString(), QString("standalone"));
    bool sawServer = false;
    for (const auto& v : root.value("components").toArray()) {
      const QJsonObject c = v.toObject();
      if (c.value("kind") != "server") continue;
      sawServer = true;
      QCOMPARE(c.value("state").toString(), QString("disabled"));
      QCOMPARE(c.value("required").toBool(true), false);
    }
    QVERIFY(sawServer);
  }
  // Attached without a Redis to reach the server through: down, exit 1.
  void healthAttachedWithoutRedisFails() {
    QProcessEnvironment env;
    env.insert("MERIDIAN_RUNTIME_MODE", "attach");
    const Run r = run({"health", "--no-network"}, env);
    QCOMPARE(r.code, 1);
    QVERIFY2(r.out.contains("runtime.mode=attach needs redis.url"), qPrintable(r.out));
  }
  void migrateReportsAnUnreachableDatabaseWithoutLeakingThePassword() {
    QProcessEnvironment env;
    env.insert("MERIDIAN_DB_BACKEND", "postgres");
    env.insert("MERIDIAN_DB_PG_URI", "postgresql://meridian:hunter2pw@127.0.0.1:1/x?connect_timeout=2");
    const Run r = run({"migrate"}, env);
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.startsWith("migrate: "));
    QVERIFY(!r.err.contains("hunter2pw"));
  }
};

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_Cli.moc"
