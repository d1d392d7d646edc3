#include "core/backtest/SimOrderBook.h"

#include <algorithm>
#include <cmath>

namespace meridian::backtest {

using domain::OrderStatus;
using domain::OrderType;
using domain::Side;
using domain::TimeInForce;
using strategy::OrderId;

namespace {
// Tolerance for share quantities and cash comparisons (fractional remainders from partial fills).
constexpr double kEps = 1e-9;
}  // namespace

SimOrderBook::SimOrderBook(const SimOrderBookConfig& config, std::span<const std::string> symbols,
                           strategy::IStrategy& strategy, strategy::StrategyContext& context)
    : m_cfg(config),
      m_fill(config.fill),
      m_portfolio(config.initialCash, symbols),
      m_strategy(strategy),
      m_context(context),
      m_volumeUsed(symbols.size(), 0.0) {
  // Reserved up front so that steady-state order flow and fill recording do not allocate per bar.
  m_orders.reserve(16);
  if (config.recordFills) m_fills.reserve(256);
}

OrderId SimOrderBook::submit(const strategy::OrderRequest& r) {
  ++m_counts.submitted;
  const bool priced = (r.type != OrderType::Limit && r.type != OrderType::StopLimit) || r.limitPrice > 0.0;
  const bool stopped = (r.type != OrderType::Stop && r.type != OrderType::StopLimit) || r.stopPrice > 0.0;
  const bool trailing = r.type != OrderType::TrailingStop || r.trailPercent > 0.0;
  if (r.instrument >= m_portfolio.size() || !(r.quantity > 0.0) || !std::isfinite(r.quantity) || !priced ||
      !stopped || !trailing || !m_accepting) {
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
  // A trailing stop starts from the last known price: the last mark or fill, else the current bar's close.
  o.w.trailAnchor = m_portfolio.position(r.instrument).lastPrice;
  if (!(o.w.trailAnchor > 0.0)) o.w.trailAnchor = m_bars[r.instrument].close;
  m_orders.push_back(o);
  ++m_openOrders;
  return o.id;
}

bool SimOrderBook::cancel(OrderId id) {
  for (auto& o : m_orders) {
    if (o.id == id && !o.done) {
      finish(o, OrderStatus::Cancelled, "cancelled by strategy", false);
      return true;
    }
  }
  return false;
}

double SimOrderBook::workingDelta(std::size_t instrument) const {
  double d = 0.0;
  for (const auto& o : m_orders)
    if (!o.done && o.instrument == instrument) d += o.w.side == Side::Buy ? o.w.remaining : -o.w.remaining;
  return d;
}

void SimOrderBook::finish(Order& o, OrderStatus status, std::string_view reason, bool notify) {
  o.done = true;
  --m_openOrders;
  switch (status) {
    case OrderStatus::Filled: ++m_counts.filled; return;  // reported by onFill (orderDone)
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
    m_strategy.onOrderUpdate(m_context, u);
  }
}

void SimOrderBook::execute(std::uint32_t instrument, OrderId id, std::uint32_t tag, Side side, double qty,
                           double price, bool orderDone) {
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
  m_strategy.onFill(m_context, e);
}

void SimOrderBook::matchOrders() {
  std::fill(m_volumeUsed.begin(), m_volumeUsed.end(), 0.0);
  // Index loop over the orders present at the start: callbacks may append orders (eligible next bar), which may
  // reallocate the vector, so no reference is held across a callback.
  const std::size_t count = m_orders.size();
  for (std::size_t k = 0; k < count; ++k) {
    if (m_orders[k].done || m_orders[k].eligibleFrom > m_t) continue;
    Order& o = m_orders[k];
    const domain::Bar& bar = m_bars[o.instrument];
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
      // Terminal before onFill, so the strategy sees openOrders() without it.
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

void SimOrderBook::liquidate() {
  for (std::uint32_t i = 0; i < m_portfolio.size(); ++i) {
    const double pos = m_portfolio.position(i).quantity;
    if (pos == 0.0) continue;
    const Side side = pos > 0.0 ? Side::Sell : Side::Buy;
    const double px = m_fill.slip(side, m_bars[i].close);
    execute(i, strategy::kNoOrder, 0, side, std::abs(pos), px, true);
    m_portfolio.mark(i, m_bars[i].close);  // the fill set lastPrice to the slipped price: value at the close
  }
}

void SimOrderBook::cancelAllAtEnd() {
  for (auto& o : m_orders)
    if (!o.done) {
      o.done = true;
      ++m_counts.cancelled;
    }
  m_openOrders = 0;
  m_orders.clear();
}

}  // namespace meridian::backtest
