#pragma once
// Risk controls: the kill switch and the drawdown circuit breaker (commands to the execution service), the state
// it publishes on every change and at start, and pre-trade rejections.
#include "core/contract/Message.h"
#include "core/domain/Types.h"

#include <string>
#include <utility>
#include <vector>

namespace meridian::contract {

// Cancels every working order and blocks new ones until ResetKillSwitch.
struct EngageKillSwitch {
  std::string correlationId;
  std::string reason;
  friend bool operator==(const EngageKillSwitch&, const EngageKillSwitch&) = default;
};
struct ResetKillSwitch {
  std::string correlationId;
  friend bool operator==(const ResetKillSwitch&, const ResetKillSwitch&) = default;
};
// The drawdown circuit breaker only resets manually; the equity peak restarts from the current equity.
struct ResetCircuitBreaker {
  std::string correlationId;
  friend bool operator==(const ResetCircuitBreaker&, const ResetCircuitBreaker&) = default;
};

// Changes the running engine's risk limits at once (Settings > Save): the listed risk.* keys, as an INI would spell
// them, applied on top of the limits in force; answered by RiskLimitsApplied or, when a key is not a risk limit or a
// value does not parse, CommandRejected (nothing changed). Local: a serving process's limits are its configuration's.
struct SetRiskLimits {
  std::string correlationId;
  std::vector<std::pair<std::string, std::string>> values;  // {"risk.max_order_qty", "5000"}, ...
  friend bool operator==(const SetRiskLimits&, const SetRiskLimits&) = default;
};
struct RiskLimitsApplied {
  std::string correlationId;
  std::string summary;  // "risk.max_order_qty=5000, risk.price_band_pct=0.02"
  friend bool operator==(const RiskLimitsApplied&, const RiskLimitsApplied&) = default;
};

// A pre-trade check refused an order (also visible as OrderUpdated{status rejected, rejectReason} and
// CommandRejected with the same correlation id).
struct RiskRejected {
  std::string correlationId;
  std::string clientOrderId;
  std::string rule;    // risk::toString(RiskRule), e.g. "max_order_notional"
  std::string reason;  // human-readable, shown in the UI
  friend bool operator==(const RiskRejected&, const RiskRejected&) = default;
};

struct RiskStateChanged {
  bool killSwitch = false;
  bool circuitBreaker = false;
  std::string killSwitchReason;
  std::string circuitBreakerReason;
  domain::Timestamp ts = 0;
  friend bool operator==(const RiskStateChanged&, const RiskStateChanged&) = default;
};

template <> struct Spec<EngageKillSwitch>
    : Declare<"cmd.risk.kill_switch", Kind::Command, Lane::Lossless, UiDelivery::None, Relay::ToServer, "kill_switch"> {
  static QJsonObject encode(const EngageKillSwitch&);
  static Result<EngageKillSwitch> decode(const QJsonObject&);
};
template <> struct Spec<ResetKillSwitch>
    : Declare<"cmd.risk.reset_kill_switch", Kind::Command, Lane::Lossless, UiDelivery::None, Relay::ToServer,
              "reset_kill_switch"> {
  static QJsonObject encode(const ResetKillSwitch&);
  static Result<ResetKillSwitch> decode(const QJsonObject&);
};
template <> struct Spec<ResetCircuitBreaker>
    : Declare<"cmd.risk.reset_circuit_breaker", Kind::Command, Lane::Lossless, UiDelivery::None, Relay::ToServer,
              "reset_circuit_breaker"> {
  static QJsonObject encode(const ResetCircuitBreaker&);
  static Result<ResetCircuitBreaker> decode(const QJsonObject&);
};
template <> struct Spec<SetRiskLimits> : Declare<"cmd.risk.set_limits", Kind::Command, Lane::Lossless> {};
template <> struct Spec<RiskLimitsApplied>
    : Declare<"risk.limits_applied", Kind::Event, Lane::Lossless, UiDelivery::Append> {};
template <> struct Spec<RiskRejected>
    : Declare<"risk.rejected", Kind::Event, Lane::Lossless, UiDelivery::Append, Relay::ToAttached, "risk_rejected"> {
  static QJsonObject encode(const RiskRejected&);
  static Result<RiskRejected> decode(const QJsonObject&);
};
template <> struct Spec<RiskStateChanged>
    : Declare<"risk.state", Kind::State, Lane::Coalescing, UiDelivery::Latest, Relay::Snapshot, "risk_state"> {
  static QJsonObject encode(const RiskStateChanged&);
  static Result<RiskStateChanged> decode(const QJsonObject&);
};

}  // namespace meridian::contract
