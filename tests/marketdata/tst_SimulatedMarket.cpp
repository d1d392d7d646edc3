// SimulatedMarket: seeded determinism (also across chunked runs), ticks only inside NYSE sessions, exact schedule
// rate, real-time pacing on the feed thread (never ahead of 50k ticks/s), one quote per tick on the bus (coalesced
// per symbol only in a subscriber that drains late), latency stamps only when asked for, bars on the bus, replay
// speed; the last prices saved at stop and continued from by the next market (a malformed file: the seed prices);
// a feed faster than real time resumes its simulated time after a restart instead of going back to the clock's.
#include "core/bus/EventBus.h"
#include "core/common/LatencyHistogram.h"
#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "core/marketdata/simulated/SimulatedMarket.h"
#include "core/time/NyseCalendar.h"
#include "core/time/TimeZones.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <thread>

using namespace meridian;
using namespace meridian::marketdata;

namespace {

domain::Timestamp et(int y, int m, int d, int hh, int mm, int ss = 0) {
  return time::TimeZones::fromExchange(QDate(y, m, d), QTime(hh, mm, ss));
}

struct Recorder {
  std::vector<Tick> ticks;
  SimulatedMarket::TickSink sink() {
    return [this](std::span<const Tick> batch) { ticks.insert(ticks.end(), batch.begin(), batch.end()); };
  }
};

bool sameTicks(const std::vector<Tick>& a, const std::vector<Tick>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].symbolIndex != b[i].symbolIndex || a[i].ts != b[i].ts || a[i].price != b[i].price ||
        a[i].size != b[i].size || a[i].bid != b[i].bid || a[i].ask != b[i].ask)
      return false;
  return true;
}

SimulatedMarketOptions opts(std::uint64_t seed, double rate, domain::Timestamp start) {
  SimulatedMarketOptions o;
  o.seed = seed;
  o.ticksPerSecond = rate;
  o.startTs = start;
  return o;
}

}  // namespace

class tst_SimulatedMarket : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void deterministicWithASeed() {
    const auto start = et(2024, 1, 2, 9, 30);
    common::SimulatedClock clock(start);
    bus::EventBus busA, busB, busC;
    Recorder a, b, c;
    SimulatedMarket ma(busA, clock, opts(7, 1000, start));
    SimulatedMarket mb(busB, clock, opts(7, 1000, start));
    SimulatedMarket mc(busC, clock, opts(8, 1000, start));
    ma.setTickSink(a.sink());
    mb.setTickSink(b.sink());
    mc.setTickSink(c.sink());
    const auto end = start + 10 * domain::kNanosPerSecond;
    ma.runUntil(end);
    for (int i = 1; i <= 7; ++i) mb.runUntil(start + (end - start) * i / 7);  // chunked differently
    mc.runUntil(end);
    QCOMPARE(a.ticks.size(), std::size_t(10'001));
    QVERIFY(sameTicks(a.ticks, b.ticks));
    QVERIFY(!sameTicks(a.ticks, c.ticks));
    QCOMPARE(ma.stats().ticks, std::uint64_t(10'001));
    for (const auto& t : a.ticks) {
      QVERIFY(t.price > 0);
      QVERIFY(t.bid <= t.price && t.price <= t.ask);
      QVERIFY(t.bid < t.ask);
      QVERIFY(t.size >= 1);
    }
  }

  void exactScheduleAtMaxRate() {
    const auto start = et(2024, 1, 2, 10, 0);
    common::SimulatedClock clock(start);
    bus::EventBus bus;
    SimulatedMarket m(bus, clock, opts(1, 50'000, start));
    QCOMPARE(m.runUntil(start + domain::kNanosPerSecond - 1), std::size_t(50'000));
    SimulatedMarket capped(bus, clock, opts(1, 1e6, start));  // clamped to 50k/s
    QCOMPARE(capped.options().ticksPerSecond, 50'000.0);
  }

  void ticksOnlyInSession() {
    const auto start = et(2024, 1, 2, 15, 59);
    common::SimulatedClock clock(start);
    bus::EventBus bus;
    auto mailbox = std::make_shared<bus::Mailbox>("test", 1 << 20);
    bus.subscribe("md.bar.>", mailbox);
    Recorder rec;
    SimulatedMarket m(bus, clock, opts(3, 100, start));
    m.setTickSink(rec.sink());
    std::vector<std::pair<std::string, domain::Bar>> sunk;  // the bar sink (what the Kernel stores) sees every bar
    m.setBarSink([&](const std::string& symbol, const std::string& source, const domain::Bar& bar) {
      sunk.emplace_back(symbol + "/" + source, bar);
    });
    m.runUntil(et(2024, 1, 3, 9, 31));
    const auto& cal = time::NyseCalendar::instance();
    for (const auto& t : rec.ticks) QVERIFY2(cal.isOpen(t.ts), qPrintable(time::TimeZones::formatExchange(t.ts)));
    QCOMPARE(rec.ticks.size(), std::size_t(6000 + 6001));  // 15:59:00-15:59:59.99 and 09:30:00-09:31:00
    QCOMPARE(rec.ticks.back().ts, et(2024, 1, 3, 9, 31));

    std::vector<bus::Envelope> events;
    mailbox->drain(events);
    int minutes = 0, hours = 0, days = 0;
    for (const auto& e : events) {
      const auto* bc = e.as<contract::BarClosed>();
      QVERIFY(bc);
      QVERIFY(domain::isSane(bc->bar));
      QCOMPARE(e.topic, "md.bar." + bc->symbol);
      if (bc->source == "simulated_1m") ++minutes;
      if (bc->source == "simulated_1h") {
        ++hours;
        QCOMPARE(bc->bar.ts, et(2024, 1, 2, 15, 30));
      }
      if (bc->source == "simulated") {
        ++days;
        QCOMPARE(bc->bar.ts, et(2024, 1, 2, 9, 30));
      }
    }
    const int symbols = int(defaultSimulatedSymbols().size());
    QCOMPARE(hours, symbols);
    QCOMPARE(days, symbols);
    QCOMPARE(minutes, 2 * symbols);  // 15:59 and 09:30 (09:31 still forming)
    QCOMPARE(sunk.size(), events.size());
    for (std::size_t i = 0; i < events.size(); ++i) {
      const auto* bc = events[i].as<contract::BarClosed>();
      QCOMPARE(sunk[i].first, bc->symbol + "/" + bc->source);
      QCOMPARE(sunk[i].second, bc->bar);
    }
  }

  void closedDaysAreSkipped() {
    const auto saturday = et(2024, 1, 13, 12, 0);  // Monday 2024-01-15 is MLK day
    common::SimulatedClock clock(saturday);
    bus::EventBus bus;
    Recorder rec;
    SimulatedMarket m(bus, clock, opts(5, 10, saturday));
    m.setTickSink(rec.sink());
    m.runUntil(et(2024, 1, 16, 9, 30, 1));
    QVERIFY(!rec.ticks.empty());
    QCOMPARE(rec.ticks.front().ts, et(2024, 1, 16, 9, 30));

    SimulatedMarketOptions o = opts(5, 10, saturday);
    o.alwaysOpen = true;
    SimulatedMarket demo(bus, clock, o);
    Recorder rec2;
    demo.setTickSink(rec2.sink());
    demo.runUntil(saturday + domain::kNanosPerSecond);
    QCOMPARE(rec2.ticks.size(), std::size_t(11));
    QCOMPARE(rec2.ticks.front().ts, saturday);
  }

  void everyTickIsPublishedAsAQuote() {
    // Fixed seed, 2 s at 20k ticks/s: one QuoteUpdated per tick on the bus, in tick order per symbol. A subscriber
    // that drains late keeps the latest per symbol (its coalescing lane counts the rest), so arrivals = ticks.
    const auto start = et(2024, 1, 2, 11, 0);
    common::SimulatedClock clock(start);
    bus::EventBus bus;
    auto late = std::make_shared<bus::Mailbox>("late", 1 << 20);
    bus.subscribe<contract::QuoteUpdated>(late);
    auto eager = std::make_shared<bus::Mailbox>("eager", 1 << 20);
    bus.subscribe<contract::QuoteUpdated>(eager);
    SimulatedMarket m(bus, clock, opts(9, 20'000, start));
    Recorder rec;
    m.setTickSink(rec.sink());
    std::vector<bus::Envelope> all, step;
    // The eager subscriber drains after every tick's worth of simulated time: it sees every quote.
    const domain::Timestamp dt = domain::kNanosPerSecond / 20'000;
    for (domain::Timestamp t = start; t <= start + 2 * domain::kNanosPerSecond; t += dt) {
      m.runUntil(t);
      step.clear();
      eager->drain(step);
      QVERIFY2(step.size() <= 1, qPrintable(QString::number(step.size())));
      all.insert(all.end(), step.begin(), step.end());
    }
    QCOMPARE(rec.ticks.size(), std::size_t(40'001));
    QCOMPARE(m.stats().ticks, std::uint64_t(rec.ticks.size()));
    QCOMPARE(m.stats().quotes, std::uint64_t(rec.ticks.size()));
    QCOMPARE(all.size(), rec.ticks.size());
    QCOMPARE(eager->stats().coalesced, std::uint64_t(0));
    const auto& symbols = m.options().symbols;
    for (std::size_t i = 0; i < all.size(); ++i) {
      const auto* q = all[i].as<contract::QuoteUpdated>();
      QVERIFY(q);
      const Tick& t = rec.ticks[i];
      QCOMPARE(q->quote.symbol, symbols[t.symbolIndex].symbol);
      QCOMPARE(q->quote.ts, t.ts);
      QCOMPARE(q->quote.last, t.price);
      QCOMPARE(q->quote.bid, t.bid);
      QCOMPARE(q->quote.ask, t.ask);
      QCOMPARE(q->publishedNs, std::int64_t(0));  // no latency stamps unless asked for
      QCOMPARE(all[i].topic, "md.quote." + q->quote.symbol);
    }
    // The late subscriber: every quote arrived, the newest per symbol waits, the others were counted as replaced.
    std::vector<bus::Envelope> latest;
    const std::uint64_t coalesced = late->stats().coalesced;
    late->drain(latest);
    QCOMPARE(latest.size(), symbols.size());
    QCOMPARE(coalesced + latest.size(), std::uint64_t(rec.ticks.size()));
    for (const auto& e : latest) {
      const auto* q = e.as<contract::QuoteUpdated>();
      const auto lastOf = std::find_if(rec.ticks.rbegin(), rec.ticks.rend(), [&](const Tick& t) {
        return symbols[t.symbolIndex].symbol == q->quote.symbol;
      });
      QVERIFY(lastOf != rec.ticks.rend());
      QCOMPARE(q->quote.ts, lastOf->ts);
    }
  }

  void latencyStampsOnlyWhenAsked() {
    const auto start = et(2024, 1, 2, 11, 0);
    common::SimulatedClock clock(start);
    bus::EventBus bus;
    auto mailbox = std::make_shared<bus::Mailbox>("test", 1 << 20);
    bus.subscribe<contract::QuoteUpdated>(mailbox);
    SimulatedMarket m(bus, clock, opts(3, 1'000, start));
    m.runUntil(start + domain::kNanosPerSecond / 100);
    std::vector<bus::Envelope> got;
    mailbox->drain(got);
    QVERIFY(!got.empty());
    for (const auto& e : got) QCOMPARE(e.as<contract::QuoteUpdated>()->publishedNs, std::int64_t(0));
    m.setLatencyStamps(true);
    const std::int64_t before = common::LatencyHistogram::steadyNowNs();
    m.runUntil(start + domain::kNanosPerSecond / 50);
    const std::int64_t after = common::LatencyHistogram::steadyNowNs();
    got.clear();
    mailbox->drain(got);
    QVERIFY(!got.empty());
    for (const auto& e : got) {
      const std::int64_t stamp = e.as<contract::QuoteUpdated>()->publishedNs;
      QVERIFY(stamp >= before && stamp <= after);
    }
  }

  void realTimeFeedThreadNeverRunsAheadOfItsRate() {
    // On the real clock the feed thread paces itself: whatever the machine's speed it never produces more than
    // ticks_per_second x elapsed (a slow machine produces fewer; the sustained rate is a benchmark figure:
    // `meridian-cli bench gui` drives the GUI with this feed), and the sink sees every tick it counts.
    common::RealClock clock;
    bus::EventBus bus;
    SimulatedMarketOptions o;
    o.ticksPerSecond = 50'000;
    o.alwaysOpen = true;
    SimulatedMarket m(bus, clock, o);
    std::atomic<std::uint64_t> sunk{0};
    m.setTickSink([&](std::span<const Tick> b) { sunk += b.size(); });
    const auto t0 = std::chrono::steady_clock::now();
    m.start();
    QVERIFY(m.running());
    QTRY_VERIFY_WITH_TIMEOUT(m.stats().ticks >= 5'000, 10'000);
    m.stop();
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto s = m.stats();
    QVERIFY2(double(s.ticks) <= 50'000 * secs * 1.01 + 100,
             qPrintable(QStringLiteral("%1 ticks in %2 s").arg(s.ticks).arg(secs)));
    QCOMPARE(sunk.load(), s.ticks);
    QVERIFY(s.quotes > 0);
    QVERIFY(!m.running());
  }

  void simulatedClockDrivesTheThread() {
    const auto start = et(2024, 1, 2, 10, 0);
    common::SimulatedClock clock(start);
    bus::EventBus bus;
    SimulatedMarketOptions o = opts(2, 1000, start);
    SimulatedMarket m(bus, clock, o);
    m.start();
    clock.advance(2 * domain::kNanosPerSecond);
    QTRY_COMPARE_WITH_TIMEOUT(m.stats().ticks, std::uint64_t(2001), 2000);
    m.stop();
  }

  void replaySpeed() {
    const auto start = et(2024, 1, 2, 10, 0);
    common::SimulatedClock clock(start);
    bus::EventBus bus;
    SimulatedMarketOptions o = opts(2, 100, start);
    o.replaySpeed = 60.0;  // one simulated minute per wall second
    SimulatedMarket m(bus, clock, o);
    m.start();
    clock.advance(domain::kNanosPerSecond);
    QTRY_COMPARE_WITH_TIMEOUT(m.stats().simTs, start + domain::kNanosPerMinute, 2000);
    m.stop();
    QCOMPARE(m.stats().ticks, std::uint64_t(101));  // the wall-clock rate is unchanged
  }

  // A market that ran and stopped saved its last prices; the next one starts from them: its ticks are exactly those
  // of a market configured with those start prices, not those of the seed prices.
  void continuesFromTheLastPricesAfterARestart() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("sim-prices").toStdString();
    const auto start = et(2024, 1, 2, 10, 0);
    common::SimulatedClock clock(start);
    bus::EventBus bus;
    SimulatedMarketOptions o = opts(3, 1000, start);
    o.pricesPath = path;
    {
      SimulatedMarket first(bus, clock, o);
      first.start();
      clock.advance(5 * domain::kNanosPerSecond);
      QTRY_COMPARE_WITH_TIMEOUT(first.stats().ticks, std::uint64_t(5001), 5000);
      first.stop();
    }
    auto state = loadSimulatedFeedState(path);
    QVERIFY(state.ok());
    const std::map<std::string, double>* saved = &state->prices;
    QCOMPARE(saved->size(), o.symbols.size());
    int moved = 0;
    for (const auto& sym : o.symbols) {
      QVERIFY(saved->count(sym.symbol));
      moved += saved->at(sym.symbol) != sym.startPrice;
    }
    QVERIFY(moved > 0);

    const auto later = start + domain::kNanosPerMinute;
    SimulatedMarketOptions restarted = opts(3, 1000, later);
    restarted.pricesPath = path;
    SimulatedMarketOptions expected = opts(3, 1000, later);
    for (auto& sym : expected.symbols) sym.startPrice = saved->at(sym.symbol);
    SimulatedMarketOptions seeded = opts(3, 1000, later);
    Recorder a, b, c;
    SimulatedMarket ma(bus, clock, restarted), mb(bus, clock, expected), mc(bus, clock, seeded);
    ma.setTickSink(a.sink());
    mb.setTickSink(b.sink());
    mc.setTickSink(c.sink());
    for (auto* m : {&ma, &mb, &mc}) m->runUntil(later + domain::kNanosPerSecond);
    QVERIFY(!a.ticks.empty());
    QVERIFY(sameTicks(a.ticks, b.ticks));
    QVERIFY(!sameTicks(a.ticks, c.ticks));

    // A damaged file: the seed prices (and a warning), never a half-applied set.
    {
      QFile f(QString::fromStdString(path));
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write("{\"AAPL\": -3}");
    }
    QVERIFY(!loadSimulatedFeedState(path).ok());
    Recorder d;
    SimulatedMarket md(bus, clock, restarted);
    md.setTickSink(d.sink());
    md.runUntil(later + domain::kNanosPerSecond);
    QVERIFY(sameTicks(d.ticks, c.ticks));
  }

  // At 60x a run of 5 s puts the simulated time 5 minutes ahead of the clock. A restart 1 s later must not go back
  // to the clock's time: the bars of those minutes were published (stored, seen by the live strategies, whose saved
  // state refuses to trade a bar again) and would be made a second time with other prices. It continues from the
  // saved time; a feed whose saved time the clock has passed starts at the clock, as before.
  void aFasterThanRealTimeFeedResumesItsSimulatedTime() {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("not-made-yet/sim-prices").toStdString();  // the directory too
    const auto start = et(2024, 1, 2, 10, 0);
    common::SimulatedClock clock(start);
    bus::EventBus bus;
    SimulatedMarketOptions o;
    o.seed = 5;
    o.ticksPerSecond = 100;
    o.replaySpeed = 60.0;
    o.alwaysOpen = true;
    o.pricesPath = path;
    domain::Timestamp stoppedAt = 0;
    {
      SimulatedMarket first(bus, clock, o);
      first.start();
      clock.advance(5 * domain::kNanosPerSecond);
      QTRY_COMPARE_WITH_TIMEOUT(first.stats().simTs, start + 5 * domain::kNanosPerMinute, 5000);
      first.stop();
      stoppedAt = first.stats().simTs;
    }
    auto state = loadSimulatedFeedState(path);
    QVERIFY(state.ok());
    QCOMPARE(state->simTs, stoppedAt);

    clock.advance(domain::kNanosPerSecond);  // the clock: start + 1 s; the feed was at start + 5 min
    {
      SimulatedMarket second(bus, clock, o);
      Recorder rec;
      second.setTickSink(rec.sink());
      second.start();
      clock.advance(domain::kNanosPerSecond);
      QTRY_COMPARE_WITH_TIMEOUT(second.stats().simTs, stoppedAt + domain::kNanosPerMinute, 5000);
      second.stop();
      QVERIFY(!rec.ticks.empty());
      QVERIFY2(rec.ticks.front().ts >= stoppedAt, "the restarted feed went back in simulated time");
    }

    // Long after: the clock is past the saved time, so the feed starts at the clock.
    clock.advance(domain::kNanosPerDay);
    const domain::Timestamp now = clock.now();
    QVERIFY(loadSimulatedFeedState(path)->simTs < now);
    SimulatedMarket third(bus, clock, o);
    third.start();
    clock.advance(domain::kNanosPerSecond);
    QTRY_COMPARE_WITH_TIMEOUT(third.stats().simTs, now + domain::kNanosPerMinute, 5000);
    third.stop();

    // A file written by an older version (the prices alone) still gives the prices, with no saved time.
    {
      QFile f(QString::fromStdString(path));
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write("{\"AAPL\": 191.5}");
    }
    auto legacy = loadSimulatedFeedState(path);
    QVERIFY(legacy.ok());
    QCOMPARE(legacy->prices.at("AAPL"), 191.5);
    QCOMPARE(legacy->simTs, domain::Timestamp(0));
    // A saved time that is not a whole number of milliseconds, or lies beyond what a nanosecond timestamp holds
    // (it would overflow), is an error, not a guess.
    for (const char* bad : {"\"soon\"", "1.5", "-1", "9300000000000"}) {
      QFile f(QString::fromStdString(path));
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write(QByteArray("{\"sim_time_ms\": ") + bad + ", \"prices\": {\"AAPL\": 191.5}}");
      f.close();
      QVERIFY2(!loadSimulatedFeedState(path).ok(), bad);
    }
  }
};

QTEST_GUILESS_MAIN(tst_SimulatedMarket)
#include "tst_SimulatedMarket.moc"
