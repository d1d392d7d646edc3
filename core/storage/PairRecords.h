#pragma once
// Cointegrated pairs found by the pair_discovery job (strategy_engine.discovered_pairs). One discovery run
// writes its ranked list under one runTs; readers take the newest run.
#include "core/domain/Types.h"

#include <cstdint>
#include <optional>
#include <string>

namespace meridian::storage {

struct DiscoveredPair {
  domain::Timestamp runTs = 0;  // when the discovery ran (UTC ns); identifies the run
  int rank = 1;                 // 1 = best score of the run
  std::string first;            // dependent leg A: spread = log A - hedgeRatio * log B - intercept
  std::string second;
  std::string source;           // bar series the statistics come from (e.g. "yahoo")
  std::int64_t observations = 0;
  double hedgeRatio = 0.0;
  double intercept = 0.0;
  double adfStatistic = 0.0;
  double pValue = 1.0;
  std::optional<double> halfLife;  // bars; nullopt when the spread does not mean-revert (infinite)
  double correlation = 0.0;
  double meanAbsZ = 0.0;
  double score = 0.0;
  friend bool operator==(const DiscoveredPair&, const DiscoveredPair&) = default;
};

}  // namespace meridian::storage
