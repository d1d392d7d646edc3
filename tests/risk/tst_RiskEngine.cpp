// RiskEngine: every rule rejects just beyond its limit with its reason and passes at the limit; kill switch;
// circuit breaker trip and manual reset; the pass path does not allocate.
#include "core/common/Config.h"
#include "core/risk/RiskEngine.h"

#include <QDateTime>
#include <QtTest>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>

#include "tests/support/AllocationCounter.h"

using namespace meridian;
using risk::RiskRule;

namespace {

domain::Timestamp utc(const char* iso) {
  return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch() * domain::kNanosPerMilli;
}
const domain::Timestamp kOpen = utc("2024-03-05T15:00:00Z");    // Tuesday 10:00 ET
const domain::Timestamp kClosed = utc("2024-03-05T22:00:00Z");  // 17:00 ET

// Every rule off: each test enables the one it exercises.
risk::RiskLimits none() {
  risk::RiskLimits l;
  l.maxOrderQty = 0;
  l.maxOrderNotional = 0;
  l.maxPositionQty = 0;
  l.maxPositionNotional = 0;
  l.maxGrossExposurePct = 0;
  l.priceBandPct = 0;
  l.maxOrdersPerWindow = 0;
  l.maxDailyLossPct = 0;
  l.maxDailyLoss = 0;
  l.drawdownPct = 0;
  l.maxPairCorrelation = 0;
  l.enforceTradingHours = false;
  return l;
}

risk::RiskState state() {
  risk::RiskState s;
  s.now = kOpen;
  s.equity = 100'000;
  s.peakEquity = 100'000;
  s.dayStartEquity = 100'000;
  s.lastPrice = 100.0;
  return s;
}

domain::Order order(domain::Side side, double qty, domain::OrderType type = domain::OrderType::Market, double limit = 0) {
  domain::Order o;
  o.clientOrderId = "MRD-t";
  o.symbol = "AAPL";
  o.side = side;
  o.quantity = qty;
  o.type = type;
  o.limitPrice = limit;
  return o;
}

}  // namespace

class tst_RiskEngine : public QObject {
  Q_OBJECT

  void expectReject(risk::RiskEngine& e, const domain::Order& o, const risk::RiskState& s, RiskRule rule,
                    const char* needle) {
    const auto d = e.check(o, s);
    QVERIFY2(!d.ok, "expected a reject");
    QCOMPARE(risk::toString(d.rule), risk::toString(rule));
    QVERIFY2(d.reason().find(needle) != std::string_view::npos, std::string(d.reason()).c_str());
  }
  void expectPass(risk::RiskEngine& e, const domain::Order& o, const risk::RiskState& s) {
    const auto d = e.check(o, s);
    QVERIFY2(d.ok, std::string(d.reason()).c_str());
  }

 private Q_SLOTS:
  void maxOrderQty() {
    auto l = none();
    l.maxOrderQty = 1000;
    risk::RiskEngine e(l);
    expectPass(e, order(domain::Side::Buy, 1000), state());
    expectReject(e, order(domain::Side::Buy, 1001), state(), RiskRule::MaxOrderQty, "1001");
  }

  void maxOrderNotional() {
    auto l = none();
    l.maxOrderNotional = 50'000;
    risk::RiskEngine e(l);
    expectPass(e, order(domain::Side::Buy, 500), state());  // 500 x 100 = 50,000
    expectReject(e, order(domain::Side::Buy, 501), state(), RiskRule::MaxOrderNotional, "50100.00");
    // Limit orders without a last price are valued at their limit.
    auto s = state();
    s.lastPrice = 0;
    expectReject(e, order(domain::Side::Buy, 400, domain::OrderType::Limit, 125.01), s, RiskRule::MaxOrderNotional, "notional");
  }

  void priceBand() {
    auto l = none();
    l.priceBandPct = 0.05;
    risk::RiskEngine e(l);
    expectPass(e, order(domain::Side::Buy, 10, domain::OrderType::Limit, 105.0), state());
    expectPass(e, order(domain::Side::Sell, 10, domain::OrderType::Limit, 95.0), state());
    expectReject(e, order(domain::Side::Buy, 10, domain::OrderType::Limit, 105.01), state(), RiskRule::PriceBand, "away from last");
    expectReject(e, order(domain::Side::Sell, 10, domain::OrderType::Limit, 94.99), state(), RiskRule::PriceBand, "band 5.00%");
    auto stop = order(domain::Side::Sell, 10, domain::OrderType::Stop);
    stop.stopPrice = 80.0;
    expectReject(e, stop, state(), RiskRule::PriceBand, "80.0000");
  }

  void maxPositionPerSymbol() {
    auto l = none();
    l.maxPositionQty = 1000;
    risk::RiskEngine e(l);
    auto s = state();
    s.positionQty = 900;
    expectPass(e, order(domain::Side::Buy, 100), s);
    expectReject(e, order(domain::Side::Buy, 101), s, RiskRule::MaxPosition, "1001");
    // Working orders on the same side count.
    s.positionQty = 0;
    s.workingBuyQty = 900;
    expectReject(e, order(domain::Side::Buy, 101), s, RiskRule::MaxPosition, "AAPL");
    // Reducing is always allowed.
    s.workingBuyQty = 0;
    s.positionQty = 5000;
    expectPass(e, order(domain::Side::Sell, 5000), s);
    // Short side.
    s.positionQty = -900;
    expectReject(e, order(domain::Side::Sell, 101), s, RiskRule::MaxPosition, "-1001");
    // An opposite order larger than the position flips it: only the part beyond flat is new risk, and it counts.
    s.positionQty = 900;
    expectPass(e, order(domain::Side::Sell, 1900), s);  // 900 -> -1000
    expectReject(e, order(domain::Side::Sell, 1901), s, RiskRule::MaxPosition, "-1001");
  }

  void maxPositionNotional() {
    // The share limit is off: only the dollar limit per symbol can reject here.
    auto l = none();
    l.maxPositionNotional = 100'000;
    risk::RiskEngine e(l);
    auto s = state();  // last 100
    s.positionQty = 900;
    expectPass(e, order(domain::Side::Buy, 100), s);  // 1,000 x 100 = 100,000: at the limit
    expectReject(e, order(domain::Side::Buy, 101), s, RiskRule::MaxPosition, "would be $100100.00 (max $100000.00)");
    // Working orders on the same side count.
    s.positionQty = 0;
    s.workingBuyQty = 950;
    expectPass(e, order(domain::Side::Buy, 50), s);
    expectReject(e, order(domain::Side::Buy, 51), s, RiskRule::MaxPosition, "$100100.00");
    // Short side: |position| x price.
    s.workingBuyQty = 0;
    s.positionQty = -990;
    expectPass(e, order(domain::Side::Sell, 10), s);
    expectReject(e, order(domain::Side::Sell, 11), s, RiskRule::MaxPosition, "$100100.00");
    // Without a last price the order is valued at its limit: 500 x 200.01 = 100,005.
    s = state();
    s.lastPrice = 0;
    expectPass(e, order(domain::Side::Buy, 500, domain::OrderType::Limit, 200.0), s);
    expectReject(e, order(domain::Side::Buy, 500, domain::OrderType::Limit, 200.01), s, RiskRule::MaxPosition, "$100005.00");
    // Reducing a position larger than the limit is allowed.
    s = state();
    s.positionQty = 5000;
    expectPass(e, order(domain::Side::Sell, 5000), s);
    // Off (0): nothing rejects.
    risk::RiskEngine off(none());
    s.positionQty = 1e6;
    expectPass(off, order(domain::Side::Buy, 1000), s);
  }

  void trailingStopNeedsATrailPercentBetweenZeroAndHundred() {
    risk::RiskEngine e(none());
    auto t = order(domain::Side::Sell, 10, domain::OrderType::TrailingStop);
    for (double bad : {0.0, -1.0, 100.0, 150.0, std::nan("")}) {
      t.trailPercent = bad;
      expectReject(e, t, state(), RiskRule::InvalidOrder, "trailing stop needs a trail percent in (0, 100)");
    }
    for (double good : {0.01, 2.5, 99.99}) {
      t.trailPercent = good;
      expectPass(e, t, state());
    }
    // The other stop types need their prices.
    auto stop = order(domain::Side::Sell, 10, domain::OrderType::Stop);
    expectReject(e, stop, state(), RiskRule::InvalidOrder, "stop order needs a stop price > 0");
    auto stopLimit = order(domain::Side::Sell, 10, domain::OrderType::StopLimit, 99.0);
    expectReject(e, stopLimit, state(), RiskRule::InvalidOrder, "stop price");
    stopLimit.stopPrice = 99.5;
    expectPass(e, stopLimit, state());
  }

  void maxGrossExposure() {
    auto l = none();
    l.maxGrossExposurePct = 0.80;
    risk::RiskEngine e(l);
    auto s = state();
    s.grossExposure = 70'000;
    expectPass(e, order(domain::Side::Buy, 100), s);  // 80,000 = 80 % of 100,000
    expectReject(e, order(domain::Side::Buy, 101), s, RiskRule::MaxGrossExposure, "80% of equity");
  }

  void dailyLoss() {
    auto l = none();
    l.maxDailyLossPct = 0.02;
    risk::RiskEngine e(l);
    auto s = state();
    s.equity = 98'000;
    expectPass(e, order(domain::Side::Buy, 1), s);
    s.equity = 97'999;
    expectReject(e, order(domain::Side::Buy, 1), s, RiskRule::DailyLoss, "daily loss $2001.00");
    s.positionQty = 10;  // a reducing order still passes
    expectPass(e, order(domain::Side::Sell, 10), s);
    expectReject(e, order(domain::Side::Sell, 11), s, RiskRule::DailyLoss, "daily loss");  // flipping does not
    auto abs = none();
    abs.maxDailyLoss = 500;
    risk::RiskEngine e2(abs);
    s = state();
    s.equity = 99'500;
    expectPass(e2, order(domain::Side::Buy, 1), s);
    s.equity = 99'499;
    expectReject(e2, order(domain::Side::Buy, 1), s, RiskRule::DailyLoss, "$500.00");
  }

  void circuitBreakerTripsAndNeedsManualReset() {
    auto l = none();
    l.drawdownPct = 0.05;
    risk::RiskEngine e(l);
    auto s = state();
    s.equity = 95'000;  // exactly 5 % below the peak: still fine
    QVERIFY(!e.updateEquity(s.equity, s.peakEquity));
    expectPass(e, order(domain::Side::Buy, 1), s);
    s.equity = 94'999;
    expectReject(e, order(domain::Side::Buy, 1), s, RiskRule::CircuitBreaker, "manual reset");
    QVERIFY(e.circuitBreakerTripped());
    s.equity = 100'000;  // recovery does not reset it
    expectReject(e, order(domain::Side::Buy, 1), s, RiskRule::CircuitBreaker, "94999.00");
    s.positionQty = 10;
    expectPass(e, order(domain::Side::Sell, 5), s);  // reducing passes
    e.resetCircuitBreaker();
    QVERIFY(!e.circuitBreakerTripped());
    expectPass(e, order(domain::Side::Buy, 1), state());
    // updateEquity trips it without any order.
    QVERIFY(e.updateEquity(90'000, 100'000));
    QVERIFY(!e.updateEquity(80'000, 100'000));  // already tripped
  }

  void correlationGuardForPairs() {
    auto l = none();
    l.maxPairCorrelation = 0.85;
    risk::RiskEngine e(l);
    auto s = state();
    s.pairsLeg = true;
    s.pairCorrelation = 0.85;
    expectPass(e, order(domain::Side::Buy, 1), s);
    s.pairCorrelation = 0.8501;
    expectReject(e, order(domain::Side::Buy, 1), s, RiskRule::Correlation, "0.850");
    s.pairCorrelation = -0.9;
    expectReject(e, order(domain::Side::Buy, 1), s, RiskRule::Correlation, "|r| = 0.900");
    s.pairCorrelation = std::nan("");
    expectPass(e, order(domain::Side::Buy, 1), s);
    s.pairsLeg = false;
    s.pairCorrelation = 0.99;
    expectPass(e, order(domain::Side::Buy, 1), s);  // not a pairs leg
  }

  void orderRateLimit() {
    auto l = none();
    l.maxOrdersPerWindow = 3;
    l.rateWindow = domain::kNanosPerSecond;
    risk::RiskEngine e(l);
    auto s = state();
    for (int i = 0; i < 3; ++i) {
      s.now = kOpen + i * domain::kNanosPerMilli;
      expectPass(e, order(domain::Side::Buy, 1), s);
    }
    s.now = kOpen + 999 * domain::kNanosPerMilli;
    expectReject(e, order(domain::Side::Buy, 1), s, RiskRule::RateLimit, "more than 3 orders in 1000 ms");
    s.now = kOpen + domain::kNanosPerSecond;  // the first order left the window
    expectPass(e, order(domain::Side::Buy, 1), s);
    QCOMPARE(e.ordersInWindow(s.now), std::size_t(3));
  }

  // Settings > Save changes limits of a running engine: values are checked, applied on top of those in force, and the
  // orders already counted in the rate window stay counted unless the window's size changed.
  void limitsChangeWhileRunning() {
    QCOMPARE(risk::RiskLimits::checkSetting("risk.max_order_qty", "5000"), std::string());
    QCOMPARE(risk::RiskLimits::checkSetting("risk.trading_hours", " Off "), std::string());
    QCOMPARE(risk::RiskLimits::checkSetting("risk.max_orders", "5"), std::string("risk.max_orders is not a risk limit"));
    QCOMPARE(risk::RiskLimits::checkSetting("risk.max_order_qty", "5k"), std::string("risk.max_order_qty: '5k' is not a number"));
    QCOMPARE(risk::RiskLimits::checkSetting("risk.max_order_qty", "inf"), std::string("risk.max_order_qty: 'inf' is not a number"));
    QCOMPARE(risk::RiskLimits::checkSetting("risk.max_daily_loss", "-1"), std::string("risk.max_daily_loss: -1 is negative"));
    QCOMPARE(risk::RiskLimits::checkSetting("risk.price_band_pct", "5"), std::string("risk.price_band_pct: 5 is a fraction, at most 1"));
    QCOMPARE(risk::RiskLimits::checkSetting("risk.max_orders_per_window", "2.5"),
             std::string("risk.max_orders_per_window: 2.5 is not a whole number"));
    QCOMPARE(risk::RiskLimits::checkSetting("risk.trading_hours", "maybe"), std::string("risk.trading_hours: 'maybe' is not true or false"));

    auto base = none();
    base.maxOrderQty = 100;
    base.maxOrdersPerWindow = 2;
    common::Config overrides;
    overrides.set("risk.max_order_qty", "5");
    const auto changed = risk::RiskLimits::fromConfig(overrides, base);
    QCOMPARE(changed.maxOrderQty, 5.0);
    QCOMPARE(changed.maxOrdersPerWindow, 2);              // not listed: kept from the base, not the default 20
    QCOMPARE(changed.priceBandPct, base.priceBandPct);
    common::Config cleared;  // a field emptied in Settings: back to the built-in default
    cleared.set("risk.max_order_qty", " ");
    QCOMPARE(risk::RiskLimits::checkSetting("risk.max_order_qty", " "), std::string());
    QCOMPARE(risk::RiskLimits::fromConfig(cleared, base).maxOrderQty, risk::RiskLimits{}.maxOrderQty);
    QCOMPARE(risk::RiskLimits::fromConfig(cleared, base).maxOrdersPerWindow, 2);

    risk::RiskEngine e(base);
    auto s = state();
    expectPass(e, order(domain::Side::Buy, 1), s);
    e.setLimits(changed);
    expectReject(e, order(domain::Side::Buy, 6), s, RiskRule::MaxOrderQty, "quantity 6 exceeds the max order quantity 5");
    expectPass(e, order(domain::Side::Buy, 5), s);
    expectReject(e, order(domain::Side::Buy, 1), s, RiskRule::RateLimit, "more than 2 orders");  // the first still counts
  }

  void tradingHours() {
    auto l = none();
    l.enforceTradingHours = true;
    risk::RiskEngine e(l);
    expectPass(e, order(domain::Side::Buy, 1), state());
    auto s = state();
    s.now = kClosed;
    expectReject(e, order(domain::Side::Buy, 1), s, RiskRule::TradingHours, "NYSE is closed");
    s.now = utc("2024-07-04T15:00:00Z");  // Independence Day
    expectReject(e, order(domain::Side::Buy, 1), s, RiskRule::TradingHours, "closed");
  }

  void killSwitchBlocksEverythingUntilReset() {
    risk::RiskEngine e(none());
    e.engageKillSwitch("hotkey");
    QVERIFY(e.killSwitchEngaged());
    expectReject(e, order(domain::Side::Buy, 1), state(), RiskRule::KillSwitch, "hotkey");
    auto s = state();
    s.positionQty = 10;
    expectReject(e, order(domain::Side::Sell, 10), s, RiskRule::KillSwitch, "blocked");  // even reducing
    e.resetKillSwitch();
    expectPass(e, order(domain::Side::Buy, 1), state());
  }

  void invalidOrdersAndMissingPrice() {
    risk::RiskEngine e(none());
    expectReject(e, order(domain::Side::Buy, 0), state(), RiskRule::InvalidOrder, "quantity");
    expectReject(e, order(domain::Side::Buy, 1, domain::OrderType::Limit, 0), state(), RiskRule::InvalidOrder, "limit price");
    auto s = state();
    s.lastPrice = 0;
    expectReject(e, order(domain::Side::Buy, 1), s, RiskRule::NoReferencePrice, "no last price for AAPL");
  }

  void defaultsMatchTheIssue() {
    risk::RiskLimits l;
    QCOMPARE(l.maxGrossExposurePct, 0.80);
    QCOMPARE(l.drawdownPct, 0.05);
    QCOMPARE(l.maxPairCorrelation, 0.85);
    QVERIFY(l.enforceTradingHours);
  }

  void passingCheckDoesNotAllocate() {
    if (!meridian::test::kCountsAllocations) QSKIP("ThreadSanitizer replaces operator new: allocations are counted in the other builds");
    risk::RiskEngine e;  // defaults: every rule on
    auto s = state();
    s.pairsLeg = true;
    s.pairCorrelation = 0.5;
    const auto o = order(domain::Side::Buy, 10, domain::OrderType::Limit, 100.5);
    (void)e.check(o, s);  // warm-up (calendar instance)
    const long before = meridian::test::allocations();
    for (int i = 0; i < 1000; ++i) {
      s.now = kOpen + i * domain::kNanosPerSecond;
      const auto d = e.check(o, s);
      QVERIFY(d.ok);
    }
    QCOMPARE(meridian::test::allocations() - before, 0L);
  }
};

QTEST_GUILESS_MAIN(tst_RiskEngine)
#include "tst_RiskEngine.moc"
