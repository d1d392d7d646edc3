#pragma once
// Fills history over the bus: the Fills blotter asks with RequestFillsHistory on "cmd.md.fills_history"
// (correlation id chosen by the sender) and HistoryService answers with FillsHistoryLoaded on
// "md.fills_history.<correlationId>" from the journal's fills table (IOrderJournal::loadFills("", limit)), read on
// the service's own connection so a restart's history read never holds up the storage thread's order journal.
//
// The topics sit next to chart history ("md.history.*", same service) rather than under "exec.": a serving process
// relays "exec.>" to Redis, and a one-off answer meant for one local window must not go out there.
// Header-only for the same reason as HistoryEvents.h: the UI needs the value types but must not link runtime.
#include "core/domain/Types.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::runtime {

namespace fills_history_topics {
inline constexpr const char* kRequest = "cmd.md.fills_history";
inline constexpr const char* kLoadedAll = "md.fills_history.>";
inline std::string loaded(std::string_view correlationId) {
  return "md.fills_history." + std::string(correlationId);
}
}  // namespace fills_history_topics

struct RequestFillsHistory {
  std::string correlationId;
  std::size_t limit = 10'000;  // newest fills kept; 0 is refused (the whole table is never what a blotter wants)
};

struct FillsHistoryLoaded {
  std::string correlationId;
  // Newest first (ts DESC, fill_id DESC), at most `limit` fills.
  std::shared_ptr<const std::vector<domain::Fill>> fills = std::make_shared<const std::vector<domain::Fill>>();
  std::size_t limit = 0;
  std::string error;          // empty = ok (no fills journaled is ok with an empty list)
  std::int64_t elapsedMs = 0;  // storage time on the service's threads
  bool ok() const { return error.empty(); }
};

}  // namespace meridian::runtime
