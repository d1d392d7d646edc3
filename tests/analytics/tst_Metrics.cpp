// Metrics against hand-computed values and straightforward formulas evaluated here.
#include "core/analytics/Drawdown.h"
#include "core/analytics/Metrics.h"
#include "core/analytics/MonthlyReturns.h"

#include <QDateTime>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>
#include <vector>

using namespace meridian;
using namespace meridian::analytics;

namespace {

std::vector<EquityPoint> curve(std::initializer_list<double> eq, std::initializer_list<double> exposure = {}) {
  std::vector<EquityPoint> c;
  auto ex = exposure.begin();
  domain::Timestamp ts = 0;
  for (double e : eq) {
    c.push_back({ts, e, ex != exposure.end() ? *ex++ : 0.0});
    ts += domain::kNanosPerDay;
  }
  return c;
}

TradeRecord trade(double pnl) {
  TradeRecord t;
  t.pnl = pnl;
  t.quantity = 10;
  t.entryPrice = 100;
  return t;
}

domain::Timestamp utc(int y, int m, int d) {
  return QDateTime(QDate(y, m, d), QTime(14, 30), Qt::UTC).toMSecsSinceEpoch() * domain::kNanosPerMilli;
}

}  // namespace

class tst_Metrics : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void handComputedCurve() {
    // 100 -> 110 -> 99 -> 104.5 -> 120; returns +10 %, -10 %, +5.5556 %, +14.8325 %.
    const auto c = curve({110, 99, 104.5, 120}, {50, 50, 0, 60});
    const std::vector<TradeRecord> trades{trade(10), trade(-5), trade(20), trade(-5)};
    MetricsConfig cfg;
    const Metrics m = computeMetrics(100.0, c, trades, cfg);
    QCOMPARE(m.bars, std::int64_t(4));
    QVERIFY(qFuzzyCompare(m.totalReturn, 0.2));
    QVERIFY(qFuzzyCompare(m.maxDrawdown, 0.1));  // 99 / 110 - 1
    QCOMPARE(m.maxDrawdownDuration, std::int64_t(2));  // 99 and 104.5 are below the 110 peak
    QCOMPARE(m.exposure, 0.75);
    QVERIFY(qFuzzyCompare(m.years, 4.0 / 252.0));
    QVERIFY(qFuzzyCompare(m.cagr, std::pow(1.2, 252.0 / 4.0) - 1.0));
    QVERIFY(qFuzzyCompare(m.calmar, m.cagr / 0.1));

    const double r[] = {0.1, -0.1, 104.5 / 99.0 - 1.0, 120.0 / 104.5 - 1.0};
    const double mean = (r[0] + r[1] + r[2] + r[3]) / 4.0;
    double ss = 0, down = 0;
    for (double x : r) {
      ss += (x - mean) * (x - mean);
      if (x < 0) down += x * x;
    }
    const double sd = std::sqrt(ss / 3.0);
    QVERIFY(qFuzzyCompare(m.annualVolatility, sd * std::sqrt(252.0)));
    QVERIFY(qFuzzyCompare(m.sharpe, mean / sd * std::sqrt(252.0)));
    QVERIFY(qFuzzyCompare(m.sortino, mean / std::sqrt(down / 4.0) * std::sqrt(252.0)));

    QCOMPARE(m.trades, std::int64_t(4));
    QCOMPARE(m.wins, std::int64_t(2));
    QCOMPARE(m.winRate, 0.5);
    QCOMPARE(m.profitFactor, 3.0);
    QCOMPARE(m.avgWin, 15.0);
    QCOMPARE(m.avgLoss, -5.0);
    QCOMPARE(m.avgTrade, 5.0);
  }
  void riskFreeRateShiftsSharpe() {
    const auto c = curve({101, 102.5, 101.7, 103.0, 104.1});
    MetricsConfig cfg;
    cfg.riskFreeRate = 0.0252;  // 0.01 % per day
    const Metrics m = computeMetrics(100.0, c, {}, cfg);
    std::vector<double> r;
    double prev = 100.0;
    for (const auto& p : c) {
      r.push_back(p.equity / prev - 1.0);
      prev = p.equity;
    }
    double mean = 0;
    for (double x : r) mean += x / double(r.size());
    double ss = 0, down = 0;
    for (double x : r) {
      ss += (x - mean) * (x - mean);
      if (x - 0.0001 < 0) down += (x - 0.0001) * (x - 0.0001);
    }
    const double sd = std::sqrt(ss / double(r.size() - 1));
    QVERIFY(qFuzzyCompare(m.sharpe, (mean - 0.0001) / sd * std::sqrt(252.0)));
    QVERIFY(qFuzzyCompare(m.sortino, (mean - 0.0001) / std::sqrt(down / double(r.size())) * std::sqrt(252.0)));
  }
  void undefinedValuesAreNaN() {
    const Metrics flat = computeMetrics(100.0, curve({100, 100, 100}), {});
    QVERIFY(std::isnan(flat.sharpe));
    QVERIFY(std::isnan(flat.calmar));
    QVERIFY(std::isnan(flat.winRate));
    QCOMPARE(flat.maxDrawdown, 0.0);
    QCOMPARE(flat.totalReturn, 0.0);
    const Metrics noLoss = computeMetrics(100.0, curve({101}), std::vector<TradeRecord>{trade(1)});
    QVERIFY(std::isnan(noLoss.profitFactor));
    QCOMPARE(noLoss.winRate, 1.0);
  }
  void streamingEqualsBatch() {
    EquityStats s(1000.0);
    std::vector<EquityPoint> c;
    double e = 1000.0;
    for (int i = 0; i < 500; ++i) {
      e *= 1.0 + 0.01 * std::sin(i * 0.7);
      s.add(e, i % 3 == 0);
      c.push_back({i, e, i % 3 == 0 ? 1.0 : 0.0});
    }
    const Metrics a = s.finish({});
    const Metrics b = computeMetrics(1000.0, c, {});
    QCOMPARE(a.sharpe, b.sharpe);
    QCOMPARE(a.maxDrawdown, b.maxDrawdown);
    QCOMPARE(a.exposure, b.exposure);
  }
  void drawdownTracker() {
    analytics::DrawdownTracker dd(100.0);
    const std::vector<double> equity{110, 99, 104.5, 120, 90}, expected{0.0, -0.1, -0.05, 0.0, -0.25};
    for (std::size_t i = 0; i < equity.size(); ++i) QVERIFY(std::abs(dd.next(equity[i]) - expected[i]) < 1e-12);
    QCOMPARE(analytics::DrawdownTracker(100.0).next(95), -0.05);  // the initial value is a peak
    QCOMPARE(analytics::DrawdownTracker(0.0).next(0.0), 0.0);     // no peak above zero yet
  }
  void monthlyReturnsTable() {
    const std::vector<EquityPoint> c{{utc(2020, 1, 15), 101, 0}, {utc(2020, 1, 31), 103, 0},
                                     {utc(2020, 2, 3), 100, 0},  {utc(2020, 3, 2), 105, 0},
                                     {utc(2020, 3, 31), 110, 0}, {utc(2021, 1, 4), 99, 0}};
    const auto m = monthlyReturns(100.0, c);
    QCOMPARE(m.size(), std::size_t(4));
    QCOMPARE(m[0], (MonthlyReturn{2020, 1, 103.0 / 100.0 - 1.0}));
    QCOMPARE(m[1], (MonthlyReturn{2020, 2, 100.0 / 103.0 - 1.0}));
    QCOMPARE(m[2], (MonthlyReturn{2020, 3, 110.0 / 100.0 - 1.0}));
    QCOMPARE(m[3], (MonthlyReturn{2021, 1, 99.0 / 110.0 - 1.0}));
  }
  // The month of every point decides the table, however close to a month's edge it lies: points one nanosecond
  // either side of midnight at month ends (leap February, before 1970, up to the last representable instant),
  // several points per month and days skipped. Reference: each point's civil month, one by one.
  void monthlyReturnsAtMonthEdges() {
    std::vector<domain::Timestamp> ts;
    const std::tuple<int, int, int> edges[] = {{1969, 12, 31}, {2024, 1, 31}, {2024, 2, 29}, {2023, 2, 28},
                                               {2024, 3, 1},   {2024, 12, 31}, {2025, 1, 1}, {2262, 3, 31}};
    for (auto [y, m, d] : edges) {
      const domain::Timestamp midnight =
          QDateTime(QDate(y, m, d), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch() * domain::kNanosPerMilli;
      ts.push_back(midnight - 1);
      ts.push_back(midnight);
      ts.push_back(midnight + domain::kNanosPerDay - 1);
      ts.push_back(midnight + domain::kNanosPerDay);
    }
    ts.push_back(std::numeric_limits<domain::Timestamp>::max());
    std::sort(ts.begin(), ts.end());
    std::vector<EquityPoint> c;
    for (std::size_t i = 0; i < ts.size(); ++i) c.push_back({ts[i], 100.0 + double(i * i % 17), 0});
    std::vector<MonthlyReturn> expected;
    double base = 100.0, last = 100.0;
    for (const auto& p : c) {
      const CivilDate d = civilDateUtc(p.ts);
      if (!expected.empty() && (expected.back().year != d.year || expected.back().month != d.month)) {
        expected.back().value = last / base - 1.0;
        base = last;
      }
      if (expected.empty() || expected.back().year != d.year || expected.back().month != d.month)
        expected.push_back({d.year, d.month, 0.0});
      last = p.equity;
    }
    expected.back().value = last / base - 1.0;
    QCOMPARE(monthlyReturns(100.0, c), expected);
    QCOMPARE(expected.size(), std::size_t(11));  // Dec 1969 .. Apr 2262, see the edges above
  }
  void civilDates() {
    const auto d = civilDateUtc(utc(2000, 2, 29));
    QCOMPARE(d.year, 2000);
    QCOMPARE(d.month, 2);
    QCOMPARE(d.day, 29);
    const auto before = civilDateUtc(-1);
    QCOMPARE(before.year, 1969);
    QCOMPARE(before.month, 12);
    QCOMPARE(before.day, 31);
    const auto far = civilDateUtc(utc(2199, 12, 31));
    QCOMPARE(far.year, 2199);
    QCOMPARE(far.day, 31);
  }
};

QTEST_APPLESS_MAIN(tst_Metrics)
#include "tst_Metrics.moc"
