#pragma once
// Live strategy decisions: shown as chart markers, and turned into orders by the live strategy service when it
// trades (strategy.trade).
#include "core/contract/Message.h"
#include "core/domain/Types.h"

#include <string>

namespace meridian::contract {

// A live strategy's decision on a closed bar ("strat.signal.<SYM>").
struct SignalGenerated {
  std::string strategy;         // e.g. "sma_cross"
  std::string symbol;
  domain::Timestamp ts = 0;     // key of the bar that produced it, as in BarClosed::bar.ts (bar open; UTC ns)
  domain::Side side = domain::Side::Buy;
  double price = 0.0;           // bar close the decision was taken at
  double targetQuantity = 0.0;  // position the strategy wants after the signal (0 = flat)
  std::string reason;           // short human-readable cause, e.g. "SMA10 crossed above SMA30"
  double quantity = 0.0;        // size of the strategy's order (targetQuantity - position before it)
  std::string instance;         // live instance id, e.g. "sma_cross:AAPL" or "pairs:KO/PEP"
  std::string correlationId;    // of the SubmitOrder sent for it (strategy.trade=true), empty when none was sent
  friend bool operator==(const SignalGenerated&, const SignalGenerated&) = default;
};

template <> struct Spec<SignalGenerated>
    : Declare<"strat.signal", Kind::Event, Lane::Lossless, UiDelivery::Append, Relay::ToAttached, "signal"> {
  static std::string_view key(const SignalGenerated& m) { return m.symbol; }
  static QJsonObject encode(const SignalGenerated&);
  static Result<SignalGenerated> decode(const QJsonObject&);
};

}  // namespace meridian::contract
