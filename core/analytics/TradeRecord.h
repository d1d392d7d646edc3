#pragma once
// One round-trip trade: opened when a position leaves zero, closed when it returns to zero (a reversal closes
// one trade and opens the next).
#include "core/domain/Types.h"

#include <cstdint>
#include <string>

namespace meridian::analytics {

struct TradeRecord {
  std::string symbol;
  domain::Side side = domain::Side::Buy;  // Buy = long trade, Sell = short trade
  double quantity = 0.0;                  // largest absolute position held during the trade
  domain::Timestamp entryTs = 0;
  domain::Timestamp exitTs = 0;
  double entryPrice = 0.0;                // average entry fill price
  double exitPrice = 0.0;                 // average exit fill price
  double pnl = 0.0;                       // realised, net of all commissions of the trade
  double commission = 0.0;
  std::int64_t barsHeld = 0;              // bars from the entry fill to the exit fill
  // pnl relative to the entry notional.
  double returnPct() const {
    const double notional = entryPrice * quantity;
    return notional != 0.0 ? pnl / notional : 0.0;
  }
  friend bool operator==(const TradeRecord&, const TradeRecord&) = default;
};

}  // namespace meridian::analytics
