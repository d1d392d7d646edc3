#include "core/relay/RelayCodec.h"

#include "core/contract/Catalogue.h"
#include "core/contract/Wire.h"

#include <fmt/format.h>

#include <typeindex>
#include <unordered_map>

namespace meridian::relay {
namespace {

struct Entry {
  std::string kind;
  contract::Relay relay;
  std::optional<Encoded> (*encode)(const bus::Envelope&);
  Result<Decoded> (*decode)(std::string_view kind, const QJsonObject&);
};

template <contract::Relayed T>
std::optional<Encoded> encodeOne(const bus::Envelope& e) {
  using S = contract::Spec<T>;
  const T* m = e.as<T>();
  if (!m) return std::nullopt;
  Encoded out;
  out.kind = std::string(S::wire);
  out.relay = S::relay;
  out.body = S::encode(*m);
  if constexpr (contract::Correlated<T>) out.correlationId = m->correlationId;
  if constexpr (S::relay == contract::Relay::KeyedSnapshot) {
    out.key = std::string(S::key(*m));
    out.final = S::final(*m);
  }
  return out;
}

template <contract::Relayed T>
Result<Decoded> decodeOne(std::string_view kind, const QJsonObject& body) {
  using S = contract::Spec<T>;
  auto value = S::decode(body);
  if (!value.ok()) return value.error();
  auto p = std::make_shared<const T>(std::move(value).value());
  Decoded d;
  d.kind = std::string(kind);
  d.topic = contract::topicOf(*p);
  d.type = std::type_index(typeid(T));
  d.payload = p;
  d.relay = S::relay;
  if constexpr (contract::Correlated<T>) d.correlationId = p->correlationId;
  if constexpr (S::relay == contract::Relay::KeyedSnapshot) {
    d.key = std::string(S::key(*p));
    d.version = S::version(*p);
  }
  if constexpr (contract::isSent<T>()) {
    d.deliver = [p](bus::EventBus& b, std::int64_t deadline) { return b.send<T>(p, deadline); };
  } else {
    d.deliver = [p](bus::EventBus& b, std::int64_t) {
      b.publish<T>(p);
      return Status{};
    };
  }
  return d;
}

struct Registry {
  std::unordered_map<std::type_index, Entry> byType;
  std::unordered_map<std::string, Entry> byKind;
  std::vector<std::string> kinds;

  Registry() {
    contract::forEachMessage([this]<class T>() {
      if constexpr (contract::Relayed<T>) {
        Entry e{std::string(contract::Spec<T>::wire), contract::Spec<T>::relay, &encodeOne<T>, &decodeOne<T>};
        byType.emplace(std::type_index(typeid(T)), e);
        byKind.emplace(e.kind, e);
        kinds.push_back(e.kind);
      }
    });
  }
};

const Registry& registry() {
  static const Registry r;
  return r;
}

}  // namespace

std::optional<Encoded> encode(const bus::Envelope& e) {
  const auto& byType = registry().byType;
  const auto it = byType.find(e.type);
  if (it == byType.end()) return std::nullopt;
  return it->second.encode(e);
}

Result<Decoded> decode(std::string_view kind, const QJsonObject& body) {
  const auto& byKind = registry().byKind;
  const auto it = byKind.find(std::string(kind));
  if (it == byKind.end()) return makeError(contract::kDecodeError, fmt::format("relay: unknown kind '{}'", kind));
  return it->second.decode(kind, body);
}

bool isCommandKind(std::string_view kind) {
  const auto& byKind = registry().byKind;
  const auto it = byKind.find(std::string(kind));
  return it != byKind.end() && it->second.relay == contract::Relay::ToServer;
}

bool isStateKind(std::string_view kind) {
  const auto& byKind = registry().byKind;
  const auto it = byKind.find(std::string(kind));
  return it != byKind.end() && it->second.relay == contract::Relay::Snapshot;
}

std::vector<std::string> relayedKinds() { return registry().kinds; }

}  // namespace meridian::relay
