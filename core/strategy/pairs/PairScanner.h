#pragma once
// Ranks every pair of a symbol list for pairs trading. For a pair (A, B) on their common dates:
// log prices, OLS hedge ratio of log A on log B, Engle-Granger ADF statistic and MacKinnon p-value, half-life
// of the spread, Pearson correlation of the log prices, mean |z| of the spread's rolling z-score (window from the
// half-life, see zWindowForHalfLife), and score = (1 - p) * |corr| * mean|z|. Sorted by score, best first.
#include "core/common/Result.h"
#include "core/domain/Types.h"

#include <span>
#include <string>
#include <vector>

namespace meridian::strategy {

struct PairScanInput {
  std::string symbol;
  std::span<const domain::Bar> bars;  // ascending timestamps
};

struct PairScanOptions {
  std::size_t minObservations = 100;  // pairs with fewer common bars are skipped
  int maxLag = -1;                    // ADF max lag, < 0 automatic
};

struct PairStats {
  std::string first;   // dependent leg (A): spread = log A - hedgeRatio * log B
  std::string second;
  std::size_t observations = 0;
  double hedgeRatio = 0.0;
  double intercept = 0.0;
  double adfStatistic = 0.0;
  double pValue = 1.0;
  int adfLags = 0;
  double crit5 = 0.0;
  double halfLife = 0.0;  // bars; +inf when not mean reverting
  int zWindow = 0;
  double correlation = 0.0;
  double meanAbsZ = 0.0;
  double score = 0.0;
};

// Stats of one pair from aligned log prices.
PairStats analyzePair(std::string first, std::string second, std::span<const double> logFirst,
                      std::span<const double> logSecond, int maxLag = -1);

// All pairs i < j of inputs (first = inputs[i]). Errors when fewer than two inputs or a symbol is duplicated.
Result<std::vector<PairStats>> scanPairs(std::span<const PairScanInput> inputs, const PairScanOptions& options = {});

}  // namespace meridian::strategy
