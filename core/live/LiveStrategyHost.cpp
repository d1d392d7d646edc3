#include "core/live/LiveStrategyHost.h"

#include <algorithm>
#include <cmath>

namespace meridian::live {

namespace {
backtest::SimOrderBookConfig bookConfig(const LiveHostConfig& c) {
  backtest::SimOrderBookConfig b;
  b.initialCash = c.initialCash;
  b.fill = c.fill;
  b.allowShort = c.allowShort;
  b.allowMargin = c.allowMargin;
  b.recordFills = false;  // the runner reports fills through fills() / the intents, not FillRecords
  return b;
}
}  // namespace

LiveStrategyHost::LiveStrategyHost(std::unique_ptr<strategy::IStrategy> strategy, std::vector<std::string> symbols,
                                   LiveHostConfig config)
    : m_strategy(std::move(strategy)),
      m_symbols(std::move(symbols)),
      m_cfg(config),
      m_current(m_symbols.size()),
      m_book(bookConfig(config), m_symbols, *m_strategy, *this) {}

LiveStrategyHost::~LiveStrategyHost() = default;

std::string_view LiveStrategyHost::symbol(std::size_t i) const {
  return i < m_symbols.size() ? std::string_view(m_symbols[i]) : std::string_view{};
}

double LiveStrategyHost::position(std::size_t i) const {
  return i < m_symbols.size() ? m_book.portfolio().position(i).quantity : 0.0;
}

double LiveStrategyHost::defaultQuantity(std::size_t, double price) const {
  return m_cfg.sizing.quantity(m_book.portfolio().equity(), price);
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
  // The book reads the copy, not `bars`: it must stay valid for submits after step() returns (onStop).
  m_book.beginBar(m_t, m_now, m_current, m_trading);
  if (!m_pendingAdjust.empty()) {
    for (std::size_t i = 0; i < m_pendingAdjust.size(); ++i) book(i, m_pendingAdjust[i], m_current[i].open);
    m_pendingAdjust.clear();
  }
  m_timers.fireDue(m_now, *m_strategy, *this);
  m_book.matchWorking();
  m_book.markToClose();
  strategy::BarSlice slice;
  slice.ts = m_now;
  slice.index = m_t;
  slice.bars = std::span<const domain::Bar>(m_current);
  m_strategy->onBar(*this, slice);
  ++m_t;
  return m_intents;
}

void LiveStrategyHost::adjustPosition(std::size_t i, double delta) {
  if (i >= m_symbols.size() || delta == 0.0) return;
  if (m_t == 0) {
    m_pendingAdjust.resize(m_symbols.size(), 0.0);
    m_pendingAdjust[i] += delta;
    return;
  }
  book(i, delta, m_current[i].close);
}

void LiveStrategyHost::book(std::size_t i, double delta, double price) {
  if (delta == 0.0) return;
  m_book.portfolio().apply(i, delta > 0 ? domain::Side::Buy : domain::Side::Sell, std::abs(delta), price, 0.0, m_now,
                           std::int64_t(m_t));
  m_book.portfolio().mark(i, price);
}

void LiveStrategyHost::finish() {
  // Orders placed in onStop (or in a later onStart) count from the next slice, as they always have here.
  m_book.beginBar(m_t, m_now, m_current, m_trading);
  if (m_started) m_strategy->onStop(*this);
  m_started = false;
}

strategy::OrderId LiveStrategyHost::submit(const strategy::OrderRequest& r) {
  const strategy::OrderId id = m_book.submit(r);
  if (id == strategy::kNoOrder) return id;

  OrderIntent intent;
  intent.instrument = r.instrument;
  intent.orderId = id;
  intent.side = r.side;
  intent.type = r.type;
  intent.quantity = r.quantity;
  intent.limitPrice = r.limitPrice;
  intent.stopPrice = r.stopPrice;
  // Includes the order just booked: the position the broker account should reach once everything fills.
  intent.targetPosition = position(r.instrument) + m_book.workingDelta(r.instrument);
  intent.ts = m_now;
  intent.close = m_current[r.instrument].close;
  m_intents.push_back(intent);
  return id;
}

}  // namespace meridian::live
