#include "core/research/PairLab.h"

#include "core/backtest/BacktestEngine.h"
#include "core/backtest/BarSeries.h"
#include "core/strategy/StrategyRegistry.h"
#include "core/strategy/indicators/RollingStats.h"
#include "core/strategy/pairs/Cointegration.h"
#include "core/strategy/pairs/PairScanner.h"

#include <fmt/format.h>

#include <cmath>

namespace meridian::research {

AlignedPair alignPair(std::span<const domain::Bar> first, std::span<const domain::Bar> second, std::size_t lookback) {
  AlignedPair out;
  std::size_t i = 0, j = 0;
  while (i < first.size() && j < second.size()) {
    if (first[i].ts < second[j].ts) {
      ++i;
    } else if (second[j].ts < first[i].ts) {
      ++j;
    } else {
      if (first[i].close > 0.0 && second[j].close > 0.0) {
        out.ts.push_back(first[i].ts);
        out.logFirst.push_back(std::log(first[i].close));
        out.logSecond.push_back(std::log(second[j].close));
      }
      ++i;
      ++j;
    }
  }
  if (lookback > 0 && out.ts.size() > lookback) {
    const auto cut = std::ptrdiff_t(out.ts.size() - lookback);
    out.ts.erase(out.ts.begin(), out.ts.begin() + cut);
    out.logFirst.erase(out.logFirst.begin(), out.logFirst.begin() + cut);
    out.logSecond.erase(out.logSecond.begin(), out.logSecond.begin() + cut);
  }
  return out;
}

namespace {

// The rolling z-score of the spread, as the scanner computes its mean |z|.
std::vector<double> zScores(const std::vector<double>& spread, int window) {
  strategy::RollingStats stats(std::size_t(std::max(window, 2)));
  std::vector<double> z;
  z.reserve(spread.size());
  for (double v : spread) {
    stats.update(v);
    z.push_back(stats.zscore(v));
  }
  return z;
}

}  // namespace

contract::PairLabRow measurePair(const std::string& first, const std::string& second, const AlignedPair& bars,
                                 std::size_t minObservations, double maxPValue) {
  contract::PairLabRow row;
  row.first = first;
  row.second = second;
  row.observations = std::int64_t(bars.ts.size());
  if (bars.ts.size() < std::max<std::size_t>(minObservations, 3)) {
    row.problem = fmt::format("{} common bars, {} needed", bars.ts.size(), std::max<std::size_t>(minObservations, 3));
    row.pValue = std::numeric_limits<double>::quiet_NaN();
    return row;
  }
  const strategy::PairStats s = strategy::analyzePair(first, second, bars.logFirst, bars.logSecond);
  row.hedgeRatio = s.hedgeRatio;
  row.intercept = s.intercept;
  row.adfStatistic = s.adfStatistic;
  row.pValue = s.pValue;
  row.halfLife = s.halfLife;
  row.correlation = s.correlation;
  row.score = s.score;
  const auto spread = strategy::spreadSeries(bars.logFirst, bars.logSecond, s.hedgeRatio, s.intercept);
  const auto z = zScores(spread, s.zWindow);
  row.lastZ = z.empty() ? std::numeric_limits<double>::quiet_NaN() : z.back();
  row.stale = !(row.pValue <= maxPValue);
  return row;
}

contract::PairSeriesLoaded pairSeries(const std::string& first, const std::string& second, const AlignedPair& bars,
                                      std::size_t minObservations, double maxPValue) {
  contract::PairSeriesLoaded out;
  out.stats = measurePair(first, second, bars, minObservations, maxPValue);
  if (!out.stats.problem.empty()) {
    out.error = fmt::format("{}/{}: {}", first, second, out.stats.problem);
    return out;
  }
  out.ts = bars.ts;
  out.spread = strategy::spreadSeries(bars.logFirst, bars.logSecond, out.stats.hedgeRatio, out.stats.intercept);
  out.zWindow = strategy::zWindowForHalfLife(out.stats.halfLife);
  out.z = zScores(out.spread, out.zWindow);
  return out;
}

Result<std::vector<contract::PairTrade>> pairTrades(const std::string& first, const std::string& second,
                                                    std::span<const domain::Bar> firstBars,
                                                    std::span<const domain::Bar> secondBars, std::size_t lookback,
                                                    double entryZ, double exitZ, double stopZ) {
  std::vector<backtest::BarSeries> series{{first, {firstBars.begin(), firstBars.end()}},
                                          {second, {secondBars.begin(), secondBars.end()}}};
  auto aligned = backtest::alignSeries(std::move(series));
  if (!aligned) return aligned.error();
  std::vector<backtest::BarSeries> window = std::move(aligned).value();
  if (lookback > 0)
    for (auto& s : window)
      if (s.bars.size() > lookback) s.bars.erase(s.bars.begin(), s.bars.end() - std::ptrdiff_t(lookback));
  const auto& registry = strategy::StrategyRegistry::builtin();
  const std::pair<std::string, double> bands[] = {{"entry_z", entryZ}, {"exit_z", exitZ}, {"stop_z", stopZ}};
  auto params = registry.resolve("pairs", bands);
  if (!params) return params.error();
  const std::size_t formation = std::size_t(params->getInt("formation", 252));
  if (window.front().bars.size() <= formation)
    return makeError("pairs.lookback", fmt::format("{} common bars, not more than the strategy's formation window ({} "
                                                   "bars): no trade possible",
                                                   window.front().bars.size(), formation));
  const auto views = backtest::views(window);
  auto result = backtest::runBacktest(registry, "pairs", *params, views, backtest::BacktestConfig{});
  if (!result) return result.error();
  std::vector<contract::PairTrade> out;
  double firstLeg = 0.0;
  for (const auto& f : result->fills) {
    contract::PairTrade t;
    t.ts = f.ts;
    t.symbol = f.instrument == 0 ? first : second;
    t.side = f.side;
    t.quantity = f.quantity;
    t.price = f.price;
    if (f.instrument == 0) {
      t.entry = std::abs(firstLeg) < 1e-9;
      firstLeg += f.side == domain::Side::Buy ? f.quantity : -f.quantity;
    } else {
      // The second leg fills with the first (same bar): it takes the first leg's role.
      t.entry = !out.empty() && out.back().ts == f.ts ? out.back().entry : std::abs(firstLeg) > 1e-9;
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace meridian::research
