#include "core/analytics/Benchmark.h"

#include "core/strategy/pairs/Ols.h"

#include <cmath>
#include <limits>

namespace meridian::analytics {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

std::vector<double> dailyReturns(std::span<const EquityPoint> daily) {
  std::vector<double> r;
  if (daily.size() < 2) return r;
  r.reserve(daily.size() - 1);
  for (std::size_t i = 1; i < daily.size(); ++i)
    r.push_back(daily[i - 1].equity != 0.0 ? daily[i].equity / daily[i - 1].equity - 1.0 : kNaN);
  return r;
}

}  // namespace

std::int64_t exchangeDay(domain::Timestamp ts) { return floorDiv(ts - 5 * domain::kNanosPerHour, domain::kNanosPerDay); }

std::vector<EquityPoint> buyAndHold(double initialValue, std::span<const domain::Bar> bars,
                                    std::span<const EquityPoint> curve) {
  std::vector<EquityPoint> out;
  if (curve.empty()) return out;
  std::size_t b = 0;
  double shares = 0.0;
  out.reserve(curve.size());
  for (const EquityPoint& p : curve) {
    while (b < bars.size() && bars[b].ts < p.ts) ++b;
    if (b == bars.size() || bars[b].ts != p.ts) return {};
    if (out.empty()) {
      if (!(bars[b].close > 0.0)) return {};
      shares = initialValue / bars[b].close;
    }
    const double value = shares * bars[b].close;
    out.push_back({p.ts, value, value});
  }
  return out;
}

std::vector<EquityPoint> dailyCloses(std::span<const EquityPoint> curve) {
  std::vector<EquityPoint> out;
  for (const EquityPoint& p : curve) {
    if (!out.empty() && exchangeDay(out.back().ts) == exchangeDay(p.ts)) out.back() = p;
    else out.push_back(p);
  }
  return out;
}

BenchmarkStats compareWithBenchmark(std::span<const EquityPoint> strategyCurve, std::span<const EquityPoint> benchmark,
                                    const MetricsConfig& config) {
  BenchmarkStats s;
  s.alpha = s.beta = s.correlation = kNaN;
  if (benchmark.empty()) {
    s.initialValue = s.finalValue = s.totalReturn = kNaN;
    return s;
  }
  s.initialValue = benchmark.front().equity;
  s.finalValue = benchmark.back().equity;
  s.totalReturn = s.initialValue != 0.0 ? s.finalValue / s.initialValue - 1.0 : kNaN;
  const std::vector<double> rs = dailyReturns(dailyCloses(strategyCurve));
  const std::vector<double> rb = dailyReturns(dailyCloses(benchmark));
  if (rs.size() != rb.size()) return s;  // not the same days: no regression
  const strategy::SimpleOls fit = strategy::simpleOls(rs, rb);  // r_s = a + beta r_b
  if (!fit.valid) return s;                                       // fewer than 3 returns, or a flat benchmark
  s.days = std::int64_t(fit.n);
  s.beta = fit.slope;
  // Jensen: (mean r_s - rf) - beta (mean r_b - rf) = a - rf (1 - beta), a = mean r_s - beta mean r_b.
  const double rfDaily = config.riskFreeRate / kTradingDaysPerYear;
  s.alpha = (fit.intercept - rfDaily * (1.0 - s.beta)) * kTradingDaysPerYear;
  s.correlation = fit.correlation;
  return s;
}

}  // namespace meridian::analytics
