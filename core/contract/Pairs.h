#pragma once
// Pair research (the Pair Lab dock): the pairs to look at -- the pair_discovery job's latest stored run, or a scan
// over a chosen universe and timeframe -- each re-measured on the newest stored bars (a pair whose p-value drifted
// above the threshold is flagged), and one pair's spread and z-score over time with the pairs strategy's bands.
// Answered by the history service on its own read connection (core/research/PairLab does the arithmetic).
#include "core/contract/Message.h"
#include "core/domain/Timeframe.h"
#include "core/domain/Types.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace meridian::contract {

struct PairsListed;
struct PairSeriesLoaded;

struct PairLabRow {
  std::string first;   // leg A: spread = log A - hedgeRatio * log B - intercept
  std::string second;
  std::string source;  // stored series the current statistics come from
  std::int64_t observations = 0;
  double hedgeRatio = 0.0;
  double intercept = 0.0;
  double adfStatistic = 0.0;
  double pValue = 1.0;            // now, on the newest `lookbackBars` common bars
  double halfLife = 0.0;          // bars; +inf when the spread does not mean-revert
  double correlation = 0.0;
  double score = 0.0;
  double lastZ = std::numeric_limits<double>::quiet_NaN();  // z-score of the newest bar
  double discoveredPValue = std::numeric_limits<double>::quiet_NaN();  // the stored run's (NaN for a scan)
  domain::Timestamp discoveredTs = 0;  // run of pair_discovery it comes from (0 for a scan)
  bool stale = false;                  // pValue > maxPValue: no longer cointegrated at the threshold
  std::string problem;                 // the pair could not be measured now (no bars, too few common bars)
};

struct RequestPairs {
  std::string correlationId;
  bool scan = false;                     // false: the latest pair_discovery run; true: every pair of `symbols`
  std::vector<std::string> symbols;      // scan universe (at least 2)
  domain::Timeframe timeframe = domain::Timeframe::Day1;
  std::string source;                    // stored series tag to prefer (empty: each symbol's longest of the timeframe)
  std::size_t lookbackBars = 504;        // newest common bars measured
  std::size_t minObservations = 60;
  double maxPValue = 0.05;               // rows above it are flagged stale
};

struct PairsListed {
  std::string correlationId;
  std::vector<PairLabRow> pairs;  // scan: by score, best first; stored: the run's rank order
  std::string error;
  double maxPValue = 0.05;
  bool ok() const { return error.empty(); }
};

struct RequestPairSeries {
  std::string correlationId;
  std::string first, second;
  domain::Timeframe timeframe = domain::Timeframe::Day1;
  std::string source;
  std::size_t lookbackBars = 504;
  double entryZ = 2.0, exitZ = 0.5, stopZ = 3.0;  // the pairs strategy's defaults
  double maxPValue = 0.05;                         // stats.stale above it
};

// One fill of the pairs strategy in the backtest of the charted window (PairSeriesLoaded::trades).
struct PairTrade {
  domain::Timestamp ts = 0;  // the bar it filled on (its open)
  std::string symbol;
  domain::Side side = domain::Side::Buy;
  double quantity = 0.0;
  double price = 0.0;
  bool entry = true;         // opens a pair position (first leg flat before it); false: closes it
};

struct PairSeriesLoaded {
  std::string correlationId;
  std::string error;
  PairLabRow stats;
  std::vector<domain::Timestamp> ts;
  std::vector<double> spread;
  std::vector<double> z;  // NaN until the z window is full
  int zWindow = 0;
  double entryZ = 2.0, exitZ = 0.5, stopZ = 3.0;
  // The pairs strategy (these bands, its other defaults; a backtest with the default backtest settings) on the same
  // bars: its fills, oldest first. tradesError says why there are none when the backtest could not run.
  std::vector<PairTrade> trades;
  std::string tradesError;
  bool ok() const { return error.empty(); }
};

template <> struct Spec<RequestPairs> : Declare<"cmd.research.pairs", Kind::Request, Lane::Lossless> {
  using Answer = PairsListed;
};
template <> struct Spec<PairsListed> : Declare<"research.pairs", Kind::Answer, Lane::Lossless, UiDelivery::Answer> {
  static std::string_view key(const PairsListed& m) { return m.correlationId; }
};
template <> struct Spec<RequestPairSeries> : Declare<"cmd.research.pair_series", Kind::Request, Lane::Lossless> {
  using Answer = PairSeriesLoaded;
};
template <> struct Spec<PairSeriesLoaded>
    : Declare<"research.pair_series", Kind::Answer, Lane::Lossless, UiDelivery::Answer> {
  static std::string_view key(const PairSeriesLoaded& m) { return m.correlationId; }
};

}  // namespace meridian::contract
