#include "core/domain/Types.h"

#include <QtTest>

using namespace meridian::domain;

class tst_Position : public QObject {
  Q_OBJECT
  static Fill fill(Side side, double qty, double px, double fee = 0.0) {
    Fill f;
    f.symbol = "AAPL";
    f.side = side;
    f.quantity = qty;
    f.price = px;
    f.commission = fee;
    return f;
  }
 private Q_SLOTS:
  void addingAveragesCost() {
    Position p{"AAPL"};
    p.apply(fill(Side::Buy, 100, 10.0));
    p.apply(fill(Side::Buy, 300, 14.0));
    QCOMPARE(p.quantity, 400.0);
    QCOMPARE(p.avgCost, 13.0);  // (100*10 + 300*14) / 400
    QCOMPARE(p.realizedPnl, 0.0);
  }
  void reducingRealizesAgainstAverage() {
    Position p{"AAPL"};
    p.apply(fill(Side::Buy, 200, 50.0, 1.0));
    p.apply(fill(Side::Sell, 50, 54.0, 1.0));
    QCOMPARE(p.quantity, 150.0);
    QCOMPARE(p.avgCost, 50.0);
    QCOMPARE(p.realizedPnl, 50 * 4.0 - 2.0);
    p.lastPrice = 49.0;
    QCOMPARE(p.unrealizedPnl(), -150.0);
    QCOMPARE(p.marketValue(), 150 * 49.0);
  }
  void flipThroughZeroOpensRemainderAtFillPrice() {
    Position p{"AAPL"};
    p.apply(fill(Side::Buy, 100, 20.0));
    p.apply(fill(Side::Sell, 250, 25.0));
    QCOMPARE(p.quantity, -150.0);
    QCOMPARE(p.avgCost, 25.0);
    QCOMPARE(p.realizedPnl, 500.0);
    p.apply(fill(Side::Buy, 150, 24.0));  // cover the short at a profit of 1/share
    QCOMPARE(p.quantity, 0.0);
    QCOMPARE(p.avgCost, 0.0);
    QCOMPARE(p.realizedPnl, 650.0);
  }
  void shortAddingAverages() {
    Position p{"AAPL"};
    p.apply(fill(Side::Sell, 100, 30.0));
    p.apply(fill(Side::Sell, 100, 32.0));
    QCOMPARE(p.quantity, -200.0);
    QCOMPARE(p.avgCost, 31.0);
    p.lastPrice = 29.0;
    QCOMPARE(p.unrealizedPnl(), 400.0);
  }
};

QTEST_APPLESS_MAIN(tst_Position)
#include "tst_Position.moc"
