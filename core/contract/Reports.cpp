#include "core/contract/Reports.h"

#include <fmt/format.h>

namespace meridian::contract {

std::string pnlReportCsv(const PnlReport& report) {
  std::string out = "granularity,period,strategy,symbol,pnl,realized,fees,fills,position\n";
  const auto rows = [&](const char* granularity, const std::vector<PnlRow>& list) {
    for (const PnlRow& r : list)
      out += fmt::format("{},{},{},{},{:.17g},{:.17g},{:.17g},{},{:.17g}\n", granularity, r.period, r.strategy,
                         r.symbol, r.pnl, r.realized, r.fees, r.fills, r.position);
  };
  rows("day", report.daily);
  rows("week", report.weekly);
  rows("month", report.monthly);
  return out;
}

PnlComparison comparePnl(const PnlReport& live, const backtest::BacktestResult& bt, const std::string& strategyId) {
  PnlComparison c;
  c.strategyId = strategyId;
  c.strategy = bt.strategy;
  c.params = bt.params.toString();
  c.symbols = bt.symbols;
  c.from = live.from;
  c.to = live.to;
  c.live.startValue = live.startEquity;
  c.live.endValue = live.endEquity;
  c.live.pnl = live.pnl;
  c.live.fees = live.fees;
  c.live.fills = live.fills;
  c.live.trades = std::int64_t(live.trades.size());
  c.live.metrics = live.metrics;
  c.backtest.startValue = bt.initialCash;
  c.backtest.endValue = bt.finalValue;
  c.backtest.pnl = bt.finalValue - bt.initialCash;
  for (const auto& f : bt.fills) c.backtest.fees += f.commission;
  c.backtest.fills = std::int64_t(bt.fills.size());
  c.backtest.trades = std::int64_t(bt.trades.size());
  c.backtest.metrics = bt.metrics;
  c.pnlDifference = c.live.pnl - c.backtest.pnl;
  return c;
}

}  // namespace meridian::contract
