#include "core/backtest/Portfolio.h"

#include <algorithm>
#include <cmath>

namespace meridian::backtest {

Portfolio::Portfolio(double cash, std::span<const std::string> symbols)
    : m_cash(cash), m_positions(symbols.size()), m_open(symbols.size()) {
  for (std::size_t i = 0; i < symbols.size(); ++i) m_positions[i].symbol = symbols[i];
}

void Portfolio::apply(std::size_t instrument, domain::Side side, double quantity, double price, double commission,
                      domain::Timestamp ts, std::int64_t barIndex) {
  const double pos = m_positions[instrument].quantity;
  const double signedQty = domain::sign(side) * quantity;
  if (pos != 0.0 && (pos > 0.0) != (signedQty > 0.0) && quantity > std::abs(pos) + 1e-12) {
    const double closing = std::abs(pos);
    const double c1 = commission * closing / quantity;
    applyOne(instrument, side, closing, price, c1, ts, barIndex);
    applyOne(instrument, side, quantity - closing, price, commission - c1, ts, barIndex);
    return;
  }
  applyOne(instrument, side, quantity, price, commission, ts, barIndex);
}

void Portfolio::applyOne(std::size_t instrument, domain::Side side, double quantity, double price, double commission,
                         domain::Timestamp ts, std::int64_t barIndex) {
  domain::Position& p = m_positions[instrument];
  OpenTrade& t = m_open[instrument];
  const double before = p.quantity;
  if (before == 0.0) {
    t = OpenTrade{};
    t.active = true;
    t.side = side;
    t.entryTs = ts;
    t.entryBar = barIndex;
    t.realizedAtOpen = p.realizedPnl;
  }
  domain::Fill f;  // empty strings: no allocation
  f.side = side;
  f.quantity = quantity;
  f.price = price;
  f.commission = commission;
  f.ts = ts;
  p.apply(f);  // also sets lastPrice to the fill price until the next mark
  m_cash -= domain::sign(side) * quantity * price + commission;

  t.commission += commission;
  const bool adding = before == 0.0 || (before > 0.0) == (side == domain::Side::Buy);
  if (adding) {
    t.entryQty += quantity;
    t.entryValue += quantity * price;
  } else {
    t.exitQty += quantity;
    t.exitValue += quantity * price;
  }
  t.maxQuantity = std::max(t.maxQuantity, std::abs(p.quantity));
  if (p.quantity == 0.0 && t.active) {
    analytics::TradeRecord r;
    r.symbol = p.symbol;
    r.side = t.side;
    r.quantity = t.maxQuantity;
    r.entryTs = t.entryTs;
    r.exitTs = ts;
    r.entryPrice = t.entryQty > 0.0 ? t.entryValue / t.entryQty : 0.0;
    r.exitPrice = t.exitQty > 0.0 ? t.exitValue / t.exitQty : 0.0;
    r.pnl = p.realizedPnl - t.realizedAtOpen;
    r.commission = t.commission;
    r.barsHeld = barIndex - t.entryBar;
    m_trades.push_back(std::move(r));
    t.active = false;
  }
}

}  // namespace meridian::backtest
