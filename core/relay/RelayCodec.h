#pragma once
// The relay's view of the contract: which bus messages cross the process boundary and how (contract::Spec<T>::relay),
// their wire kind and body (Spec<T>::encode / decode). Built once from contract::Catalogue, so a new relayed
// message needs nothing here. Topics are derived from the decoded value (never taken from the wire), so a remote peer
// cannot publish on an arbitrary local topic.
#include "core/bus/EventBus.h"
#include "core/common/Result.h"
#include "core/contract/Message.h"

#include <QJsonObject>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <typeindex>
#include <vector>

namespace meridian::relay {

struct Encoded {
  std::string kind;
  QJsonObject body;
  contract::Relay relay = contract::Relay::ToAttached;
  std::string correlationId;  // commands
  std::string key;            // KeyedSnapshot: the field of the value in its snapshot hash (client order id)
  bool final = false;         // KeyedSnapshot: the value is done (removed from the hash)
};

// nullopt when the envelope's type is not relayed.
std::optional<Encoded> encode(const bus::Envelope& envelope);

// A decoded message, ready for a local bus.
struct Decoded {
  std::string kind;
  std::string topic;
  std::type_index type = typeid(void);
  std::shared_ptr<const void> payload;  // what deliver() hands to the bus (identity = no-echo marker)
  contract::Relay relay = contract::Relay::ToAttached;
  std::string correlationId;  // commands
  std::string key;            // KeyedSnapshot
  std::int64_t version = 0;   // KeyedSnapshot: newer values win (an order's updated_ts)
  // Events are published; commands are sent, so a full or missing receiver refuses them (the error says why).
  // deadline: a command's (the relay message's `expires`, bus::Envelope::deadline; 0 = none); events ignore it.
  std::function<Status(bus::EventBus&, std::int64_t deadline)> deliver;
  bool command() const { return relay == contract::Relay::ToServer; }
};

// kDecodeError for an unknown kind or a body that does not match its schema.
Result<Decoded> decode(std::string_view kind, const QJsonObject& body);

bool isCommandKind(std::string_view kind);
// Kinds whose latest value a server keeps for processes that attach later (Relay::Snapshot).
bool isStateKind(std::string_view kind);
// Every relayed kind, in catalogue order (tests, diagnostics).
std::vector<std::string> relayedKinds();

}  // namespace meridian::relay
