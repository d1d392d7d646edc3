#pragma once
// A live strategy's journal made from the backtester's own fills: sma_cross (fast 10, slow 30, 100 shares, $100,000)
// on `bars`, warmed up on the 365 days before `from` and trading from `from` to `to`, each fill journaled as a
// filled order of `strategyId` (what a paper broker filling every order at the bar's price would have journaled).
// A backtest of that live strategy over [from, end] must then agree with the journal fill for fill.
#include "core/backtest/BacktestEngine.h"
#include "core/storage/IStorage.h"
#include "core/time/TimeZones.h"

#include <QDate>

#include <string>
#include <vector>

#include "PnlFixture.h"

namespace meridian::testsupport {

struct LiveFills {
  QDate end;                 // the last day the position is flat again (a report ending there has no open position)
  double closedPnl = 0.0;    // of the round trips closed by `end`
  std::int64_t closed = 0;   // those round trips
  std::int64_t fills = 0;    // fills by `end`
  std::string error;         // empty = ok
};

inline LiveFills journalBacktestFills(storage::IStorage& s, const std::vector<domain::Bar>& bars, QDate from, QDate to,
                                      const std::string& symbol, const std::string& strategyId) {
  LiveFills out;
  backtest::BarSeries window{symbol, {}};
  for (const auto& b : bars) {
    const QDate d = time::TimeZones::exchangeDate(b.ts);
    if (d >= from.addDays(-365) && d <= to) window.bars.push_back(b);
  }
  backtest::BacktestConfig cfg;
  cfg.sizing = {strategy::SizingRule::Mode::FixedQuantity, 100};
  while (cfg.tradeStart < window.bars.size() && time::TimeZones::exchangeDate(window.bars[cfg.tradeStart].ts) < from)
    ++cfg.tradeStart;
  strategy::ParamSet params;
  params.set("fast", 10);
  params.set("slow", 30);
  const std::vector<backtest::BarSeries> series{window};
  auto run = backtest::runBacktest(strategy::StrategyRegistry::builtin(), "sma_cross", params, backtest::views(series), cfg);
  if (!run) return {QDate(), 0.0, 0, 0, run.error().message};
  double position = 0.0;
  int n = 0;
  for (const auto& f : run->fills) {
    const QDate day = time::TimeZones::exchangeDate(f.ts);
    const std::string id = strategyId + "-BT-" + std::to_string(++n);
    out.error = journalFilledOrder(s, id.c_str(), day, symbol.c_str(), f.side, f.quantity, f.price, f.commission,
                                   strategyId.c_str());
    if (!out.error.empty()) return out;
    position += f.side == domain::Side::Buy ? f.quantity : -f.quantity;
    if (position == 0.0) out.end = day;
  }
  if (!out.end.isValid()) {
    out.error = "the backtest never went flat again";
    return out;
  }
  for (const auto& t : run->trades)
    if (time::TimeZones::exchangeDate(t.exitTs) <= out.end) out.closedPnl += t.pnl, ++out.closed;
  for (const auto& f : run->fills) out.fills += time::TimeZones::exchangeDate(f.ts) <= out.end ? 1 : 0;
  return out;
}

}  // namespace meridian::testsupport
