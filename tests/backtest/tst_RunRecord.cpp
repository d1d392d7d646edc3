// A backtest result saved to backtest_runs (SQLite through storage::StorageService) and read back.
#include "core/backtest/BacktestEngine.h"
#include "core/backtest/ResultJson.h"
#include "core/backtest/RunRecord.h"
#include "core/backtest/SyntheticBars.h"
#include "core/storage/StorageService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace meridian;
using namespace meridian::backtest;

class tst_RunRecord : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void convertsAndSaves() {
    const BarSeries s = randomWalkBars("SYN", 1000, 7);
    const SeriesView v[] = {{s.symbol, s.bars}};
    strategy::ParamSet p;
    p.set("fast", 5);
    p.set("slow", 20);
    auto r = runBacktest(strategy::StrategyRegistry::builtin(), "sma_cross", p, v, BacktestConfig{});
    QVERIFY(r.ok());
    const auto rec = toRunRecord(*r, 123);
    QCOMPARE(rec.strategy, std::string("sma_cross"));
    QCOMPARE(rec.paramsJson, std::string("{\"fast\":5,\"slow\":20}"));
    QCOMPARE(rec.symbols, std::vector<std::string>{"SYN"});
    QCOMPARE(rec.createdTs, domain::Timestamp(123));
    QCOMPARE(rec.startTs, s.bars.front().ts);
    QCOMPARE(rec.endTs, s.bars.back().ts);
    QCOMPARE(rec.finalValue, r->finalValue);
    const auto metrics = QJsonDocument::fromJson(QByteArray::fromStdString(rec.metricsJson)).object();
    QCOMPARE(metrics.value("final_value").toDouble(), r->finalValue);
    QCOMPARE(metrics.value("trades").toInt(), int(r->trades.size()));
    const auto equity = QJsonDocument::fromJson(QByteArray::fromStdString(rec.equityCurveJson)).array();
    QCOMPARE(equity.size(), qsizetype(1000));
    QCOMPARE(equity.last().toObject().value("equity").toDouble(), r->finalValue);
    const auto trades = QJsonDocument::fromJson(QByteArray::fromStdString(rec.tradesJson)).array();
    QCOMPARE(trades.size(), qsizetype(r->trades.size()));
    QVERIFY(trades.size() > 5);
    QCOMPARE(trades[0].toObject().value("pnl").toDouble(), r->trades[0].pnl);

    QTemporaryDir dir;
    storage::StorageConfig cfg;
    cfg.sqlitePath = dir.filePath("bt.sqlite").toStdString();
    storage::StorageService svc(cfg);
    QVERIFY(svc.start().ok());
    auto id = svc.call([&](storage::IStorage& st) { return st.saveBacktestRun(rec); }).get();
    QVERIFY2(id.ok(), id.ok() ? "" : id.error().message.c_str());
    auto loaded = svc.call([&](storage::IStorage& st) { return st.loadBacktestRun(*id); }).get();
    QVERIFY(loaded.ok() && loaded->has_value());
    const auto& back = **loaded;
    QCOMPARE(back.strategy, rec.strategy);
    QCOMPARE(back.finalValue, rec.finalValue);
    QCOMPARE(back.symbols, rec.symbols);
    QCOMPARE(QJsonDocument::fromJson(QByteArray::fromStdString(back.tradesJson)),
             QJsonDocument::fromJson(QByteArray::fromStdString(rec.tradesJson)));
    svc.stop();
  }
};

QTEST_APPLESS_MAIN(tst_RunRecord)
#include "tst_RunRecord.moc"
