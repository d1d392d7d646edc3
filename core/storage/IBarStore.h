#pragma once
// Port: OHLCV bar series keyed by (symbol, source, ts) plus incremental-load bookkeeping.
#include "core/common/Result.h"
#include "core/domain/Types.h"
#include "core/storage/Records.h"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::storage {

class IBarStore {
 public:
  virtual ~IBarStore() = default;

  // Inserts or updates bars of one series in a single transaction. Every bar is validated first
  // (domain::isSane plus a finite vwap); one bad bar rejects the whole batch with errc::kInvalid naming
  // the symbol and ts, and nothing is written. A database CHECK violation also rolls back everything
  // (errc::kConstraint). Within one batch a later bar with the same ts replaces an earlier one.
  // Returns the number of rows inserted or actually changed (re-writing identical values counts 0).
  virtual Result<std::size_t> upsertBars(std::string_view symbol, std::string_view source,
                                         std::span<const domain::Bar> bars) = 0;
  // upsertBars plus upsertLoadRun(run) in the same transaction: the load run never claims bars that are not
  // stored, and stored bars are never left without their load run.
  virtual Result<std::size_t> upsertBarsWithLoadRun(std::string_view symbol, std::string_view source,
                                                    std::span<const domain::Bar> bars, const LoadRun& run) = 0;
  // Deletes one series and its load run. Returns the number of bars deleted.
  virtual Result<std::size_t> deleteSeries(std::string_view symbol, std::string_view source) = 0;
  // Bars with fromTs <= ts < toTs, ordered by ts ascending.
  virtual Result<std::vector<domain::Bar>> loadBars(std::string_view symbol, std::string_view source,
                                                    Timestamp fromTs, Timestamp toTs) = 0;
  // ts of the newest stored bar, nullopt when the series is empty.
  virtual Result<std::optional<Timestamp>> latestBarTs(std::string_view symbol, std::string_view source) = 0;
  // Every stored (symbol, source) series with its bar count and extent, ordered by symbol, source.
  virtual Result<std::vector<SeriesInfo>> listSeries() = 0;

  virtual Status upsertLoadRun(const LoadRun& run) = 0;
  virtual Result<std::optional<Timestamp>> lastLoadedTs(std::string_view symbol, std::string_view source) = 0;
};

}  // namespace meridian::storage
