// Runs the real meridian-cli binary: `screen` over CSV inputs and over a configured SQLite database (imported with
// `import-csv`), a preset file overridden by flags, CSV output read back, and the usage errors (exit 2).
#include "core/backtest/BarSeriesLoader.h"
#include "core/screener/Screener.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <QtTest>

#include "../support/CliRun.h"

using namespace meridian;

class tst_ScreenCli : public QObject {
  Q_OBJECT
  QTemporaryDir m_home;

  using Run = testsupport::CliRun;
  Run run(const QStringList& args) {
    QProcessEnvironment db;
    db.insert("MERIDIAN_DB_BACKEND", "sqlite");
    db.insert("MERIDIAN_DB_SQLITE_PATH", m_home.filePath("cli.sqlite"));
    return testsupport::runCli(m_home, args, db);
  }
  static QString data(const char* f) { return QString(MERIDIAN_SHARED_DATA) + "/" + f; }
  static QList<QStringList> readCsv(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly | QIODevice::Text)) return {};
    QList<QStringList> rows;
    QTextStream in(&f);
    while (!in.atEnd()) rows << in.readLine().split(',');  // no quoted fields in this output
    return rows;
  }

 private Q_SLOTS:
  void csvInputsAndCsvOutput() {
    const QString out = m_home.filePath("out.csv");
    const Run r = run({"screen", "--input", data("nvda-1999-2014.csv"), "--input", data("orcl-1995-2014.csv"),
                       "--input", "IDX=" + data("2006-day-001.csv"), "--sort", "rsi", "--desc", "--csv", out});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.out.contains("3 matches of 3 symbols"));
    const auto rows = readCsv(out);
    QCOMPARE(rows.size(), 4);
    QCOMPARE(rows[0].first(), QString("symbol"));
    const int rsiCol = rows[0].indexOf("rsi");
    QVERIFY(rsiCol > 0);
    QVERIFY(rows[1][rsiCol].toDouble() >= rows[2][rsiCol].toDouble());
    QVERIFY(rows[2][rsiCol].toDouble() >= rows[3][rsiCol].toDouble());
    // The numbers are the engine's on the same bars.
    auto orcl = backtest::loadYahooCsv(data("orcl-1995-2014.csv").toStdString());
    QVERIFY(orcl.ok());
    const auto m = screener::computeMetrics("ORCL", orcl->bars, 5);
    bool found = false;
    for (const auto& row : rows)
      if (row.first() == "ORCL") {
        found = true;
        QCOMPARE(row[rsiCol], QString::fromStdString(screener::cellText(m, screener::Column::Rsi)));
        QCOMPARE(row[rows[0].indexOf("change_30d")], QString::fromStdString(screener::cellText(m, screener::Column::Change30d)));
      }
    QVERIFY(found);
  }

  void presetOverriddenByFlags() {
    const QString preset = m_home.filePath("preset.json");
    {
      QFile f(preset);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write(R"({"rsi": {"max": 1}, "sort": {"by": "symbol"}})");  // matches nothing on its own
    }
    Run r = run({"screen", "--preset", preset, "--input", data("orcl-1995-2014.csv")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.out.contains("0 matches of 1 symbols; 1 failed a filter"));
    r = run({"screen", "--rsi-max", "100", "--preset", preset, "--input", data("orcl-1995-2014.csv")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.out.contains("1 match of 1 symbols"));
    r = run({"screen", "--preset", preset, "--cross", "golden", "--json"});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(R"("cross":"golden")") && r.out.contains(R"("rsi":{"max":1})"));
  }

  void databaseAndUnknownFundamentals() {
    for (const char* f : {"nvda-1999-2014.csv", "yhoo-1996-2014.csv"}) {
      const Run imp = run({"import-csv", data(f)});
      QVERIFY2(imp.code == 0, qPrintable(imp.err + imp.out));
    }
    Run r = run({"screen", "--sort", "symbol"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("2 matches of 2 symbols"), qPrintable(r.out));
    QVERIFY(r.out.indexOf("\nNVDA") < r.out.indexOf("\nYHOO"));
    r = run({"screen", "--min-market-cap", "10B"});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("excluded NVDA: no market cap stored"));
    r = run({"screen", "--symbol", "NVDA", "--symbol", "MSFT"});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("excluded MSFT: no bars"));
  }

  void usageErrors() {
    Run r = run({"screen", "--rsi-min", "abc", "--input", data("orcl-1995-2014.csv")});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("--rsi-min: 'abc' is not a number"));
    r = run({"screen", "--rsi-min", "70", "--rsi-max", "20"});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("rsi: min 70 is greater than max 20"));
    const QString bad = m_home.filePath("bad.json");
    {
      QFile f(bad);
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write(R"({"rsi": {"max": 30},})");
    }
    r = run({"screen", "--preset", bad});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("malformed JSON at offset"), qPrintable(r.err));
    r = run({"screen", "--sort", "pe"});
    QCOMPARE(r.code, 2);
    r = run({"screen", "--frobnicate"});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("unknown option '--frobnicate'"));
    r = run({"screen", "--input", data("missing.csv")});
    QCOMPARE(r.code, 1);
  }
};

QTEST_GUILESS_MAIN(tst_ScreenCli)
#include "tst_ScreenCli.moc"
