#pragma once
// Screener command (UI / CLI -> ScreenerService) and its answer, carried by the EventBus.
//   cmd.screener.run            RunScreener (correlation id chosen by the sender)
//   screener.result.<corr>      ScreenerFinished, exactly once per RunScreener: result or error
#include "core/screener/Criteria.h"
#include "core/screener/Metrics.h"
#include "core/screener/Screener.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::screener {

namespace topics {
inline constexpr const char* kCommands = "cmd.screener.>";
inline constexpr const char* kRun = "cmd.screener.run";
inline constexpr const char* kEvents = "screener.>";
inline constexpr const char* kResults = "screener.result.>";
inline std::string result(std::string_view correlationId) { return "screener.result." + std::string(correlationId); }
}  // namespace topics

struct RunScreener {
  std::string correlationId;
  Criteria criteria;
  // Daily series to read: "" = per symbol the daily series (source without an intraday suffix such as "_1m")
  // with the newest bar (ties: more bars, then source name); otherwise only series of exactly this source.
  std::string source;
  std::vector<std::string> symbols;  // empty = every stored symbol
  std::size_t historyBars = kDefaultHistoryBars;
};

struct ScreenerFinished {
  std::string correlationId;
  std::shared_ptr<const ScreenerResult> result;  // null on error
  std::string error;       // human-readable
  std::string errorCode;   // kInvalidCriteriaCode, "screener.storage", "screener.queue_full", ...
  std::size_t seriesRead = 0;
  double elapsedSeconds = 0.0;
  bool ok() const { return error.empty(); }
};

}  // namespace meridian::screener
