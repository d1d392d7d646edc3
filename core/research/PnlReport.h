#pragma once
// P&L report from the order journal's fills (not from any process's memory): daily, weekly and monthly P&L per
// strategy and symbol, the account's daily equity curve and drawdown, and the backtester's metrics (Sharpe,
// Sortino, max drawdown, win rate, profit factor, ...) for live / paper trading.
//
// Accounting: fills are applied in time order to one average-cost position per (strategy, symbol)
// (backtest::Portfolio, the backtester's own accounting, commissions included), starting with the first fill ever
// journaled so positions opened before the report's range are carried in. A position is marked at the last fill
// price of its symbol at or before the end of the day (the journal holds no quotes). The P&L of a (strategy,
// symbol) over a period is the change of realized + unrealized P&L (net of fees) from the end of the previous day
// to the end of the period; the account equity of a day is initial equity + the sum of those over every key.
// Days are exchange dates (America/New_York): every NYSE session in the range plus any other date with a fill.
// Weeks are ISO weeks ("2026-W49"), months "2026-12".
#include "core/analytics/Metrics.h"
#include "core/backtest/BacktestResult.h"
#include "core/contract/Backtest.h"
#include "core/contract/Reports.h"
#include "core/domain/Types.h"

#include <QDate>

#include <span>
#include <string>
#include <vector>

namespace meridian::research {

struct PnlReportOptions {
  QDate from;                    // first exchange date reported; invalid = the first fill's
  QDate to;                      // last exchange date reported; invalid = the last fill's
  std::string strategy;          // only fills of this strategy id ("manual" = fills without one); empty = all
  double initialEquity = 100'000.0;  // account equity before the first fill ever journaled
  analytics::MetricsConfig metrics;
};

using contract::PnlDay;
using contract::PnlReport;
using contract::PnlRow;

// `fills` in any order (sorted here by ts, then fill id).
PnlReport buildPnlReport(std::span<const domain::Fill> fills, const PnlReportOptions& options);

using contract::pnlReportCsv;
// JSON of the whole report (metrics as the backtester writes them).
std::string pnlReportJson(const PnlReport& report);

// ---- Live vs backtest (meridian-cli report --strategy live:<id> --compare-backtest) ----------------------------
// The journal's P&L of one live strategy next to a backtest of the same strategy, with its live parameters,
// sizing and capital, over the same exchange dates on the stored series of its timeframe; the backtest is warmed up
// on the bars before `from` (strategy.history_days, as the live runner warms up) and trades from `from` on.

struct LiveStrategyBacktest {
  std::string strategyId;            // "live:sma_cross:ORCL"
  std::string strategy;              // registry name
  strategy::ParamSet params;         // the live parameters (defaults + strategy.<name>.<param>)
  std::vector<std::string> symbols;  // in the strategy's order
  domain::Timeframe timeframe = domain::Timeframe::Day1;
  std::string source;                // stored series (strategy.history_source); empty = any
  double capital = 100'000.0;
  strategy::SizingRule sizing;
  int warmupDays = 730;
};
// The backtest command for `spec` over [from, to] (valid dates).
contract::RunBacktest comparisonRun(const LiveStrategyBacktest& spec, QDate from, QDate to);

using contract::comparePnl;
using contract::PnlComparison;
using contract::PnlSide;

// {"strategy_id", "strategy", "params", "symbols", "from", "to", "live": {...}, "backtest": {...}, "pnl_difference"}
std::string pnlComparisonJson(const PnlComparison& c);

}  // namespace meridian::research
