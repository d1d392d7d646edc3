#pragma once
// Meridian's wire format across processes (Redis pub/sub): JSON objects of the domain values, the relay envelope
// that carries every relayed contract message (contract::Spec<T>::encode / decode give its body), the serving
// process's heartbeat, and the one-way mirror for dashboards.
//
// Mirror channels: "md.bar.<SYMBOL>" carries a BarEvent, "exec.order.<CLIENT_ORDER_ID>" an Order snapshot.
// Field names are snake_case like the SQL columns; enums use the domain wire names; timestamps are JSON
// integers (UTC ns, exact in Qt 6; decoders also accept them as strings); doubles use the shortest exact form.
// Every payload carries "type" ("bar" / "order" / "relay") and "v" (schema version, currently 1).
#include "core/common/Result.h"
#include "core/contract/System.h"
#include "core/domain/Types.h"

#include <QJsonObject>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::contract {

// Error code of every decoder here and of contract::Spec<T>::decode.
inline constexpr const char* kDecodeError = "codec.decode";

struct BarEvent {
  std::string symbol;
  std::string source;  // data source, e.g. "yahoo"; may be empty
  domain::Bar bar;
  friend bool operator==(const BarEvent&, const BarEvent&) = default;
};

std::string barChannel(std::string_view symbol);          // "md.bar.AAPL"
std::string orderChannel(std::string_view clientOrderId); // "exec.order.MRD-..."

std::string encodeBarEvent(const BarEvent& event);
Result<BarEvent> decodeBarEvent(std::string_view json);
std::string encodeOrderEvent(const domain::Order& order);
Result<domain::Order> decodeOrderEvent(std::string_view json);

// ---- Object-level codecs (no "type"/"v"), used to compose larger messages such as the relay below. Decoders
// reject missing or mistyped required fields and unknown enum names with kDecodeError.
QJsonObject orderToJson(const domain::Order& order);
Result<domain::Order> orderFromJson(const QJsonObject& o);
QJsonObject fillToJson(const domain::Fill& fill);
Result<domain::Fill> fillFromJson(const QJsonObject& o);
QJsonObject positionToJson(const domain::Position& position);
Result<domain::Position> positionFromJson(const QJsonObject& o);
QJsonObject quoteToJson(const domain::Quote& quote);
Result<domain::Quote> quoteFromJson(const QJsonObject& o);
QJsonObject barToJson(const domain::Bar& bar);
Result<domain::Bar> barFromJson(const QJsonObject& o);

// Reads fields of a JSON object, remembering the first missing (required) or mistyped one in `missing`.
struct JsonReader {
  const QJsonObject& o;
  std::string missing;

  std::string text(const char* name, bool required = true);
  double real(const char* name, bool required = true);
  std::int64_t integer(const char* name, bool required = true);  // also accepts a quoted integer
  bool boolean(const char* name, bool required = true);
  QJsonObject object(const char* name, bool required = true);
  // Error naming the first bad field, or ok.
  Status status(std::string_view what) const;

 private:
  QJsonValue get(const char* name, bool required);
};

// ---- Process relay (relay::RedisBridge). One JSON object per pub/sub message:
//   {"type":"relay","v":1,"origin":"<instance id>","seq":N,"kind":"order_updated","ts":<UTC ns>,"body":{...},
//    "expires":<UTC ns>,"sig":"<hex HMAC-SHA256>"}
// `origin` identifies the publishing process so that no process ever acts on (or re-publishes) its own
// messages; `seq` increases per origin (a receiver refuses a sequence it has seen: replays); `ts` is the sender's
// clock (a receiver refuses a command older than its freshness window); `kind` selects the body's schema. `sig` is
// the HMAC-SHA256 of the message's compact JSON without "sig", under the deployment's relay key (env
// MERIDIAN_RELAY_KEY or the keychain, never a file): only a process that holds the key can be obeyed. `expires`
// (commands; signed, absent when 0) is the sender's deadline: a server reading the command later drops it and
// answers "expired", so nothing executes late.
struct RelayMessage {
  std::string origin;
  std::uint64_t seq = 0;
  std::string kind;
  domain::Timestamp ts = 0;
  QJsonObject body;
  std::string sig;  // hex; empty when unsigned
  domain::Timestamp expires = 0;  // commands: the sender's deadline (UTC ns); 0 = none
};

// Signs with key when it is not empty.
std::string encodeRelayMessage(const RelayMessage& message, std::string_view key = {});
// Fails (kDecodeError) on invalid JSON, a wrong type, a newer version, an empty origin or kind, or no body.
Result<RelayMessage> decodeRelayMessage(std::string_view json);
// True when message.sig is the HMAC of its content under key (constant-time comparison).
bool verifyRelayMessage(const RelayMessage& message, std::string_view key);

// The serving process's heartbeat (value of <ns>:relay:server, TTL'd): who serves, when it last beat, and what it
// trades on, so an attached GUI shows the server's PAPER/LIVE instead of guessing from its own configuration.
//   {"origin":"<instance id>","ts":<UTC ns>,"trading_mode":"paper"|"live","broker":"paper"|"alpaca"}
// A heartbeat without trading_mode (an older server) decodes with mode.known = false.
// It is signed like a relay message ("sig"), so a key someone else wrote cannot pose as a server.
struct Heartbeat {
  std::string origin;
  std::int64_t ts = 0;
  TradingMode mode;  // mode.origin is filled from `origin` when decoding
  std::string sig;   // hex; empty when unsigned
};
std::string encodeHeartbeat(const Heartbeat& beat, std::string_view key = {});
Result<Heartbeat> decodeHeartbeat(std::string_view json);
bool verifyHeartbeat(const Heartbeat& beat, std::string_view key);

}  // namespace meridian::contract
