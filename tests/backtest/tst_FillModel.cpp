#include "core/backtest/FillModel.h"

#include <QtTest>

using namespace meridian;
using namespace meridian::backtest;
using domain::OrderType;
using domain::Side;

namespace {

domain::Bar bar(double o, double h, double l, double c, double v = 1e6) {
  domain::Bar b;
  b.open = o;
  b.high = h;
  b.low = l;
  b.close = c;
  b.volume = v;
  return b;
}

WorkingOrder order(Side side, OrderType type, double qty, double limit = 0, double stop = 0) {
  WorkingOrder w;
  w.side = side;
  w.type = type;
  w.remaining = qty;
  w.limitPrice = limit;
  w.stopPrice = stop;
  return w;
}

constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

class tst_FillModel : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void marketFillsAtOpenWithSlippage() {
    FillModelConfig cfg;
    cfg.slippageBps = 10;
    const FillModel m(cfg);
    auto buy = order(Side::Buy, OrderType::Market, 100);
    const auto d = m.match(buy, bar(100, 110, 90, 105), kInf);
    QCOMPARE(d.quantity, 100.0);
    QVERIFY(qFuzzyCompare(d.price, 100.1));  // never the close (105)
    auto sell = order(Side::Sell, OrderType::Market, 100);
    QVERIFY(qFuzzyCompare(m.match(sell, bar(100, 110, 90, 105), kInf).price, 99.9));
  }
  void limitOrders() {
    const FillModel m;
    auto notTouched = order(Side::Buy, OrderType::Limit, 10, 95);
    QCOMPARE(m.match(notTouched, bar(100, 101, 96, 99), kInf).quantity, 0.0);  // low 96 > 95
    auto touched = order(Side::Buy, OrderType::Limit, 10, 95);
    const auto d = m.match(touched, bar(100, 101, 94, 99), kInf);
    QCOMPARE(d.quantity, 10.0);
    QCOMPARE(d.price, 95.0);
    auto gapped = order(Side::Buy, OrderType::Limit, 10, 95);
    QCOMPARE(m.match(gapped, bar(92, 96, 91, 93), kInf).price, 92.0);  // opened below the limit: better price
    auto sellLimit = order(Side::Sell, OrderType::Limit, 10, 105);
    QCOMPARE(m.match(sellLimit, bar(100, 104.99, 99, 104), kInf).quantity, 0.0);
    QCOMPARE(m.match(sellLimit, bar(100, 106, 99, 104), kInf).price, 105.0);
    QCOMPARE(m.match(sellLimit, bar(107, 108, 103, 104), kInf).price, 107.0);
    // Slippage never pushes a limit fill beyond the limit.
    FillModelConfig cfg;
    cfg.slippageBps = 50;
    const FillModel slippy(cfg);
    auto lim = order(Side::Buy, OrderType::Limit, 10, 95);
    QCOMPARE(slippy.match(lim, bar(100, 101, 94, 99), kInf).price, 95.0);
    QVERIFY(qFuzzyCompare(slippy.match(lim, bar(90, 91, 89, 90), kInf).price, 90.45));  // 90 * 1.005 < 95
  }
  void stopOrdersIncludingGapThrough() {
    const FillModel m;
    auto sellStop = order(Side::Sell, OrderType::Stop, 10, 0, 95);
    QCOMPARE(m.match(sellStop, bar(100, 101, 96, 97), kInf).quantity, 0.0);
    QCOMPARE(m.match(sellStop, bar(100, 101, 94, 97), kInf).price, 95.0);
    QCOMPARE(m.match(sellStop, bar(90, 92, 88, 91), kInf).price, 90.0);  // gapped through: the open, worse
    auto buyStop = order(Side::Buy, OrderType::Stop, 10, 0, 105);
    QCOMPARE(m.match(buyStop, bar(100, 104, 99, 103), kInf).quantity, 0.0);
    QCOMPARE(m.match(buyStop, bar(100, 106, 99, 103), kInf).price, 105.0);
    QCOMPARE(m.match(buyStop, bar(108, 109, 107, 108), kInf).price, 108.0);
  }
  void stopLimit() {
    const FillModel m;
    auto sl = order(Side::Buy, OrderType::StopLimit, 10, 106, 105);
    const auto d = m.match(sl, bar(100, 107, 99, 106), kInf);  // triggers at 105 <= 106
    QCOMPARE(d.price, 105.0);
    auto gap = order(Side::Buy, OrderType::StopLimit, 10, 106, 105);
    QCOMPARE(m.match(gap, bar(110, 111, 108, 109), kInf).quantity, 0.0);  // triggered at 110 > limit 106
    QVERIFY(gap.triggered);
    QCOMPARE(m.match(gap, bar(108, 109, 105.5, 107), kInf).price, 106.0);  // now a resting limit
  }
  void trailingStop() {
    const FillModel m;
    auto ts = order(Side::Sell, OrderType::TrailingStop, 10);
    ts.trailPercent = 5;
    ts.trailAnchor = 100;  // stop 95
    QCOMPARE(m.match(ts, bar(101, 104, 96, 103), kInf).quantity, 0.0);
    QCOMPARE(ts.trailAnchor, 104.0);  // stop now 98.8
    const auto d = m.match(ts, bar(103, 103.5, 98, 99), kInf);
    QCOMPARE(d.quantity, 10.0);
    QVERIFY(qFuzzyCompare(d.price, 98.8));
  }
  void volumeParticipationCapsFills() {
    FillModelConfig cfg;
    cfg.maxParticipation = 0.1;
    const FillModel m(cfg);
    const auto b = bar(10, 11, 9, 10, 1005);
    QCOMPARE(m.volumeCap(b), 100.0);  // floor(0.1 * 1005)
    auto o = order(Side::Buy, OrderType::Market, 250);
    QCOMPARE(m.match(o, b, m.volumeCap(b)).quantity, 100.0);
    QCOMPARE(m.match(o, b, 0.5).quantity, 0.0);  // less than a share left
    QCOMPARE(FillModel().volumeCap(b), kInf);
  }
  void commissionModels() {
    const auto perShare = CommissionModel::perShare(0.005, 1.0);
    QCOMPARE(perShare.compute(100, 50), 1.0);   // 0.50 -> minimum 1.00
    QCOMPARE(perShare.compute(1000, 50), 5.0);
    const auto capped = CommissionModel::perShare(0.01, 1.0, 3.0);
    QCOMPARE(capped.compute(1000, 50), 3.0);    // 10.00 -> maximum 3.00
    const auto pct = CommissionModel::percent(0.001, 2.0);
    QVERIFY(qFuzzyCompare(pct.compute(100, 50), 5.0));   // 0.1 % of 5000
    QCOMPARE(pct.compute(10, 50), 2.0);                  // 0.50 -> minimum 2.00
    QCOMPARE(CommissionModel::fixed(9.99).compute(1, 1), 9.99);
    QCOMPARE(CommissionModel().compute(100, 50), 0.0);
  }
};

QTEST_APPLESS_MAIN(tst_FillModel)
#include "tst_FillModel.moc"
