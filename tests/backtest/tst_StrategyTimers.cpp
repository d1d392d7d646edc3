// StrategyTimers directly (the timer queue shared by BacktestEngine and LiveStrategyHost): due timers fire in order
// of their time and, at equal times, in scheduling order; a timer fires on the first bar at or after its time with
// that bar's time; timers scheduled from inside onTimer wait for the next bar (also a self-rescheduling timer);
// a long random run against a separate reference model; no allocation per bar in steady state; and the backtest
// engine and the live host fire a strategy's timers identically (both run this queue at the same step of a bar).
// Expected values are computed here from the scheduled inputs (by sorting or the reference model), not copied from
// a run.
#include "core/backtest/StrategyTimers.h"

#include "core/backtest/BacktestEngine.h"
#include "core/backtest/SyntheticBars.h"
#include "core/live/LiveStrategyHost.h"

#include <QtTest>

#include <algorithm>
#include <functional>
#include <memory>
#include <random>
#include <utility>
#include <vector>

#include "tests/support/AllocationCounter.h"

using namespace meridian;
using namespace meridian::backtest;
using namespace meridian::strategy;
using domain::Timestamp;

namespace StrategyTimers_test {  // named: the test class uses its types (-Wsubobject-linkage)

using Fired = std::pair<Timestamp, std::uint32_t>;  // (now passed to onTimer, tag)

// Records onTimer calls; `hook` lets a test schedule from inside the callback.
class Recorder final : public IStrategy {
 public:
  std::string_view name() const override { return "recorder"; }
  void onBar(StrategyContext&, const BarSlice&) override {}
  void onTimer(StrategyContext& ctx, Timestamp now, std::uint32_t tag) override {
    ++calls;
    if (now != ctx.now()) ++nowMismatches;
    if (record) fired.emplace_back(now, tag);
    if (hook) hook(ctx, now, tag);
  }
  std::vector<Fired> fired;
  std::function<void(StrategyContext&, Timestamp, std::uint32_t)> hook;
  bool record = true;
  long calls = 0;
  long nowMismatches = 0;
};

// The smallest host: a clock and the queue; scheduleTimer goes to the queue as in both real hosts.
class Host final : public StrategyContext {
 public:
  Timestamp now() const override { return m_now; }
  std::size_t instrumentCount() const override { return 0; }
  std::string_view symbol(std::size_t) const override { return {}; }
  double position(std::size_t) const override { return 0.0; }
  double cash() const override { return 0.0; }
  double equity() const override { return 0.0; }
  double defaultQuantity(std::size_t, double) const override { return 0.0; }
  OrderId submit(const OrderRequest&) override { return kNoOrder; }
  bool cancel(OrderId) override { return false; }
  std::size_t openOrders() const override { return 0; }
  void scheduleTimer(Timestamp at, std::uint32_t tag) override { timers.schedule(at, tag); }

  void bar(Timestamp ts, IStrategy& s) {
    m_now = ts;
    timers.fireDue(ts, s, *this);
  }

  StrategyTimers timers;

 private:
  Timestamp m_now = 0;
};

// Reference model, written differently from the class: pending timers in plain scheduling order; a bar takes the
// due ones out, orders them by time with a stable sort (so equal times keep scheduling order) and fires them.
struct Reference {
  struct T {
    Timestamp at;
    std::uint32_t tag;
  };
  std::vector<T> pending;
  std::vector<Fired> fired;
  std::function<void(Reference&, Timestamp, std::uint32_t)> hook;

  void schedule(Timestamp at, std::uint32_t tag) { pending.push_back({at, tag}); }
  void bar(Timestamp now) {
    std::vector<T> due, rest;
    for (const T& t : pending) (t.at <= now ? due : rest).push_back(t);
    pending = std::move(rest);
    std::stable_sort(due.begin(), due.end(), [](const T& a, const T& b) { return a.at < b.at; });
    for (const T& t : due) {
      fired.emplace_back(now, t.tag);
      if (hook) hook(*this, now, t.tag);
    }
  }
};

auto forward(StrategyContext& ctx) {
  return [&ctx](Timestamp at, std::uint32_t tag) { ctx.scheduleTimer(at, tag); };
}

// Schedules timers from onStart, onBar (equal times, overdue ones) and onTimer (already due); records what fires.
// Its choices depend only on the bar index, times and tags, so the test replays them on the reference model.
class TimerUser final : public IStrategy {
 public:
  static constexpr Timestamp kDay = domain::kNanosPerDay;
  static void onStartSchedule(auto&& schedule) { schedule(Timestamp(0), 1000u); }
  static void onBarSchedule(std::size_t index, Timestamp ts, auto&& schedule) {
    const auto base = std::uint32_t(index) * 10;
    if (index % 4 == 0) {
      schedule(ts + 2 * kDay + kDay / 2, base + 1);
      schedule(ts + 2 * kDay + kDay / 2, base + 2);
    }
    if (index % 7 == 0) schedule(ts - kDay, base + 3);
  }
  static void onTimerSchedule(Timestamp now, std::uint32_t tag, auto&& schedule) {
    if (tag % 10 == 1) schedule(now, tag + 4);
  }

  std::string_view name() const override { return "timer_user"; }
  void onStart(StrategyContext& ctx) override { onStartSchedule(forward(ctx)); }
  void onBar(StrategyContext& ctx, const BarSlice& b) override { onBarSchedule(b.index, b.ts, forward(ctx)); }
  void onTimer(StrategyContext& ctx, Timestamp now, std::uint32_t tag) override {
    fired.emplace_back(now, tag);
    onTimerSchedule(now, tag, forward(ctx));
  }
  std::vector<Fired> fired;
};

}  // namespace StrategyTimers_test
using namespace StrategyTimers_test;

class tst_StrategyTimers : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void sameTimeFiresInSchedulingOrder() {
    const std::vector<std::pair<Timestamp, std::uint32_t>> input = {
        {50, 1}, {30, 2}, {50, 3}, {30, 4}, {40, 5}, {50, 6}, {10, 7}, {30, 8}};
    Host host;
    Recorder s;
    for (const auto& [at, tag] : input) host.scheduleTimer(at, tag);
    QCOMPARE(host.timers.pending(), input.size());

    const Timestamp now = 50;
    host.bar(now, s);
    auto sorted = input;
    std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<Fired> expected;
    for (const auto& [at, tag] : sorted) expected.emplace_back(now, tag);
    QCOMPARE(s.fired, expected);
    QVERIFY(host.timers.empty());
    QCOMPARE(s.nowMismatches, 0L);
  }

  void firesOnFirstBarAtOrAfterItsTime() {
    Host host;
    Recorder s;
    host.scheduleTimer(20, 1);
    host.scheduleTimer(40, 2);
    host.scheduleTimer(60, 3);

    host.bar(10, s);  // nothing due yet
    QVERIFY(s.fired.empty());
    QCOMPARE(host.timers.pending(), std::size_t(3));

    host.bar(20, s);  // due exactly now
    QCOMPARE(s.fired, (std::vector<Fired>{{20, 1}}));
    QCOMPARE(host.timers.pending(), std::size_t(2));

    host.bar(30, s);
    QCOMPARE(s.fired.size(), std::size_t(1));

    host.bar(100, s);  // both overdue: fire on this bar with its time, in time order
    QCOMPARE(s.fired, (std::vector<Fired>{{20, 1}, {100, 2}, {100, 3}}));
    QVERIFY(host.timers.empty());

    host.bar(200, s);  // a fired timer does not fire again
    QCOMPARE(s.fired.size(), std::size_t(3));

    host.scheduleTimer(150, 4);  // already in the past when scheduled: fires on the next bar
    QCOMPARE(s.fired.size(), std::size_t(3));
    host.bar(300, s);
    QCOMPARE(s.fired.back(), (Fired{300, 4}));
    QCOMPARE(s.nowMismatches, 0L);
  }

  void scheduledFromCallbackWaitsForNextBar() {
    Host host;
    Recorder s;
    const Timestamp t0 = 100;
    // Tag 1's callback schedules tag 10 at its own time (already due) and tag 11 before it (overdue); tag 2 was
    // scheduled earlier for the same time as tag 1 and still fires on this bar, after tag 1.
    s.hook = [](StrategyContext& ctx, Timestamp now, std::uint32_t tag) {
      if (tag == 1) {
        ctx.scheduleTimer(now, 10);
        ctx.scheduleTimer(now - 50, 11);
      }
    };
    host.scheduleTimer(t0, 1);
    host.scheduleTimer(t0, 2);
    host.scheduleTimer(t0 + 5, 3);  // not due on the first bar: the callback's timers go before it by time

    host.bar(t0, s);
    QCOMPARE(s.fired, (std::vector<Fired>{{t0, 1}, {t0, 2}}));
    QCOMPARE(host.timers.pending(), std::size_t(3));

    host.bar(t0 + 10, s);
    QCOMPARE(s.fired, (std::vector<Fired>{{t0, 1}, {t0, 2}, {t0 + 10, 11}, {t0 + 10, 10}, {t0 + 10, 3}}));
    QVERIFY(host.timers.empty());
  }

  void selfReschedulingTimerFiresOncePerBar() {
    Host host;
    Recorder s;
    // Always due again at once: must not loop within the bar.
    s.hook = [](StrategyContext& ctx, Timestamp now, std::uint32_t tag) { ctx.scheduleTimer(now, tag); };
    host.scheduleTimer(0, 5);
    const int bars = 100;
    for (int i = 0; i < bars; ++i) host.bar(Timestamp(i) * 10, s);
    QCOMPARE(s.fired.size(), std::size_t(bars));
    for (int i = 0; i < bars; ++i) QCOMPARE(s.fired[std::size_t(i)], (Fired{Timestamp(i) * 10, 5}));
    QCOMPARE(host.timers.pending(), std::size_t(1));
  }

  void matchesReferenceModel() {
    // Random schedules (some in the past, many equal times) from outside and from inside callbacks; the callback's
    // choice depends only on (now, tag) so the reference can make the same one.
    auto reaction = [](Timestamp now, std::uint32_t tag, auto&& schedule) {
      if (tag % 3 == 0) schedule(now + Timestamp(tag % 7) - 2, tag + 1);  // sometimes already due
      if (tag % 5 == 0) schedule(now, tag + 2);                           // always already due
    };
    Host host;
    Recorder s;
    Reference ref;
    s.hook = [&](StrategyContext& ctx, Timestamp now, std::uint32_t tag) {
      reaction(now, tag, [&](Timestamp at, std::uint32_t t) { ctx.scheduleTimer(at, t); });
    };
    ref.hook = [&](Reference& r, Timestamp now, std::uint32_t tag) {
      reaction(now, tag, [&](Timestamp at, std::uint32_t t) { r.schedule(at, t); });
    };

    std::mt19937 rng(20261129);
    std::uniform_int_distribution<int> count(0, 3), offset(-3, 12), tagDist(0, 999), gap(1, 3);
    Timestamp now = 0;
    for (int bar = 0; bar < 3000; ++bar) {
      now += gap(rng);
      for (int k = count(rng); k > 0; --k) {
        const Timestamp at = now + offset(rng);
        const auto tag = std::uint32_t(tagDist(rng));
        host.scheduleTimer(at, tag);
        ref.schedule(at, tag);
      }
      host.bar(now, s);
      ref.bar(now);
      QCOMPARE(host.timers.pending(), ref.pending.size());
    }
    QCOMPARE(s.fired.size(), ref.fired.size());
    QVERIFY(s.fired.size() > 3000);  // the run exercised the queue, including callback-scheduled timers
    QCOMPARE(s.fired, ref.fired);
    QCOMPARE(s.nowMismatches, 0L);
  }

  void bothHostsFireTheSameTimers() {
    const backtest::BarSeries series = randomWalkBars("SYN", 400, 7);
    const auto& bars = series.bars;

    Reference ref;
    auto refSchedule = [&ref](Timestamp at, std::uint32_t tag) { ref.schedule(at, tag); };
    ref.hook = [](Reference& r, Timestamp now, std::uint32_t tag) {
      TimerUser::onTimerSchedule(now, tag, [&r](Timestamp at, std::uint32_t t) { r.schedule(at, t); });
    };
    TimerUser::onStartSchedule(refSchedule);
    for (std::size_t t = 0; t < bars.size(); ++t) {
      ref.bar(bars[t].ts);
      TimerUser::onBarSchedule(t, bars[t].ts, refSchedule);
    }
    QVERIFY(ref.fired.size() > bars.size() / 2);

    TimerUser engineStrategy;
    const SeriesView view[] = {{series.symbol, bars}};
    auto result = BacktestEngine().run(engineStrategy, view);
    QVERIFY2(result.ok(), result.ok() ? "" : result.error().message.c_str());
    QCOMPARE(engineStrategy.fired, ref.fired);

    live::LiveStrategyHost live(std::make_unique<TimerUser>(), {series.symbol});
    for (const domain::Bar& b : bars) live.step(std::span<const domain::Bar>(&b, 1), true);
    live.finish();
    QCOMPARE(static_cast<TimerUser&>(live.strategy()).fired, ref.fired);
  }

  void noAllocationPerBarInSteadyState() {
    if (!meridian::test::kCountsAllocations)
      QSKIP("ThreadSanitizer replaces operator new: allocations are counted in the other builds");
    Host host;
    Recorder s;
    s.record = false;
    // Three periodic timers rescheduling themselves (periods 1, 2 and 3 bars) plus one outside schedule per bar:
    // the queue's size stays bounded, so after warm-up nothing allocates.
    s.hook = [](StrategyContext& ctx, Timestamp now, std::uint32_t tag) {
      if (tag <= 3) ctx.scheduleTimer(now + Timestamp(tag), tag);
    };
    for (std::uint32_t tag = 1; tag <= 3; ++tag) host.scheduleTimer(0, tag);
    Timestamp now = 0;
    auto run = [&](int bars) {
      for (int i = 0; i < bars; ++i) {
        host.scheduleTimer(now + 2, 100);
        host.bar(now, s);
        ++now;
      }
    };
    run(50);
    const long callsBefore = s.calls;
    const long before = meridian::test::allocations();
    run(10'000);
    const long used = meridian::test::allocations() - before;
    QVERIFY(s.calls - callsBefore > 10'000);
    QCOMPARE(used, 0L);
  }
};

QTEST_APPLESS_MAIN(tst_StrategyTimers)
#include "tst_StrategyTimers.moc"
