#include "core/backtest/ResultJson.h"

#include "core/analytics/Drawdown.h"
#include "core/time/TimeZones.h"

namespace meridian::backtest {
namespace {

// "*_date" fields: the exchange (America/New_York) date.
std::string dateText(domain::Timestamp ts) { return time::TimeZones::exchangeDateText(ts).toStdString(); }

}  // namespace

void writeMetrics(JsonWriter& w, const analytics::Metrics& m) {
  w.beginObject();
  w.field("initial_value", m.initialValue).field("final_value", m.finalValue);
  w.field("total_return", m.totalReturn).field("cagr", m.cagr).field("annual_volatility", m.annualVolatility);
  w.field("sharpe", m.sharpe).field("sortino", m.sortino).field("calmar", m.calmar);
  w.field("max_drawdown", m.maxDrawdown).field("max_drawdown_duration", m.maxDrawdownDuration);
  w.field("exposure", m.exposure).field("bars", m.bars).field("years", m.years);
  w.field("trades", m.trades).field("wins", m.wins).field("losses", m.losses).field("win_rate", m.winRate);
  w.field("profit_factor", m.profitFactor).field("avg_win", m.avgWin).field("avg_loss", m.avgLoss);
  w.field("avg_trade", m.avgTrade).field("gross_profit", m.grossProfit).field("gross_loss", m.grossLoss);
  w.endObject();
}

std::string metricsJson(const analytics::Metrics& m) {
  JsonWriter w;
  writeMetrics(w, m);
  return w.take();
}

static void writeTrades(JsonWriter& w, const BacktestResult& r) {
  w.beginArray();
  for (const auto& t : r.trades) {
    w.beginObject();
    w.field("symbol", t.symbol).field("side", t.side == domain::Side::Buy ? "long" : "short");
    w.field("quantity", t.quantity);
    w.field("entry_date", dateText(t.entryTs)).field("entry_ts", std::int64_t(t.entryTs));
    w.field("entry_price", t.entryPrice);
    w.field("exit_date", dateText(t.exitTs)).field("exit_ts", std::int64_t(t.exitTs));
    w.field("exit_price", t.exitPrice);
    w.field("pnl", t.pnl).field("return", t.returnPct()).field("commission", t.commission);
    w.field("bars_held", t.barsHeld);
    w.endObject();
  }
  w.endArray();
}

static void writeEquity(JsonWriter& w, const BacktestResult& r) {
  w.beginArray();
  analytics::DrawdownTracker drawdown(r.initialCash);
  for (const auto& p : r.equity) {
    w.beginObject();
    w.field("ts", std::int64_t(p.ts)).field("equity", p.equity).field("drawdown", drawdown.next(p.equity));
    w.endObject();
  }
  w.endArray();
}

std::string tradesJson(const BacktestResult& r) {
  JsonWriter w;
  writeTrades(w, r);
  return w.take();
}

std::string equityJson(const BacktestResult& r) {
  JsonWriter w;
  writeEquity(w, r);
  return w.take();
}

std::string toJson(const BacktestResult& r, const JsonOptions& o) {
  JsonWriter w;
  w.beginObject();
  w.field("strategy", r.strategy);
  w.key("params").raw(r.params.toJson());
  w.key("symbols").beginArray();
  for (const auto& s : r.symbols) w.value(s);
  w.endArray();
  w.field("start", r.bars ? dateText(r.startTs) : std::string());
  w.field("end", r.bars ? dateText(r.endTs) : std::string());
  w.field("bars", r.bars);
  w.field("initial_cash", r.initialCash).field("final_value", r.finalValue);
  w.field("pnl", r.finalValue - r.initialCash);
  w.field("num_trades", std::int64_t(r.trades.size()));
  w.key("metrics");
  writeMetrics(w, r.metrics);
  if (!r.benchmarkSymbol.empty()) {
    const analytics::BenchmarkStats& b = r.benchmarkStats;
    w.key("benchmark").beginObject();
    w.field("symbol", r.benchmarkSymbol).field("initial_value", b.initialValue).field("final_value", b.finalValue);
    w.field("total_return", b.totalReturn).field("alpha", b.alpha).field("beta", b.beta);
    w.field("correlation", b.correlation).field("days", b.days);
    w.endObject();
  }
  w.key("orders").beginObject();
  w.field("submitted", r.orders.submitted).field("filled", r.orders.filled).field("fills", r.orders.fills);
  w.field("rejected", r.orders.rejected).field("cancelled", r.orders.cancelled).field("expired", r.orders.expired);
  w.endObject();
  w.key("positions").beginArray();
  for (const auto& p : r.positions) {
    if (p.quantity == 0.0) continue;
    w.beginObject();
    w.field("symbol", p.symbol).field("quantity", p.quantity).field("avg_cost", p.avgCost);
    w.field("last_price", p.lastPrice).field("unrealized_pnl", p.unrealizedPnl());
    w.endObject();
  }
  w.endArray();
  if (o.trades) {
    w.key("trades");
    writeTrades(w, r);
  }
  if (o.fills) {
    w.key("fills").beginArray();
    for (const auto& f : r.fills) {
      w.beginObject();
      w.field("order_id", std::int64_t(f.orderId)).field("symbol", r.symbols.at(f.instrument));
      w.field("side", domain::toString(f.side)).field("quantity", f.quantity).field("price", f.price);
      w.field("commission", f.commission).field("date", dateText(f.ts)).field("ts", std::int64_t(f.ts));
      w.endObject();
    }
    w.endArray();
  }
  if (o.monthly) {
    w.key("monthly_returns").beginArray();
    for (const auto& m : r.monthlyReturns) {
      w.beginObject();
      w.field("year", m.year).field("month", m.month).field("return", m.value);
      w.endObject();
    }
    w.endArray();
  }
  if (o.equity) {
    w.key("equity");
    writeEquity(w, r);
    if (!r.benchmark.empty()) {
      w.key("benchmark_equity").beginArray();
      for (const auto& p : r.benchmark) w.beginObject().field("ts", std::int64_t(p.ts)).field("equity", p.equity).endObject();
      w.endArray();
    }
  }
  w.endObject();
  return w.take();
}

}  // namespace meridian::backtest
