#include "core/backtest/Portfolio.h"

#include <QtTest>

using namespace meridian;
using namespace meridian::backtest;
using domain::Side;

class tst_Portfolio : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void roundTripAndCash() {
    const std::string syms[] = {"AAA"};
    Portfolio p(10'000, syms);
    p.apply(0, Side::Buy, 100, 10.0, 1.0, 1, 0);
    p.apply(0, Side::Buy, 100, 12.0, 1.0, 2, 1);  // avg 11
    QCOMPARE(p.position(0).avgCost, 11.0);
    QCOMPARE(p.cash(), 10'000.0 - 1000 - 1 - 1200 - 1);
    p.mark(0, 13.0);
    QCOMPARE(p.equity(), p.cash() + 200 * 13.0);
    QCOMPARE(p.grossExposure(), 2600.0);
    p.apply(0, Side::Sell, 50, 13.0, 1.0, 3, 2);  // partial exit: trade stays open
    QVERIFY(p.trades().empty());
    p.apply(0, Side::Sell, 150, 14.0, 1.0, 4, 5);
    QCOMPARE(p.trades().size(), std::size_t(1));
    const auto& t = p.trades()[0];
    QVERIFY(t.side == Side::Buy);
    QCOMPARE(t.quantity, 200.0);
    QCOMPARE(t.entryPrice, 11.0);
    QCOMPARE(t.exitPrice, (50 * 13.0 + 150 * 14.0) / 200.0);
    QCOMPARE(t.pnl, 50 * 2.0 + 150 * 3.0 - 4.0);
    QCOMPARE(t.commission, 4.0);
    QCOMPARE(t.entryTs, domain::Timestamp(1));
    QCOMPARE(t.exitTs, domain::Timestamp(4));
    QCOMPARE(t.barsHeld, std::int64_t(5));
    QCOMPARE(p.cash(), 10'000.0 + t.pnl);
  }
  void reversalClosesOneTradeAndOpensTheNext() {
    const std::string syms[] = {"AAA", "BBB"};
    Portfolio p(1'000, syms);
    p.apply(1, Side::Buy, 10, 50.0, 0.0, 1, 0);
    p.apply(1, Side::Sell, 30, 60.0, 3.0, 2, 1);  // closes 10 (fee 1.00), opens 20 short (fee 2.00)
    QCOMPARE(p.trades().size(), std::size_t(1));
    QCOMPARE(p.trades()[0].pnl, 100.0 - 1.0);
    QCOMPARE(p.trades()[0].symbol, std::string("BBB"));
    QCOMPARE(p.position(1).quantity, -20.0);
    QCOMPARE(p.position(1).avgCost, 60.0);
    p.apply(1, Side::Buy, 20, 55.0, 0.0, 3, 4);
    QCOMPARE(p.trades().size(), std::size_t(2));
    const auto& s = p.trades()[1];
    QVERIFY(s.side == Side::Sell);
    QCOMPARE(s.quantity, 20.0);
    QCOMPARE(s.pnl, 20 * 5.0 - 2.0);
    QCOMPARE(s.entryTs, domain::Timestamp(2));
    QCOMPARE(p.cash(), 1'000.0 + 99.0 + 98.0);
    QCOMPARE(p.position(0).quantity, 0.0);
  }
};

QTEST_APPLESS_MAIN(tst_Portfolio)
#include "tst_Portfolio.moc"
