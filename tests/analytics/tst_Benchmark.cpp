// Buy-and-hold benchmark and alpha / beta against hand-computed values.
#include "core/analytics/Benchmark.h"

#include <QDateTime>
#include <QtTest>

#include <cmath>
#include <vector>

using namespace meridian;
using namespace meridian::analytics;

namespace {

domain::Timestamp utc(int y, int m, int d, int h = 14, int min = 30) {
  return QDateTime(QDate(y, m, d), QTime(h, min), Qt::UTC).toMSecsSinceEpoch() * domain::kNanosPerMilli;
}

std::vector<domain::Bar> bars(std::initializer_list<double> closes) {
  std::vector<domain::Bar> out;
  int day = 1;
  for (double c : closes) {
    domain::Bar b;
    b.ts = utc(2024, 7, day++);
    b.open = b.high = b.low = b.close = c;
    out.push_back(b);
  }
  return out;
}

std::vector<EquityPoint> curveAt(const std::vector<domain::Bar>& b, std::size_t from, std::initializer_list<double> eq) {
  std::vector<EquityPoint> c;
  std::size_t i = from;
  for (double e : eq) c.push_back({b[i++].ts, e, 0.0});
  return c;
}

bool near(double a, double b, double tol = 1e-12) { return std::abs(a - b) <= tol; }

}  // namespace

class tst_Benchmark : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void exchangeDayIsTheNewYorkDate() {
    // 19:30 New York time is the next UTC day in both EDT and EST.
    QCOMPARE(exchangeDay(utc(2024, 7, 2, 23, 30)), exchangeDay(utc(2024, 7, 2, 13, 30)));  // EDT 19:30 / 09:30
    QCOMPARE(exchangeDay(utc(2024, 1, 3, 0, 30)), exchangeDay(utc(2024, 1, 2, 14, 30)));   // EST 19:30 / 09:30
    QCOMPARE(exchangeDay(utc(2024, 7, 3, 8, 0)) - exchangeDay(utc(2024, 7, 2, 20, 0)), std::int64_t(1));  // 04:00 next
    QCOMPARE(exchangeDay(0), std::int64_t(-1));  // 1970-01-01 00:00 UTC is 1969-12-31 in New York
  }

  void buyAndHoldBuysAtTheFirstCurveClose() {
    const auto b = bars({50, 100, 110, 99, 118.8});
    // The curve starts at the second bar (the first warmed the strategy up): 1000 buys 10 shares at 100.
    const auto c = curveAt(b, 1, {1000, 1051, 999.501, 1100.450601});
    const auto bh = buyAndHold(1000.0, b, c);
    QCOMPARE(bh.size(), std::size_t(4));
    QCOMPARE(bh[0].ts, b[1].ts);
    QVERIFY(near(bh[0].equity, 1000.0));
    QVERIFY(near(bh[1].equity, 1100.0, 1e-9));
    QVERIFY(near(bh[2].equity, 990.0, 1e-9));
    QVERIFY(near(bh[3].equity, 1188.0, 1e-9));
    QVERIFY(near(bh[3].exposure, 1188.0, 1e-9));  // always invested

    // A curve timestamp the bars lack, a non-positive first close, an empty curve: no benchmark.
    auto odd = c;
    odd[2].ts += 1;
    QVERIFY(buyAndHold(1000.0, b, odd).empty());
    auto zero = b;
    zero[1].close = 0.0;
    QVERIFY(buyAndHold(1000.0, zero, c).empty());
    QVERIFY(buyAndHold(1000.0, b, {}).empty());
  }

  void alphaBetaHandComputed() {
    // Benchmark daily returns +10 %, -10 %, +20 %; the strategy's are 0.5 * those + 0.1 %:
    //   1000 -> 1051 -> 1051 * 0.951 = 999.501 -> 999.501 * 1.101 = 1100.450601.
    // beta = 0.5 exactly, correlation 1, alpha = 0.001 per day * 252 = 0.252.
    const auto b = bars({50, 100, 110, 99, 118.8});
    const auto c = curveAt(b, 1, {1000, 1051, 999.501, 1100.450601});
    const auto bh = buyAndHold(1000.0, b, c);
    const BenchmarkStats s = compareWithBenchmark(c, bh);
    QCOMPARE(s.days, std::int64_t(3));
    QVERIFY2(near(s.beta, 0.5, 1e-9), qPrintable(QString::number(s.beta, 'g', 17)));
    QVERIFY2(near(s.alpha, 0.252, 1e-9), qPrintable(QString::number(s.alpha, 'g', 17)));
    QVERIFY(near(s.correlation, 1.0, 1e-9));
    QVERIFY(near(s.initialValue, 1000.0));
    QVERIFY(near(s.finalValue, 1188.0, 1e-9));
    QVERIFY(near(s.totalReturn, 0.188, 1e-12));

    // Risk-free 2.52 % a year = 0.01 % a day: alpha = (0.001 + 0.5 rb - rf) - 0.5 (rb - rf) = 0.001 - 0.5 rf
    // = 0.00095 a day = 0.2394 a year.
    MetricsConfig cfg;
    cfg.riskFreeRate = 0.0252;
    const BenchmarkStats r = compareWithBenchmark(c, bh, cfg);
    QVERIFY2(near(r.alpha, 0.2394, 1e-9), qPrintable(QString::number(r.alpha, 'g', 17)));
    QVERIFY(near(r.beta, 0.5, 1e-9));
  }

  void negativeBetaAndUncorrelated() {
    // Strategy returns -1 x the benchmark's: beta -1, correlation -1, alpha 0.
    const auto b = bars({100, 110, 99, 118.8});
    const auto c = curveAt(b, 0, {1000, 900, 990, 792});
    const BenchmarkStats s = compareWithBenchmark(c, buyAndHold(1000.0, b, c));
    QVERIFY(near(s.beta, -1.0, 1e-9));
    QVERIFY(near(s.correlation, -1.0, 1e-9));
    QVERIFY(near(s.alpha, 0.0, 1e-9));
    // A flat strategy: beta 0, alpha 0, correlation 0 (simpleOls' convention for a constant series).
    const auto flat = curveAt(b, 0, {1000, 1000, 1000, 1000});
    const BenchmarkStats f = compareWithBenchmark(flat, buyAndHold(1000.0, b, flat));
    QVERIFY(near(f.beta, 0.0));
    QVERIFY(near(f.alpha, 0.0));
    QCOMPARE(f.correlation, 0.0);
  }

  void intradayCurvesRegressOnDailyCloses() {
    // Two hourly points a day; only the last of each New York day counts (the 10:30 points are ignored).
    std::vector<domain::Bar> b;
    const double closes[] = {100, 95, 100, 130, 110, 80, 99, 1, 118.8};
    const domain::Timestamp ts[] = {utc(2024, 7, 1, 20, 0), utc(2024, 7, 2, 14, 30), utc(2024, 7, 2, 20, 0),
                                    utc(2024, 7, 3, 14, 30), utc(2024, 7, 3, 20, 0),  utc(2024, 7, 5, 14, 30),
                                    utc(2024, 7, 5, 20, 0),  utc(2024, 7, 8, 14, 30), utc(2024, 7, 8, 23, 30)};
    for (int i = 0; i < 9; ++i) {
      domain::Bar x;
      x.ts = ts[i];
      x.open = x.high = x.low = x.close = closes[i];
      b.push_back(x);
    }
    const double eq[] = {1000, 7, 1000, 3, 1051, 5, 999.501, 9, 1100.450601};
    std::vector<EquityPoint> c;
    for (int i = 0; i < 9; ++i) c.push_back({ts[i], eq[i], 0.0});
    QCOMPARE(dailyCloses(c).size(), std::size_t(5));
    const BenchmarkStats s = compareWithBenchmark(c, buyAndHold(1000.0, b, c));
    QCOMPARE(s.days, std::int64_t(4));
    // Daily benchmark: 1000, 1000, 1100, 990, 1188 -> rb = 0, +10 %, -10 %, +20 % (mean 0.05); strategy 1000, 1000,
    // 1051, 999.501, 1100.450601 -> rs = 0, 5.1 %, -4.9 %, 10.1 % (mean 0.02575).
    // rb - mean: -0.05, 0.05, -0.15, 0.15 -> sum of squares 0.05; rs - mean: -0.02575, 0.02525, -0.07475, 0.07525
    // -> cross products 0.0012875 + 0.0012625 + 0.0112125 + 0.0112875 = 0.02505; beta = 0.02505 / 0.05 = 0.501;
    // alpha = (0.02575 - 0.501 * 0.05) * 252 = 0.0007 * 252 = 0.1764.
    QVERIFY2(near(s.beta, 0.501, 1e-9), qPrintable(QString::number(s.beta, 'g', 17)));
    QVERIFY2(near(s.alpha, 0.1764, 1e-9), qPrintable(QString::number(s.alpha, 'g', 17)));
  }

  void tooFewDaysGiveNaN() {
    // Two daily returns are not a regression.
    const auto b = bars({100, 110, 121});
    const auto c = curveAt(b, 0, {1000, 1010, 1000});
    const BenchmarkStats s = compareWithBenchmark(c, buyAndHold(1000.0, b, c));
    QVERIFY(std::isnan(s.alpha) && std::isnan(s.beta) && std::isnan(s.correlation));
    QCOMPARE(s.days, std::int64_t(0));
    QVERIFY(near(s.totalReturn, 0.21, 1e-12));
    // A flat benchmark has no beta.
    const auto flat = bars({100, 100, 100, 100});
    const auto c4 = curveAt(flat, 0, {1000, 1010, 1000, 1020});
    QVERIFY(std::isnan(compareWithBenchmark(c4, buyAndHold(1000.0, flat, c4)).beta));
    const BenchmarkStats e = compareWithBenchmark(c, {});
    QVERIFY(std::isnan(e.totalReturn) && std::isnan(e.beta));
  }
};

QTEST_APPLESS_MAIN(tst_Benchmark)
#include "tst_Benchmark.moc"
