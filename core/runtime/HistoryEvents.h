#pragma once
// Chart history over the bus: the UI asks with RequestHistory on "cmd.md.history" (correlation id chosen by the
// sender) and HistoryService answers with HistoryLoaded on "md.history.<correlationId>".
//
// Header-only on purpose: the UI (ui/bridge/HistoryClient) needs these value types but must not link the runtime
// library (the composition root); only domain/ and marketdata/Timeframe types appear here.
#include "core/domain/Types.h"
#include "core/marketdata/Timeframe.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::runtime {

namespace history_topics {
inline constexpr const char* kRequest = "cmd.md.history";
inline constexpr const char* kLoadedAll = "md.history.>";
inline std::string loaded(std::string_view correlationId) { return "md.history." + std::string(correlationId); }
}  // namespace history_topics

struct RequestHistory {
  std::string correlationId;
  std::string symbol;
  // Resolution wanted. The service answers with the best stored series: the same resolution, else a finer one
  // aggregated (ET-session aware, marketdata::BarAggregator), else a coarser one (HistoryLoaded::timeframe says).
  marketdata::Timeframe timeframe = marketdata::Timeframe::Day1;
  domain::Timestamp fromTs = std::numeric_limits<domain::Timestamp>::min();
  domain::Timestamp toTs = std::numeric_limits<domain::Timestamp>::max();  // exclusive
  std::size_t maxBars = 1'000'000;  // newest bars kept
  std::string source;               // force one stored series (empty: choose)
  // Requests from the same requester that are still queued when a newer one arrives are answered "superseded"
  // without touching storage (a user flicking through symbols costs one load, not one per keystroke).
  std::string requester;
};

struct HistoryLoaded {
  std::string correlationId;
  std::string symbol;
  marketdata::Timeframe requested = marketdata::Timeframe::Day1;
  marketdata::Timeframe timeframe = marketdata::Timeframe::Day1;  // resolution of `bars`
  std::string source;            // stored series the bars come from; empty when nothing is stored
  bool aggregated = false;       // built from a finer series
  std::shared_ptr<const std::vector<domain::Bar>> bars = std::make_shared<const std::vector<domain::Bar>>();
  std::size_t truncated = 0;     // older bars left out by maxBars
  std::string error;             // empty = ok ("no data" is ok with empty bars); "superseded" when skipped
  std::int64_t elapsedMs = 0;    // storage + aggregation time on the service's threads
  bool ok() const { return error.empty(); }
};

}  // namespace meridian::runtime
