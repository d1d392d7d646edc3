#pragma once
// CorrelationGuard: rolling correlation of the bar-to-bar returns of the two legs of each pairs trade, fed by
// closed bars; the RiskEngine rejects a pairs leg when |r| is above its limit (RiskLimits::maxPairCorrelation).
//
// An order is a pairs leg when its strategyId carries a pair tag "<strategy>:<LEG1>/<LEG2>", e.g.
// "pairs:KO/PEP" (parsePairTag). Pairs are registered by registerPair() (config risk.pairs = "KO/PEP,XOM/CVX")
// or on the first tagged order; every symbol keeps its recent returns so a pair registered late is seeded from
// history at once. Returns are paired only when both legs have a bar with the same open time.
// Plain C++; correlation() is O(1) and does not allocate.
#include "core/domain/Types.h"
#include "core/risk/PositionBook.h"
#include "core/strategy/indicators/RollingCorrelation.h"

#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace meridian::risk {

class CorrelationGuard {
 public:
  explicit CorrelationGuard(std::size_t window = 60);

  // "<x>:A/B" -> {A, B}; nullopt when the id carries no pair tag.
  static std::optional<std::pair<std::string_view, std::string_view>> parsePairTag(std::string_view strategyId);

  void registerPair(std::string_view a, std::string_view b);
  void onBar(std::string_view symbol, const domain::Bar& bar);
  // |r| inputs for the RiskState: NaN when unknown (pair not registered or not enough aligned returns).
  double correlation(std::string_view a, std::string_view b) const;
  std::size_t window() const { return m_window; }

 private:
  struct Series {
    double lastClose = 0.0;
    std::deque<std::pair<domain::Timestamp, double>> returns;  // (bar ts, simple return), newest at back
  };
  struct Pair {
    std::string a, b;
    strategy::RollingCorrelation corr;
    domain::Timestamp lastTs = 0;
  };
  static std::string key(std::string_view a, std::string_view b);
  void feed(Pair& p, domain::Timestamp ts);

  std::size_t m_window;
  std::unordered_map<std::string, Series, StringHash, std::equal_to<>> m_series;
  std::unordered_map<std::string, Pair, StringHash, std::equal_to<>> m_pairs;
};

}  // namespace meridian::risk
