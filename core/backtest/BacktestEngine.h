#pragma once
// Event-driven backtest over one or more aligned bar series, on the calling thread, with a simulated clock.
//
// Per bar t (all instruments at once):
//   1. clock := bar t's timestamp; due timers fire (onTimer);
//   2. working orders placed before bar t are matched against bar t by the FillModel (onFill / onOrderUpdate);
//   3. positions are marked at bar t's close;
//   4. strategy.onBar(slice t): new orders become eligible at bar t+1 (no look-ahead);
//   5. equity (cash + positions at the close) is recorded.
// Deterministic: the same input gives bit-identical results. No allocation per bar in steady state (equity and
// fills vectors are reserved up front; order/fill bookkeeping reuses its storage).
// Steps 2-3 and order submission are SimOrderBook, which the live host (core/runtime/LiveStrategyHost) runs too.
#include "core/backtest/BacktestResult.h"
#include "core/backtest/BarSeries.h"
#include "core/backtest/FillModel.h"
#include "core/common/Result.h"
#include "core/strategy/StrategyRegistry.h"

#include <atomic>
#include <functional>
#include <span>
#include <stop_token>

namespace meridian::backtest {

struct BacktestConfig {
  double initialCash = 100'000.0;
  FillModelConfig fill;
  strategy::SizingRule sizing;     // StrategyContext::defaultQuantity
  bool allowShort = true;          // false: sells beyond the long position are rejected
  bool allowMargin = false;        // false: buys costing more than the available cash are rejected
  bool liquidateAtEnd = false;     // close open positions at the last bar's close (slippage + commission apply)
  std::size_t tradeStart = 0;      // bars before this index only warm the strategy up: orders are rejected and
                                   // no equity is recorded (walk-forward out-of-sample windows)
  bool recordEquityCurve = true;   // false saves memory (optimizer); metrics are computed either way
  bool recordFills = true;
  analytics::MetricsConfig metrics;
};

// Progress and cancellation for long runs (GUI dialogs, optimizer). Callbacks run on the engine's thread.
struct RunControl {
  std::function<void(std::size_t done, std::size_t total)> progress;  // about every 1 % of the bars
  const std::atomic<bool>* cancel = nullptr;                          // set to true to stop
  std::stop_token stop;                                               // or request_stop() on its source
  bool cancelled() const {
    return (cancel && cancel->load(std::memory_order_relaxed)) || stop.stop_requested();
  }
};

inline constexpr const char* kCancelledCode = "backtest.cancelled";

class BacktestEngine {
 public:
  explicit BacktestEngine(BacktestConfig config = {}) : m_config(std::move(config)) {}
  const BacktestConfig& config() const { return m_config; }

  // Runs `strategy` (fresh instance: strategies keep state) over aligned series. Errors: misaligned or empty
  // series, fewer series than the strategy needs, cancellation (code kCancelledCode).
  Result<BacktestResult> run(strategy::IStrategy& strategy, std::span<const SeriesView> series,
                             const RunControl& control = {}) const;

 private:
  BacktestConfig m_config;
};

// Builds strategy `name` with `params` from the registry and runs it; the result carries name and params.
Result<BacktestResult> runBacktest(const strategy::StrategyRegistry& registry, std::string_view name,
                                   const strategy::ParamSet& params, std::span<const SeriesView> series,
                                   const BacktestConfig& config, const RunControl& control = {});

}  // namespace meridian::backtest
