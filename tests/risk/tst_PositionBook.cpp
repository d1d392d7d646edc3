// PositionBook: average cost, realized / unrealized P&L per symbol and strategy, cash, equity, day P&L, peak,
// buying power, restore from journaled positions.
#include "core/risk/PositionBook.h"

#include <QtTest>

using namespace meridian;

namespace {
domain::Fill fill(const char* id, const char* sym, domain::Side side, double qty, double px, double comm = 0,
                  const char* strategy = "") {
  domain::Fill f;
  f.fillId = id;
  f.clientOrderId = std::string("order-1");
  f.symbol = sym;
  f.side = side;
  f.quantity = qty;
  f.price = px;
  f.commission = comm;
  f.strategyId = strategy;
  f.ts = 1;
  return f;
}
}  // namespace

class tst_PositionBook : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void averageCostAndPnl() {
    risk::PositionBook b(10'000);
    b.startDay();
    QCOMPARE(b.equity(), 10'000.0);
    b.apply(fill("1", "AAPL", domain::Side::Buy, 10, 100, 1.0, "s1"));
    b.apply(fill("2", "AAPL", domain::Side::Buy, 10, 110, 1.0, "s1"));
    QCOMPARE(b.positionQty("AAPL"), 20.0);
    QCOMPARE(b.cash(), 10'000.0 - 1000 - 1100 - 2.0);
    b.mark("AAPL", 120);
    const auto& t = b.totals();
    QCOMPARE(t.unrealizedPnl, 20 * (120.0 - 105.0));
    QCOMPARE(t.equity, b.cash() + 20 * 120.0);
    QCOMPARE(t.dayPnl, t.equity - 10'000.0);
    b.apply(fill("3", "AAPL", domain::Side::Sell, 5, 130, 1.0, "s1"));
    const auto rows = b.positions();
    QCOMPARE(rows.size(), std::size_t(1));
    QCOMPARE(rows[0].avgCost, 105.0);
    QCOMPARE(rows[0].realizedPnl, 5 * 25.0 - 3.0);
    QCOMPARE(b.totals().grossExposure, 15 * 130.0);
  }

  void perStrategyAndSymbol() {
    risk::PositionBook b(0);
    b.apply(fill("1", "MSFT", domain::Side::Buy, 10, 100, 0, "a"));
    b.apply(fill("2", "MSFT", domain::Side::Sell, 4, 100, 0, "b"));
    b.apply(fill("3", "KO", domain::Side::Sell, 10, 50, 0, "a"));
    QCOMPARE(b.positions().size(), std::size_t(3));
    QCOMPARE(b.positionQty("MSFT"), 6.0);
    const auto sym = b.symbolPositions();
    QCOMPARE(sym.size(), std::size_t(2));
    QCOMPARE(sym[0].symbol, std::string("KO"));
    b.mark("MSFT", 110);
    b.mark("KO", 45);
    const auto strat = b.strategyPnl();
    QCOMPARE(strat.size(), std::size_t(2));
    QCOMPARE(strat[0].strategyId, std::string("a"));
    QCOMPARE(strat[0].unrealizedPnl, 10 * 10.0 + (-10) * (45.0 - 50.0));
    QCOMPARE(strat[1].unrealizedPnl, -4 * 10.0);
  }

  void peakAndBuyingPower() {
    risk::PositionBook b(100'000);
    b.startDay();
    b.apply(fill("1", "SPY", domain::Side::Buy, 100, 500));
    b.mark("SPY", 520);
    b.updatePeak();
    QCOMPARE(b.totals().peakEquity, 102'000.0);
    b.mark("SPY", 480);
    b.updatePeak();
    QCOMPARE(b.totals().peakEquity, 102'000.0);
    QCOMPARE(b.buyingPower(), 98'000.0 - 48'000.0);
    QCOMPARE(b.buyingPower(2.0), 2 * 98'000.0 - 48'000.0);
    b.resetPeak();
    QCOMPARE(b.totals().peakEquity, 98'000.0);
    QVERIFY(!b.mark("SPY", 0.0));
  }

  void restoreFromJournal() {
    domain::Position p;
    p.symbol = "NVDA";
    p.quantity = 5;
    p.avgCost = 100.0;
    p.realizedPnl = 20.0;
    p.lastPrice = 110.0;
    risk::PositionBook b;
    b.restore({p}, 10'000);
    // 10,000 + 20 realized - 500 cost
    QCOMPARE(b.cash(), 9'520.0);
    QCOMPARE(b.equity(), 9'520.0 + 5 * 110.0);
    QCOMPARE(b.lastPrice("NVDA"), 110.0);
  }
};

QTEST_GUILESS_MAIN(tst_PositionBook)
#include "tst_PositionBook.moc"
