// BarAggregator: trades -> 1m -> 5m / 15m -> 1h -> 1d with NYSE sessions (09:30-aligned buckets, early closes),
// flushes, always-open mode, batch aggregation of minute bars (and of 5m bars into 15m), and per-trade cost.
#include "core/marketdata/BarAggregator.h"
#include "core/time/TimeZones.h"

#include <QtTest>

#include <map>

using namespace meridian;
using namespace meridian::marketdata;
using domain::kNanosPerHour;
using domain::kNanosPerMinute;
using domain::kNanosPerSecond;

namespace {

domain::Timestamp et(int y, int m, int d, int hh, int mm, int ss = 0) {
  return time::TimeZones::fromExchange(QDate(y, m, d), QTime(hh, mm, ss));
}

std::vector<domain::Bar> only(const std::vector<ClosedBar>& closed, Timeframe tf) {
  std::vector<domain::Bar> out;
  for (const auto& c : closed)
    if (c.timeframe == tf) out.push_back(c.bar);
  return out;
}

}  // namespace

class tst_BarAggregator : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void fullSession() {
    BarAggregator agg;
    std::vector<ClosedBar> closed;
    const auto open = et(2024, 1, 2, 9, 30);
    const auto close = et(2024, 1, 2, 16, 0);
    double pv = 0, vol = 0, hi = 0, lo = 1e9;
    int n = 0;
    for (auto t = open; t < close; t += 30 * kNanosPerSecond, ++n) {
      const double px = 100.0 + 5.0 * std::sin(n / 40.0);
      const double size = 100.0 + (n % 7) * 10.0;
      agg.addTrade(t, px, size, closed);
      pv += px * size;
      vol += size;
      hi = std::max(hi, px);
      lo = std::min(lo, px);
    }
    QCOMPARE(n, 780);
    agg.flush(close, closed);

    const auto minutes = only(closed, Timeframe::Minute1);
    QCOMPARE(minutes.size(), std::size_t(390));
    QCOMPARE(minutes.front().ts, open);
    QCOMPARE(minutes.back().ts, close - kNanosPerMinute);
    QCOMPARE(minutes.front().trades, std::int64_t(2));

    const auto hours = only(closed, Timeframe::Hour1);
    QCOMPARE(hours.size(), std::size_t(7));
    for (int i = 0; i < 7; ++i) QCOMPARE(hours[std::size_t(i)].ts, open + i * kNanosPerHour);  // 09:30, 10:30, ...
    QCOMPARE(hours.front().trades, std::int64_t(120));
    QCOMPARE(hours.back().trades, std::int64_t(60));  // 15:30-16:00

    const auto days = only(closed, Timeframe::Day1);
    QCOMPARE(days.size(), std::size_t(1));
    const auto& d = days.front();
    QCOMPARE(d.ts, open);
    QCOMPARE(d.open, 100.0);
    QCOMPARE(d.high, hi);
    QCOMPARE(d.low, lo);
    QCOMPARE(d.close, minutes.back().close);
    QCOMPARE(d.volume, vol);
    QCOMPARE(d.trades, std::int64_t(780));
    QVERIFY(qFuzzyCompare(d.vwap, pv / vol));
    QVERIFY(domain::isSane(d));
    QVERIFY(!agg.current(Timeframe::Day1));
  }

  void earlyClose() {
    // 2024-11-29 (day after Thanksgiving) closes at 13:00 ET.
    BarAggregator agg;
    std::vector<ClosedBar> closed;
    const auto open = et(2024, 11, 29, 9, 30);
    for (auto t = open; t < et(2024, 11, 29, 13, 0); t += kNanosPerMinute) agg.addTrade(t, 50.0, 1.0, closed);
    agg.addTrade(et(2024, 11, 29, 13, 30), 51.0, 1.0, closed);  // after the close: ignored
    QCOMPARE(agg.outsideSession(), std::uint64_t(1));
    const auto hours = only(closed, Timeframe::Hour1);
    QCOMPARE(hours.size(), std::size_t(4));
    QCOMPARE(hours.back().ts, et(2024, 11, 29, 12, 30));
    QCOMPARE(hours.back().trades, std::int64_t(30));
    const auto days = only(closed, Timeframe::Day1);
    QCOMPARE(days.size(), std::size_t(1));
    QCOMPARE(days.front().trades, std::int64_t(210));
  }

  void closeOrderAcrossDays() {
    BarAggregator agg;
    std::vector<ClosedBar> closed;
    agg.addTrade(et(2024, 1, 2, 15, 59, 30), 10.0, 1.0, closed);
    QVERIFY(closed.empty());
    agg.addTrade(et(2024, 1, 3, 9, 30, 5), 11.0, 1.0, closed);
    QCOMPARE(closed.size(), std::size_t(3));
    QVERIFY(closed[0].timeframe == Timeframe::Minute1);
    QVERIFY(closed[1].timeframe == Timeframe::Hour1);
    QCOMPARE(closed[1].bar.ts, et(2024, 1, 2, 15, 30));
    QVERIFY(closed[2].timeframe == Timeframe::Day1);
    QCOMPARE(closed[2].bar.ts, et(2024, 1, 2, 9, 30));
    QCOMPARE(agg.current(Timeframe::Minute1)->close, 11.0);
  }

  void flushClosesQuietBuckets() {
    BarAggregator agg;
    std::vector<ClosedBar> closed;
    agg.addTrade(et(2024, 1, 2, 10, 0, 10), 10.0, 1.0, closed);
    agg.flush(et(2024, 1, 2, 10, 0, 59), closed);
    QVERIFY(closed.empty());
    agg.flush(et(2024, 1, 2, 10, 1), closed);
    QCOMPARE(closed.size(), std::size_t(1));
    agg.flush(et(2024, 1, 2, 10, 30), closed);
    QCOMPARE(closed.size(), std::size_t(2));  // 09:30-10:30 hour closed
    QCOMPARE(closed[1].bar.ts, et(2024, 1, 2, 9, 30));
    agg.finish(closed);
    QCOMPARE(closed.size(), std::size_t(3));  // the day
  }

  void lateTradesAreIgnored() {
    BarAggregator agg;
    std::vector<ClosedBar> closed;
    agg.addTrade(et(2024, 1, 2, 10, 0, 30), 10.0, 1.0, closed);
    agg.addTrade(et(2024, 1, 2, 9, 59, 50), 99.0, 1.0, closed);
    QCOMPARE(agg.late(), std::uint64_t(1));
    QCOMPARE(agg.current(Timeframe::Minute1)->high, 10.0);
  }

  void alwaysOpenUsesClockHours() {
    BarAggregator::Options o;
    o.sessionOnly = false;
    BarAggregator agg(o);
    std::vector<ClosedBar> closed;
    for (auto t : {et(2024, 1, 2, 8, 10), et(2024, 1, 2, 9, 10), et(2024, 1, 2, 9, 40), et(2024, 1, 2, 16, 20)})
      agg.addTrade(t, 10.0, 1.0, closed);
    agg.finish(closed);
    const auto hours = only(closed, Timeframe::Hour1);
    QCOMPARE(hours.size(), std::size_t(4));
    QCOMPARE(hours[0].ts, et(2024, 1, 2, 8, 0));
    QCOMPARE(hours[1].ts, et(2024, 1, 2, 9, 0));   // 09:00-09:30, cut at the open
    QCOMPARE(hours[2].ts, et(2024, 1, 2, 9, 30));
    QCOMPARE(hours[3].ts, et(2024, 1, 2, 16, 0));
    const auto days = only(closed, Timeframe::Day1);
    QCOMPARE(days.size(), std::size_t(1));
    QCOMPARE(days[0].ts, et(2024, 1, 2, 9, 30));
    QCOMPARE(days[0].trades, std::int64_t(4));
    // a Saturday still gets its own day, keyed at 09:30 ET
    agg.addTrade(et(2024, 1, 6, 11, 0), 10.0, 1.0, closed);
    agg.finish(closed);
    QCOMPARE(only(closed, Timeframe::Day1).back().ts, et(2024, 1, 6, 9, 30));
  }

  void aggregateMinuteBars() {
    std::vector<domain::Bar> minutes;
    const auto open = et(2024, 1, 2, 9, 30);
    for (int i = 0; i < 390; ++i)
      minutes.push_back(domain::Bar{open + i * kNanosPerMinute, 10.0 + i * 0.01, 10.5 + i * 0.01, 9.5 + i * 0.01,
                                    10.2 + i * 0.01, 100.0, 10.1 + i * 0.01, 5});
    const auto hours = BarAggregator::aggregate(minutes, Timeframe::Hour1);
    QCOMPARE(hours.size(), std::size_t(7));
    QCOMPARE(hours[0].open, 10.0);
    QCOMPARE(hours[0].close, 10.2 + 59 * 0.01);
    QCOMPARE(hours[0].volume, 6000.0);
    QCOMPARE(hours[0].trades, std::int64_t(300));
    const auto days = BarAggregator::aggregate(minutes, Timeframe::Day1);
    QCOMPARE(days.size(), std::size_t(1));
    QCOMPARE(days[0].ts, open);
    QCOMPARE(days[0].high, 10.5 + 389 * 0.01);
    QCOMPARE(days[0].low, 9.5);
  }

  // 5m and 15m buckets start at the 09:30 open, run on the 5/15-minute grid mid-session and are cut by an early
  // close (13:00); closed bars come out finest first.
  void fiveAndFifteenMinuteBuckets() {
    BarAggregator::Options o;
    o.minute5 = o.minute15 = true;
    BarAggregator agg(o);
    std::vector<ClosedBar> closed;
    // 2024-11-29 closes at 13:00 ET. One trade every 20 s from the open, price = minutes since the open.
    const auto open = et(2024, 11, 29, 9, 30), close = et(2024, 11, 29, 13, 0);
    for (auto t = open; t < close; t += 20 * kNanosPerSecond)
      agg.addTrade(t, 100.0 + double((t - open) / kNanosPerMinute), 1.0, closed);
    // A trade at 09:29 would be outside the session; the open bucket starts at 09:30 exactly.
    QVERIFY(agg.current(Timeframe::Minute5));
    QCOMPARE(agg.current(Timeframe::Minute15)->ts, et(2024, 11, 29, 12, 45));
    agg.flush(close, closed);
    agg.addTrade(et(2024, 11, 29, 13, 2), 1.0, 1.0, closed);  // after the early close: ignored
    QCOMPARE(agg.outsideSession(), std::uint64_t(1));
    QVERIFY(!agg.current(Timeframe::Minute5));
    QVERIFY(!agg.current(Timeframe::Minute15));

    const auto m5 = only(closed, Timeframe::Minute5);
    const auto m15 = only(closed, Timeframe::Minute15);
    QCOMPARE(m5.size(), std::size_t(42));   // 3.5 h
    QCOMPARE(m15.size(), std::size_t(14));
    // At the open.
    QCOMPARE(m5.front().ts, open);
    QCOMPARE(m5.front().open, 100.0);
    QCOMPARE(m5.front().close, 104.0);
    QCOMPARE(m5.front().trades, std::int64_t(15));
    QCOMPARE(m15.front().ts, open);
    QCOMPARE(m15.front().high, 114.0);
    QCOMPARE(m15.front().trades, std::int64_t(45));
    // Mid-session: 11:05 and 11:00 (95 and 90 minutes after the open).
    QCOMPARE(m5[19].ts, et(2024, 11, 29, 11, 5));
    QCOMPARE(m5[19].open, 195.0);
    QCOMPARE(m5[19].low, 195.0);
    QCOMPARE(m5[19].high, 199.0);
    QCOMPARE(m15[6].ts, et(2024, 11, 29, 11, 0));
    QCOMPARE(m15[6].open, 190.0);
    QCOMPARE(m15[6].close, 204.0);
    // The last buckets end at the early close.
    QCOMPARE(m5.back().ts, et(2024, 11, 29, 12, 55));
    QCOMPARE(m15.back().ts, et(2024, 11, 29, 12, 45));
    QCOMPARE(m15.back().close, 309.0);
    for (std::size_t i = 0; i < m15.size(); ++i) QCOMPARE(m15[i].ts, open + std::int64_t(i) * 15 * kNanosPerMinute);
    // Order: every 15m bar comes right after the 5m bar that completes it (and after that bar's 1m).
    for (std::size_t i = 0; i < closed.size(); ++i)
      if (closed[i].timeframe == Timeframe::Minute15) {
        QVERIFY(i >= 2);
        QVERIFY(closed[i - 1].timeframe == Timeframe::Minute5);
        QCOMPARE(closed[i - 1].bar.ts, closed[i].bar.ts + 10 * kNanosPerMinute);
        QVERIFY(closed[i - 2].timeframe == Timeframe::Minute1);
      }
    // Volume is conserved across the levels.
    double v1 = 0, v5 = 0, v15 = 0;
    for (const auto& b : only(closed, Timeframe::Minute1)) v1 += b.volume;
    for (const auto& b : m5) v5 += b.volume;
    for (const auto& b : m15) v15 += b.volume;
    QCOMPARE(v1, 630.0);
    QCOMPARE(v5, v1);
    QCOMPARE(v15, v1);
  }

  // Outside sessions (sessionOnly = false) 5m/15m buckets follow the clock; the one across the close starts there.
  void alwaysOpenFifteenMinutes() {
    BarAggregator::Options o;
    o.minute15 = true;
    o.hourly = o.daily = false;
    o.sessionOnly = false;
    BarAggregator agg(o);
    std::vector<ClosedBar> closed;
    for (auto t = et(2024, 11, 29, 12, 50); t < et(2024, 11, 29, 13, 40); t += kNanosPerMinute)
      agg.addTrade(t, 10.0, 1.0, closed);
    agg.finish(closed);
    const auto m15 = only(closed, Timeframe::Minute15);
    QCOMPARE(m15.size(), std::size_t(4));  // 12:45 (session), 13:00-13:15, 13:15-13:30, 13:30-13:45
    QCOMPARE(m15[0].ts, et(2024, 11, 29, 12, 45));
    QCOMPARE(m15[0].trades, std::int64_t(10));
    QCOMPARE(m15[1].ts, et(2024, 11, 29, 13, 0));
    QCOMPARE(m15[3].ts, et(2024, 11, 29, 13, 30));
    QCOMPARE(m15[3].trades, std::int64_t(10));
    QVERIFY(only(closed, Timeframe::Hour1).empty());
    QVERIFY(only(closed, Timeframe::Minute5).empty());
  }

  // The batch helper: 1m -> 5m / 15m over an early-close session, and stored 5m bars -> 15m give the same bars.
  void aggregateToFiveAndFifteen() {
    std::vector<domain::Bar> minutes;
    const auto open = et(2024, 7, 3, 9, 30);  // closes at 13:00 ET
    for (int i = 0; i < 210; ++i)
      minutes.push_back(domain::Bar{open + i * kNanosPerMinute, 10.0 + i * 0.01, 10.5 + i * 0.01, 9.5 + i * 0.01,
                                    10.2 + i * 0.01, 100.0, 10.1 + i * 0.01, 5});
    const auto m5 = BarAggregator::aggregate(minutes, Timeframe::Minute5);
    QCOMPARE(m5.size(), std::size_t(42));
    QCOMPARE(m5[1].ts, open + 5 * kNanosPerMinute);
    QCOMPARE(m5[1].open, 10.05);
    QCOMPARE(m5[1].close, 10.2 + 9 * 0.01);
    QCOMPARE(m5[1].high, 10.5 + 9 * 0.01);
    QCOMPARE(m5[1].low, 9.5 + 5 * 0.01);
    QCOMPARE(m5[1].volume, 500.0);
    QCOMPARE(m5[1].trades, std::int64_t(25));
    const auto m15 = BarAggregator::aggregate(minutes, Timeframe::Minute15);
    QCOMPARE(m15.size(), std::size_t(14));
    QCOMPARE(m15.back().ts, et(2024, 7, 3, 12, 45));
    QCOMPARE(m15.back().close, 10.2 + 209 * 0.01);
    const auto m15from5 = BarAggregator::aggregate(m5, Timeframe::Minute15);
    QCOMPARE(m15from5.size(), m15.size());
    for (std::size_t i = 0; i < m15.size(); ++i) {
      QCOMPARE(m15from5[i].ts, m15[i].ts);
      QCOMPARE(m15from5[i].open, m15[i].open);
      QCOMPARE(m15from5[i].high, m15[i].high);
      QCOMPARE(m15from5[i].low, m15[i].low);
      QCOMPARE(m15from5[i].close, m15[i].close);
      QCOMPARE(m15from5[i].volume, m15[i].volume);
      QCOMPARE(m15from5[i].trades, m15[i].trades);
    }
  }

  void twoMillionTradesOverAWeekConserveVolume() {
    // 2M trades, one every 216 ms over Mon 2024-03-04 09:30 .. Sat 09:30 (no holidays): after a flush every session
    // minute has its bar (5 x 390), every session hour its bar (5 x 7, the last 15:30-16:00), every session its day
    // bar, and each timeframe's volume is exactly the trades inside sessions (speed: `meridian-cli bench
    // aggregate`, not a wall-clock bound here).
    BarAggregator agg;
    std::vector<ClosedBar> closed;
    closed.reserve(4096);
    const auto start = et(2024, 3, 4, 9, 30);
    const std::int64_t n = 2'000'000;
    const auto step = 5 * kNanosPerDay() / n;
    std::map<Timeframe, std::pair<std::size_t, double>> byTf;  // bars, volume
    auto take = [&] {
      for (const auto& c : closed) {
        ++byTf[c.timeframe].first;
        byTf[c.timeframe].second += c.bar.volume;
      }
      closed.clear();
    };
    for (std::int64_t i = 0; i < n; ++i) {
      agg.addTrade(start + i * step, 100.0 + double(i % 100) * 0.01, 1.0, closed);
      take();
    }
    agg.flush(start + n * step, closed);
    take();
    const double inSession = double(n) - double(agg.outsideSession());
    QVERIFY(inSession > 0.25 * double(n) && inSession < 0.28 * double(n));  // 6.5 of 24 hours
    QCOMPARE(byTf[Timeframe::Minute1].first, std::size_t(5 * 390));
    QCOMPARE(byTf[Timeframe::Hour1].first, std::size_t(5 * 7));
    QCOMPARE(byTf[Timeframe::Day1].first, std::size_t(5));
    for (Timeframe tf : {Timeframe::Minute1, Timeframe::Hour1, Timeframe::Day1})
      QCOMPARE(byTf[tf].second, inSession);
  }

 private:
  static constexpr domain::Timestamp kNanosPerDay() { return domain::kNanosPerDay; }
};

QTEST_GUILESS_MAIN(tst_BarAggregator)
#include "tst_BarAggregator.moc"
