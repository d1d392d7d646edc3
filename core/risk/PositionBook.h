#pragma once
// PositionBook: positions and P&L of one account. Positions are kept per (symbol, strategy) with
// domain::Position::apply (average cost, realized P&L net of commissions) and aggregated per symbol; marks set
// the last price. Cash moves with every fill, so equity = cash + sum(quantity x last price).
// Day P&L = equity - start-of-day equity; peak equity feeds the drawdown circuit breaker.
// Plain C++, owned by the execution thread. Lookups by std::string_view do not allocate.
#include "core/domain/Types.h"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace meridian::risk {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};

struct PnlTotals {
  double cash = 0.0;
  double equity = 0.0;
  double grossExposure = 0.0;    // sum |market value|
  double netExposure = 0.0;      // sum market value
  double realizedPnl = 0.0;      // net of commissions
  double unrealizedPnl = 0.0;
  double dayPnl = 0.0;
  double dayStartEquity = 0.0;
  double peakEquity = 0.0;
};

class PositionBook {
 public:
  explicit PositionBook(double cash = 0.0);

  // Replaces the state with journaled positions. cash = initialCash + sum(realized) - sum(quantity x avgCost),
  // i.e. what an account that started with initialCash holds after the fills that produced these positions.
  void restore(const std::vector<domain::Position>& positions, double initialCash);
  void setCash(double cash);

  // Applies a fill to (symbol, strategy) and the symbol aggregate; returns the updated (symbol, strategy) row.
  const domain::Position& apply(const domain::Fill& fill);
  // Sets the last price of a symbol (creates no position). Returns false when the price is not positive.
  bool mark(std::string_view symbol, double price, domain::Timestamp ts = 0);

  double lastPrice(std::string_view symbol) const;
  double positionQty(std::string_view symbol) const;

  // Totals (recomputed lazily after fills / marks).
  const PnlTotals& totals() const;
  double equity() const { return totals().equity; }
  double cash() const { return m_cash; }
  // Buying power of a cash account: equity x leverage - gross exposure, floored at 0.
  double buyingPower(double leverage = 1.0) const;

  // Starts a new trading day: start-of-day equity = current equity (also the first call sets the peak).
  void startDay();
  // Raises the peak to the current equity when higher. Called after marks / fills.
  void updatePeak();
  void resetPeak();  // peak = current equity (circuit breaker reset)
  void setDayStartEquity(double e) { m_dayStartEquity = e; m_dirty = true; }

  // Per (symbol, strategy) rows, ordered by symbol then strategy; lastPrice kept up to date by marks.
  std::vector<domain::Position> positions() const;
  // Per symbol aggregates (strategyId empty).
  std::vector<domain::Position> symbolPositions() const;
  // Per strategy: realized / unrealized sums.
  struct StrategyPnl {
    std::string strategyId;
    double realizedPnl = 0.0;
    double unrealizedPnl = 0.0;
  };
  std::vector<StrategyPnl> strategyPnl() const;

 private:
  struct SymbolEntry {
    domain::Position aggregate;
    std::vector<domain::Position> byStrategy;
  };
  SymbolEntry& entry(std::string_view symbol);

  std::unordered_map<std::string, SymbolEntry, StringHash, std::equal_to<>> m_symbols;
  double m_cash = 0.0;
  double m_dayStartEquity = 0.0;
  double m_peakEquity = 0.0;
  bool m_dayStarted = false;
  mutable bool m_dirty = true;
  mutable PnlTotals m_totals;
};

}  // namespace meridian::risk
