// Runs the real meridian-cli binary: `screen` over CSV inputs and over a configured SQLite database (imported with
// `import-csv`), a preset file overridden by flags, CSV output read back, and the usage errors (exit 2).
#include "core/backtest/BarSeriesLoader.h"
#include "core/screener/Screener.h"
#include "core/screener/Query.h"

#include <QFile>

#include <functional>
#include <QProcess>
#include <QTemporaryDir>
#include <QTextStream>
#include <QtTest>

#include "../support/CliRun.h"
#include "../support/ScreenerLinearFixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

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
    QVERIFY(rows[0].contains("macd_hist") && !rows[0].contains("macd"));  // named for what it holds
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
        // Full precision: the value reads back to the engine's double exactly (the table rounds, the CSV does not).
        QCOMPARE(row[rsiCol].toDouble(), *m.rsi);
        QVERIFY2(row[rsiCol].size() > QString::fromStdString(screener::cellText(m, screener::Column::Rsi)).size(),
                 qPrintable(row[rsiCol]));
        QCOMPARE(row[rows[0].indexOf("change_30d")].toDouble(), *m.change30d);
        QCOMPARE(row[rows[0].indexOf("macd_hist")].toDouble(), *m.macdHist);
      }
    QVERIFY(found);
  }

  // The trend, range and liquidity columns in the CSV (full precision, named for what they hold) and in
  // --rows-json, against the values ScreenerLinearFixture.h derives by hand; the table shows them too.
  void trendRangeAndLiquidityColumnsInCsvAndJson() {
    const QString input = m_home.filePath("LIN.csv"), out = m_home.filePath("lin-out.csv");
    QVERIFY(testfixture::writeLinearCsv(input));
    const testfixture::LinearExpected e;
    const std::pair<const char*, double> expected[] = {
        {"price", e.price}, {"sma50", e.sma50}, {"price_vs_sma50_pct", e.vsSma50}, {"sma200", e.sma200},
        {"price_vs_sma200_pct", e.vsSma200}, {"high_52w", e.high52w}, {"pct_from_52w_high", e.fromHigh52w},
        {"low_52w", e.low52w}, {"pct_from_52w_low", e.fromLow52w}, {"avg_dollar_volume_20d", e.avgDollarVolume},
        {"atr14_pct", e.atrPct}, {"gap_pct", e.gapPct}, {"rel_volume_20d", e.relVolume}};
    auto close = [](double got, double want) { return std::abs(got - want) <= 1e-9 * std::max(1.0, std::abs(want)); };

    const Run table = run({"screen", "--input", input, "--csv", out});
    QVERIFY2(table.code == 0, qPrintable(table.err));
    const QStringList lines = table.out.split('\n');
    QVERIFY(lines[0].contains("price_vs_sma50_pct") && lines[0].contains("avg_dollar_volume_20d") &&
            lines[0].contains("atr14_pct") && lines[0].contains("rel_volume_20d") && lines[0].contains("gap_pct"));
    QVERIFY2(lines[1].contains(" 7.32 ") && lines[1].contains(" 385400 ") && lines[1].contains(" 3.00 "), qPrintable(lines[1]));

    const auto rows = readCsv(out);
    QCOMPARE(rows.size(), 2);
    for (const auto& [key, want] : expected) {
      const int col = rows[0].indexOf(key);
      QVERIFY2(col >= 0, key);
      QVERIFY2(close(rows[1][col].toDouble(), want), qPrintable(QStringLiteral("%1: %2").arg(key, rows[1][col])));
    }
    // Full precision: the text reads back to the same double, not the table's rounding.
    QVERIFY(rows[1][rows[0].indexOf("price_vs_sma50_pct")].size() > 8);

    const Run json = run({"screen", "--input", input, "--rows-json"});
    QVERIFY2(json.code == 0, qPrintable(json.err));
    QJsonParseError perr;
    const QJsonDocument doc = QJsonDocument::fromJson(json.out.toUtf8(), &perr);
    QVERIFY2(perr.error == QJsonParseError::NoError, qPrintable(perr.errorString() + "\n" + json.out));
    QCOMPARE(doc["matched"].toInt(), 1);
    const QJsonObject row = doc["rows"].toArray().at(0).toObject();
    QCOMPARE(row["symbol"].toString(), QString("LIN"));
    for (const auto& [key, want] : expected) {
      QVERIFY2(row[key].isDouble(), key);
      QVERIFY2(close(row[key].toDouble(), want), qPrintable(QStringLiteral("%1: %2").arg(key).arg(row[key].toDouble(), 0, 'g', 17)));
    }
    QVERIFY(row["rsi"].isDouble());
    QCOMPARE(row["last_date"].toString(), testfixture::linearRows().back().date.toString(Qt::ISODate));
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

  void queryLanguage() {
    // Three real series; the query keeps those the engine's own metrics say pass it.
    const QStringList inputs = {"--input", data("nvda-1999-2014.csv"), "--input", data("orcl-1995-2014.csv"),
                                "--input", data("yhoo-1996-2014.csv")};
    const QString out = m_home.filePath("query.csv");
    const QString query = "price > sma200 and avg_dollar_volume > 10M or rsi14 < 30";
    Run r = run(QStringList{"screen", "--query", query, "--csv", out} + inputs);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    int expected = 0;
    auto q = screener::Query::parse(query.toStdString());
    QVERIFY(q.ok());
    QStringList passing;
    for (const char* f : {"nvda-1999-2014.csv", "orcl-1995-2014.csv", "yhoo-1996-2014.csv"}) {
      auto s = backtest::loadYahooCsv(data(f).toStdString());
      QVERIFY(s.ok());
      const auto m = screener::computeMetrics(QString(f).left(4).toUpper().toStdString(), s->bars, 5);
      if (q->evaluate(m) == screener::Verdict::Pass) {
        ++expected;
        passing << QString::fromStdString(m.symbol);
      }
    }
    QVERIFY2(r.out.contains(QString("%1 match%2 of 3 symbols").arg(expected).arg(expected == 1 ? "" : "es")), qPrintable(r.out));
    const auto rows = readCsv(out);
    QCOMPARE(rows.size(), expected + 1);
    for (int i = 1; i < rows.size(); ++i) QVERIFY(passing.contains(rows[i].first()));
    // A query nothing passes.
    r = run(QStringList{"screen", "--query", "price < 0"} + inputs);
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains("0 matches of 3 symbols"), qPrintable(r.out));
    // A bad query is a usage error that points at the token.
    r = run(QStringList{"screen", "--query", "rsi14 < 30 and avg_dolar_volume > 10M"} + inputs);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("unknown metric 'avg_dolar_volume' (did you mean avg_dollar_volume?) at column 16"), qPrintable(r.err));
    QVERIFY2(r.err.contains("\n                 ^^^^^^^^^^^^^^^^"), qPrintable(r.err));
    // --help lists the metrics.
    r = run({"screen", "--help"});
    QVERIFY(r.out.contains("avg_dollar_volume") && r.out.contains("from_high_52w") && r.out.contains("atr_pct"));
  }

  // One bad row in one symbol's file excludes that symbol, with the file, line or date and the reason; the others
  // are screened.
  void badRowsExcludeOnlyTheirSymbol() {
    QFile src(data("orcl-1995-2014.csv"));
    QVERIFY(src.open(QIODevice::ReadOnly | QIODevice::Text));
    const QList<QByteArray> lines = src.readAll().split('\n');
    const auto write = [&](const QString& name, const std::function<void(QList<QByteArray>&)>& spoil) {
      QList<QByteArray> copy = lines.mid(0, 400);
      spoil(copy);
      QFile f(m_home.filePath(name));
      if (!f.open(QIODevice::WriteOnly)) return QString();
      f.write(copy.join('\n') + '\n');
      return f.fileName();
    };
    const QString good = write("good.csv", [](QList<QByteArray>&) {});
    const QString nullRow = write("nullrow.csv", [](QList<QByteArray>& l) { l[100] = "1995-05-25,null,null,null,null,null,null"; });
    const QString blankVolume = write("blankvol.csv", [](QList<QByteArray>& l) {
      l[200] = l[200].left(l[200].lastIndexOf(',') + 1);  // "...,Adj Close," and no volume
    });
    const QString dupDate = write("dupdate.csv", [](QList<QByteArray>& l) { l.insert(300, l[299]); });
    const Run r = run({"screen", "--input", "GOOD=" + good, "--input", "NUL=" + nullRow, "--input", "BLANK=" + blankVolume,
                       "--input", "DUP=" + dupDate});
    QVERIFY2(r.code == 0, qPrintable(r.err + r.out));
    QVERIFY2(r.out.contains("1 match of 4 symbols"), qPrintable(r.out));
    QVERIFY2(r.out.contains("excluded NUL: ") && r.out.contains("nullrow.csv:101:"), qPrintable(r.out));
    QVERIFY2(r.out.contains("excluded BLANK: ") && r.out.contains("blankvol.csv:201:"), qPrintable(r.out));
    QVERIFY2(r.out.contains("excluded DUP: ") && r.out.contains("dupdate.csv:301: column 1 (Date): '1996-03-07' repeats the time of line 300"),
             qPrintable(r.out));  // the CSV reader catches a repeated date itself (stored series: computeMetrics does)
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
