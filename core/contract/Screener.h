#pragma once
// The stock screener (UI / CLI -> research::ScreenerService): a criteria query over every stored daily series,
// answered exactly once with ScreenerFinished (result or error) on "screener.result.<corr>".
#include "core/contract/Message.h"
#include "core/screener/Criteria.h"
#include "core/screener/Screener.h"

#include <memory>
#include <string>
#include <vector>

namespace meridian::contract {

struct ScreenerFinished;

struct RunScreener {
  std::string correlationId;
  screener::Criteria criteria;
  // Daily series to read: "" = per symbol the daily series (source without an intraday suffix such as "_1m")
  // with the newest bar (ties: more bars, then source name); otherwise only series of exactly this source.
  std::string source;
  std::vector<std::string> symbols;  // empty = every stored symbol
  std::size_t historyBars = screener::kDefaultHistoryBars;
};

struct ScreenerFinished {
  std::string correlationId;
  std::shared_ptr<const screener::ScreenerResult> result;  // null on error
  std::string error;      // human-readable
  std::string errorCode;  // screener::kInvalidCriteriaCode, "screener.storage", "screener.queue_full", ...
  std::size_t seriesRead = 0;
  double elapsedSeconds = 0.0;
  bool ok() const { return error.empty(); }
};

template <> struct Spec<RunScreener> : Declare<"cmd.screener.run", Kind::Request, Lane::Lossless> {
  using Answer = ScreenerFinished;
};
template <> struct Spec<ScreenerFinished>
    : Declare<"screener.result", Kind::Answer, Lane::Lossless, UiDelivery::Answer> {
  static std::string_view key(const ScreenerFinished& m) { return m.correlationId; }
};

}  // namespace meridian::contract
