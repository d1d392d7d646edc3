#include "core/backtest/SyntheticBars.h"

#include <algorithm>
#include <cmath>
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
  for (std::size_t i = 0; i < count; ++i) {
    domain::Bar& b = s.bars[i];
    b.ts = o.startTs + domain::Timestamp(i) * o.step;
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
