#pragma once
// Cash, positions (domain::Position average-cost accounting) and round-trip trade tracking for a fixed list of
// instruments. Plain C++, shared by the backtest engine and the paper broker.
#include "core/analytics/TradeRecord.h"
#include "core/domain/Types.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace meridian::backtest {

class Portfolio {
 public:
  Portfolio(double cash, std::span<const std::string> symbols);

  // Applies one execution. A fill that reverses the position is split at zero: the closing part (with its
  // pro-rata commission) closes the current trade, the rest opens a new one. barIndex feeds TradeRecord::barsHeld.
  void apply(std::size_t instrument, domain::Side side, double quantity, double price, double commission,
             domain::Timestamp ts, std::int64_t barIndex);
  // Marks an instrument to market (sets Position::lastPrice).
  void mark(std::size_t instrument, double price) { m_positions[instrument].lastPrice = price; }

  double cash() const { return m_cash; }
  double equity() const {
    double e = m_cash;
    for (const auto& p : m_positions) e += p.quantity * p.lastPrice;
    return e;
  }
  // Equity and gross exposure in one pass (the engine's per-bar valuation).
  void valuation(double& equity, double& grossExposure) const {
    double e = m_cash, g = 0.0;
    for (const auto& p : m_positions) {
      const double mv = p.quantity * p.lastPrice;
      e += mv;
      g += mv < 0.0 ? -mv : mv;
    }
    equity = e;
    grossExposure = g;
  }
  // Sum of |market value| over positions.
  double grossExposure() const {
    double g = 0.0;
    for (const auto& p : m_positions) g += p.quantity < 0 ? -p.quantity * p.lastPrice : p.quantity * p.lastPrice;
    return g;
  }
  std::size_t size() const { return m_positions.size(); }
  const domain::Position& position(std::size_t instrument) const { return m_positions[instrument]; }
  const std::vector<domain::Position>& positions() const { return m_positions; }
  // Closed trades, in closing order.
  const std::vector<analytics::TradeRecord>& trades() const { return m_trades; }
  std::vector<analytics::TradeRecord> takeTrades() { return std::move(m_trades); }

 private:
  struct OpenTrade {
    bool active = false;
    domain::Side side = domain::Side::Buy;
    double maxQuantity = 0.0;
    domain::Timestamp entryTs = 0;
    std::int64_t entryBar = 0;
    double entryQty = 0.0, entryValue = 0.0, exitQty = 0.0, exitValue = 0.0;
    double realizedAtOpen = 0.0;
    double commission = 0.0;
  };
  void applyOne(std::size_t instrument, domain::Side side, double quantity, double price, double commission,
                domain::Timestamp ts, std::int64_t barIndex);

  double m_cash;
  std::vector<domain::Position> m_positions;
  std::vector<OpenTrade> m_open;
  std::vector<analytics::TradeRecord> m_trades;
};

}  // namespace meridian::backtest
