// Runs the real meridian-cli binary: backtest (JSON and text), pairs-scan, optimizer, --save, error exits.
#include "core/backtest/BacktestEngine.h"
#include "core/backtest/BarSeriesLoader.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "../support/CliRun.h"

using namespace meridian;

class tst_BacktestCli : public QObject {
  Q_OBJECT
  QTemporaryDir m_home;

  using Run = testsupport::CliRun;
  Run run(const QStringList& args) { return testsupport::runCli(m_home, args); }
  static QString data(const char* f) { return QString(MERIDIAN_SHARED_DATA) + "/" + f; }
  QStringList smaArgs() const {
    return {"backtest", "--strategy", "sma_cross", "--param", "fast=10", "--param", "slow=30", "--csv",
            data("orcl-1995-2014.csv"), "--cash", "100000", "--commission-pct", "0.1", "--size", "100"};
  }

 private Q_SLOTS:
  void backtestJson() {
    const Run r = run(smaArgs() << "--json");
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QJsonParseError pe;
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8(), &pe).object();
    QCOMPARE(pe.error, QJsonParseError::NoError);
    QCOMPARE(o.value("strategy").toString(), QString("sma_cross"));
    QCOMPARE(o.value("params").toObject().value("fast").toInt(), 10);
    QCOMPARE(o.value("params").toObject().value("slow").toInt(), 30);
    QCOMPARE(o.value("symbols").toArray().first().toString(), QString("ORCL"));
    QCOMPARE(o.value("start").toString(), QString("1995-01-03"));
    QCOMPARE(o.value("end").toString(), QString("2014-12-31"));
    QCOMPARE(o.value("bars").toInt(), 5036);
    QCOMPARE(o.value("initial_cash").toDouble(), 100000.0);
    const QJsonArray trades = o.value("trades").toArray();
    QVERIFY(trades.size() > 50);
    QCOMPARE(o.value("num_trades").toInt(), trades.size());
    const QJsonObject m = o.value("metrics").toObject();
    for (const char* k : {"total_return", "cagr", "annual_volatility", "sharpe", "sortino", "calmar", "max_drawdown",
                          "max_drawdown_duration", "win_rate", "profit_factor", "avg_win", "avg_loss", "exposure",
                          "trades"})
      QVERIFY2(m.contains(k), k);
    QCOMPARE(m.value("trades").toInt(), trades.size());
    const QJsonObject t0 = trades.first().toObject();
    for (const char* k : {"symbol", "side", "quantity", "entry_date", "entry_price", "exit_date", "exit_price", "pnl"})
      QVERIFY2(t0.contains(k), k);
    QCOMPARE(t0.value("quantity").toDouble(), 100.0);

    // Same numbers as the library run in-process with the same settings.
    auto s = backtest::loadYahooCsv(data("orcl-1995-2014.csv").toStdString());
    backtest::BacktestConfig cfg;
    cfg.fill.commission = backtest::CommissionModel::percent(0.001);
    strategy::ParamSet p;
    p.set("fast", 10);
    p.set("slow", 30);
    const backtest::SeriesView v[] = {{s->symbol, s->bars}};
    auto lib = backtest::runBacktest(strategy::StrategyRegistry::builtin(), "sma_cross", p, v, cfg);
    QCOMPARE(o.value("final_value").toDouble(), lib->finalValue);
    QCOMPARE(trades.size(), qsizetype(lib->trades.size()));
    QCOMPARE(trades.last().toObject().value("pnl").toDouble(), lib->trades.back().pnl);

    // Reproducible: a second run prints the same bytes.
    QCOMPARE(run(smaArgs() << "--json").out, r.out);
  }
  void backtestText() {
    const Run r = run(smaArgs());
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.startsWith("sma_cross (fast=10, slow=30) on ORCL 1995-01-03..2014-12-31 (5036 bars)"));
    QVERIFY(r.out.contains("final value"));
    QVERIFY(r.out.contains("Sharpe"));
    QVERIFY(r.out.contains("max drawdown"));
  }
  void errors() {
    Run r = run({"backtest", "--csv", "/nonexistent/x.csv"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("cannot open '/nonexistent/x.csv'"), qPrintable(r.err));

    QTemporaryDir dir;
    const QString bad = dir.filePath("bad.csv");
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("Date,Open,High,Low,Close,Adj Close,Volume\n2000-01-03,1,2,0.5,1.5,1.5,100\n2000-01-04,1,2,x,1.5,1.5,100\n");
    f.close();
    r = run({"backtest", "--csv", bad});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(bad + ":3: column 4 (Low): 'x' is not a number"), qPrintable(r.err));

    r = run({"backtest", "--strategy", "nope", "--csv", data("orcl-1995-2014.csv")});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("unknown strategy 'nope'"));
    r = run({"backtest", "--param", "fats=3", "--csv", data("orcl-1995-2014.csv")});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("unknown parameter 'fats'"));
    r = run({"backtest", "--param", "slow=100000", "--csv", data("orcl-1995-2014.csv")});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("out of range"));
    r = run({"backtest", "--param", "fast=40", "--csv", data("orcl-1995-2014.csv")});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains("fast < slow"));
    r = run({"backtest"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("give --csv FILE or --symbol SYM (a stored series)"), qPrintable(r.err));
    r = run({"backtest", "--strategy", "pairs", "--csv", data("orcl-1995-2014.csv")});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("needs 2 series (--csv files or --symbol)"), qPrintable(r.err));
  }
  void pairsScanJson() {
    const Run r = run({"pairs-scan", "--csv", data("orcl-1995-2014.csv"), "--csv", data("yhoo-1996-2014.csv"),
                       "--csv", "NV=" + data("nvda-1999-2014.csv")});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QJsonArray a = QJsonDocument::fromJson(r.out.toUtf8()).array();
    QCOMPARE(a.size(), 3);
    QStringList names;
    double prev = 1e300;
    for (const auto& v : a) {
      const QJsonObject o = v.toObject();
      names << o.value("first").toString() + "/" + o.value("second").toString();
      for (const char* k : {"hedge_ratio", "adf_stat", "p_value", "half_life", "correlation", "score"})
        QVERIFY2(o.contains(k), k);
      const double p = o.value("p_value").toDouble();
      QVERIFY(p >= 0 && p <= 1);
      QVERIFY(o.value("score").toDouble() <= prev);
      prev = o.value("score").toDouble();
    }
    names.sort();
    QCOMPARE(names, (QStringList{"ORCL/NV", "ORCL/YHOO", "YHOO/NV"}));
    QCOMPARE(run({"pairs-scan", "--csv", data("orcl-1995-2014.csv")}).code, 2);
  }
  void pairsStrategyRuns() {
    const Run r = run({"backtest", "--strategy", "pairs", "--param", "max_pvalue=1", "--csv",
                       data("orcl-1995-2014.csv"), "--csv", data("yhoo-1996-2014.csv"), "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value("bars").toInt(), 4713);
    QVERIFY(o.value("trades").toArray().size() > 0);
  }
  void optimizeAndSave() {
    Run r = run({"backtest", "--csv", data("orcl-1995-2014.csv"), "--grid", "fast=5:15:5", "--grid", "slow=30,60",
                 "--threads", "2", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value("runs").toArray().size(), 6);
    QVERIFY(o.value("best").isObject());

    r = run(smaArgs() << "--json" << "--save");
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.err.contains("saved backtest run #1"), qPrintable(r.err));
    QVERIFY(!QJsonDocument::fromJson(r.out.toUtf8()).isNull());  // stdout stays pure JSON
  }
  void benchRuns() {
    const Run r = run({"bench", "backtest", "200000"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY(r.out.contains("M bars/s"));
    QVERIFY(r.out.contains("grid optimizer"));
    QVERIFY2(r.out.contains("median of 4 runs after the first"), qPrintable(r.out));  // default --runs 5
    const Run two = run({"bench", "backtest", "100000", "--runs", "2"});
    QVERIFY2(two.code == 0, qPrintable(two.err));
    QCOMPARE(two.out.count("median of 1 run after the first"), 2);  // metrics only, with equity curve
  }
};

QTEST_GUILESS_MAIN(tst_BacktestCli)
#include "tst_BacktestCli.moc"
