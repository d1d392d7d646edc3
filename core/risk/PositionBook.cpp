#include "core/risk/PositionBook.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace meridian::risk {

PositionBook::PositionBook(double cash) : m_cash(cash) {}

PositionBook::SymbolEntry& PositionBook::entry(std::string_view symbol) {
  auto it = m_symbols.find(symbol);
  if (it == m_symbols.end()) {
    it = m_symbols.emplace(std::string(symbol), SymbolEntry{}).first;
    it->second.aggregate.symbol = std::string(symbol);
  }
  return it->second;
}

void PositionBook::restore(const std::vector<domain::Position>& positions, double initialCash) {
  m_symbols.clear();
  double cash = initialCash;
  for (const auto& p : positions) {
    if (p.symbol.empty()) continue;
    SymbolEntry& e = entry(p.symbol);
    e.byStrategy.push_back(p);
    cash += p.realizedPnl - p.quantity * p.avgCost;
    domain::Position& agg = e.aggregate;
    // Aggregate: quantity-weighted average cost of the strategy rows (same side assumed).
    const double q = agg.quantity + p.quantity;
    agg.avgCost = std::abs(q) > 1e-12 ? (agg.avgCost * agg.quantity + p.avgCost * p.quantity) / q : 0.0;
    agg.quantity = q;
    agg.realizedPnl += p.realizedPnl;
    if (p.lastPrice > 0.0) agg.lastPrice = p.lastPrice;
    agg.updatedTs = std::max(agg.updatedTs, p.updatedTs);
  }
  m_cash = cash;
  m_dirty = true;
}

void PositionBook::setCash(double cash) {
  m_cash = cash;
  m_dirty = true;
}

const domain::Position& PositionBook::apply(const domain::Fill& f) {
  SymbolEntry& e = entry(f.symbol);
  auto it = std::find_if(e.byStrategy.begin(), e.byStrategy.end(),
                         [&](const domain::Position& p) { return p.strategyId == f.strategyId; });
  if (it == e.byStrategy.end()) {
    domain::Position p;
    p.symbol = f.symbol;
    p.strategyId = f.strategyId;
    e.byStrategy.push_back(std::move(p));
    it = std::prev(e.byStrategy.end());
  }
  it->apply(f);
  e.aggregate.apply(f);
  for (auto& p : e.byStrategy) p.lastPrice = f.price;
  m_cash -= domain::sign(f.side) * f.quantity * f.price + f.commission;
  m_dirty = true;
  return *it;
}

bool PositionBook::mark(std::string_view symbol, double price, domain::Timestamp ts) {
  if (!(price > 0.0) || !std::isfinite(price)) return false;
  SymbolEntry& e = entry(symbol);
  e.aggregate.lastPrice = price;
  for (auto& p : e.byStrategy) p.lastPrice = price;
  (void)ts;
  m_dirty = true;
  return true;
}

double PositionBook::lastPrice(std::string_view symbol) const {
  auto it = m_symbols.find(symbol);
  return it == m_symbols.end() ? 0.0 : it->second.aggregate.lastPrice;
}

double PositionBook::positionQty(std::string_view symbol) const {
  auto it = m_symbols.find(symbol);
  return it == m_symbols.end() ? 0.0 : it->second.aggregate.quantity;
}

const PnlTotals& PositionBook::totals() const {
  if (!m_dirty) return m_totals;
  PnlTotals t;
  t.cash = m_cash;
  for (const auto& [sym, e] : m_symbols) {
    const domain::Position& a = e.aggregate;
    const double px = a.lastPrice > 0.0 ? a.lastPrice : a.avgCost;
    const double mv = a.quantity * px;
    t.netExposure += mv;
    t.grossExposure += std::abs(mv);
    t.realizedPnl += a.realizedPnl;
    t.unrealizedPnl += a.quantity * (px - a.avgCost);
  }
  t.equity = m_cash + t.netExposure;
  t.dayStartEquity = m_dayStarted ? m_dayStartEquity : t.equity;
  t.dayPnl = t.equity - t.dayStartEquity;
  t.peakEquity = std::max(m_peakEquity, 0.0);
  m_totals = t;
  m_dirty = false;
  return m_totals;
}

double PositionBook::buyingPower(double leverage) const {
  const PnlTotals& t = totals();
  return std::max(0.0, t.equity * leverage - t.grossExposure);
}

void PositionBook::startDay() {
  m_dirty = true;
  const double e = totals().equity;
  m_dayStartEquity = e;
  m_dayStarted = true;
  if (m_peakEquity <= 0.0) m_peakEquity = e;
  m_dirty = true;
}

void PositionBook::updatePeak() {
  const double e = totals().equity;
  if (e > m_peakEquity) {
    m_peakEquity = e;
    m_dirty = true;
  }
}

void PositionBook::resetPeak() {
  m_peakEquity = totals().equity;
  m_dirty = true;
}

std::vector<domain::Position> PositionBook::positions() const {
  std::vector<domain::Position> out;
  for (const auto& [sym, e] : m_symbols)
    for (const auto& p : e.byStrategy) out.push_back(p);
  std::sort(out.begin(), out.end(), [](const domain::Position& a, const domain::Position& b) {
    return a.symbol != b.symbol ? a.symbol < b.symbol : a.strategyId < b.strategyId;
  });
  return out;
}

std::vector<domain::Position> PositionBook::symbolPositions() const {
  std::vector<domain::Position> out;
  for (const auto& [sym, e] : m_symbols)
    if (!e.byStrategy.empty()) out.push_back(e.aggregate);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.symbol < b.symbol; });
  return out;
}

std::vector<PositionBook::StrategyPnl> PositionBook::strategyPnl() const {
  std::map<std::string, StrategyPnl> acc;
  for (const auto& [sym, e] : m_symbols) {
    for (const auto& p : e.byStrategy) {
      StrategyPnl& s = acc[p.strategyId];
      s.strategyId = p.strategyId;
      s.realizedPnl += p.realizedPnl;
      const double px = p.lastPrice > 0.0 ? p.lastPrice : p.avgCost;
      s.unrealizedPnl += p.quantity * (px - p.avgCost);
    }
  }
  std::vector<StrategyPnl> out;
  for (auto& [k, v] : acc) out.push_back(v);
  return out;
}

}  // namespace meridian::risk
