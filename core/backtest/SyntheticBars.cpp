#include "core/backtest/SyntheticBars.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <random>

namespace meridian::backtest {

BarSeries randomWalkBars(std::string symbol, std::size_t count, std::uint64_t seed, const RandomWalkOptions& o) {
  BarSeries s;
  s.symbol = std::move(symbol);
  s.bars.resize(count);
  std::mt19937_64 rng(seed);
  auto uniform = [&] { return (double(rng() >> 11) + 0.5) * (1.0 / 9007199254740992.0); };  // (0, 1)
  auto normal = [&] {
    return std::sqrt(-2.0 * std::log(uniform())) * std::cos(2.0 * std::numbers::pi * uniform());
  };
  double prevClose = o.startPrice;
  const double anchor = std::log(o.startPrice);
  // Long series (benchmarks ask for 10M bars) would run past the int64-nanosecond range (year 2262) at daily steps:
  // the step shrinks so the last bar still fits, and timestamps stay strictly increasing.
  const domain::Timestamp room = std::numeric_limits<domain::Timestamp>::max() - o.startTs;
  const domain::Timestamp step =
      count > 0 ? std::max<domain::Timestamp>(1, std::min(o.step, room / domain::Timestamp(count))) : o.step;
  for (std::size_t i = 0; i < count; ++i) {
    domain::Bar& b = s.bars[i];
    b.ts = o.startTs + domain::Timestamp(i) * step;
    b.open = prevClose * std::exp(0.2 * o.dailyVolatility * normal());
    const double pull = o.meanReversion * (anchor - std::log(b.open));
    b.close = b.open * std::exp(o.dailyDrift + pull + o.dailyVolatility * normal());
    b.high = std::max(b.open, b.close) * (1.0 + 0.5 * o.dailyVolatility * uniform());
    b.low = std::min(b.open, b.close) * (1.0 - 0.5 * o.dailyVolatility * uniform());
    b.volume = std::floor(100'000.0 + 900'000.0 * uniform());
    prevClose = b.close;
  }
  return s;
}

}  // namespace meridian::backtest
