#pragma once
// Chart and fills history, answered by the history service on its own read connection (never the order journal's
// storage thread). Requests carry a correlation id chosen by the sender; answers come back on a topic ending in it.
// Local to a process: a serving process never relays one window's answer to Redis.
#include "core/contract/Message.h"
#include "core/domain/Timeframe.h"
#include "core/domain/Types.h"

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

namespace meridian::contract {

struct HistoryLoaded;
struct FillsHistoryLoaded;
struct StoredSeriesListed;

struct RequestHistory {
  std::string correlationId;
  std::string symbol;
  // Resolution wanted. The service answers with the best stored series: the same resolution, else a finer one
  // aggregated (ET-session aware, marketdata::BarAggregator), else a coarser one (HistoryLoaded::timeframe says).
  domain::Timeframe timeframe = domain::Timeframe::Day1;
  domain::Timestamp fromTs = std::numeric_limits<domain::Timestamp>::min();
  domain::Timestamp toTs = std::numeric_limits<domain::Timestamp>::max();  // exclusive
  std::size_t maxBars = 1'000'000;  // newest bars kept
  std::string source;               // force one stored series (empty: choose)
  // Choose only among this vendor's series (<vendor>[_adjusted][_1h|_1m]; a stored tag works as its own vendor).
  std::string vendor;
  bool preferAdjusted = false;      // between otherwise equal candidates, the adjusted series first
  // Requests from the same requester that are still queued when a newer one arrives are answered "superseded"
  // without touching storage (a user flicking through symbols costs one load, not one per keystroke).
  std::string requester;
};

struct HistoryLoaded {
  std::string correlationId;
  std::string symbol;
  domain::Timeframe requested = domain::Timeframe::Day1;
  domain::Timeframe timeframe = domain::Timeframe::Day1;  // resolution of `bars`
  std::string source;            // stored series the bars come from; empty when nothing is stored
  bool aggregated = false;       // built from a finer series
  std::shared_ptr<const std::vector<domain::Bar>> bars = std::make_shared<const std::vector<domain::Bar>>();
  std::size_t truncated = 0;     // older bars left out by maxBars
  std::string error;             // empty = ok ("no data" is ok with empty bars); "superseded" when skipped
  std::int64_t elapsedMs = 0;    // storage + aggregation time on the service's threads
  bool ok() const { return error.empty(); }
};

// The newest journaled fills (the Fills blotter at start-up).
struct RequestFillsHistory {
  std::string correlationId;
  std::size_t limit = 10'000;  // newest fills kept; 0 is refused (the whole table is never what a blotter wants)
};

struct FillsHistoryLoaded {
  std::string correlationId;
  // Newest first (ts DESC, fill_id DESC), at most `limit` fills.
  std::shared_ptr<const std::vector<domain::Fill>> fills = std::make_shared<const std::vector<domain::Fill>>();
  std::size_t limit = 0;
  std::string error;           // empty = ok (no fills journaled is ok with an empty list)
  std::int64_t elapsedMs = 0;  // storage time on the service's threads
  bool ok() const { return error.empty(); }
};

// Every stored bar series with its extent (the Backtest dialogs' data picker).
struct RequestStoredSeries {
  std::string correlationId;
};

struct StoredSeriesInfo {
  std::string symbol;
  std::string source;  // the stored tag: <vendor>[_adjusted][_1h|_1m]
  domain::Timeframe timeframe = domain::Timeframe::Day1;
  bool adjusted = false;
  std::int64_t bars = 0;
  domain::Timestamp firstTs = 0;
  domain::Timestamp lastTs = 0;
};

struct StoredSeriesListed {
  std::string correlationId;
  std::vector<StoredSeriesInfo> series;  // ordered by symbol, source
  std::string error;                     // empty = ok
  std::int64_t elapsedMs = 0;
  bool ok() const { return error.empty(); }
};

template <> struct Spec<RequestHistory> : Declare<"cmd.md.history", Kind::Request, Lane::Lossless> {
  using Answer = HistoryLoaded;
};
template <> struct Spec<HistoryLoaded> : Declare<"md.history", Kind::Answer, Lane::Lossless, UiDelivery::Answer> {
  static std::string_view key(const HistoryLoaded& m) { return m.correlationId; }
};
template <> struct Spec<RequestFillsHistory> : Declare<"cmd.md.fills_history", Kind::Request, Lane::Lossless> {
  using Answer = FillsHistoryLoaded;
};
template <> struct Spec<FillsHistoryLoaded>
    : Declare<"md.fills_history", Kind::Answer, Lane::Lossless, UiDelivery::Answer> {
  static std::string_view key(const FillsHistoryLoaded& m) { return m.correlationId; }
};

template <> struct Spec<RequestStoredSeries> : Declare<"cmd.md.stored_series", Kind::Request, Lane::Lossless> {
  using Answer = StoredSeriesListed;
};
template <> struct Spec<StoredSeriesListed>
    : Declare<"md.stored_series", Kind::Answer, Lane::Lossless, UiDelivery::Answer> {
  static std::string_view key(const StoredSeriesListed& m) { return m.correlationId; }
};

}  // namespace meridian::contract
