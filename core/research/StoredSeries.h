#pragma once
// Stored bar series as backtest input: contract::SeriesRequest -> backtest::BarSeries, read by the HistoryService
// (its own read connection, its series choice and its session-aware aggregation) over the bus, so a backtest reads
// exactly the bars the chart shows and never holds up the storage thread that carries the order journal.
//
// Choice: the request's vendor (or any stored vendor), its timeframe, raw or adjusted as asked. A finer stored
// series is aggregated (1m -> 1h / 1d on NYSE sessions, America/New_York); a coarser one, a series with the other
// adjustment, or nothing stored is an error that names the symbol and what was looked for.
#include "core/backtest/BarSeries.h"
#include "core/bus/EventBus.h"
#include "core/common/Result.h"
#include "core/contract/Backtest.h"

#include <chrono>

namespace meridian::research {

inline constexpr const char* kStoredSeriesCode = "backtest.stored_series";

// Sends one contract::RequestHistory on `bus` and waits (on the calling thread, at most `timeout`) for its answer.
// A HistoryService must be running on that bus.
Result<backtest::BarSeries> loadStoredSeries(bus::EventBus& bus, const contract::SeriesRequest& request,
                                             std::chrono::milliseconds timeout = std::chrono::minutes(2));

}  // namespace meridian::research
