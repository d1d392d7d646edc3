#pragma once
// The Pair Lab's arithmetic (plain C++, no I/O): two stored bar series -> their common newest bars -> the pair's
// statistics now (strategy::analyzePair: OLS hedge ratio, Engle-Granger ADF and p-value, half-life, correlation,
// score), the spread log A - b log B - c and its rolling z-score over the scanner's window
// (strategy::zWindowForHalfLife, sample standard deviation, the bar itself included) -- the same numbers the pairs
// scanner ranks by. The history service feeds it stored bars to answer contract::RequestPairs / RequestPairSeries.
#include "core/contract/Pairs.h"
#include "core/common/Result.h"
#include "core/domain/Types.h"

#include <span>
#include <string>
#include <vector>

namespace meridian::research {

// Closes of both series on their common timestamps (ascending), the newest `lookback` of them (0 = all).
struct AlignedPair {
  std::vector<domain::Timestamp> ts;
  std::vector<double> logFirst, logSecond;
};
AlignedPair alignPair(std::span<const domain::Bar> first, std::span<const domain::Bar> second, std::size_t lookback);

// Statistics of the pair now; problem set (and nothing else) when fewer than minObservations common bars.
// stale = pValue > maxPValue.
contract::PairLabRow measurePair(const std::string& first, const std::string& second, const AlignedPair& bars,
                                 std::size_t minObservations, double maxPValue);

// The spread and z-score over time for the answer to RequestPairSeries (stats as measurePair; error when too few
// common bars).
contract::PairSeriesLoaded pairSeries(const std::string& first, const std::string& second, const AlignedPair& bars,
                                      std::size_t minObservations, double maxPValue);

// The pairs strategy's fills on the newest `lookback` common bars of both series (0 = all): a backtest with the
// default backtest configuration and the strategy's defaults but the three bands. Error when the series do not
// overlap or the bands are refused (exit < entry < stop).
Result<std::vector<contract::PairTrade>> pairTrades(const std::string& first, const std::string& second,
                                                    std::span<const domain::Bar> firstBars,
                                                    std::span<const domain::Bar> secondBars, std::size_t lookback,
                                                    double entryZ, double exitZ, double stopZ);

}  // namespace meridian::research
