// SimOrderBook directly (the order book shared by BacktestEngine and LiveStrategyHost): next-bar market fills with
// the fill model's slippage and commission, limit / stop eligibility, several working orders sharing the volume
// cap, time in force, rejections at submit and at fill time, cash / positions / trade records after fills,
// liquidation, end of data, orders placed from a fill callback, and no allocation per bar.
// Expected values are computed here from the bars and the configuration, not copied from a run.
#include "core/backtest/SimOrderBook.h"

#include <QtTest>

#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "tests/support/AllocationCounter.h"

using namespace meridian;
using namespace meridian::backtest;
using namespace meridian::strategy;
using domain::OrderStatus;
using domain::OrderType;
using domain::Side;
using domain::TimeInForce;

namespace {

domain::Bar bar(int day, double o, double h, double l, double c, double volume = 1'000'000) {
  domain::Bar b;
  b.ts = domain::Timestamp(day) * domain::kNanosPerDay;
  b.open = o;
  b.high = h;
  b.low = l;
  b.close = c;
  b.volume = volume;
  return b;
}

OrderRequest req(Side side, double qty, OrderType type = OrderType::Market, double limit = 0, double stop = 0,
                 TimeInForce tif = TimeInForce::Gtc, std::uint32_t instrument = 0) {
  OrderRequest r;
  r.instrument = instrument;
  r.side = side;
  r.quantity = qty;
  r.type = type;
  r.limitPrice = limit;
  r.stopPrice = stop;
  r.tif = tif;
  return r;
}

struct Update {
  OrderId id;
  OrderStatus status;
  std::string reason;
};

// Records what the book reports to the strategy.
class Recorder final : public IStrategy {
 public:
  std::vector<FillEvent> fills;
  std::vector<Update> updates;
  std::function<void(StrategyContext&, const FillEvent&)> fillHook;
  std::string_view name() const override { return "recorder"; }
  void onBar(StrategyContext&, const BarSlice&) override {}
  void onFill(StrategyContext& ctx, const FillEvent& f) override {
    fills.push_back(f);
    if (fillHook) fillHook(ctx, f);
  }
  void onOrderUpdate(StrategyContext&, const OrderUpdate& u) override {
    updates.push_back({u.orderId, u.status, std::string(u.reason)});
  }
};

// A minimal host: the context a strategy would see, forwarding orders to the book, and the engine's per-bar order
// (beginBar, matchWorking, markToClose).
class Host final : public StrategyContext {
 public:
  explicit Host(const SimOrderBookConfig& cfg, std::vector<std::string> symbols = {"SYM"})
      : m_symbols(std::move(symbols)), book(cfg, m_symbols, strategy, *this) {}

  void step(std::size_t t, std::span<const domain::Bar> bars, bool accepting = true) {
    book.beginBar(t, bars[0].ts, bars, accepting);
    book.matchWorking();
    book.markToClose();
  }

  domain::Timestamp now() const override { return book.now(); }
  std::size_t instrumentCount() const override { return m_symbols.size(); }
  std::string_view symbol(std::size_t i) const override { return m_symbols[i]; }
  double position(std::size_t i) const override { return book.portfolio().position(i).quantity; }
  double cash() const override { return book.portfolio().cash(); }
  double equity() const override { return book.portfolio().equity(); }
  double defaultQuantity(std::size_t, double) const override { return 1; }
  OrderId submit(const OrderRequest& r) override { return book.submit(r); }
  bool cancel(OrderId id) override { return book.cancel(id); }
  std::size_t openOrders() const override { return book.openOrders(); }
  void scheduleTimer(domain::Timestamp, std::uint32_t) override {}

 private:
  std::vector<std::string> m_symbols;

 public:
  Recorder strategy;
  SimOrderBook book;
};

}  // namespace

class tst_SimOrderBook : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void marketOrderFillsAtTheNextOpenWithSlippageAndCommission() {
    SimOrderBookConfig cfg;
    cfg.initialCash = 10'000;
    cfg.fill.slippageBps = 10;
    cfg.fill.commission = CommissionModel::perShare(0.01, 1.0);  // 50 x 0.01 = 0.5 -> the $1 minimum applies
    cfg.recordFills = true;
    Host h(cfg);
    const domain::Bar b[] = {bar(1, 100, 101, 99, 100), bar(2, 102, 104, 101, 103), bar(3, 105, 107, 104, 106)};
    const double slip = 10 * 1e-4;

    h.step(0, {&b[0], 1});
    const OrderId buy = h.submit(req(Side::Buy, 50));
    QVERIFY(buy != kNoOrder);
    QCOMPARE(h.openOrders(), std::size_t(1));
    QCOMPARE(h.book.workingDelta(0), 50.0);
    h.book.matchWorking();  // the signal bar again: never fills there (no look-ahead)
    QVERIFY(h.strategy.fills.empty());

    h.step(1, {&b[1], 1});
    QCOMPARE(h.strategy.fills.size(), std::size_t(1));
    const double buyPx = b[1].open * (1 + slip);
    const FillEvent& f = h.strategy.fills[0];
    QCOMPARE(f.orderId, buy);
    QVERIFY(f.side == Side::Buy);
    QCOMPARE(f.quantity, 50.0);
    QCOMPARE(f.price, buyPx);
    QCOMPARE(f.commission, 1.0);
    QCOMPARE(f.ts, b[1].ts);
    QVERIFY(f.orderDone);
    QCOMPARE(h.openOrders(), std::size_t(0));
    QCOMPARE(h.book.workingDelta(0), 0.0);
    QCOMPARE(h.cash(), 10'000 - 50 * buyPx - 1.0);
    QCOMPARE(h.position(0), 50.0);
    QCOMPARE(h.book.portfolio().position(0).avgCost, buyPx);
    QCOMPARE(h.equity(), h.cash() + 50 * b[1].close);  // marked at the close after the fill

    const OrderId sell = h.submit(req(Side::Sell, 50));
    h.step(2, {&b[2], 1});
    const double sellPx = b[2].open * (1 - slip);
    QCOMPARE(h.strategy.fills.size(), std::size_t(2));
    QCOMPARE(h.strategy.fills[1].price, sellPx);
    QCOMPARE(h.position(0), 0.0);
    QCOMPARE(h.cash(), 10'000 - 50 * buyPx - 1.0 + 50 * sellPx - 1.0);

    const auto& trades = h.book.portfolio().trades();
    QCOMPARE(trades.size(), std::size_t(1));
    QCOMPARE(trades[0].symbol, std::string("SYM"));
    QVERIFY(trades[0].side == Side::Buy);
    QCOMPARE(trades[0].quantity, 50.0);
    QCOMPARE(trades[0].entryPrice, buyPx);
    QCOMPARE(trades[0].exitPrice, sellPx);
    QCOMPARE(trades[0].commission, 2.0);
    QCOMPARE(trades[0].pnl, 50 * (sellPx - buyPx) - 2.0);
    QCOMPARE(trades[0].entryTs, b[1].ts);
    QCOMPARE(trades[0].exitTs, b[2].ts);
    QCOMPARE(trades[0].barsHeld, std::int64_t(1));

    QCOMPARE(h.book.fills().size(), std::size_t(2));
    const FillRecord expected{sell, 0, Side::Sell, 50.0, sellPx, 1.0, b[2].ts};
    QCOMPARE(h.book.fills()[1], expected);
    const OrderCounts& c = h.book.counts();
    QCOMPARE(c.submitted, std::int64_t(2));
    QCOMPARE(c.filled, std::int64_t(2));
    QCOMPARE(c.fills, std::int64_t(2));
    QCOMPARE(c.rejected + c.cancelled + c.expired, std::int64_t(0));
  }

  void limitAndStopOrdersFillWhenTheBarReachesThem() {
    SimOrderBookConfig cfg;
    cfg.fill.slippageBps = 20;
    Host h(cfg);
    const double s = 20 * 1e-4;
    const domain::Bar b[] = {bar(1, 100, 101, 99, 100), bar(2, 100, 103, 96, 101), bar(3, 95, 96, 90, 94)};

    h.step(0, {&b[0], 1});
    const OrderId limit97 = h.submit(req(Side::Buy, 10, OrderType::Limit, 97));   // low 96 reaches it on bar 1
    const OrderId limit95 = h.submit(req(Side::Buy, 10, OrderType::Limit, 95));   // not on bar 1; bar 2 opens at it
    const OrderId stop102 = h.submit(req(Side::Buy, 10, OrderType::Stop, 0, 102));  // high 103 triggers on bar 1
    const OrderId stop98 = h.submit(req(Side::Sell, 10, OrderType::Stop, 0, 98));   // low 96 triggers on bar 1
    const OrderId far = h.submit(req(Side::Sell, 10, OrderType::Limit, 200));       // never reached
    QCOMPARE(h.openOrders(), std::size_t(5));  // several orders work at once

    h.step(1, {&b[1], 1});
    const auto& f = h.strategy.fills;
    QCOMPARE(f.size(), std::size_t(3));  // in submission order
    QCOMPARE(f[0].orderId, limit97);
    QCOMPARE(f[0].price, 97.0);  // slippage never beyond the limit
    QCOMPARE(f[1].orderId, stop102);
    QCOMPARE(f[1].price, 102 * (1 + s));
    QCOMPARE(f[2].orderId, stop98);
    QCOMPARE(f[2].price, 98 * (1 - s));
    QCOMPARE(h.openOrders(), std::size_t(2));

    const OrderId stop97 = h.submit(req(Side::Sell, 10, OrderType::Stop, 0, 97));
    h.step(2, {&b[2], 1});
    QCOMPARE(f.size(), std::size_t(5));
    QCOMPARE(f[3].orderId, limit95);
    QCOMPARE(f[3].price, b[2].open);  // opened at the limit: the open, slippage capped at the limit
    QCOMPARE(f[4].orderId, stop97);
    QCOMPARE(f[4].price, b[2].open * (1 - s));  // gapped through the stop: the (worse) open
    QCOMPARE(h.position(0), 10.0 + 10 - 10 + 10 - 10);

    QCOMPARE(h.openOrders(), std::size_t(1));
    QVERIFY(h.cancel(far));
    QVERIFY(!h.cancel(far));       // already terminal
    QVERIFY(!h.cancel(limit97));   // filled
    QVERIFY(!h.cancel(999));       // unknown
    QVERIFY(h.strategy.updates.empty());  // a cancel the strategy asked for is not reported back
    QCOMPARE(h.openOrders(), std::size_t(0));
    QCOMPARE(h.book.counts().cancelled, std::int64_t(1));
  }

  void workingOrdersShareTheVolumeCapAndTimeInForce() {
    SimOrderBookConfig cfg;
    cfg.fill.maxParticipation = 0.1;
    Host h(cfg);
    const double volume = 1000;
    const double cap = std::floor(0.1 * volume);
    const domain::Bar b[] = {bar(1, 100, 101, 99, 100, volume), bar(2, 100, 101, 99, 100, volume),
                             bar(3, 100, 101, 99, 100, volume)};

    h.step(0, {&b[0], 1});
    const OrderId a = h.submit(req(Side::Buy, 80));
    const OrderId bOrder = h.submit(req(Side::Buy, 50));
    const OrderId ioc = h.submit(req(Side::Buy, 30, OrderType::Market, 0, 0, TimeInForce::Ioc));
    const OrderId fok = h.submit(req(Side::Buy, 200, OrderType::Market, 0, 0, TimeInForce::Fok));
    const OrderId day = h.submit(req(Side::Buy, 10, OrderType::Limit, 50, 0, TimeInForce::Day));
    QCOMPARE(h.book.workingDelta(0), 80.0 + 50 + 30 + 200 + 10);

    h.step(1, {&b[1], 1});
    const auto& f = h.strategy.fills;
    QCOMPARE(f.size(), std::size_t(2));
    QCOMPARE(f[0].orderId, a);
    QCOMPARE(f[0].quantity, 80.0);
    QVERIFY(f[0].orderDone);
    QCOMPARE(f[1].orderId, bOrder);
    QCOMPARE(f[1].quantity, cap - 80);  // what the cap leaves on this bar
    QVERIFY(!f[1].orderDone);
    const auto& u = h.strategy.updates;
    QCOMPARE(u.size(), std::size_t(3));
    QCOMPARE(u[0].id, ioc);
    QVERIFY(u[0].status == OrderStatus::Cancelled);
    QCOMPARE(u[0].reason, std::string("immediate-or-cancel remainder"));
    QCOMPARE(u[1].id, fok);
    QVERIFY(u[1].status == OrderStatus::Cancelled);
    QCOMPARE(u[1].reason, std::string("fill-or-kill: not enough volume"));
    QCOMPARE(u[2].id, day);
    QVERIFY(u[2].status == OrderStatus::Expired);
    QCOMPARE(h.openOrders(), std::size_t(1));
    QCOMPARE(h.book.workingDelta(0), 50 - (cap - 80));

    h.step(2, {&b[2], 1});
    QCOMPARE(f.size(), std::size_t(3));
    QCOMPARE(f[2].orderId, bOrder);
    QCOMPARE(f[2].quantity, 50 - (cap - 80));
    QVERIFY(f[2].orderDone);
    QCOMPARE(h.position(0), 130.0);
    const OrderCounts& c = h.book.counts();
    QCOMPARE(c.submitted, std::int64_t(5));
    QCOMPARE(c.filled, std::int64_t(2));
    QCOMPARE(c.fills, std::int64_t(3));
    QCOMPARE(c.cancelled, std::int64_t(2));
    QCOMPARE(c.expired, std::int64_t(1));
  }

  void rejectsBadRequestsAtSubmit() {
    Host h(SimOrderBookConfig{});
    const domain::Bar b[] = {bar(1, 100, 101, 99, 100), bar(2, 100, 101, 99, 100)};
    h.step(0, {&b[0], 1});
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    OrderRequest trailing = req(Side::Sell, 10, OrderType::TrailingStop);  // trailPercent 0
    const OrderRequest bad[] = {
        req(Side::Buy, 10, OrderType::Market, 0, 0, TimeInForce::Gtc, 1),  // instrument 1 of 1
        req(Side::Buy, 0),
        req(Side::Buy, -5),
        req(Side::Buy, nan),
        req(Side::Buy, inf),
        req(Side::Buy, 10, OrderType::Limit, 0),           // limit without a limit price
        req(Side::Buy, 10, OrderType::Stop, 0, 0),         // stop without a stop price
        req(Side::Buy, 10, OrderType::StopLimit, 101, 0),  // stop limit without the stop
        req(Side::Buy, 10, OrderType::StopLimit, 0, 101),  // stop limit without the limit
        trailing,
    };
    for (const auto& r : bad) QCOMPARE(h.submit(r), kNoOrder);
    QCOMPARE(h.openOrders(), std::size_t(0));
    QCOMPARE(h.book.counts().rejected, std::int64_t(std::size(bad)));
    QCOMPARE(h.book.counts().submitted, std::int64_t(std::size(bad)));

    // Not accepting (warm-up): a valid order is refused too.
    h.step(1, {&b[1], 1}, false);
    QCOMPARE(h.submit(req(Side::Buy, 10)), kNoOrder);
    QCOMPARE(h.book.counts().rejected, std::int64_t(std::size(bad) + 1));
    QVERIFY(h.strategy.updates.empty());  // immediate rejections answer through kNoOrder, not a callback
    QVERIFY(h.strategy.fills.empty());
    QCOMPARE(h.cash(), SimOrderBookConfig{}.initialCash);

    trailing.trailPercent = 5;
    h.book.beginBar(1, b[1].ts, {&b[1], 1}, true);
    QVERIFY(h.submit(trailing) != kNoOrder);
  }

  void rejectsShortSalesAndMissingCashAtFillTime() {
    SimOrderBookConfig cfg;
    cfg.initialCash = 1000;
    cfg.allowShort = false;
    cfg.allowMargin = false;
    cfg.fill.commission = CommissionModel::fixed(5);
    Host h(cfg);
    const domain::Bar b[] = {bar(1, 100, 101, 99, 100), bar(2, 100, 101, 99, 100), bar(3, 110, 111, 109, 110)};

    h.step(0, {&b[0], 1});
    const OrderId tooBig = h.submit(req(Side::Buy, 10));  // 10 x 100 + 5 > 1000
    const OrderId fits = h.submit(req(Side::Buy, 9));     // 9 x 100 + 5 <= 1000
    h.step(1, {&b[1], 1});
    QCOMPARE(h.strategy.updates.size(), std::size_t(1));
    QCOMPARE(h.strategy.updates[0].id, tooBig);
    QVERIFY(h.strategy.updates[0].status == OrderStatus::Rejected);
    QCOMPARE(h.strategy.updates[0].reason, std::string("insufficient cash"));
    QCOMPARE(h.strategy.fills.size(), std::size_t(1));
    QCOMPARE(h.strategy.fills[0].orderId, fits);
    const double cashAfterBuy = 1000 - 9 * b[1].open - 5;
    QCOMPARE(h.cash(), cashAfterBuy);

    const OrderId oversell = h.submit(req(Side::Sell, 10));  // position is 9
    const OrderId close = h.submit(req(Side::Sell, 9));
    h.step(2, {&b[2], 1});
    QCOMPARE(h.strategy.updates.size(), std::size_t(2));
    QCOMPARE(h.strategy.updates[1].id, oversell);
    QCOMPARE(h.strategy.updates[1].reason, std::string("short selling is not allowed"));
    QCOMPARE(h.strategy.fills.back().orderId, close);
    QCOMPARE(h.position(0), 0.0);
    QCOMPARE(h.cash(), cashAfterBuy + 9 * b[2].open - 5);
    QCOMPARE(h.book.counts().rejected, std::int64_t(2));
    QCOMPARE(h.book.portfolio().trades().at(0).pnl, 9 * (b[2].open - b[1].open) - 10.0);
  }

  void liquidationAndEndOfDataOverTwoInstruments() {
    SimOrderBookConfig cfg;
    cfg.fill.slippageBps = 50;
    cfg.fill.commission = CommissionModel::perShare(0.02);
    Host h(cfg, {"AAA", "BBB"});
    const double s = 50 * 1e-4;
    const domain::Bar s0[] = {bar(1, 10, 11, 9, 10), bar(1, 50, 51, 49, 50)};
    const domain::Bar s1[] = {bar(2, 12, 13, 11, 12.5), bar(2, 48, 49, 47, 47.5)};

    h.step(0, s0);
    h.submit(req(Side::Buy, 100, OrderType::Market, 0, 0, TimeInForce::Gtc, 0));
    h.submit(req(Side::Sell, 40, OrderType::Market, 0, 0, TimeInForce::Gtc, 1));
    h.step(1, s1);
    const double buyA = s1[0].open * (1 + s), sellB = s1[1].open * (1 - s);
    QCOMPARE(h.strategy.fills.size(), std::size_t(2));
    QCOMPARE(h.strategy.fills[0].instrument, std::uint32_t(0));
    QCOMPARE(h.strategy.fills[0].price, buyA);
    QCOMPARE(h.strategy.fills[1].instrument, std::uint32_t(1));
    QCOMPARE(h.strategy.fills[1].price, sellB);
    QCOMPARE(h.position(0), 100.0);
    QCOMPARE(h.position(1), -40.0);
    QCOMPARE(h.book.portfolio().position(0).lastPrice, s1[0].close);
    QCOMPARE(h.book.portfolio().position(1).lastPrice, s1[1].close);

    const OrderId resting = h.submit(req(Side::Buy, 1, OrderType::Limit, 1.0, 0, TimeInForce::Gtc, 0));
    QVERIFY(resting != kNoOrder);
    h.book.liquidate();  // at bar 1's close
    QCOMPARE(h.strategy.fills.size(), std::size_t(4));
    const FillEvent& la = h.strategy.fills[2];
    const FillEvent& lb = h.strategy.fills[3];
    QCOMPARE(la.orderId, kNoOrder);
    QVERIFY(la.side == Side::Sell);
    QCOMPARE(la.quantity, 100.0);
    QCOMPARE(la.price, s1[0].close * (1 - s));
    QVERIFY(lb.side == Side::Buy);
    QCOMPARE(lb.quantity, 40.0);
    QCOMPARE(lb.price, s1[1].close * (1 + s));
    QCOMPARE(h.position(0), 0.0);
    QCOMPARE(h.position(1), 0.0);
    const double commissions = 0.02 * (100 + 40) * 2;
    const double expectedCash = 100'000 - 100 * buyA + 40 * sellB + 100 * la.price - 40 * lb.price - commissions;
    QCOMPARE(h.cash(), expectedCash);
    QCOMPARE(h.equity(), h.cash());
    QCOMPARE(h.book.portfolio().trades().size(), std::size_t(2));
    QVERIFY(h.book.portfolio().trades()[1].side == Side::Sell);  // the short trade on BBB

    h.book.cancelAllAtEnd();
    QCOMPARE(h.openOrders(), std::size_t(0));
    QCOMPARE(h.book.counts().cancelled, std::int64_t(1));
    QVERIFY(!h.cancel(resting));
    QVERIFY(h.strategy.updates.empty());
  }

  void ordersPlacedFromAFillWaitForTheNextBar() {
    Host h(SimOrderBookConfig{});
    const domain::Bar b[] = {bar(1, 10, 11, 9, 10), bar(2, 11, 12, 10, 11), bar(3, 12, 13, 11, 12)};
    // More orders than the book reserves, from inside the matching loop: the vector reallocates under it.
    constexpr int kNew = 40;
    h.strategy.fillHook = [&](StrategyContext& ctx, const FillEvent& f) {
      if (f.ts != b[1].ts) return;
      for (int i = 0; i < kNew; ++i) QVERIFY(ctx.submit(req(Side::Buy, 1)) != kNoOrder);
    };
    h.step(0, {&b[0], 1});
    h.submit(req(Side::Buy, 5));
    h.step(1, {&b[1], 1});
    QCOMPARE(h.strategy.fills.size(), std::size_t(1));  // only the order from bar 0
    QCOMPARE(h.openOrders(), std::size_t(kNew));
    h.step(2, {&b[2], 1});
    QCOMPARE(h.strategy.fills.size(), std::size_t(1 + kNew));
    for (int i = 1; i <= kNew; ++i) QCOMPARE(h.strategy.fills[std::size_t(i)].price, b[2].open);
    QCOMPARE(h.position(0), 5.0 + kNew);
  }

  void noAllocationPerBar() {
    if (!meridian::test::kCountsAllocations) QSKIP("ThreadSanitizer replaces operator new: allocations are counted in the other builds");
    // Buy on one bar, sell on the next: steady order flow with one round trip every two bars.
    auto count = [](std::size_t bars) {
      SimOrderBookConfig cfg;
      cfg.fill.commission = CommissionModel::perShare(0.005, 1.0);
      Host h(cfg);
      std::vector<domain::Bar> series;
      series.reserve(bars);
      for (std::size_t t = 0; t < bars; ++t) {
        const double px = 100 + double(t % 7);
        series.push_back(bar(int(t + 1), px, px + 1, px - 1, px));
      }
      const long before = meridian::test::allocations();
      for (std::size_t t = 0; t < bars; ++t) {
        h.step(t, {&series[t], 1});
        h.submit(req(t % 2 == 0 ? Side::Buy : Side::Sell, 10));
      }
      const long used = meridian::test::allocations() - before;
      if (h.book.portfolio().trades().size() + 2 < bars / 2) qFatal("unexpected run");
      return used;
    };
    // Only the trade list grows (geometrically): a handful of allocations, not one per bar.
    const long small = count(5'000), large = count(50'000);
    QVERIFY2(large - small < 16, qPrintable(QString("%1 vs %2 allocations").arg(small).arg(large)));
  }
};

QTEST_APPLESS_MAIN(tst_SimOrderBook)
#include "tst_SimOrderBook.moc"
