#pragma once
// Backtests, optimizations and walk-forwards (UI / CLI -> research::BacktestService) and their answers. Every
// event about a command carries its correlation id and is published on a topic ending in it:
//   bt.progress.<corr>  BacktestProgress    coalesced (at most one per progress interval, 50 ms by default)
//   bt.finished.<corr>  BacktestFinished    exactly once per Run* command: success, error or cancellation
//   bt.history.<corr>   BacktestRunsListed  the answer to ListBacktestRuns
// Results are immutable and shared (std::shared_ptr<const ...>): nothing in them refers back to the service.
#include "core/backtest/BacktestEngine.h"
#include "core/backtest/BacktestReports.h"
#include "core/backtest/BacktestResult.h"
#include "core/backtest/Optimizer.h"
#include "core/contract/Message.h"
#include "core/domain/Timeframe.h"
#include "core/strategy/Params.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::contract {

// A stored series (bar store), resolved by the service's series loader.
struct SeriesRequest {
  std::string symbol;
  std::string source;            // vendor ("yahoo", "csv", ...) or a stored tag; empty = any stored vendor
  domain::Timestamp fromTs = 0;  // 0 = open
  domain::Timestamp toTs = 0;    // 0 = open
  domain::Timeframe timeframe = domain::Timeframe::Day1;  // a finer stored series is aggregated, never a coarser one
  bool adjusted = false;         // the split/dividend-adjusted series (<vendor>_adjusted...), else the raw one
};

// Input bars of a run: CSV files and/or stored series, aligned (inner join on timestamps) in the given order
// (CSV files first). Strategies with several instruments take them in this order.
struct DataSpec {
  std::vector<std::string> csvFiles;  // "[SYM=]FILE" (see backtest::parseCsvSpec)
  std::vector<SeriesRequest> stored;
  bool adjusted = false;              // Adj Close-adjusted CSV prices
  bool csvSort = false;               // CSV rows out of time order are sorted (default: an error)
  bool csvDedupeLast = false;         // a CSV's duplicated timestamps keep the last row (default: an error)
  std::string fromDate;               // "YYYY-MM-DD" exchange date, empty = open
  std::string toDate;
  // "YYYY-MM-DD": bars before this exchange date only warm the strategy up (no orders, no equity recorded: the
  // run's config.tradeStart is set to the first bar on or after it); empty = trade from the first bar. Backtests
  // only (the P&L report's live-vs-backtest comparison: warmed up like the live strategy, traded over the report).
  std::string tradeFromDate;
};

struct RunBacktest {
  std::string correlationId;
  std::string strategy;
  strategy::ParamSet params;  // overrides of the strategy's defaults; validated by the service
  DataSpec data;
  backtest::BacktestConfig config;
  bool save = true;           // hand the result to the service's run saver (when one is wired)
};

struct RunOptimization {
  std::string correlationId;
  std::string strategy;
  strategy::ParamSet params;  // base values of the parameters not on the grid
  DataSpec data;
  backtest::BacktestConfig config;
  std::vector<backtest::ParamAxis> grid;  // row-major: the last axis varies fastest
  backtest::Objective objective = backtest::Objective::Sharpe;
  unsigned threads = 0;       // 0 = the service's default
};

struct RunWalkForward {
  std::string correlationId;
  std::string strategy;
  strategy::ParamSet params;
  DataSpec data;
  backtest::BacktestConfig config;
  std::vector<backtest::ParamAxis> grid;
  backtest::Objective objective = backtest::Objective::Sharpe;
  unsigned threads = 0;
  backtest::WalkForwardConfig walkForward;  // in-sample / out-of-sample bars, anchored
};

// Backtests a live strategy ("live:<instance>" of strategy.live) with its configured parameters, size, capital,
// timeframe and stored series over [fromDate, toDate] ("YYYY-MM-DD"), warmed up before fromDate as the live runner
// is (DataSpec::tradeFromDate): the P&L report's live-vs-backtest comparison. Answered like RunBacktest
// (BacktestFinished, kind Backtest, this correlation id); an id that is not configured finishes with an error.
struct CompareLiveStrategy {
  std::string correlationId;
  std::string strategyId;
  std::string fromDate;
  std::string toDate;
};

// Cancels a queued or running command; the command still finishes with error code backtest::kCancelledCode.
struct CancelBacktest {
  std::string correlationId;  // of the Run* command
};

// Asks for the saved runs (most recent first); answered with BacktestRunsListed.
struct ListBacktestRuns {
  std::string correlationId;
  std::size_t limit = 200;
};

enum class BacktestKind : std::uint8_t { Backtest, Optimization, WalkForward };
std::string_view toString(BacktestKind kind);

struct BacktestProgress {
  std::string correlationId;
  BacktestKind kind = BacktestKind::Backtest;
  std::size_t done = 0;
  std::size_t total = 0;  // 0 = unknown (queued, loading)
  std::string phase;      // "queued", "loading", "running", "optimizing", "walk-forward", "saving"
};

struct BacktestFinished {
  std::string correlationId;
  BacktestKind kind = BacktestKind::Backtest;
  std::string strategy;
  std::vector<std::string> symbols;
  backtest::BacktestResultPtr result;                                // kind Backtest
  std::shared_ptr<const backtest::OptimizationReport> optimization;  // kind Optimization
  std::shared_ptr<const backtest::WalkForwardReport> walkForward;    // kind WalkForward
  std::string error;       // empty on success; human-readable ("<file>:<line>: <reason>", "unknown parameter 'x'")
  std::string errorCode;   // e.g. "csv.parse", "param.unknown", backtest::kCancelledCode
  std::int64_t savedRunId = 0;  // > 0 when the run saver stored the result
  std::string saveError;        // the run saver failed (the run itself succeeded)
  double elapsedSeconds = 0.0;

  bool ok() const { return error.empty(); }
  bool cancelled() const { return errorCode == backtest::kCancelledCode; }
};

// A saved run as listed (without its equity curve and trades).
struct BacktestRunSummary {
  std::int64_t id = 0;
  std::string strategy;
  std::string paramsJson = "{}";
  std::vector<std::string> symbols;
  domain::Timestamp startTs = 0;
  domain::Timestamp endTs = 0;
  domain::Timestamp createdTs = 0;
  double finalValue = 0.0;
  std::string metricsJson = "{}";
};

struct BacktestRunsListed {
  std::string correlationId;
  std::vector<BacktestRunSummary> runs;  // most recent first
  std::string error;                     // e.g. no history source wired ("backtest.no_history")
};

template <> struct Spec<RunBacktest> : Declare<"cmd.backtest.run", Kind::Command, Lane::Lossless> {};
template <> struct Spec<RunOptimization> : Declare<"cmd.backtest.optimize", Kind::Command, Lane::Lossless> {};
template <> struct Spec<RunWalkForward> : Declare<"cmd.backtest.walkforward", Kind::Command, Lane::Lossless> {};
template <> struct Spec<CompareLiveStrategy> : Declare<"cmd.backtest.compare_live", Kind::Command, Lane::Lossless> {};
template <> struct Spec<CancelBacktest> : Declare<"cmd.backtest.cancel", Kind::Command, Lane::Lossless> {};
template <> struct Spec<ListBacktestRuns> : Declare<"cmd.backtest.history", Kind::Request, Lane::Lossless> {
  using Answer = BacktestRunsListed;
};
template <> struct Spec<BacktestProgress>
    : Declare<"bt.progress", Kind::Event, Lane::Coalescing, UiDelivery::LatestPerKey> {
  static std::string_view key(const BacktestProgress& m) { return m.correlationId; }
};
template <> struct Spec<BacktestFinished> : Declare<"bt.finished", Kind::Event, Lane::Lossless, UiDelivery::Append> {
  static std::string_view key(const BacktestFinished& m) { return m.correlationId; }
};
template <> struct Spec<BacktestRunsListed> : Declare<"bt.history", Kind::Answer, Lane::Lossless, UiDelivery::Answer> {
  static std::string_view key(const BacktestRunsListed& m) { return m.correlationId; }
};

}  // namespace meridian::contract
