#pragma once
// Backtest commands (UI / CLI -> BacktestService) and events (BacktestService -> UI), carried by the EventBus.
//
// Commands go to "cmd.backtest.<verb>" and carry a correlation id chosen by the sender; every event about that
// command carries the same id and is published on a topic ending in it:
//   bt.progress.<corr>  BacktestProgress   throttled (at most one per progress interval, 50 ms by default)
//   bt.finished.<corr>  BacktestFinished   exactly once per Run* command: success, error or cancellation
//   bt.history.<corr>   BacktestRunsListed the answer to ListBacktestRuns
// Results are immutable and shared (std::shared_ptr<const ...>): nothing in them refers back to the service.
#include "core/backtest/BacktestEngine.h"
#include "core/backtest/BacktestResult.h"
#include "core/backtest/Optimizer.h"
#include "core/storage/Records.h"
#include "core/strategy/Params.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::backtest {

namespace topics {
inline constexpr const char* kCommands = "cmd.backtest.>";
inline constexpr const char* kRun = "cmd.backtest.run";
inline constexpr const char* kOptimize = "cmd.backtest.optimize";
inline constexpr const char* kWalkForward = "cmd.backtest.walkforward";
inline constexpr const char* kCancel = "cmd.backtest.cancel";
inline constexpr const char* kListRuns = "cmd.backtest.history";
inline constexpr const char* kEvents = "bt.>";
inline std::string progress(std::string_view correlationId) { return "bt.progress." + std::string(correlationId); }
inline std::string finished(std::string_view correlationId) { return "bt.finished." + std::string(correlationId); }
inline std::string history(std::string_view correlationId) { return "bt.history." + std::string(correlationId); }
}  // namespace topics

// A stored series (bar store), resolved by the service's SeriesLoader callback.
struct SeriesRequest {
  std::string symbol;
  std::string source;           // e.g. "yahoo"; empty = the loader's default
  domain::Timestamp fromTs = 0;  // 0 = open
  domain::Timestamp toTs = 0;    // 0 = open
};

// Input bars of a run: CSV files and/or stored series, aligned (inner join on timestamps) in the given order
// (CSV files first). Strategies with several instruments take them in this order.
struct DataSpec {
  std::vector<std::string> csvFiles;   // "[SYM=]FILE" (see parseCsvSpec)
  std::vector<SeriesRequest> stored;
  bool adjusted = false;               // Adj Close-adjusted CSV prices
  std::string fromDate;                // "YYYY-MM-DD" exchange date, empty = open
  std::string toDate;
};

struct RunBacktest {
  std::string correlationId;
  std::string strategy;
  strategy::ParamSet params;  // overrides of the strategy's defaults; validated by the service
  DataSpec data;
  BacktestConfig config;
  bool save = true;           // hand the result to the service's RunSaver (when one is wired)
};

struct RunOptimization {
  std::string correlationId;
  std::string strategy;
  strategy::ParamSet params;       // base values of the parameters not on the grid
  DataSpec data;
  BacktestConfig config;
  std::vector<ParamAxis> grid;     // row-major: the last axis varies fastest
  Objective objective = Objective::Sharpe;
  unsigned threads = 0;            // 0 = the service's default
};

struct RunWalkForward {
  std::string correlationId;
  std::string strategy;
  strategy::ParamSet params;
  DataSpec data;
  BacktestConfig config;
  std::vector<ParamAxis> grid;
  Objective objective = Objective::Sharpe;
  unsigned threads = 0;
  WalkForwardConfig walkForward;   // in-sample / out-of-sample bars, anchored
};

// Cancels a queued or running command; the command still finishes with error code kCancelledCode.
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
  std::size_t total = 0;   // 0 = unknown (queued, loading)
  std::string phase;       // "queued", "loading", "running", "optimizing", "walk-forward", "saving"
};

// Walk-forward outcome plus what a viewer needs without the bars: window dates and the stitched curve's drawdown.
struct WalkForwardReport {
  struct WindowDates {
    domain::Timestamp inStart = 0;
    domain::Timestamp outStart = 0;
    domain::Timestamp outEnd = 0;  // last out-of-sample bar
  };
  WalkForwardResult result;
  std::vector<WindowDates> dates;  // per segment
  std::vector<double> drawdown;    // aligned with result.equity
  Objective objective = Objective::Sharpe;
};

struct OptimizationReport {
  OptimizationResult result;       // runs in grid order: params + score (the objective) per combination
  std::vector<std::string> axes;   // names of the grid axes
  Objective objective = Objective::Sharpe;
};

struct BacktestFinished {
  std::string correlationId;
  BacktestKind kind = BacktestKind::Backtest;
  std::string strategy;
  std::vector<std::string> symbols;
  BacktestResultPtr result;                                 // kind Backtest
  std::shared_ptr<const OptimizationReport> optimization;   // kind Optimization
  std::shared_ptr<const WalkForwardReport> walkForward;     // kind WalkForward
  std::string error;       // empty on success; human-readable ("<file>:<line>: <reason>", "unknown parameter 'x'")
  std::string errorCode;   // e.g. "csv.parse", "param.unknown", kCancelledCode
  std::int64_t savedRunId = 0;  // > 0 when the RunSaver stored the result
  std::string saveError;        // the RunSaver failed (the run itself succeeded)
  double elapsedSeconds = 0.0;

  bool ok() const { return error.empty(); }
  bool cancelled() const { return errorCode == kCancelledCode; }
};

struct BacktestRunsListed {
  std::string correlationId;
  std::vector<storage::BacktestRunRecord> runs;  // most recent first (equity / trades JSON left "[]")
  std::string error;                             // e.g. no history source wired ("backtest.no_history")
};

}  // namespace meridian::backtest
