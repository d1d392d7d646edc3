#pragma once
// Events (past tense) and commands (imperative) carried by the EventBus. All are immutable once published.
#include "core/domain/Types.h"

#include <string>
#include <vector>

namespace meridian::bus {

namespace topics {
inline std::string bar(std::string_view symbol) { return "md.bar." + std::string(symbol); }
inline std::string quote(std::string_view symbol) { return "md.quote." + std::string(symbol); }
inline std::string order(std::string_view clientOrderId) { return "exec.order." + std::string(clientOrderId); }
inline std::string fill(std::string_view symbol) { return "exec.fill." + std::string(symbol); }
inline std::string signal(std::string_view symbol) { return "strat.signal." + std::string(symbol); }
inline constexpr const char* kPositions = "exec.positions";
inline constexpr const char* kCommands = "cmd.>";
}  // namespace topics

struct BarClosed {
  std::string symbol;
  std::string source;
  domain::Bar bar;
};

struct QuoteUpdated {
  domain::Quote quote;
};

struct OrderUpdated {
  domain::Order order;
  std::string correlationId;  // of the command that caused it, when known
};

struct OrderFilled {
  domain::Fill fill;
};

struct PositionsSnapshot {
  std::vector<domain::Position> positions;
  domain::Timestamp asOf = 0;
};

// A live strategy's decision on a closed bar ("strat.signal.<SYM>"): shown as a marker on the chart, and turned
// into an order by the live strategy service when it trades.
struct SignalGenerated {
  std::string strategy;        // e.g. "sma_cross"
  std::string symbol;
  domain::Timestamp ts = 0;    // key of the bar that produced it, as in BarClosed::bar.ts (bar open; UTC ns)
  domain::Side side = domain::Side::Buy;
  double price = 0.0;          // bar close the decision was taken at
  double targetQuantity = 0.0; // position the strategy wants after the signal (0 = flat)
  std::string reason;          // short human-readable cause, e.g. "SMA10 crossed above SMA30"
  double quantity = 0.0;       // size of the strategy's order (targetQuantity - position before it)
  std::string instance;        // live instance id, e.g. "sma_cross:AAPL" or "pairs:KO/PEP"
  std::string correlationId;   // of the SubmitOrder sent for it (strategy.trade=true), empty when none was sent
};

// Commands from the UI (or CLI) to core; results come back as events carrying the same correlation id.
struct SubmitOrder {
  std::string correlationId;
  domain::Order order;
};

struct CancelOrder {
  std::string correlationId;
  std::string clientOrderId;
};

struct CommandRejected {
  std::string correlationId;
  std::string reason;
};

}  // namespace meridian::bus
