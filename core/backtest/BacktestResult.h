#pragma once
// Immutable outcome of one backtest run. Hand it to other threads / the UI as
// std::shared_ptr<const BacktestResult> (see BacktestResultPtr); nothing in it refers back to the engine.
#include "core/analytics/Benchmark.h"
#include "core/analytics/Metrics.h"
#include "core/analytics/MonthlyReturns.h"
#include "core/analytics/TradeRecord.h"
#include "core/strategy/IStrategy.h"
#include "core/strategy/Params.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace meridian::backtest {

struct FillRecord {
  strategy::OrderId orderId = strategy::kNoOrder;
  std::uint32_t instrument = 0;
  domain::Side side = domain::Side::Buy;
  double quantity = 0.0;
  double price = 0.0;
  double commission = 0.0;
  domain::Timestamp ts = 0;
  friend bool operator==(const FillRecord&, const FillRecord&) = default;
};

struct OrderCounts {
  std::int64_t submitted = 0;
  std::int64_t filled = 0;     // completely filled orders
  std::int64_t fills = 0;      // executions (partial fills count each)
  std::int64_t rejected = 0;   // at submit or at fill time (insufficient cash, short not allowed, warm-up)
  std::int64_t cancelled = 0;  // by the strategy, IOC/FOK remainder, or still working at the end of data
  std::int64_t expired = 0;    // Day orders not (fully) filled on their first eligible bar
};

struct BacktestResult {
  std::string strategy;
  strategy::ParamSet params;
  std::vector<std::string> symbols;
  double initialCash = 0.0;
  double finalValue = 0.0;
  domain::Timestamp startTs = 0;  // first traded bar
  domain::Timestamp endTs = 0;    // last bar
  std::int64_t bars = 0;          // bars processed (including warm-up)
  std::vector<analytics::EquityPoint> equity;  // one point per traded bar, at the close (empty if not recorded);
                                               // its drawdown from initialCash: analytics::DrawdownTracker
  std::vector<analytics::TradeRecord> trades;  // closed round trips
  std::vector<FillRecord> fills;
  std::vector<domain::Position> positions;     // at the end (open trades are not in `trades`)
  std::vector<analytics::MonthlyReturn> monthlyReturns;
  analytics::Metrics metrics;
  OrderCounts orders;
  // Buy-and-hold of the first series with the same initial cash (analytics/Benchmark.h), filled after the run
  // from its bars and the equity curve (research::addBenchmark); empty symbol = not computed.
  std::string benchmarkSymbol;
  std::vector<analytics::EquityPoint> benchmark;  // aligned with equity
  analytics::BenchmarkStats benchmarkStats;
};

using BacktestResultPtr = std::shared_ptr<const BacktestResult>;

}  // namespace meridian::backtest
