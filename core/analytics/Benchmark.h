#pragma once
// Buy-and-hold benchmark of a backtest and the strategy's alpha / beta against it.
//
// Benchmark: the same initial capital buys the first series at the close of the first bar of the strategy's
// equity curve (fractional shares, no costs) and holds; its value is marked at every point of the curve.
//
// Regression (daily returns, also for intraday curves): the last value of each exchange day (America/New_York
// date; see exchangeDay) of the strategy and of the benchmark; r_i = V_i / V_{i-1} - 1 between consecutive days.
//   beta         cov(r_s, r_b) / var(r_b)   (the OLS slope of r_s on r_b: strategy::simpleOls)
//   alpha        ((mean(r_s) - rf_d) - beta * (mean(r_b) - rf_d)) * 252  annualised Jensen's alpha, rf_d = rf / 252
//   correlation  cov(r_s, r_b) / (sd(r_s) sd(r_b)); 0 when the strategy's returns are constant
// Fewer than three daily returns or a constant benchmark: alpha, beta and correlation are NaN (days 0).
#include "core/analytics/Metrics.h"
#include "core/domain/Types.h"

#include <cstdint>
#include <span>
#include <vector>

namespace meridian::analytics {

struct BenchmarkStats {
  double initialValue = 0.0;
  double finalValue = 0.0;
  double totalReturn = 0.0;  // of the benchmark
  double alpha = 0.0;        // annualised
  double beta = 0.0;
  double correlation = 0.0;
  std::int64_t days = 0;     // daily returns in the regression
};

inline constexpr double kTradingDaysPerYear = 252.0;

// Exchange day of a timestamp: the UTC date of ts - 5 h. Every US equity bar (04:00-20:00 New York time, EST or
// EDT, daily bars keyed at 09:30) falls on its New York date; plain integer arithmetic (no time zone lookup).
std::int64_t exchangeDay(domain::Timestamp ts);

// Buy-and-hold value at every point of `curve` (bars ascending; each curve timestamp must be one of the bars').
// Empty when the curve is empty, a curve timestamp has no bar, or the first close is not positive.
std::vector<EquityPoint> buyAndHold(double initialValue, std::span<const domain::Bar> bars,
                                    std::span<const EquityPoint> curve);

// Last value per exchange day.
std::vector<EquityPoint> dailyCloses(std::span<const EquityPoint> curve);

// Alpha / beta of `strategy` against `benchmark` (both curves over the same timestamps). The risk-free rate is
// config.riskFreeRate (annual); config.periodsPerYear is not used (the regression is on daily returns).
BenchmarkStats compareWithBenchmark(std::span<const EquityPoint> strategyCurve, std::span<const EquityPoint> benchmark,
                                    const MetricsConfig& config = {});

}  // namespace meridian::analytics
