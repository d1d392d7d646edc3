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
#include "core/analytics/TradeRecord.h"
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

struct PnlRow {
  std::string period;    // "2026-12-04", "2026-W49" or "2026-12"
  std::string strategy;  // "manual" for fills without a strategy id
  std::string symbol;
  double pnl = 0.0;      // change of realized + unrealized, net of fees
  double realized = 0.0; // change of realized P&L (net of fees)
  double fees = 0.0;     // commissions of the period's fills
  std::int64_t fills = 0;
  double position = 0.0; // quantity held at the end of the period
};

struct PnlDay {
  QDate date;
  double equity = 0.0;
  double drawdown = 0.0;  // 1 - equity / running peak (peaks include the starting equity)
};

struct PnlReport {
  QDate from, to;
  std::string strategy;
  double startEquity = 0.0;  // at the end of the day before `from`
  double endEquity = 0.0;
  double pnl = 0.0;
  double fees = 0.0;
  std::int64_t fills = 0;
  std::vector<PnlRow> daily, weekly, monthly;  // period, strategy, symbol order; rows with no fill and no P&L left out
  std::vector<PnlDay> equity;
  std::vector<analytics::TradeRecord> trades;  // round trips closed in the range
  analytics::Metrics metrics;
};

// `fills` in any order (sorted here by ts, then fill id).
PnlReport buildPnlReport(std::span<const domain::Fill> fills, const PnlReportOptions& options);

// CSV of the daily, weekly and monthly rows ("granularity,period,strategy,symbol,pnl,realized,fees,fills,position"),
// full precision.
std::string pnlReportCsv(const PnlReport& report);
// JSON of the whole report (metrics as the backtester writes them).
std::string pnlReportJson(const PnlReport& report);

}  // namespace meridian::research
