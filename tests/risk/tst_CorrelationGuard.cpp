// CorrelationGuard: pair tags, rolling correlation of aligned bar returns, seeding a late-registered pair.
#include "core/risk/CorrelationGuard.h"

#include <QtTest>

#include <cmath>

using namespace meridian;

namespace {
domain::Bar bar(domain::Timestamp ts, double close) {
  domain::Bar b;
  b.ts = ts;
  b.open = b.high = b.low = b.close = close;
  b.volume = 1;
  return b;
}
}  // namespace

class tst_CorrelationGuard : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void parsesPairTags() {
    auto p = risk::CorrelationGuard::parsePairTag("pairs:KO/PEP");
    QVERIFY(p);
    QCOMPARE(std::string(p->first), std::string("KO"));
    QCOMPARE(std::string(p->second), std::string("PEP"));
    auto live = risk::CorrelationGuard::parsePairTag("live:pairs:KO/PEP");  // a live instance's orders
    QVERIFY(live);
    QCOMPARE(std::string(live->first), std::string("KO"));
    QCOMPARE(std::string(live->second), std::string("PEP"));
    QVERIFY(!risk::CorrelationGuard::parsePairTag("momentum"));
    QVERIFY(!risk::CorrelationGuard::parsePairTag("live:sma_cross:AAPL"));
    QVERIFY(!risk::CorrelationGuard::parsePairTag("pairs:KO"));
    QVERIFY(!risk::CorrelationGuard::parsePairTag("pairs:/PEP"));
  }

  void correlatedAndAntiCorrelated() {
    risk::CorrelationGuard g(20);
    g.registerPair("A", "B");
    g.registerPair("A", "C");
    double a = 100, b = 50, c = 80;
    for (int i = 0; i < 40; ++i) {
      const double r = std::sin(i * 0.7) * 0.01;
      a *= 1 + r;
      b *= 1 + 2 * r;
      c *= 1 - r;
      g.onBar("A", bar(i, a));
      g.onBar("B", bar(i, b));
      g.onBar("C", bar(i, c));
    }
    QVERIFY(g.correlation("A", "B") > 0.99);
    QVERIFY(g.correlation("B", "A") > 0.99);  // order-independent
    QVERIFY(g.correlation("A", "C") < -0.99);
    QVERIFY(std::isnan(g.correlation("B", "C")));  // not registered
    // Registered late: seeded from the kept history at once.
    g.registerPair("B", "C");
    QVERIFY(g.correlation("B", "C") < -0.99);
  }

  void unalignedBarsAreNotPaired() {
    risk::CorrelationGuard g(5);
    g.registerPair("X", "Y");
    for (int i = 0; i < 20; ++i) {
      g.onBar("X", bar(2 * i, 100 + i));
      g.onBar("Y", bar(2 * i + 1, 100 - i));
    }
    QVERIFY(std::isnan(g.correlation("X", "Y")));
  }
};

QTEST_GUILESS_MAIN(tst_CorrelationGuard)
#include "tst_CorrelationGuard.moc"
