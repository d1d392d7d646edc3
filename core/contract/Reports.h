#pragma once
// The P&L report of what was traded (research::buildPnlReport over the journal's fills; meridian-cli report and the
// GUI's P&L Report window), and its request / answer pair, answered by the history service on its own read
// connection. Local to a process (never relayed).
#include "core/analytics/Metrics.h"
#include "core/analytics/TradeRecord.h"
#include "core/backtest/BacktestResult.h"
#include "core/contract/Message.h"

#include <QDate>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace meridian::contract {

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

// CSV of the daily, weekly and monthly rows ("granularity,period,strategy,symbol,pnl,realized,fees,fills,position"),
// full precision.
std::string pnlReportCsv(const PnlReport& report);

// Live vs backtest: the report of one live strategy next to a backtest of it over the same dates
// (meridian-cli report --compare-backtest, the P&L Report window's Compare with Backtest).
struct PnlSide {
  double startValue = 0.0;  // live: account equity at the start (report.startEquity); backtest: its capital
  double endValue = 0.0;
  double pnl = 0.0;
  double fees = 0.0;
  std::int64_t fills = 0;
  std::int64_t trades = 0;  // closed round trips
  analytics::Metrics metrics;
};

struct PnlComparison {
  std::string strategyId;
  std::string strategy;
  std::string params;  // "fast=10, slow=30"
  std::vector<std::string> symbols;
  QDate from, to;
  PnlSide live, backtest;
  double pnlDifference = 0.0;  // live - backtest
};

// `live`: the report of that strategy alone; `backtest`: its run over the report's dates.
PnlComparison comparePnl(const PnlReport& live, const backtest::BacktestResult& backtest, const std::string& strategyId);

struct PnlReportReady;

struct RequestPnlReport {
  std::string correlationId;
  QDate from;                    // invalid = the first fill's date
  QDate to;                      // invalid = the last fill's date
  std::string strategy;          // empty = all; "manual" = fills without a strategy id
  double initialEquity = 100'000.0;
};

struct PnlReportReady {
  std::string correlationId;
  std::shared_ptr<const PnlReport> report = std::make_shared<const PnlReport>();
  std::string error;  // empty = ok
  std::int64_t elapsedMs = 0;
  bool ok() const { return error.empty(); }
};

template <> struct Spec<RequestPnlReport> : Declare<"cmd.report.pnl", Kind::Request, Lane::Lossless> {
  using Answer = PnlReportReady;
};
template <> struct Spec<PnlReportReady> : Declare<"report.pnl", Kind::Answer, Lane::Lossless, UiDelivery::Answer> {
  static std::string_view key(const PnlReportReady& m) { return m.correlationId; }
};

}  // namespace meridian::contract
