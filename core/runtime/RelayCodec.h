#pragma once
// Maps bus events / commands to relay messages (storage::RelayMessage: kind + JSON body) and back.
// Only the types an attached GUI needs cross the process boundary; everything else stays local.
// Orders, fills, positions, quotes and bars use the storage codec's object encoders (core/storage/Codec.h), so
// the relay, the legacy md.* / exec.order.* mirror and stored JSON share one field mapping.
// Topics are derived from the decoded value (never taken from the wire), so a remote peer cannot publish on an
// arbitrary local topic.
#include "core/bus/EventBus.h"
#include "core/common/Result.h"
#include "core/runtime/TradingMode.h"
#include "core/storage/Codec.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace meridian::runtime::relay {

namespace kinds {
// Events (server -> attached processes).
inline constexpr const char* kOrderUpdated = "order_updated";
inline constexpr const char* kOrderFilled = "order_filled";
inline constexpr const char* kPositions = "positions";
inline constexpr const char* kAccount = "account";
inline constexpr const char* kRiskState = "risk_state";
inline constexpr const char* kRiskRejected = "risk_rejected";
inline constexpr const char* kCommandRejected = "command_rejected";
inline constexpr const char* kQuote = "quote";
inline constexpr const char* kBar = "bar";
inline constexpr const char* kSignal = "signal";
inline constexpr const char* kJobs = "jobs";  // jobs::JobsSnapshot: job states + recent run history
// Commands (attached processes -> server).
inline constexpr const char* kSubmitOrder = "submit_order";
inline constexpr const char* kCancelOrder = "cancel_order";
inline constexpr const char* kSubmitBracket = "submit_bracket";
inline constexpr const char* kSubmitOco = "submit_oco";
inline constexpr const char* kReplaceOrder = "replace_order";
inline constexpr const char* kKillSwitch = "kill_switch";
inline constexpr const char* kResetKillSwitch = "reset_kill_switch";
inline constexpr const char* kResetCircuitBreaker = "reset_circuit_breaker";
inline constexpr const char* kRunJob = "run_job";  // jobs::RunJobNow
}  // namespace kinds

bool isCommandKind(std::string_view kind);
// Events whose latest value is kept in the server's state hash (<ns>:relay:state, field = kind) for processes
// that attach later.
bool isStateKind(std::string_view kind);

struct Encoded {
  std::string kind;
  QJsonObject body;
  std::string correlationId;  // of a command (empty for events)
  std::string orderId;        // order_updated: client order id (key of the server's open-orders hash)
  bool orderTerminal = false; // order_updated: the order is done (removed from that hash)
};

// nullopt when the envelope's type does not cross the process boundary.
std::optional<Encoded> encode(const bus::Envelope& envelope);

// A decoded message, ready to be published on a local bus.
struct Decoded {
  std::string kind;
  std::string topic;
  std::shared_ptr<const void> payload;  // the value that publish() hands to the bus (identity = no-echo marker)
  std::function<void(bus::EventBus&)> publish;
  std::string correlationId;            // commands and command-related events
  std::string orderId;                  // order_updated: client order id
  std::int64_t orderUpdatedTs = 0;      // order_updated: the order's updated_ts
};

// errc::kDecode for an unknown kind or a body that does not match its schema.
Result<Decoded> decode(std::string_view kind, const QJsonObject& body);

// The serving process's heartbeat (value of <ns>:relay:server, TTL'd): who serves, when it last beat, and what it
// trades on, so an attached GUI shows the server's PAPER/LIVE instead of guessing from its own configuration.
//   {"origin":"<instance id>","ts":<UTC ns>,"trading_mode":"paper"|"live","broker":"paper"|"alpaca"}
// A heartbeat without trading_mode (an older server) decodes with mode.known = false.
struct Heartbeat {
  std::string origin;
  std::int64_t ts = 0;
  TradingMode mode;  // mode.origin is filled from `origin` when decoding
};
std::string encodeHeartbeat(const Heartbeat& beat);
Result<Heartbeat> decodeHeartbeat(std::string_view json);

}  // namespace meridian::runtime::relay
