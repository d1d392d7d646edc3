#pragma once
// Commands and events of the execution service beyond core/bus/Events.h (SubmitOrder, CancelOrder ("*" = all),
// OrderUpdated, OrderFilled, PositionsSnapshot, CommandRejected). Immutable once published. Header-only, so the
// UI can publish / read them without linking execution.
#include "core/domain/Types.h"

#include <string>
#include <vector>

namespace meridian::execution {

namespace topics {
// Commands (the ExecutionService subscribes to "cmd.order.>" and "cmd.risk.>").
inline constexpr const char* kSubmit = "cmd.order.submit";          // bus::SubmitOrder
inline constexpr const char* kCancel = "cmd.order.cancel";          // bus::CancelOrder
inline constexpr const char* kSubmitBracket = "cmd.order.bracket";  // SubmitBracket
inline constexpr const char* kSubmitOco = "cmd.order.oco";          // SubmitOco
inline constexpr const char* kReplace = "cmd.order.replace";        // ReplaceOrder
inline constexpr const char* kKillSwitch = "cmd.risk.kill_switch";  // EngageKillSwitch
inline constexpr const char* kResetKillSwitch = "cmd.risk.reset_kill_switch";        // ResetKillSwitch
inline constexpr const char* kResetCircuitBreaker = "cmd.risk.reset_circuit_breaker";  // ResetCircuitBreaker
// Events.
inline constexpr const char* kAccount = "exec.account";             // AccountSnapshot
inline constexpr const char* kRiskRejected = "risk.rejected";       // RiskRejected
inline constexpr const char* kRiskState = "risk.state";             // RiskStateChanged
inline constexpr const char* kCommandRejected = "sys.command.rejected";  // bus::CommandRejected
}  // namespace topics

// Bracket: entry + take-profit (limit) + stop-loss (stop or stop-limit). The exits are the opposite side of the
// entry, with the entry's quantity; they become active when the entry fills and form an OCO pair.
struct SubmitBracket {
  std::string correlationId;
  domain::Order entry;
  domain::Order takeProfit;
  domain::Order stopLoss;
};

// One-cancels-other: two orders; when one fills the other is cancelled.
struct SubmitOco {
  std::string correlationId;
  domain::Order first;
  domain::Order second;
};

// Cancel/replace of a working order. Zero keeps the current value. newClientOrderId empty = generated.
struct ReplaceOrder {
  std::string correlationId;
  std::string clientOrderId;
  double quantity = 0.0;
  double limitPrice = 0.0;
  double stopPrice = 0.0;
  std::string newClientOrderId;
};

// Kill switch: cancels every working order and blocks new ones until ResetKillSwitch.
struct EngageKillSwitch {
  std::string correlationId;
  std::string reason;
};
struct ResetKillSwitch {
  std::string correlationId;
};
// The drawdown circuit breaker only resets manually; the equity peak restarts from the current equity.
struct ResetCircuitBreaker {
  std::string correlationId;
};

// A pre-trade check refused an order (also visible as OrderUpdated{status rejected, rejectReason} and
// bus::CommandRejected with the same correlation id).
struct RiskRejected {
  std::string correlationId;
  std::string clientOrderId;
  std::string rule;    // risk::toString(RiskRule), e.g. "max_order_notional"
  std::string reason;  // human-readable, shown in the UI
};

// Published on every change of the kill switch / circuit breaker and when the service starts.
struct RiskStateChanged {
  bool killSwitch = false;
  bool circuitBreaker = false;
  std::string killSwitchReason;
  std::string circuitBreakerReason;
  domain::Timestamp ts = 0;
};

// Account state (published after fills and on the 1 s timer).
struct AccountSnapshot {
  std::string broker;     // "paper" | "alpaca"
  double cash = 0.0;
  double equity = 0.0;
  double buyingPower = 0.0;
  double dayPnl = 0.0;
  double realizedPnl = 0.0;
  double unrealizedPnl = 0.0;
  double grossExposure = 0.0;
  double peakEquity = 0.0;
  domain::Timestamp asOf = 0;
};

}  // namespace meridian::execution
