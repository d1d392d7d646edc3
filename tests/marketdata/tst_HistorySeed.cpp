// seedHistory: the first-run history of the simulated market. Real NYSE sessions (weekends and holidays skipped),
// the requested counts, every bar sane and on the tick grid, the last close equal to the live feed's start price,
// the daily bars of the minute sessions equal to their minutes' aggregate, and the same bars for the same seed.
#include "core/marketdata/Timeframe.h"
#include "core/marketdata/simulated/HistorySeed.h"
#include "core/time/NyseCalendar.h"
#include "core/time/TimeZones.h"

#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace meridian;
using namespace meridian::marketdata;

namespace {

domain::Timestamp et(int y, int m, int d, int hh, int mm) {
  return time::TimeZones::fromExchange(QDate(y, m, d), QTime(hh, mm));
}

SimulatedSymbol aapl() {
  SimulatedSymbol s;
  s.symbol = "AAPL";
  s.startPrice = 189.37;
  s.annualVol = 0.28;
  s.tickSize = 0.01;
  return s;
}

bool onGrid(double v) { return std::abs(v * 100.0 - std::round(v * 100.0)) < 1e-6; }

}  // namespace

class tst_HistorySeed : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void sessionsCountsAndContinuity() {
    // Wednesday 2025-12-31 at 12:00 ET: that session has not closed yet, so the newest seeded day is Dec 30.
    const domain::Timestamp end = et(2025, 12, 31, 12, 0);
    const SeededHistory h = seedHistory(aapl(), end, 60, 3, 42);
    QCOMPARE(h.daily.size(), std::size_t(60));
    QCOMPARE(h.daily.back().ts, dailyBarTs(QDate(2025, 12, 30)));
    const auto& cal = time::NyseCalendar::instance();
    for (const domain::Bar& b : h.daily) {
      const QDate d = time::TimeZones::exchangeDate(b.ts);
      QVERIFY2(cal.isTradingDay(d), qPrintable(d.toString(Qt::ISODate)));  // no weekend, no Christmas
      QVERIFY(domain::isSane(b));
      QVERIFY(onGrid(b.open) && onGrid(b.close) && onGrid(b.high) && onGrid(b.low));
    }
    QVERIFY(std::is_sorted(h.daily.begin(), h.daily.end(), [](const auto& a, const auto& b) { return a.ts < b.ts; }));
    // The live feed starts at the symbol's start price: the history ends there.
    QCOMPARE(h.daily.back().close, 189.37);
    QCOMPARE(h.minutes.back().close, 189.37);

    // Minute bars: the last 3 sessions, every minute of each (Dec 24 closes early: 13:00 ET).
    std::size_t expected = 0;
    for (const auto& s : cal.sessions(QDate(2025, 12, 26), QDate(2025, 12, 30)))
      expected += static_cast<std::size_t>((s.close - s.open) / domain::kNanosPerMinute);
    QCOMPARE(h.minutes.size(), expected);
    for (const domain::Bar& b : h.minutes) {
      QVERIFY(domain::isSane(b));
      QVERIFY(cal.isOpen(b.ts));
    }
    // The days of the minute sessions agree with their minutes.
    for (std::size_t i = h.daily.size() - 3; i < h.daily.size(); ++i) {
      const domain::Bar& day = h.daily[i];
      const QDate date = time::TimeZones::exchangeDate(day.ts);
      double hi = 0.0, lo = 1e300;
      for (const domain::Bar& m : h.minutes)
        if (time::TimeZones::exchangeDate(m.ts) == date) {
          hi = std::max(hi, m.high);
          lo = std::min(lo, m.low);
        }
      QCOMPARE(day.high, hi);
      QCOMPARE(day.low, lo);
    }
  }

  void earlyCloseAndDeterminism() {
    const domain::Timestamp end = et(2025, 12, 24, 18, 0);  // Christmas Eve closes at 13:00 ET
    const SeededHistory a = seedHistory(aapl(), end, 10, 1, 7);
    QCOMPARE(a.minutes.size(), std::size_t(210));  // 09:30 - 13:00
    const SeededHistory b = seedHistory(aapl(), end, 10, 1, 7);
    QVERIFY(a.daily == b.daily && a.minutes == b.minutes);
    const SeededHistory c = seedHistory(aapl(), end, 10, 1, 8);
    QVERIFY(a.daily != c.daily);
    SimulatedSymbol msft = aapl();
    msft.symbol = "MSFT";
    QVERIFY(seedHistory(msft, end, 10, 1, 7).daily != a.daily);  // each symbol its own path
  }

  void boundsAndEmptyCases() {
    const domain::Timestamp end = et(2025, 12, 19, 17, 0);  // Friday: Dec 15-19, five full sessions
    QVERIFY(seedHistory(aapl(), end, 0, 5, 1).daily.empty());
    const SeededHistory h = seedHistory(aapl(), end, 5, 50, 1);  // minute sessions clamped to the daily count
    QCOMPARE(h.daily.size(), std::size_t(5));
    QCOMPARE(h.minutes.size(), std::size_t(5 * 390));
    SimulatedSymbol bad = aapl();
    bad.startPrice = 0.0;
    QVERIFY(seedHistory(bad, end, 5, 1, 1).daily.empty());
  }
};

QTEST_MAIN(tst_HistorySeed)
#include "tst_HistorySeed.moc"
