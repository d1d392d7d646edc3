// Chart: timeframe resampling against hand-computed bars (session-aware, DST, ISO weeks), decimation correctness
// (each drawn pixel column's high/low equals the true max/min of its bars, computed here by brute force, and the
// pixels agree), incremental live updates equal a full rebuild, indicator values against direct formulas,
// keyboard/mouse pan and zoom, crosshair readout, ChartDock timeframe/range controls and fill markers.
// Run: xvfb-run -a -s "-screen 0 1920x1080x24" ./tests/gui/tst_ChartView
#include <QtTest>

#include <QApplication>
#include <QToolButton>

#include <cmath>
#include <numeric>
#include <random>

#include "core/time/TimeZones.h"
#include "ui/docks/ChartDock.h"
#include "ui/models/Formatting.h"
#include "ui/widgets/ChartSeries.h"
#include "ui/widgets/CandleView.h"

using namespace meridian;
using ui::ChartSeries;
using ui::CandleView;
using ui::Timeframe;
using domain::Bar;
using domain::Timestamp;

namespace {

Timestamp et(int y, int mo, int d, int h, int mi) { return time::TimeZones::fromExchange(QDate(y, mo, d), QTime(h, mi)); }
Timestamp utc(int y, int mo, int d, int h, int mi) {
  return time::TimeZones::fromQDateTime(QDateTime(QDate(y, mo, d), QTime(h, mi), Qt::UTC));
}
QString fmtEt(Timestamp t) { return time::TimeZones::formatExchange(t, QStringLiteral("yyyy-MM-dd HH:mm t")); }

Bar bar(Timestamp ts, double o, double h, double l, double c, double v) { return Bar{ts, o, h, l, c, v, 0.0, 0}; }

std::vector<Bar> randomWalk(std::size_t n, std::uint32_t seed, Timestamp start = 0, Timestamp step = domain::kNanosPerMinute) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> ret(0.0, 0.002);
  std::uniform_real_distribution<double> wick(0.0, 0.003);
  std::uniform_real_distribution<double> vol(100.0, 10'000.0);
  std::vector<Bar> out(n);
  double px = 100.0;
  for (std::size_t i = 0; i < n; ++i) {
    Bar& b = out[i];
    b.ts = start + static_cast<Timestamp>(i) * step;
    b.open = px;
    px *= 1.0 + ret(rng);
    b.close = px;
    b.high = std::max(b.open, b.close) * (1.0 + wick(rng));
    b.low = std::min(b.open, b.close) * (1.0 - wick(rng));
    b.volume = std::round(vol(rng));
  }
  return out;
}

void render(CandleView& v) {
  QImage img(v.size(), QImage::Format_ARGB32_Premultiplied);
  v.render(&img);
}

// Every column partitions the visible bars and carries their exact aggregate (brute force here).
void verifyColumns(const CandleView& v, const char* what) {
  const auto& bars = v.series().bars();
  const auto& cols = v.columns();
  QVERIFY2(!cols.empty(), what);
  QVERIFY2(cols.size() <= static_cast<std::size_t>(v.width()), what);
  for (std::size_t c = 0; c < cols.size(); ++c) {
    const ui::ChartColumn& col = cols[c];
    QVERIFY2(col.first < col.last && col.last <= bars.size(), what);
    if (c > 0) {
      QCOMPARE(col.first, cols[c - 1].last);  // contiguous, no bar twice, none skipped
      QVERIFY(col.x > cols[c - 1].x);
    }
    double hi = -INFINITY, lo = INFINITY, vol = 0.0;
    for (std::size_t i = col.first; i < col.last; ++i) {
      hi = std::max(hi, bars[i].high);
      lo = std::min(lo, bars[i].low);
      vol += bars[i].volume;
    }
    QCOMPARE(col.high, hi);
    QCOMPARE(col.low, lo);
    QCOMPARE(col.open, bars[col.first].open);
    QCOMPARE(col.close, bars[col.last - 1].close);
    QVERIFY(std::abs(col.volume - vol) <= 1e-9 * std::max(1.0, vol));
  }
  // The columns cover the visible range.
  QCOMPARE(cols.front().first, v.visibleBegin());
  QVERIFY2(cols.back().last >= v.visibleEnd() - 1 && cols.back().last <= v.visibleEnd(), what);
}

}  // namespace

class tst_ChartView : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() { time::TimeZones::setDisplayTimeZone("America/New_York"); }

  // ---- Resampling -----------------------------------------------------------------------------------------------
  void fiveMinuteBars() {
    std::vector<Bar> base;
    for (int i = 0; i < 10; ++i)
      base.push_back(bar(et(2026, 1, 6, 9, 30 + i), 100 + i, 101 + i, 99.5 + i, 100.5 + i, 1000.0 * (i + 1)));
    base[2].high = 110;
    base[7].low = 90;
    const auto out = ChartSeries::resample(base, Timeframe::M5);
    QCOMPARE(out.size(), std::size_t(2));
    QCOMPARE(out[0].ts, utc(2026, 1, 6, 14, 30));
    QCOMPARE(out[0].open, 100.0);
    QCOMPARE(out[0].high, 110.0);
    QCOMPARE(out[0].low, 99.5);
    QCOMPARE(out[0].close, 104.5);
    QCOMPARE(out[0].volume, 15'000.0);
    QCOMPARE(out[1].ts, utc(2026, 1, 6, 14, 35));
    QCOMPARE(out[1].open, 105.0);
    QCOMPARE(out[1].high, 110.0);
    QCOMPARE(out[1].low, 90.0);
    QCOMPARE(out[1].close, 109.5);
    QCOMPARE(out[1].volume, 40'000.0);
    // After the spring-forward change (Monday 2026-03-09, EDT) 09:30 ET is 13:30Z.
    std::vector<Bar> dst;
    for (int i = 0; i < 7; ++i) dst.push_back(bar(et(2026, 3, 9, 9, 30 + i), 1, 2, 0.5, 1.5, 1));
    const auto d = ChartSeries::resample(dst, Timeframe::M5);
    QCOMPARE(d.size(), std::size_t(2));
    QCOMPARE(d[0].ts, utc(2026, 3, 9, 13, 30));
    QCOMPARE(d[0].volume, 5.0);
    QCOMPARE(d[1].volume, 2.0);
  }

  // 15m buckets start at the 09:30 open and the last one of a 13:00 early close (2025-11-28) is 12:45-13:00.
  void fifteenMinuteBars() {
    std::vector<Bar> base;
    for (Timestamp t = et(2025, 11, 28, 9, 30); t < et(2025, 11, 28, 13, 0); t += domain::kNanosPerMinute)
      base.push_back(bar(t, 10, 11, 9, 10, 1));
    base[20].high = 20;  // 09:50: the second bucket
    const auto out = ChartSeries::resample(base, Timeframe::M15);
    QCOMPARE(out.size(), std::size_t(14));
    QCOMPARE(out[0].ts, et(2025, 11, 28, 9, 30));
    QCOMPARE(out[0].volume, 15.0);
    QCOMPARE(out[1].ts, et(2025, 11, 28, 9, 45));
    QCOMPARE(out[1].high, 20.0);
    QCOMPARE(out[0].high, 11.0);
    QCOMPARE(out.back().ts, et(2025, 11, 28, 12, 45));
    QCOMPARE(out.back().volume, 15.0);
    // Stored 5m bars resample into the same 15m buckets.
    const auto from5 = ChartSeries::resample(ChartSeries::resample(base, Timeframe::M5), Timeframe::M15);
    QCOMPARE(from5.size(), out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      QCOMPARE(from5[i].ts, out[i].ts);
      QCOMPARE(from5[i].high, out[i].high);
      QCOMPARE(from5[i].volume, out[i].volume);
    }
    QCOMPARE(QString(timeframeLabel(Timeframe::M15)), QString("15m"));
    QCOMPARE(timeframeDuration(Timeframe::M15), 15 * domain::kNanosPerMinute);
  }

  void hourlyBarsAlignToTheOpen() {
    std::vector<Bar> base;
    for (Timestamp t = et(2026, 1, 6, 8, 15); t < et(2026, 1, 6, 10, 45); t += domain::kNanosPerMinute)
      base.push_back(bar(t, 10, 11, 9, 10, 1));
    const auto out = ChartSeries::resample(base, Timeframe::H1);
    QCOMPARE(out.size(), std::size_t(4));
    const Timestamp starts[] = {et(2026, 1, 6, 7, 30), et(2026, 1, 6, 8, 30), et(2026, 1, 6, 9, 30), et(2026, 1, 6, 10, 30)};
    const double counts[] = {15, 60, 60, 15};
    for (int i = 0; i < 4; ++i) {
      QCOMPARE(fmtEt(out[static_cast<std::size_t>(i)].ts), fmtEt(starts[i]));
      QCOMPARE(out[static_cast<std::size_t>(i)].volume, counts[i]);
    }
  }

  void dailyBarsAreRegularSessions() {
    std::vector<Bar> base;
    for (int day : {5, 6}) {
      base.push_back(bar(et(2026, 1, day, 8, 0), 50, 200, 1, 50, 7));       // pre-market: excluded
      base.push_back(bar(et(2026, 1, day, 9, 30), 100, 101, 99, 100.5, 10));
      base.push_back(bar(et(2026, 1, day, 12, 0), 100.5, 103, 98, 102, 20));
      base.push_back(bar(et(2026, 1, day, 15, 59), 102, 102.5, 101, 101.5, 30));
      base.push_back(bar(et(2026, 1, day, 16, 0), 101.5, 300, 0.5, 150, 7));  // the close is exclusive
      base.push_back(bar(et(2026, 1, day, 17, 0), 150, 160, 140, 155, 7));   // after hours
    }
    // Early close (day after Thanksgiving 2025): the session ends at 13:00.
    base.insert(base.begin(), {bar(et(2025, 11, 28, 9, 30), 90, 91, 89, 90.5, 5), bar(et(2025, 11, 28, 12, 59), 90.5, 95, 90, 94, 6),
                               bar(et(2025, 11, 28, 13, 0), 94, 99, 93, 98, 7)});
    const auto out = ChartSeries::resample(base, Timeframe::D1);
    QCOMPARE(out.size(), std::size_t(3));
    QCOMPARE(fmtEt(out[0].ts), fmtEt(et(2025, 11, 28, 9, 30)));
    QCOMPARE(out[0].close, 94.0);
    QCOMPARE(out[0].high, 95.0);
    QCOMPARE(out[0].volume, 11.0);
    for (std::size_t i : {std::size_t(1), std::size_t(2)}) {
      QCOMPARE(out[i].open, 100.0);
      QCOMPARE(out[i].high, 103.0);
      QCOMPARE(out[i].low, 98.0);
      QCOMPARE(out[i].close, 101.5);
      QCOMPARE(out[i].volume, 60.0);
    }
    QCOMPARE(fmtEt(out[2].ts), fmtEt(et(2026, 1, 6, 9, 30)));
  }

  void weeklyBarsAreIsoWeeksOfSessions() {
    // Daily bars stamped 00:00 UTC (as many vendors do), holidays absent. ISO week 1 of 2026 starts Mon 2025-12-29.
    const QList<QDate> days = {QDate(2025, 12, 22), QDate(2025, 12, 23), QDate(2025, 12, 24), QDate(2025, 12, 26),
                               QDate(2025, 12, 29), QDate(2025, 12, 30), QDate(2025, 12, 31), QDate(2026, 1, 2),
                               QDate(2026, 1, 5),   QDate(2026, 1, 6),   QDate(2026, 1, 7),   QDate(2026, 1, 8),
                               QDate(2026, 1, 9)};
    std::vector<Bar> base;
    for (int i = 0; i < days.size(); ++i) {
      const double p = 100 + i;
      base.push_back(bar(utc(days[i].year(), days[i].month(), days[i].day(), 0, 0), p, p + 2, p - 2, p + 0.5, 1));
    }
    ChartSeries s;
    s.setBase(base);
    s.setTimeframe(Timeframe::D1);
    QCOMPARE(s.size(), base.size());  // daily data is already 1D
    QVERIFY(s.effectiveTimeframe() == Timeframe::D1);
    const auto out = ChartSeries::resample(base, Timeframe::W1);
    QCOMPARE(out.size(), std::size_t(3));
    QCOMPARE(out[0].volume, 4.0);
    QCOMPARE(out[0].open, 100.0);
    QCOMPARE(out[0].close, 103.5);
    QCOMPARE(out[0].high, 105.0);
    QCOMPARE(out[0].low, 98.0);
    QCOMPARE(out[1].volume, 4.0);  // Dec 29 .. Jan 2: one ISO week across the year boundary
    QCOMPARE(out[1].ts, base[4].ts);
    QCOMPARE(out[1].open, 104.0);
    QCOMPARE(out[1].close, 107.5);
    QCOMPARE(out[2].volume, 5.0);
    QCOMPARE(out[2].close, 112.5);
    // 1m base -> 1W goes through the sessions.
    std::vector<Bar> minutes;
    for (int d : {8, 9, 10, 12})  // the 10th is a Saturday: no session, excluded
      for (int m : {0, 1}) minutes.push_back(bar(et(2026, 1, d, 10, m), 1, 2, 0.5, 1.5, 1));
    std::sort(minutes.begin(), minutes.end(), [](const Bar& a, const Bar& b) { return a.ts < b.ts; });
    const auto w = ChartSeries::resample(minutes, Timeframe::W1);
    QCOMPARE(w.size(), std::size_t(2));
    QCOMPARE(w[0].volume, 4.0);
    QCOMPARE(fmtEt(w[0].ts), fmtEt(et(2026, 1, 8, 9, 30)));
    QCOMPARE(fmtEt(w[1].ts), fmtEt(et(2026, 1, 12, 9, 30)));
  }

  void incrementalEqualsRebuild() {
    // Session-shaped 1m bars over a few days, appended one by one with live revisions of the last bar.
    std::vector<Bar> all;
    for (int day = 5; day <= 9; ++day) {
      auto d = randomWalk(390, static_cast<std::uint32_t>(day), et(2026, 1, day, 9, 30));
      all.insert(all.end(), d.begin(), d.end());
    }
    for (Timeframe tf : {Timeframe::M1, Timeframe::M5, Timeframe::M15, Timeframe::H1, Timeframe::D1, Timeframe::W1}) {
      ChartSeries live;
      live.setTimeframe(tf);
      live.setBase({all.begin(), all.begin() + 100});
      for (std::size_t i = 100; i < all.size(); ++i) {
        Bar partial = all[i];
        partial.close = partial.open;
        partial.high = std::max(partial.open, partial.low);
        live.appendBase({partial});  // live bar, then its final version
        live.appendBase({all[i]});
      }
      ChartSeries full;
      full.setTimeframe(tf);
      full.setBase(all);
      QCOMPARE(live.size(), full.size());
      for (std::size_t i = 0; i < full.size(); ++i) {
        QCOMPARE(live.bars()[i], full.bars()[i]);
        for (int k = 0; k < static_cast<int>(ui::Indicator::Count); ++k) {
          const float a = live.indicator(static_cast<ui::Indicator>(k), i);
          const float b = full.indicator(static_cast<ui::Indicator>(k), i);
          QVERIFY2((std::isnan(a) && std::isnan(b)) || std::abs(a - b) <= 1e-4f * std::max(1.0f, std::abs(b)),
                   qPrintable(QStringLiteral("%1 %2 @%3: %4 vs %5").arg(ui::timeframeLabel(tf)).arg(k).arg(i).arg(a).arg(b)));
        }
      }
      QVERIFY(live.incrementalUpdates() > 0);
      // Switching timeframes away and back starts the indicators from scratch (no state carried over).
      live.setTimeframe(tf == Timeframe::M1 ? Timeframe::M5 : Timeframe::M1);
      live.setTimeframe(tf);
      for (std::size_t i = 0; i < full.size(); ++i)
        for (int k = 0; k < static_cast<int>(ui::Indicator::Count); ++k) {
          const float a = live.indicator(static_cast<ui::Indicator>(k), i);
          const float b = full.indicator(static_cast<ui::Indicator>(k), i);
          QVERIFY((std::isnan(a) && std::isnan(b)) || a == b);
        }
      // aggregate() over arbitrary ranges equals brute force.
      std::mt19937 rng(3);
      for (int q = 0; q < 200 && full.size() > 1; ++q) {
        std::uniform_int_distribution<std::size_t> pick(0, full.size() - 1);
        std::size_t a = pick(rng), b = pick(rng);
        if (a > b) std::swap(a, b);
        ++b;
        double hi = -INFINITY, lo = INFINITY;
        for (std::size_t i = a; i < b; ++i) {
          hi = std::max(hi, full.bars()[i].high);
          lo = std::min(lo, full.bars()[i].low);
        }
        QCOMPARE(live.aggregate(a, b).high, hi);
        QCOMPARE(live.aggregate(a, b).low, lo);
      }
    }
  }

  void indicatorsMatchDirectFormulas() {
    ChartSeries s;
    const auto bars = randomWalk(600, 21);
    s.setBase(bars);
    std::vector<double> close;
    for (const auto& b : bars) close.push_back(b.close);
    for (std::size_t i : {std::size_t(19), std::size_t(250), std::size_t(599)}) {
      const double sma20 = std::accumulate(close.begin() + static_cast<std::ptrdiff_t>(i) - 19, close.begin() + static_cast<std::ptrdiff_t>(i) + 1, 0.0) / 20.0;
      QVERIFY(std::abs(s.indicator(ui::Indicator::Sma20, i) - sma20) < 1e-3);
      double var = 0.0;
      for (std::size_t k = i - 19; k <= i; ++k) var += (close[k] - sma20) * (close[k] - sma20);
      const double sd = std::sqrt(var / 20.0);
      QVERIFY(std::abs(s.indicator(ui::Indicator::BbUpper, i) - (sma20 + 2 * sd)) < 1e-3);
      QVERIFY(std::abs(s.indicator(ui::Indicator::BbLower, i) - (sma20 - 2 * sd)) < 1e-3);
    }
    QVERIFY(std::isnan(s.indicator(ui::Indicator::Sma20, 18)));
    QVERIFY(std::isnan(s.indicator(ui::Indicator::Sma200, 198)));
    QVERIFY(!std::isnan(s.indicator(ui::Indicator::Sma200, 199)));
    // EMA 12 seeded with the SMA of the first 12, then alpha = 2/13.
    double ema = std::accumulate(close.begin(), close.begin() + 12, 0.0) / 12.0;
    for (std::size_t i = 12; i < close.size(); ++i) ema += 2.0 / 13.0 * (close[i] - ema);
    QVERIFY(std::abs(s.indicator(ui::Indicator::Ema12, close.size() - 1) - ema) < 1e-3);
    // RSI 14 (Wilder).
    double gain = 0, loss = 0;
    for (std::size_t i = 1; i <= 14; ++i) {
      const double ch = close[i] - close[i - 1];
      gain += std::max(ch, 0.0) / 14.0;
      loss += std::max(-ch, 0.0) / 14.0;
    }
    for (std::size_t i = 15; i < close.size(); ++i) {
      const double ch = close[i] - close[i - 1];
      gain = (gain * 13.0 + std::max(ch, 0.0)) / 14.0;
      loss = (loss * 13.0 + std::max(-ch, 0.0)) / 14.0;
    }
    QVERIFY(std::abs(s.indicator(ui::Indicator::Rsi14, close.size() - 1) - (100.0 - 100.0 / (1.0 + gain / loss))) < 1e-2);
    QVERIFY(std::isnan(s.indicator(ui::Indicator::Rsi14, 13)));
    QVERIFY(!std::isnan(s.indicator(ui::Indicator::MacdSignal, 599)));
  }

  // ---- Drawing --------------------------------------------------------------------------------------------------
  void decimationIsExactPerPixelColumn() {
    CandleView v;
    v.setSymbol(QStringLiteral("BIG"));
    v.setBars(randomWalk(300'000, 7));
    v.resize(1600, 700);
    v.fitAll();
    render(v);
    QVERIFY(v.barSpacing() < 1.0);
    QVERIFY(v.lastPaintedColumns() > 1000);
    verifyColumns(v, "fit all");
    QCOMPARE(v.visibleBegin(), std::size_t(0));
    QCOMPARE(v.visibleEnd(), std::size_t(300'000));

    v.zoomBy(3.7, 640.0);  // zoom at an arbitrary point: non-aligned column boundaries
    render(v);
    verifyColumns(v, "zoomed");
    v.panBars(-12'345.6);
    render(v);
    verifyColumns(v, "panned");
    QVERIFY(!v.followingLatest());

    // Pixels agree with the data: the wick of each column spans exactly [y(high), y(low)].
    v.setOverlayVisible(CandleView::Overlay::Sma20, false);
    v.setOverlayVisible(CandleView::Overlay::Sma50, false);
    QImage img(v.size(), QImage::Format_ARGB32_Premultiplied);
    v.render(&img);
    const QRgb up = ui::format::upColor().rgb(), down = ui::format::downColor().rgb();
    const QRectF pr = v.pricePlotRect();
    const double lastY = v.yOfPrice(v.series().bars().back().close);
    int checked = 0;
    for (std::size_t c = 0; c < v.columns().size(); c += 37) {
      const ui::ChartColumn& col = v.columns()[c];
      const int x = static_cast<int>(std::round(col.x - 0.5));
      int top = -1, bottom = -1;
      for (int y = static_cast<int>(pr.top()); y <= static_cast<int>(pr.bottom()); ++y) {
        if (std::abs(y - lastY) <= 1.0) continue;  // the dashed last-price line crosses every column
        const QRgb px = img.pixel(x, y) | 0xff000000;
        if (px == up || px == down) {
          if (top < 0) top = y;
          bottom = y;
        }
      }
      const double yHigh = v.yOfPrice(col.high), yLow = v.yOfPrice(col.low);
      if (std::abs(yHigh - lastY) < 2 || std::abs(yLow - lastY) < 2) continue;
      QVERIFY2(top >= 0, qPrintable(QString::number(c)));
      QVERIFY2(std::abs(top - yHigh) <= 1.0, qPrintable(QStringLiteral("col %1 top %2 vs %3").arg(c).arg(top).arg(yHigh)));
      QVERIFY2(std::abs(bottom - yLow) <= 1.0, qPrintable(QStringLiteral("col %1 bottom %2 vs %3").arg(c).arg(bottom).arg(yLow)));
      ++checked;
    }
    QVERIFY(checked > 20);

    // Zoomed in past one pixel per bar: one column per bar, equal to the bar.
    v.zoomBy(5000.0);
    render(v);
    QVERIFY(v.barSpacing() >= 1.0);
    verifyColumns(v, "per bar");
    for (const auto& col : v.columns()) QCOMPARE(col.last, col.first + 1);
  }

  void keyboardAndMousePanZoom() {
    CandleView v;
    v.setBars(randomWalk(5'000, 9));
    v.resize(1000, 600);
    v.show();
    QVERIFY(QTest::qWaitForWindowExposed(&v));
    v.setFocus();
    const std::size_t n = 5'000;
    QVERIFY(v.followingLatest());
    QCOMPARE(v.visibleEnd(), n);
    QCOMPARE(v.barSpacing(), CandleView::kDefaultSpacing);
    const double visible = v.visibleBars();

    QTest::keyClick(&v, Qt::Key_Left);
    QVERIFY(!v.followingLatest());
    const double step = std::max(1.0, std::round(visible / 20.0));
    QCOMPARE(v.rightVisible(), static_cast<double>(n) - step);
    QTest::keyClick(&v, Qt::Key_Right);
    QVERIFY(v.followingLatest());
    QTest::keyClick(&v, Qt::Key_PageUp);
    QVERIFY(std::abs(v.rightVisible() - (static_cast<double>(n) - visible)) < 1e-6);
    QTest::keyClick(&v, Qt::Key_PageDown);
    QVERIFY(v.followingLatest());

    QTest::keyClick(&v, Qt::Key_Plus);
    QVERIFY(v.visibleBars() < visible * 0.85);
    QVERIFY(v.followingLatest());  // zooming while following keeps the newest bar at the right edge
    QTest::keyClick(&v, Qt::Key_Minus);
    QTest::keyClick(&v, Qt::Key_Minus);
    QVERIFY(v.visibleBars() > visible * 1.2);
    QTest::keyClick(&v, Qt::Key_Home);
    QCOMPARE(v.visibleBegin(), std::size_t(0));
    QCOMPARE(v.visibleEnd(), n);
    QTest::keyClick(&v, Qt::Key_End);
    QCOMPARE(v.barSpacing(), CandleView::kDefaultSpacing);
    QVERIFY(v.followingLatest());

    // Drag right by 90 px = 10 bars back in time; the wheel zooms at the cursor.
    const double right = v.rightVisible();
    QTest::mousePress(&v, Qt::LeftButton, Qt::NoModifier, QPoint(500, 200));
    QTest::mouseMove(&v, QPoint(545, 200));
    QTest::mouseMove(&v, QPoint(590, 200));
    QTest::mouseRelease(&v, Qt::LeftButton, Qt::NoModifier, QPoint(590, 200));
    QVERIFY(std::abs(v.rightVisible() - (right - 10.0)) < 1e-6);
    const double before = v.visibleBars();
    QWheelEvent wheel(QPointF(300, 200), v.mapToGlobal(QPointF(300, 200)), QPoint(), QPoint(0, 120), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(&v, &wheel);
    QVERIFY(v.visibleBars() < before);
  }

  void crosshairReadout() {
    CandleView v;
    std::vector<Bar> bars;
    for (int i = 0; i < 60; ++i)
      bars.push_back(bar(et(2026, 1, 6, 10, i), 100 + i, 100.75 + i, 99.25 + i, 100.5 + i, 1'000.0 + i));
    v.setBars(bars);
    v.setMarkers({ui::ChartMarker{bars[40].ts + 5 * domain::kNanosPerSecond, 140.2, ui::ChartMarker::Kind::Buy,
                                  QStringLiteral("BUY 100 @ 140.20")}});
    v.resize(900, 500);
    render(v);
    // Without a crosshair the readout shows the newest bar.
    QVERIFY2(v.readoutText().contains(QStringLiteral("O 159.00  H 159.75  L 158.25  C 159.50")), qPrintable(v.readoutText()));
    QVERIFY(v.readoutText().startsWith(QStringLiteral("2026-01-06 10:59")));
    // Hover bar 40.
    const auto& cols = v.columns();
    const auto it = std::find_if(cols.begin(), cols.end(), [](const ui::ChartColumn& c) { return c.first == 40; });
    QVERIFY(it != cols.end());
    v.setCrosshair(QPointF(it->x, v.pricePlotRect().center().y()));
    render(v);
    const QString text = v.readoutText();
    QVERIFY2(text.startsWith(QStringLiteral("2026-01-06 10:40 EST")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("O 140.00  H 140.75  L 139.25  C 140.50  V 1,040")), qPrintable(text));
    const double sma20 = (121.5 + 140.5) / 2.0;  // closes of bars 21 .. 40
    QVERIFY2(text.contains(QStringLiteral("SMA20 %1").arg(sma20, 0, 'f', 2)), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("SMA50 —")), qPrintable(text));  // not ready yet
    QVERIFY2(text.contains(QStringLiteral("RSI 100.0")), qPrintable(text));  // only gains
    QVERIFY2(text.contains(QStringLiteral("BUY 100 @ 140.20")), qPrintable(text));
    v.setCrosshair(QPointF(-1, -1));
    render(v);
    QVERIFY(v.readoutText().contains(QStringLiteral("C 159.50")));
  }

  void chartDockControls() {
    ui::ChartDock dock;
    dock.resize(1100, 600);
    dock.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dock));
    dock.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&dock));
    dock.setSymbol(QStringLiteral("AAPL"));
    QVector<contract::BarClosed> feed;
    for (int day = 5; day <= 9; ++day)
      for (const Bar& b : randomWalk(390, static_cast<std::uint32_t>(day), et(2026, 1, day, 9, 30)))
        feed.push_back(contract::BarClosed{"AAPL", "test", b});
    dock.onBarsAppended(feed);
    CandleView* v = dock.view();
    QCOMPARE(v->bars().size(), std::size_t(1950));

    dock.timeframeButton(Timeframe::M5)->click();
    QVERIFY(v->timeframe() == Timeframe::M5);
    QCOMPARE(v->series().size(), std::size_t(390));
    v->setFocus();
    QTest::keyClick(v, Qt::Key_3);  // 15m
    QVERIFY(v->timeframe() == Timeframe::M15);
    QCOMPARE(v->series().size(), std::size_t(130));
    QVERIFY(dock.timeframeButton(Timeframe::M15)->isChecked());
    QTest::keyClick(v, Qt::Key_5);  // 1D
    QVERIFY(v->timeframe() == Timeframe::D1);
    QCOMPARE(v->series().size(), std::size_t(5));
    QVERIFY(dock.timeframeButton(Timeframe::D1)->isChecked());
    QTest::keyClick(v, Qt::Key_1);
    QVERIFY(v->timeframe() == Timeframe::M1);

    dock.rangeButton(CandleView::Range::D1)->click();
    render(*v);
    QCOMPARE(v->visibleBegin(), std::size_t(1560));  // the last session's first bar
    QCOMPARE(v->visibleEnd(), std::size_t(1950));
    QTest::keyClick(v, Qt::Key_2, Qt::ControlModifier);  // 5D
    render(*v);
    QCOMPARE(v->visibleBegin(), std::size_t(0));

    // Live: a trade inside the newest bar moves its close; a fill becomes a marker.
    const Bar last = v->bars().back();
    domain::Quote q;
    q.symbol = "AAPL";
    q.ts = last.ts + 20 * domain::kNanosPerSecond;
    q.last = last.high + 1.0;
    dock.onQuotesUpdated({q});
    QCOMPARE(v->bars().back().close, last.high + 1.0);
    QCOMPARE(v->bars().back().high, last.high + 1.0);
    domain::Fill f{"F-1", "O-1", "AAPL", domain::Side::Sell, 10, last.close, 0.0, q.ts, "manual"};
    dock.onFillsAppended({f});
    QCOMPARE(v->markers().size(), std::size_t(1));
    QVERIFY(v->markers().front().kind == ui::ChartMarker::Kind::Sell);

    // Settings round trip (workspaces).
    dock.setTimeframe(Timeframe::H1);
    v->setOverlayVisible(CandleView::Overlay::Bollinger, true);
    const QVariantMap saved = dock.chartSettings();
    ui::ChartDock other;
    other.applyChartSettings(saved);
    QVERIFY(other.view()->timeframe() == Timeframe::H1);
  }
};

QTEST_MAIN(tst_ChartView)
#include "tst_ChartView.moc"
