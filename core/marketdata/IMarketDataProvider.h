#pragma once
// Port: a historical market data vendor (Yahoo, Polygon, Alpaca, ...).
//
// Contract for every adapter:
//  * fetchBars returns the bars with from <= ts < to (end EXCLUSIVE), ascending by ts, with vendor paging
//    handled inside. Timestamps follow the convention in Timeframe.h (daily bars keyed at 09:30 ET).
//  * All or nothing: if any page fails (HTTP error after retries, malformed or truncated JSON), the call returns
//    the Error and no bars, so nothing half-fetched can be stored.
//  * Errors: code "http.<status>" for HTTP errors with the vendor's own message ("polygon: 403 Forbidden:
//    NOT_AUTHORIZED: ..."), "http.timeout" / "http.network" for transport failures, "parse" for malformed JSON,
//    "config" for missing credentials, "unsupported" for a timeframe/feature the vendor lacks. Messages never
//    contain API keys.
//  * Bars are passed through as the vendor sent them (minus rows with null prices): OHLC sanity is checked by
//    the caller (IngestionService / DataQuality), which decides to drop and report.
//
// Threading: an adapter is not thread-safe. Use it from one worker thread at a time (never the GUI thread: calls
// block while HTTP requests run in a local event loop; a QCoreApplication must exist).
#include "core/common/Result.h"
#include "core/domain/Types.h"
#include "core/marketdata/Timeframe.h"
#include "core/storage/Records.h"

#include <string>
#include <string_view>
#include <vector>

namespace meridian::marketdata {

// Reference data for the symbol universe and the screener. Timestamps (updatedTs, asOfTs) are left 0 by the
// adapter and stamped by the IngestionService from its clock.
struct Fundamentals {
  storage::SymbolRecord symbol;   // instrument + active / delisted flags
  storage::CompanyInfo company;
  storage::KeyStatistics statistics;
};

class IMarketDataProvider {
 public:
  virtual ~IMarketDataProvider() = default;

  // Vendor name: "yahoo", "polygon", "alpaca".
  virtual std::string_view name() const = 0;
  // True when bars are split/dividend adjusted.
  virtual bool adjusted() const = 0;
  virtual bool supports(Timeframe tf) const = 0;
  // Storage source tag for series fetched with this adapter (see sourceName()).
  std::string source(Timeframe tf) const { return sourceName(name(), adjusted(), tf); }

  // Bars with from <= ts < to, ascending, every page; all or nothing (see above).
  virtual Result<std::vector<domain::Bar>> fetchBars(std::string_view symbol, Timestamp from, Timestamp to,
                                                     Timeframe tf) = 0;

  // Company info, key statistics and listing status. Default: Error "unsupported".
  virtual Result<Fundamentals> fetchFundamentals(std::string_view symbol);
};

}  // namespace meridian::marketdata
