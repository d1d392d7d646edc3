#include "core/runtime/LiveStrategyHost.h"

#include <algorithm>
#include <cmath>

namespace meridian::runtime {

using domain::OrderStatus;
using domain::OrderType;
using domain::Side;
using domain::TimeInForce;

namespace {
constexpr double kEps = 1e-9;  // as BacktestEngine
}

struct LiveStrategyHost::Order {
  strategy::OrderId id = 0;
  std::uint32_t instrument = 0;
  std::uint32_t tag = 0;
  TimeInForce tif = TimeInForce::Gtc;
  std::size_t eligibleFrom = 0;
  backtest::WorkingOrder w;
  bool done = false;
};

LiveStrategyHost::LiveStrategyHost(std::unique_ptr<strategy::IStrategy> strategy, std::vector<std::string> symbols,
                                   LiveHostConfig config)
    : m_strategy(std::move(strategy)),
      m_symbols(std::move(symbols)),
      m_cfg(config),
      m_fill(config.fill),
      m_portfolio(config.initialCash, m_symbols),
      m_volumeUsed(m_symbols.size(), 0.0),
      m_current(m_symbols.size()) {
  m_orders.reserve(16);
}

LiveStrategyHost::~LiveStrategyHost() = default;

std::string_view LiveStrategyHost::symbol(std::size_t i) const {
  return i < m_symbols.size() ? std::string_view(m_symbols[i]) : std::string_view{};
}

double LiveStrategyHost::position(std::size_t i) const {
  return i < m_symbols.size() ? m_portfolio.position(i).quantity : 0.0;
}

double LiveStrategyHost::defaultQuantity(std::size_t, double price) const {
  return m_cfg.sizing.quantity(m_portfolio.equity(), price);
}

const std::vector<OrderIntent>& LiveStrategyHost::step(std::span<const domain::Bar> bars, bool trading) {
  m_intents.clear();
  if (bars.size() != m_symbols.size()) return m_intents;
  if (!m_started) {
    m_strategy->onStart(*this);
    m_started = true;
  }
  m_trading = trading;
  m_now = bars[0].ts;
  std::copy(bars.begin(), bars.end(), m_current.begin());
  if (!m_timers.empty()) fireTimers();
  if (!m_orders.empty()) processOrders(bars);
  for (std::size_t i = 0; i < bars.size(); ++i) m_portfolio.mark(i, bars[i].close);
  strategy::BarSlice slice;
  slice.ts = m_now;
  slice.index = m_t;
  slice.bars = std::span<const domain::Bar>(m_current);
  m_strategy->onBar(*this, slice);
  ++m_t;
  return m_intents;
}

void LiveStrategyHost::finish() {
  if (m_started) m_strategy->onStop(*this);
  m_started = false;
}

double LiveStrategyHost::workingDelta(std::size_t instrument) const {
  double d = 0.0;
  for (const auto& o : m_orders)
    if (!o.done && o.instrument == instrument) d += o.w.side == Side::Buy ? o.w.remaining : -o.w.remaining;
  return d;
}

strategy::OrderId LiveStrategyHost::submit(const strategy::OrderRequest& r) {
  const std::size_t n = m_symbols.size();
  const bool priced = (r.type != OrderType::Limit && r.type != OrderType::StopLimit) || r.limitPrice > 0.0;
  const bool stopped = (r.type != OrderType::Stop && r.type != OrderType::StopLimit) || r.stopPrice > 0.0;
  const bool trailing = r.type != OrderType::TrailingStop || r.trailPercent > 0.0;
  if (r.instrument >= n || !(r.quantity > 0.0) || !std::isfinite(r.quantity) || !priced || !stopped || !trailing ||
      !m_trading)
    return strategy::kNoOrder;
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
  if (!(o.w.trailAnchor > 0.0)) o.w.trailAnchor = m_current[r.instrument].close;
  m_orders.push_back(o);
  ++m_openOrders;

  OrderIntent intent;
  intent.instrument = r.instrument;
  intent.orderId = o.id;
  intent.side = r.side;
  intent.type = r.type;
  intent.quantity = r.quantity;
  intent.limitPrice = r.limitPrice;
  intent.stopPrice = r.stopPrice;
  intent.targetPosition = position(r.instrument) + workingDelta(r.instrument);
  intent.ts = m_now;
  intent.close = m_current[r.instrument].close;
  m_intents.push_back(intent);
  return o.id;
}

bool LiveStrategyHost::cancel(strategy::OrderId id) {
  for (auto& o : m_orders) {
    if (o.id == id && !o.done) {
      finishOrder(o, OrderStatus::Cancelled, "cancelled by strategy", false);
      return true;
    }
  }
  return false;
}

void LiveStrategyHost::scheduleTimer(domain::Timestamp at, std::uint32_t tag) {
  const Timer timer{at, tag};
  auto it = std::upper_bound(m_timers.begin(), m_timers.end(), at,
                             [](domain::Timestamp a, const Timer& x) { return a < x.at; });
  m_timers.insert(it, timer);
}

void LiveStrategyHost::fireTimers() {
  std::size_t k = 0;
  while (k < m_timers.size() && m_timers[k].at <= m_now) ++k;
  if (k == 0) return;
  m_dueTimers.assign(m_timers.begin(), m_timers.begin() + std::ptrdiff_t(k));
  m_timers.erase(m_timers.begin(), m_timers.begin() + std::ptrdiff_t(k));
  for (const auto& tm : m_dueTimers) m_strategy->onTimer(*this, m_now, tm.tag);
}

void LiveStrategyHost::finishOrder(Order& o, OrderStatus status, std::string_view reason, bool notify) {
  o.done = true;
  --m_openOrders;
  if (notify && status != OrderStatus::Filled) {
    strategy::OrderUpdate u;
    u.orderId = o.id;
    u.instrument = o.instrument;
    u.status = status;
    u.reason = reason;
    u.tag = o.tag;
    m_strategy->onOrderUpdate(*this, u);
  }
}

// The engine's matching loop (BacktestEngine.cpp, Simulation::processOrders), against the live slice.
void LiveStrategyHost::processOrders(std::span<const domain::Bar> bars) {
  std::fill(m_volumeUsed.begin(), m_volumeUsed.end(), 0.0);
  const std::size_t count = m_orders.size();
  for (std::size_t k = 0; k < count; ++k) {
    if (m_orders[k].done || m_orders[k].eligibleFrom > m_t) continue;
    Order& o = m_orders[k];
    const domain::Bar& bar = bars[o.instrument];
    const double available = m_fill.volumeCap(bar) - m_volumeUsed[o.instrument];
    if (o.tif == TimeInForce::Fok && available + kEps < o.w.remaining) {
      finishOrder(o, OrderStatus::Cancelled, "fill-or-kill: not enough volume");
      continue;
    }
    const backtest::FillDecision d = m_fill.match(o.w, bar, available);
    if (d.quantity > 0.0) {
      const double pos = m_portfolio.position(o.instrument).quantity;
      if (!m_cfg.allowShort && o.w.side == Side::Sell && d.quantity > pos + kEps) {
        finishOrder(o, OrderStatus::Rejected, "short selling is not allowed");
        continue;
      }
      if (!m_cfg.allowMargin && o.w.side == Side::Buy &&
          d.quantity * d.price + m_fill.commission(d.quantity, d.price) > m_portfolio.cash() + kEps) {
        finishOrder(o, OrderStatus::Rejected, "insufficient cash");
        continue;
      }
      o.w.remaining -= d.quantity;
      m_volumeUsed[o.instrument] += d.quantity;
      const bool complete = o.w.remaining <= kEps;
      const strategy::OrderId id = o.id;
      const std::uint32_t inst = o.instrument, tag = o.tag;
      const Side side = o.w.side;
      if (complete) finishOrder(o, OrderStatus::Filled, {}, false);
      const double commission = m_fill.commission(d.quantity, d.price);
      m_portfolio.apply(inst, side, d.quantity, d.price, commission, m_now, std::int64_t(m_t));
      ++m_fillCount;
      strategy::FillEvent e;
      e.orderId = id;
      e.instrument = inst;
      e.side = side;
      e.quantity = d.quantity;
      e.price = d.price;
      e.commission = commission;
      e.ts = m_now;
      e.orderDone = complete;
      e.tag = tag;
      m_strategy->onFill(*this, e);  // may append to m_orders
      if (complete) continue;
    }
    Order& again = m_orders[k];
    if (again.done) continue;
    if (again.tif == TimeInForce::Day) finishOrder(again, OrderStatus::Expired, "day order expired");
    else if (again.tif == TimeInForce::Ioc || again.tif == TimeInForce::Fok)
      finishOrder(again, OrderStatus::Cancelled, "immediate-or-cancel remainder");
  }
  std::erase_if(m_orders, [](const Order& o) { return o.done; });
}

}  // namespace meridian::runtime
