#pragma once
// Seeded synthetic daily bars for benchmarks and tests: a geometric random walk whose log price is pulled back
// towards log(startPrice) (Ornstein-Uhlenbeck, `meanReversion` per bar), so prices stay in a tradable range over
// tens of millions of bars (a pure random walk would reach 1e+-20). The same seed always gives the same bars
// (own Box-Muller over std::mt19937_64, no implementation-defined distributions).
#include "core/backtest/BarSeries.h"

#include <cstdint>

namespace meridian::backtest {

struct RandomWalkOptions {
  double startPrice = 100.0;
  double dailyVolatility = 0.015;
  double dailyDrift = 0.0;
  double meanReversion = 0.001;  // 0 = pure geometric random walk
  domain::Timestamp startTs = 946'733'400 * domain::kNanosPerSecond;  // 2000-01-03 14:30 UTC (09:30 ET)
  domain::Timestamp step = domain::kNanosPerDay;
};

BarSeries randomWalkBars(std::string symbol, std::size_t count, std::uint64_t seed,
                         const RandomWalkOptions& options = {});

}  // namespace meridian::backtest
