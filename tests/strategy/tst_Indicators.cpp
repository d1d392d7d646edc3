// Indicators against hand-computed values, a published textbook example and naive O(n * window)
// re-implementations written here (recomputed from scratch at every step).
#include "core/strategy/indicators/Indicators.h"

#include <QtTest>

#include <atomic>
#include <cmath>
#include <cstdlib>
#include <new>
#include <random>
#include <vector>

// Counts heap allocations to prove update() never allocates.
#include "tests/support/AllocationCounter.h"

using namespace meridian::strategy;

namespace {

std::vector<double> series(std::size_t n, double level, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<double> v(n);
  double x = level;
  for (auto& e : v) {
    x += u(rng) * level * 0.01;
    e = x;
  }
  return v;
}

double naiveMean(const std::vector<double>& v, std::size_t end, std::size_t w) {
  double s = 0;
  for (std::size_t i = end + 1 - w; i <= end; ++i) s += v[i];
  return s / double(w);
}
double naiveVar(const std::vector<double>& v, std::size_t end, std::size_t w, bool sample) {
  const double m = naiveMean(v, end, w);
  double s = 0;
  for (std::size_t i = end + 1 - w; i <= end; ++i) s += (v[i] - m) * (v[i] - m);
  return s / double(sample ? w - 1 : w);
}
// EMA by its definition: SMA seed over the first n values, then e = a*x + (1-a)*e.
double naiveEma(const std::vector<double>& v, std::size_t end, std::size_t n) {
  double e = 0;
  for (std::size_t i = 0; i < n; ++i) e += v[i];
  e /= double(n);
  const double a = 2.0 / (double(n) + 1.0);
  for (std::size_t i = n; i <= end; ++i) e = a * v[i] + (1 - a) * e;
  return e;
}

bool close(double a, double b, double rel = 1e-9) { return std::abs(a - b) <= rel * std::max(1.0, std::abs(b)); }

}  // namespace

class tst_Indicators : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void smaHandComputed() {
    Sma s(3);
    QVERIFY(std::isnan(s.update(1)));
    QVERIFY(std::isnan(s.update(2)));
    QVERIFY(!s.ready());
    QCOMPARE(s.update(3), 2.0);
    QCOMPARE(s.update(4), 3.0);
    QCOMPARE(s.update(5), 4.0);
    QVERIFY(s.ready());
  }
  void emaHandComputed() {
    Ema e(3);  // alpha 0.5, seed = mean of the first 3
    e.update(1);
    e.update(2);
    QCOMPARE(e.update(3), 2.0);
    QCOMPARE(e.update(4), 3.0);
    QCOMPARE(e.update(5), 4.0);
    QCOMPARE(e.update(1), 2.5);
  }
  void wmaHandComputed() {
    Wma w(3);
    w.update(1);
    w.update(2);
    QVERIFY(qFuzzyCompare(w.update(3), 14.0 / 6.0));   // (1*1 + 2*2 + 3*3) / 6
    QVERIFY(qFuzzyCompare(w.update(4), 20.0 / 6.0));   // (2 + 6 + 12) / 6
    QVERIFY(qFuzzyCompare(w.update(10), 41.0 / 6.0));  // (3 + 8 + 30) / 6
  }
  void bollingerHandComputed() {
    BollingerBands b(5, 2.0);
    for (double x : {1.0, 2.0, 3.0, 4.0, 5.0}) b.update(x);
    QCOMPARE(b.middle(), 3.0);
    QVERIFY(qFuzzyCompare(b.upper(), 3.0 + 2.0 * std::sqrt(2.0)));  // population sd of 1..5 = sqrt(2)
    QVERIFY(qFuzzyCompare(b.lower(), 3.0 - 2.0 * std::sqrt(2.0)));
    b.update(11);  // window 2..6 -> 2,3,4,5,11: mean 5, pop var (9+4+1+0+36)/5 = 10
    QCOMPARE(b.middle(), 5.0);
    QVERIFY(qFuzzyCompare(b.upper(), 5.0 + 2.0 * std::sqrt(10.0)));
  }
  void atrHandComputed() {
    Atr a(2);
    QVERIFY(std::isnan(a.update(10, 8, 9)));  // TR = 2
    QCOMPARE(a.update(11, 9, 10.5), 2.0);      // TR = max(2, |11-9|, |9-9|) = 2 -> ATR = 2
    QCOMPARE(a.update(15, 13, 14), 3.25);      // gap: TR = max(2, 4.5, 2.5) = 4.5 -> (2 + 4.5) / 2
    QCOMPARE(a.trueRange(), 4.5);
  }
  void stochasticHandComputed() {
    Stochastic s(3, 2);
    s.update(10, 8, 9);
    s.update(12, 9, 11);
    QCOMPARE(s.update(11, 7, 10), 60.0);  // HH 12, LL 7: 100 * 3 / 5
    QVERIFY(std::isnan(s.d()));
    QCOMPARE(s.update(13, 10, 13), 100.0);  // HH 13, LL 7
    QCOMPARE(s.d(), 80.0);
    QVERIFY(qFuzzyCompare(s.update(13, 12, 12.5), 100.0 * 5.5 / 6.0));  // bars 3..5: HH 13, LL 7
    QVERIFY(qFuzzyCompare(s.d(), (100.0 + 100.0 * 5.5 / 6.0) / 2.0));
    QCOMPARE(s.update(14, 13, 13.5), 87.5);  // bars 4..6: HH 14, LL 10 (the 7 low has left the window)
  }
  void rsiWilderTextbookExample() {
    // The 14-day RSI example published by StockCharts ("RSI", ChartSchool) after Wilder (1978).
    const double p[] = {44.34, 44.09, 44.15, 43.61, 44.33, 44.83, 45.10, 45.42, 45.84, 46.08, 45.89,
                        46.03, 45.61, 46.28, 46.28, 46.00, 46.03, 46.41, 46.22, 45.64, 46.21, 46.25,
                        45.71, 46.45, 45.78, 45.35, 44.03, 44.18, 44.22, 44.57, 43.42, 42.66, 43.13};
    // Published RSI values from the 15th close on (their spreadsheet rounds intermediate averages, hence the
    // 0.1 tolerance; the last values agree to 0.01).
    const double published[] = {70.53, 66.32, 66.55, 69.41, 66.36, 57.97, 62.93, 63.26, 56.06, 62.38,
                                54.71, 50.42, 39.99, 41.46, 41.87, 45.46, 37.30, 33.09, 37.79};
    Rsi rsi(14);
    std::vector<double> got;
    for (std::size_t i = 0; i < std::size(p); ++i) {
      const double v = rsi.update(p[i]);
      QCOMPARE(rsi.ready(), i >= 14);
      if (i == 14) {
        // First averages: gains 3.34 / 14 = 0.2386, losses 1.40 / 14 = 0.1000 (sum of the first 14 changes / 14, computed by hand).
        QVERIFY(std::abs(rsi.averageGain() - 0.238571) < 1e-5);
        QVERIFY(std::abs(rsi.averageLoss() - 0.1) < 1e-9);
      }
      if (rsi.ready()) got.push_back(v);
    }
    QCOMPARE(got.size(), std::size(published));
    for (std::size_t i = 0; i < got.size(); ++i)
      QVERIFY2(std::abs(got[i] - published[i]) < 0.1, qPrintable(QString("%1: %2 vs %3").arg(i).arg(got[i]).arg(published[i])));
    QVERIFY(std::abs(got[got.size() - 2] - 33.09) < 0.01);
    QVERIFY(std::abs(got.back() - 37.79) < 0.01);
  }
  void rsiExtremes() {
    Rsi up(3);
    for (double x : {1.0, 2.0, 3.0, 4.0, 5.0}) up.update(x);
    QCOMPARE(up.value(), 100.0);
    Rsi flat(3);
    for (int i = 0; i < 5; ++i) flat.update(7.0);
    QCOMPARE(flat.value(), 50.0);
  }
  void rsiAgainstNaive() {
    const auto v = series(600, 50.0, 3);
    const std::size_t n = 14;
    Rsi rsi(n);
    for (std::size_t t = 0; t < v.size(); ++t) {
      const double got = rsi.update(v[t]);
      if (t < n) continue;
      // Wilder smoothing written as an exponential average with alpha = 1/n over gains and losses.
      double g = 0, l = 0;
      for (std::size_t i = 1; i <= n; ++i) {
        const double c = v[i] - v[i - 1];
        (c > 0 ? g : l) += std::abs(c) / double(n);
      }
      for (std::size_t i = n + 1; i <= t; ++i) {
        const double c = v[i] - v[i - 1];
        g += ((c > 0 ? c : 0) - g) / double(n);
        l += ((c < 0 ? -c : 0) - l) / double(n);
      }
      QVERIFY(close(got, 100.0 * g / (g + l), 1e-9));
    }
  }
  void movingAveragesAgainstNaive() {
    const auto v = series(3000, 1000.0, 7);  // high level, small moves: exercises numerical stability
    for (std::size_t w : {1u, 2u, 5u, 20u, 200u}) {
      Sma sma(w);
      Ema ema(w);
      Wma wma(w);
      RollingStats rs(std::max<std::size_t>(w, 2));
      const std::size_t ws = std::max<std::size_t>(w, 2);
      for (std::size_t t = 0; t < v.size(); ++t) {
        sma.update(v[t]);
        ema.update(v[t]);
        wma.update(v[t]);
        rs.update(v[t]);
        QCOMPARE(sma.ready(), t + 1 >= w);
        if (t + 1 >= w) {
          QVERIFY(close(sma.value(), naiveMean(v, t, w), 1e-12));
          QVERIFY(close(ema.value(), naiveEma(v, t, w), 1e-10));
          double num = 0, den = 0;
          for (std::size_t i = 0; i < w; ++i) {
            num += double(i + 1) * v[t + 1 - w + i];
            den += double(i + 1);
          }
          QVERIFY(close(wma.value(), num / den, 1e-10));
        }
        if (t + 1 >= ws) {
          QVERIFY(close(rs.mean(), naiveMean(v, t, ws), 1e-12));
          const double var = naiveVar(v, t, ws, true);
          QVERIFY2(std::abs(rs.variance() - var) <= 1e-7 * std::max(var, 1e-3),
                   qPrintable(QString("w=%1 t=%2 %3 vs %4").arg(ws).arg(t).arg(rs.variance()).arg(var)));
          const double z = (v[t] - naiveMean(v, t, ws)) / std::sqrt(var);
          if (var > 1e-6) QVERIFY(std::abs(rs.zscore() - z) < 1e-6);
        }
      }
    }
  }
  void macdAgainstNaive() {
    const auto v = series(400, 20.0, 11);
    Macd m(12, 26, 9);
    std::vector<double> line;
    for (std::size_t t = 0; t < v.size(); ++t) {
      m.update(v[t]);
      if (t + 1 < 26) {
        QVERIFY(std::isnan(m.macd()));
        continue;
      }
      const double l = naiveEma(v, t, 12) - naiveEma(v, t, 26);
      line.push_back(l);
      QVERIFY(close(m.macd(), l, 1e-9));
      QCOMPARE(m.ready(), line.size() >= 9);
      if (line.size() >= 9) {
        const double sig = naiveEma(line, line.size() - 1, 9);
        QVERIFY(close(m.signal(), sig, 1e-9));
        QVERIFY(std::abs(m.histogram() - (l - sig)) < 1e-9);
      }
    }
  }
  void atrStochasticAgainstNaive() {
    const auto c = series(500, 30.0, 5);
    std::vector<double> h(c.size()), l(c.size());
    for (std::size_t i = 0; i < c.size(); ++i) {
      h[i] = c[i] + 0.3 + 0.1 * double(i % 7);
      l[i] = c[i] - 0.2 - 0.1 * double(i % 5);
    }
    const std::size_t n = 14;
    Atr atr(n);
    Stochastic st(n, 3);
    std::vector<double> ks;
    for (std::size_t t = 0; t < c.size(); ++t) {
      atr.update(h[t], l[t], c[t]);
      st.update(h[t], l[t], c[t]);
      if (t + 1 >= n) {
        std::vector<double> tr(t + 1);
        for (std::size_t i = 0; i <= t; ++i)
          tr[i] = i == 0 ? h[0] - l[0]
                         : std::max({h[i] - l[i], std::abs(h[i] - c[i - 1]), std::abs(l[i] - c[i - 1])});
        double a = 0;
        for (std::size_t i = 0; i < n; ++i) a += tr[i] / double(n);
        for (std::size_t i = n; i <= t; ++i) a = (a * double(n - 1) + tr[i]) / double(n);
        QVERIFY(close(atr.value(), a, 1e-10));
        double hh = -1e300, ll = 1e300;
        for (std::size_t i = t + 1 - n; i <= t; ++i) {
          hh = std::max(hh, h[i]);
          ll = std::min(ll, l[i]);
        }
        const double k = 100.0 * (c[t] - ll) / (hh - ll);
        ks.push_back(k);
        QVERIFY(close(st.k(), k, 1e-10));
        if (ks.size() >= 3) QVERIFY(close(st.d(), naiveMean(ks, ks.size() - 1, 3), 1e-10));
      }
    }
  }
  void rollingExtremaAgainstNaive() {
    const auto v = series(2000, 10.0, 13);
    for (std::size_t w : {1u, 3u, 17u, 100u}) {
      RollingMax mx(w);
      RollingMin mn(w);
      for (std::size_t t = 0; t < v.size(); ++t) {
        mx.update(v[t]);
        mn.update(v[t]);
        const std::size_t from = t + 1 >= w ? t + 1 - w : 0;
        double hi = -1e300, lo = 1e300;
        for (std::size_t i = from; i <= t; ++i) {
          hi = std::max(hi, v[i]);
          lo = std::min(lo, v[i]);
        }
        QCOMPARE(mx.value(), hi);
        QCOMPARE(mn.value(), lo);
      }
    }
  }
  void correlationAgainstNaive() {
    const auto x = series(1500, 100.0, 17);
    auto y = series(1500, 50.0, 19);
    for (std::size_t i = 0; i < y.size(); ++i) y[i] += 0.3 * x[i];
    const std::size_t w = 30;
    RollingCorrelation rc(w);
    for (std::size_t t = 0; t < x.size(); ++t) {
      rc.update(x[t], y[t]);
      if (t + 1 < w) {
        QVERIFY(!rc.ready());
        continue;
      }
      const double mx = naiveMean(x, t, w), my = naiveMean(y, t, w);
      double sxy = 0, sxx = 0, syy = 0;
      for (std::size_t i = t + 1 - w; i <= t; ++i) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
      }
      QVERIFY2(std::abs(rc.value() - sxy / std::sqrt(sxx * syy)) < 1e-8, qPrintable(QString::number(t)));
    }
    RollingCorrelation perfect(5);
    for (int i = 0; i < 10; ++i) perfect.update(i, -2.0 * i + 3);
    QVERIFY(std::abs(perfect.value() + 1.0) < 1e-12);
  }
  void updatesDoNotAllocate() {
    if (!meridian::test::kCountsAllocations) QSKIP("ThreadSanitizer replaces operator new: allocations are counted in the other builds");
    Sma sma(50);
    Ema ema(20);
    Wma wma(20);
    Rsi rsi(14);
    Macd macd;
    BollingerBands bb(20, 2);
    Atr atr(14);
    Stochastic st(14, 3);
    RollingStats rs(60);
    RollingCorrelation rc(60);
    const long before = meridian::test::allocations();
    double sink = 0;
    for (int i = 0; i < 100000; ++i) {
      const double x = 100.0 + std::sin(i * 0.01) * 10.0;
      sink += sma.update(x) + ema.update(x) + wma.update(x) + rsi.update(x) + macd.update(x) + bb.update(x) +
              atr.update(x + 1, x - 1, x) + st.update(x + 1, x - 1, x) + rs.update(x) + rc.update(x, -x);
    }
    QCOMPARE(meridian::test::allocations() - before, 0L);
    QVERIFY(sink != 0.0);
  }
};

QTEST_APPLESS_MAIN(tst_Indicators)
#include "tst_Indicators.moc"
