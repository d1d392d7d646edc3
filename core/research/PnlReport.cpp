#include "core/research/PnlReport.h"

#include "core/analytics/Drawdown.h"
#include "core/backtest/JsonWriter.h"
#include "core/backtest/Portfolio.h"
#include "core/backtest/ResultJson.h"
#include "core/time/NyseCalendar.h"
#include "core/time/TimeZones.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

namespace meridian::research {
namespace {

std::string strategyOf(const domain::Fill& f) { return f.strategyId.empty() ? std::string("manual") : f.strategyId; }

std::string dayText(QDate d) { return d.toString(Qt::ISODate).toStdString(); }
std::string weekText(QDate d) {
  int year = 0;
  const int week = d.weekNumber(&year);
  return fmt::format("{}-W{:02}", year, week);
}
std::string monthText(QDate d) { return fmt::format("{}-{:02}", d.year(), d.month()); }

struct Key {
  std::string strategy;
  std::string symbol;
  friend bool operator<(const Key& a, const Key& b) {
    return std::tie(a.strategy, a.symbol) < std::tie(b.strategy, b.symbol);
  }
};

// Rows of one granularity: daily rows summed per (period label, key); the position is the last day's.
std::vector<PnlRow> rollUp(const std::vector<PnlRow>& daily, const std::vector<QDate>& dayOfRow,
                           std::string (*label)(QDate)) {
  std::map<std::tuple<std::string, std::string, std::string>, PnlRow> rows;
  for (std::size_t i = 0; i < daily.size(); ++i) {
    const PnlRow& d = daily[i];
    PnlRow& r = rows[{label(dayOfRow[i]), d.strategy, d.symbol}];
    r.period = label(dayOfRow[i]);
    r.strategy = d.strategy;
    r.symbol = d.symbol;
    r.pnl += d.pnl;
    r.realized += d.realized;
    r.fees += d.fees;
    r.fills += d.fills;
    r.position = d.position;
  }
  std::vector<PnlRow> out;
  out.reserve(rows.size());
  for (auto& [k, r] : rows) out.push_back(std::move(r));
  return out;
}

}  // namespace

PnlReport buildPnlReport(std::span<const domain::Fill> allFills, const PnlReportOptions& options) {
  PnlReport report;
  report.strategy = options.strategy;
  std::vector<domain::Fill> fills;
  for (const auto& f : allFills)
    if (options.strategy.empty() || strategyOf(f) == options.strategy) fills.push_back(f);
  std::sort(fills.begin(), fills.end(), [](const domain::Fill& a, const domain::Fill& b) {
    return std::tie(a.ts, a.fillId) < std::tie(b.ts, b.fillId);
  });
  report.startEquity = report.endEquity = options.initialEquity;
  if (fills.empty()) {
    report.from = options.from;
    report.to = options.to;
    report.metrics = analytics::computeMetrics(options.initialEquity, {}, {}, options.metrics);
    return report;
  }

  // One instrument per (strategy, symbol), in key order.
  std::map<Key, std::size_t> index;
  for (const auto& f : fills) index.emplace(Key{strategyOf(f), f.symbol}, 0);
  std::vector<Key> keys;
  std::vector<std::string> names;
  for (auto& [k, i] : index) {
    i = keys.size();
    keys.push_back(k);
    names.push_back(k.symbol);
  }
  backtest::Portfolio book(options.initialEquity, names);

  const QDate firstFill = time::TimeZones::exchangeDate(fills.front().ts);
  const QDate lastFill = time::TimeZones::exchangeDate(fills.back().ts);
  report.from = options.from.isValid() ? options.from : firstFill;
  report.to = options.to.isValid() ? options.to : lastFill;

  // The days reported: sessions in range plus any other date with a fill in range.
  std::set<QDate> days;
  for (const auto& s : time::NyseCalendar::instance().sessions(report.from, report.to)) days.insert(s.date);
  for (const auto& f : fills) {
    const QDate d = time::TimeZones::exchangeDate(f.ts);
    if (d >= report.from && d <= report.to) days.insert(d);
  }

  std::unordered_map<std::string, double> lastPrice;  // per symbol
  const auto markAll = [&] {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      auto it = lastPrice.find(keys[i].symbol);
      if (it != lastPrice.end()) book.mark(i, it->second);
    }
  };
  const auto valueOf = [&](std::size_t i) {
    const domain::Position& p = book.position(i);
    return p.realizedPnl + p.unrealizedPnl();
  };
  std::size_t next = 0;
  std::int64_t fillIndex = 0;
  const auto applyThrough = [&](QDate day, std::vector<double>* fees, std::vector<std::int64_t>* count) {
    while (next < fills.size() && time::TimeZones::exchangeDate(fills[next].ts) <= day) {
      const domain::Fill& f = fills[next++];
      const std::size_t i = index.at(Key{strategyOf(f), f.symbol});
      book.apply(i, f.side, f.quantity, f.price, f.commission, f.ts, fillIndex++);
      lastPrice[f.symbol] = f.price;
      if (fees) (*fees)[i] += f.commission;
      if (count) ++(*count)[i];
    }
    markAll();
  };

  // Carried in: everything before the first reported day.
  applyThrough(report.from.addDays(-1), nullptr, nullptr);
  const std::size_t tradesBefore = book.trades().size();
  std::vector<double> value(keys.size()), realized(keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    value[i] = valueOf(i);
    realized[i] = book.position(i).realizedPnl;
  }
  report.startEquity = book.equity();

  std::vector<QDate> dayOfRow;
  std::vector<analytics::EquityPoint> curve;
  analytics::DrawdownTracker drawdown(report.startEquity);
  for (const QDate& day : days) {
    std::vector<double> fees(keys.size(), 0.0);
    std::vector<std::int64_t> count(keys.size(), 0);
    applyThrough(day, &fees, &count);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const double v = valueOf(i), r = book.position(i).realizedPnl;
      PnlRow row;
      row.period = dayText(day);
      row.strategy = keys[i].strategy;
      row.symbol = keys[i].symbol;
      row.pnl = v - value[i];
      row.realized = r - realized[i];
      row.fees = fees[i];
      row.fills = count[i];
      row.position = book.position(i).quantity;
      value[i] = v;
      realized[i] = r;
      report.fees += row.fees;
      report.fills += row.fills;
      if (row.fills == 0 && row.pnl == 0.0 && row.realized == 0.0) continue;
      report.daily.push_back(std::move(row));
      dayOfRow.push_back(day);
    }
    double equity = 0.0, gross = 0.0;
    book.valuation(equity, gross);
    const double below = drawdown.next(equity);  // <= 0
    report.equity.push_back({day, equity, below < 0.0 ? -below : 0.0});  // reported as a positive fraction
    curve.push_back({time::TimeZones::fromExchange(day, QTime(16, 0)), equity, gross});
  }
  report.endEquity = report.equity.empty() ? report.startEquity : report.equity.back().equity;
  report.pnl = report.endEquity - report.startEquity;
  report.weekly = rollUp(report.daily, dayOfRow, weekText);
  report.monthly = rollUp(report.daily, dayOfRow, monthText);
  const auto& trades = book.trades();
  for (std::size_t i = tradesBefore; i < trades.size(); ++i) {
    const QDate exit = time::TimeZones::exchangeDate(trades[i].exitTs);
    if (exit <= report.to) report.trades.push_back(trades[i]);
  }
  report.metrics = analytics::computeMetrics(report.startEquity, curve, report.trades, options.metrics);
  return report;
}

std::string pnlReportJson(const PnlReport& report) {
  backtest::JsonWriter w;
  w.beginObject();
  w.field("from", dayText(report.from)).field("to", dayText(report.to));
  w.field("strategy", report.strategy.empty() ? std::string("all") : report.strategy);
  w.field("start_equity", report.startEquity).field("end_equity", report.endEquity);
  w.field("pnl", report.pnl).field("fees", report.fees).field("fills", report.fills);
  w.key("metrics");
  backtest::writeMetrics(w, report.metrics);
  const auto rows = [&](const char* name, const std::vector<PnlRow>& list) {
    w.key(name).beginArray();
    for (const PnlRow& r : list) {
      w.beginObject();
      w.field("period", r.period).field("strategy", r.strategy).field("symbol", r.symbol);
      w.field("pnl", r.pnl).field("realized", r.realized).field("fees", r.fees).field("fills", r.fills);
      w.field("position", r.position);
      w.endObject();
    }
    w.endArray();
  };
  rows("daily", report.daily);
  rows("weekly", report.weekly);
  rows("monthly", report.monthly);
  w.key("equity").beginArray();
  for (const PnlDay& d : report.equity) {
    w.beginObject().field("date", dayText(d.date)).field("equity", d.equity).field("drawdown", d.drawdown);
    w.endObject();
  }
  w.endArray();
  w.key("trades").beginArray();
  for (const auto& t : report.trades) {
    w.beginObject();
    w.field("symbol", t.symbol).field("side", std::string(t.side == domain::Side::Buy ? "long" : "short"));
    w.field("quantity", t.quantity).field("entry_date", time::TimeZones::exchangeDateText(t.entryTs).toStdString());
    w.field("entry_price", t.entryPrice).field("exit_date", time::TimeZones::exchangeDateText(t.exitTs).toStdString());
    w.field("exit_price", t.exitPrice).field("pnl", t.pnl).field("commission", t.commission);
    w.endObject();
  }
  w.endArray();
  w.endObject();
  return w.take();
}

contract::RunBacktest comparisonRun(const LiveStrategyBacktest& spec, QDate from, QDate to) {
  contract::RunBacktest run;
  run.strategy = spec.strategy;
  run.params = spec.params;
  for (const std::string& symbol : spec.symbols) {
    contract::SeriesRequest r;
    r.symbol = symbol;
    r.source = spec.source;
    r.timeframe = spec.timeframe;
    run.data.stored.push_back(std::move(r));
  }
  run.data.fromDate = from.addDays(-std::max(0, spec.warmupDays)).toString(Qt::ISODate).toStdString();
  run.data.toDate = to.toString(Qt::ISODate).toStdString();
  run.data.tradeFromDate = from.toString(Qt::ISODate).toStdString();
  run.config.initialCash = spec.capital;
  run.config.sizing = spec.sizing;
  run.save = false;
  return run;
}

std::string pnlComparisonJson(const PnlComparison& c) {
  backtest::JsonWriter w;
  w.beginObject();
  w.field("strategy_id", c.strategyId).field("strategy", c.strategy).field("params", c.params);
  w.key("symbols").beginArray();
  for (const auto& s : c.symbols) w.value(s);
  w.endArray();
  w.field("from", dayText(c.from)).field("to", dayText(c.to));
  const auto side = [&](const char* name, const PnlSide& x) {
    w.key(name).beginObject();
    w.field("start_value", x.startValue).field("end_value", x.endValue).field("pnl", x.pnl).field("fees", x.fees);
    w.field("fills", x.fills).field("trades", x.trades);
    w.key("metrics");
    backtest::writeMetrics(w, x.metrics);
    w.endObject();
  };
  side("live", c.live);
  side("backtest", c.backtest);
  w.field("pnl_difference", c.pnlDifference);
  w.endObject();
  return w.take();
}

}  // namespace meridian::research
