#include "core/backtest/BacktestEngine.h"

#include "core/analytics/Drawdown.h"
#include "core/backtest/Portfolio.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

namespace meridian::backtest {
namespace {

using domain::OrderStatus;
using domain::OrderType;
using domain::Side;
using domain::TimeInForce;
using strategy::OrderId;

constexpr double kEps = 1e-9;

struct Order {
  OrderId id = 0;
  std::uint32_t instrument = 0;
  std::uint32_t tag = 0;
  TimeInForce tif = TimeInForce::Gtc;
  std::size_t eligibleFrom = 0;  // first bar index it may fill on
  WorkingOrder w;
  bool done = false;
};

struct Timer {
  domain::Timestamp at;
  std::uint32_t tag;
};

class Simulation final : public strategy::StrategyContext {
 public:
  Simulation(const BacktestConfig& cfg, strategy::IStrategy& strategy, std::span<const SeriesView> data,
             std::span<const std::string> symbols)
      : m_cfg(cfg),
        m_fill(cfg.fill),
        m_strategy(strategy),
        m_data(data),
        m_n(data.size()),
        m_bars(data[0].bars.size()),
        m_portfolio(cfg.initialCash, symbols),
        m_stats(cfg.initialCash, cfg.metrics),
        m_slice(m_n),
        m_volumeUsed(m_n, 0.0) {
    m_orders.reserve(16);
    if (cfg.recordEquityCurve) m_equity.reserve(m_bars > cfg.tradeStart ? m_bars - cfg.tradeStart : 0);
    if (cfg.recordFills) m_fills.reserve(256);
  }

  Result<BacktestResult> run(const RunControl& control) {
    const std::size_t T = m_bars;
    const std::size_t progressStep = std::max<std::size_t>(1, T / 100);
    std::size_t nextProgress = progressStep;
    m_strategy.onStart(*this);
    for (std::size_t t = 0; t < T; ++t) {
      if ((t & 1023) == 0 && control.cancelled())
        return makeError(kCancelledCode, fmt::format("backtest cancelled at bar {} of {}", t, T));
      m_t = t;
      m_now = m_data[0].bars[t].ts;
      if (!m_timers.empty()) fireTimers();
      if (!m_orders.empty()) processOrders();
      for (std::size_t i = 0; i < m_n; ++i) m_portfolio.mark(i, m_data[i].bars[t].close);

      strategy::BarSlice slice;
      slice.ts = m_now;
      slice.index = t;
      if (m_n == 1) {
        slice.bars = m_data[0].bars.subspan(t, 1);
      } else {
        for (std::size_t i = 0; i < m_n; ++i) m_slice[i] = m_data[i].bars[t];
        slice.bars = m_slice;
      }
      m_strategy.onBar(*this, slice);

      if (t + 1 == T && m_cfg.liquidateAtEnd && t >= m_cfg.tradeStart) liquidate();
      if (t >= m_cfg.tradeStart) {
        double eq, gross;
        m_portfolio.valuation(eq, gross);
        m_stats.add(eq, gross != 0.0);
        if (m_cfg.recordEquityCurve) m_equity.push_back({m_now, eq, gross});
      }
      if (control.progress && t + 1 >= nextProgress) {
        control.progress(t + 1, T);
        nextProgress += progressStep;
      }
    }
    if (control.progress && nextProgress - progressStep < T) control.progress(T, T);  // always end at 100 %
    m_strategy.onStop(*this);
    for (auto& o : m_orders)
      if (!o.done) ++m_counts.cancelled;  // still working at the end of data
    return buildResult();
  }

  // ---- StrategyContext ------------------------------------------------------------------------------------
  domain::Timestamp now() const override { return m_now; }
  std::size_t instrumentCount() const override { return m_n; }
  std::string_view symbol(std::size_t i) const override { return i < m_n ? m_data[i].symbol : std::string_view{}; }
  double position(std::size_t i) const override { return i < m_n ? m_portfolio.position(i).quantity : 0.0; }
  double cash() const override { return m_portfolio.cash(); }
  double equity() const override { return m_portfolio.equity(); }
  double defaultQuantity(std::size_t, double price) const override {
    return m_cfg.sizing.quantity(m_portfolio.equity(), price);
  }
  std::size_t openOrders() const override { return m_openOrders; }

  OrderId submit(const strategy::OrderRequest& r) override {
    ++m_counts.submitted;
    const bool priced = (r.type != OrderType::Limit && r.type != OrderType::StopLimit) || r.limitPrice > 0.0;
    const bool stopped = (r.type != OrderType::Stop && r.type != OrderType::StopLimit) || r.stopPrice > 0.0;
    const bool trailing = r.type != OrderType::TrailingStop || r.trailPercent > 0.0;
    if (r.instrument >= m_n || !(r.quantity > 0.0) || !std::isfinite(r.quantity) || !priced || !stopped ||
        !trailing || m_t < m_cfg.tradeStart) {
      ++m_counts.rejected;
      return strategy::kNoOrder;
    }
    Order o;
    o.id = ++m_lastId;
    o.instrument = r.instrument;
    o.tag = r.tag;
    o.tif = r.tif;
    o.eligibleFrom = m_t + 1;
    o.w.side = r.side;
    o.w.type = r.type;
    o.w.remaining = r.quantity;
    o.w.limitPrice = r.limitPrice;
    o.w.stopPrice = r.stopPrice;
    o.w.trailPercent = r.trailPercent;
    o.w.trailAnchor = m_portfolio.position(r.instrument).lastPrice;
    if (!(o.w.trailAnchor > 0.0)) o.w.trailAnchor = m_data[r.instrument].bars[m_t].close;
    m_orders.push_back(o);
    ++m_openOrders;
    return o.id;
  }

  bool cancel(OrderId id) override {
    for (auto& o : m_orders) {
      if (o.id == id && !o.done) {
        finish(o, OrderStatus::Cancelled, "cancelled by strategy", false);
        return true;
      }
    }
    return false;
  }

  void scheduleTimer(domain::Timestamp at, std::uint32_t tag) override {
    const Timer timer{at, tag};
    auto it = std::upper_bound(m_timers.begin(), m_timers.end(), at,
                               [](domain::Timestamp a, const Timer& x) { return a < x.at; });
    m_timers.insert(it, timer);
  }

 private:
  void fireTimers() {
    std::size_t k = 0;
    while (k < m_timers.size() && m_timers[k].at <= m_now) ++k;
    if (k == 0) return;
    // Copy out first: onTimer may schedule new timers.
    m_dueTimers.assign(m_timers.begin(), m_timers.begin() + std::ptrdiff_t(k));
    m_timers.erase(m_timers.begin(), m_timers.begin() + std::ptrdiff_t(k));
    for (const auto& tm : m_dueTimers) m_strategy.onTimer(*this, m_now, tm.tag);
  }

  void finish(Order& o, OrderStatus status, std::string_view reason, bool notify = true) {
    o.done = true;
    --m_openOrders;
    switch (status) {
      case OrderStatus::Filled: ++m_counts.filled; return;
      case OrderStatus::Rejected: ++m_counts.rejected; break;
      case OrderStatus::Expired: ++m_counts.expired; break;
      default: ++m_counts.cancelled; break;
    }
    if (notify) {
      strategy::OrderUpdate u;
      u.orderId = o.id;
      u.instrument = o.instrument;
      u.status = status;
      u.reason = reason;
      u.tag = o.tag;
      m_strategy.onOrderUpdate(*this, u);
    }
  }

  void execute(std::uint32_t instrument, OrderId id, std::uint32_t tag, Side side, double qty, double price,
               bool orderDone) {
    const double commission = m_fill.commission(qty, price);
    m_portfolio.apply(instrument, side, qty, price, commission, m_now, std::int64_t(m_t));
    ++m_counts.fills;
    if (m_cfg.recordFills) m_fills.push_back({id, instrument, side, qty, price, commission, m_now});
    strategy::FillEvent e;
    e.orderId = id;
    e.instrument = instrument;
    e.side = side;
    e.quantity = qty;
    e.price = price;
    e.commission = commission;
    e.ts = m_now;
    e.orderDone = orderDone;
    e.tag = tag;
    m_strategy.onFill(*this, e);
  }

  void processOrders() {
    std::fill(m_volumeUsed.begin(), m_volumeUsed.end(), 0.0);
    // Index loop: callbacks may append orders (eligible next bar), which may reallocate the vector.
    const std::size_t count = m_orders.size();
    for (std::size_t k = 0; k < count; ++k) {
      if (m_orders[k].done || m_orders[k].eligibleFrom > m_t) continue;
      Order& o = m_orders[k];
      const domain::Bar& bar = m_data[o.instrument].bars[m_t];
      const double available = m_fill.volumeCap(bar) - m_volumeUsed[o.instrument];
      if (o.tif == TimeInForce::Fok && available + kEps < o.w.remaining) {
        finish(o, OrderStatus::Cancelled, "fill-or-kill: not enough volume");
        continue;
      }
      const FillDecision d = m_fill.match(o.w, bar, available);
      if (d.quantity > 0.0) {
        const double pos = m_portfolio.position(o.instrument).quantity;
        if (!m_cfg.allowShort && o.w.side == Side::Sell && d.quantity > pos + kEps) {
          finish(o, OrderStatus::Rejected, "short selling is not allowed");
          continue;
        }
        if (!m_cfg.allowMargin && o.w.side == Side::Buy &&
            d.quantity * d.price + m_fill.commission(d.quantity, d.price) > m_portfolio.cash() + kEps) {
          finish(o, OrderStatus::Rejected, "insufficient cash");
          continue;
        }
        o.w.remaining -= d.quantity;
        m_volumeUsed[o.instrument] += d.quantity;
        const bool complete = o.w.remaining <= kEps;
        const OrderId id = o.id;
        const std::uint32_t inst = o.instrument, tag = o.tag;
        const Side side = o.w.side;
        if (complete) finish(o, OrderStatus::Filled, {}, false);
        execute(inst, id, tag, side, d.quantity, d.price, complete);  // may append to m_orders
        if (complete) continue;
      }
      Order& again = m_orders[k];
      if (again.done) continue;
      if (again.tif == TimeInForce::Day) finish(again, OrderStatus::Expired, "day order expired");
      else if (again.tif == TimeInForce::Ioc || again.tif == TimeInForce::Fok)
        finish(again, OrderStatus::Cancelled, "immediate-or-cancel remainder");
    }
    std::erase_if(m_orders, [](const Order& o) { return o.done; });
  }

  void liquidate() {
    for (std::uint32_t i = 0; i < m_n; ++i) {
      const double pos = m_portfolio.position(i).quantity;
      if (pos == 0.0) continue;
      const Side side = pos > 0.0 ? Side::Sell : Side::Buy;
      const double px = m_fill.slip(side, m_data[i].bars[m_t].close);
      execute(i, strategy::kNoOrder, 0, side, std::abs(pos), px, true);
      m_portfolio.mark(i, m_data[i].bars[m_t].close);
    }
  }

  BacktestResult buildResult() {
    BacktestResult r;
    r.strategy = std::string(m_strategy.name());
    for (const auto& s : m_data) r.symbols.emplace_back(s.symbol);
    r.initialCash = m_cfg.initialCash;
    r.finalValue = m_bars > m_cfg.tradeStart ? m_stats.last() : m_cfg.initialCash;
    r.startTs = m_bars > m_cfg.tradeStart ? m_data[0].bars[m_cfg.tradeStart].ts : 0;
    r.endTs = m_bars ? m_data[0].bars[m_bars - 1].ts : 0;
    r.bars = std::int64_t(m_bars);
    r.trades = m_portfolio.takeTrades();
    r.metrics = m_stats.finish(r.trades);
    r.drawdown = analytics::drawdownSeries(m_cfg.initialCash, m_equity);
    r.monthlyReturns = analytics::monthlyReturns(m_cfg.initialCash, m_equity);
    r.equity = std::move(m_equity);
    r.fills = std::move(m_fills);
    r.positions = m_portfolio.positions();
    r.orders = m_counts;
    return r;
  }

  const BacktestConfig& m_cfg;
  FillModel m_fill;
  strategy::IStrategy& m_strategy;
  std::span<const SeriesView> m_data;
  std::size_t m_n;
  std::size_t m_bars;
  Portfolio m_portfolio;
  analytics::EquityStats m_stats;
  std::vector<domain::Bar> m_slice;
  std::vector<double> m_volumeUsed;
  std::vector<Order> m_orders;
  std::vector<Timer> m_timers;
  std::vector<Timer> m_dueTimers;
  std::vector<analytics::EquityPoint> m_equity;
  std::vector<FillRecord> m_fills;
  OrderCounts m_counts;
  std::size_t m_openOrders = 0;
  OrderId m_lastId = 0;
  std::size_t m_t = 0;
  domain::Timestamp m_now = 0;
};

}  // namespace

Result<BacktestResult> BacktestEngine::run(strategy::IStrategy& strategy, std::span<const SeriesView> series,
                                           const RunControl& control) const {
  if (Status s = checkAligned(series); !s) return s.error();
  if (series[0].bars.empty()) return makeError("series.empty", "the bar series are empty");
  if (series.size() < strategy.instruments())
    return makeError("backtest.input", fmt::format("strategy {} needs {} series, got {}", strategy.name(),
                                                   strategy.instruments(), series.size()));
  if (!(m_config.initialCash > 0.0) || !std::isfinite(m_config.initialCash))
    return makeError("backtest.input", "initial cash must be positive");
  std::vector<std::string> symbols;
  for (const auto& s : series) symbols.emplace_back(s.symbol);
  Simulation sim(m_config, strategy, series, symbols);
  return sim.run(control);
}

Result<BacktestResult> runBacktest(const strategy::StrategyRegistry& registry, std::string_view name,
                                   const strategy::ParamSet& params, std::span<const SeriesView> series,
                                   const BacktestConfig& config, const RunControl& control) {
  auto strat = registry.create(name, params);
  if (!strat) return strat.error();
  auto result = BacktestEngine(config).run(**strat, series, control);
  if (!result) return result.error();
  BacktestResult r = std::move(result).value();
  const strategy::StrategyInfo* info = registry.find(name);
  r.params = strategy::ParamSet::defaults(info->params);
  for (const auto& [k, v] : params.values()) r.params.set(k, v);
  return r;
}

}  // namespace meridian::backtest
