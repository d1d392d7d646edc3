#pragma once
// How a message is declared. Every command, event, snapshot, request and answer that crosses a thread or process
// boundary is a plain struct in one of core/contract/*.h, followed by ONE specialisation of contract::Spec that says:
//   topic    the bus topic: a fixed root ("exec.positions"), or root + "." + key(value) ("md.quote.AAPL")
//   kind     command | event | state | request | answer
//   lane     lossless (never dropped; commands are refused at the sender when a receiver's lane is full) or
//            coalescing (a newer message with the same topic replaces an undelivered older one)
//   ui       how ui/bridge/UiBridge hands it to widgets on its 30-60 Hz tick (none, latest, latest per key, append,
//            or answer: only to the request with the same correlation id)
//   relay    whether meridian-cli serve / meridian --attach carry it over Redis, and which way; relayed messages
//            also name their wire kind and declare encode/decode (defined in core/contract/Wire*.cpp)
// Catalogue.h lists every message; the bus, the UI bridge and the relay are generic loops over that list, so adding
// a message is its struct, its Spec, its entry in the catalogue and a handler where it is used.
#include "core/common/Result.h"

#include <algorithm>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

class QJsonObject;

namespace meridian::contract {

enum class Kind : std::uint8_t { Command, Event, State, Request, Answer };

enum class Lane : std::uint8_t {
  Lossless,    // FIFO, never dropped
  Coalescing,  // latest per topic; a replaced message is counted (market data, snapshots, progress)
};

enum class UiDelivery : std::uint8_t {
  None,          // not for the UI
  Latest,        // the newest of the tick
  LatestPerKey,  // the newest per key, in first-arrival order
  Append,        // every message of the tick, in arrival order, bounded per tick (oldest dropped, counted)
  Answer,        // only to the UI request with the same correlation id
};

enum class Relay : std::uint8_t {
  Local,          // stays in its process
  ToServer,       // a command: attached process -> serving process
  ToAttached,     // an event: serving process -> attached processes
  Snapshot,       // ToAttached, and the latest is kept for processes that attach later
  KeyedSnapshot,  // ToAttached, and the latest per key is kept until final (open orders)
};

constexpr std::string_view toString(Kind k) {
  switch (k) {
    case Kind::Command: return "command";
    case Kind::Event: return "event";
    case Kind::State: return "state";
    case Kind::Request: return "request";
    case Kind::Answer: return "answer";
  }
  return "event";
}

// A string literal usable as a template argument (C++20).
template <std::size_t N>
struct Literal {
  char text[N]{};
  constexpr Literal(const char (&s)[N]) { std::copy_n(s, N, text); }  // NOLINT(google-explicit-constructor)
  constexpr std::string_view view() const { return {text, N - 1}; }
};

// Spec<T> is specialised once per message, deriving from Declare<...> and adding, where they apply:
//   static std::string_view key(const T&)        keyed topic (root.key); also the UI's and the relay's key
//   static bool final(const T&)                   KeyedSnapshot: the keyed value is done (removed from the snapshot)
//   static std::int64_t version(const T&)         KeyedSnapshot: a newer version replaces an older one
//   using Answer = A;                             Request: the answer type (keyed by correlation id)
//   static QJsonObject encode(const T&);          relayed messages: the wire body ...
//   static Result<T> decode(const QJsonObject&);  ... and its strict decoder (errors name the field)
template <class T>
struct Spec;

template <Literal Topic, Kind K, Lane L, UiDelivery U = UiDelivery::None, Relay R = Relay::Local, Literal Wire = "">
struct Declare {
  static constexpr std::string_view root = Topic.view();
  static constexpr Kind kind = K;
  static constexpr Lane lane = L;
  static constexpr UiDelivery ui = U;
  static constexpr Relay relay = R;
  static constexpr std::string_view wire = Wire.view();  // relay kind, e.g. "submit_order"; empty when Local
};

template <class T>
concept Message = requires { Spec<T>::root; Spec<T>::kind; };

template <class T>
concept Keyed = Message<T> && requires(const T& v) {
  { Spec<T>::key(v) } -> std::convertible_to<std::string_view>;
};

template <class T>
concept Relayed = Message<T> && Spec<T>::relay != Relay::Local;

template <class T>
concept Correlated = requires(const T& v) {
  { v.correlationId } -> std::convertible_to<const std::string&>;
};

// Commands and requests are sent (EventBus::send: lossless, refusable); everything else is published.
template <class T>
constexpr bool isSent() {
  return Spec<T>::kind == Kind::Command || Spec<T>::kind == Kind::Request;
}

// The segment of an empty key: the message still reaches everyone who follows all of T.
inline constexpr std::string_view kEmptyKey = "_";

template <Message T>
std::string topicOf(const T& value) {
  std::string t(Spec<T>::root);
  if constexpr (Keyed<T>) {
    const std::string_view key = Spec<T>::key(value);
    t += '.';
    t += key.empty() ? kEmptyKey : key;
  }
  return t;
}

// The topic of one key ("md.bar.AAPL"); for unkeyed messages the fixed topic.
template <Message T>
std::string topicFor(std::string_view key) {
  std::string t(Spec<T>::root);
  if constexpr (Keyed<T>) {
    t += '.';
    t += key.empty() ? kEmptyKey : key;
  }
  return t;
}

// The pattern that matches every message of T ("md.bar.>").
template <Message T>
std::string patternOf() {
  std::string t(Spec<T>::root);
  if constexpr (Keyed<T>) t += ".>";
  return t;
}

template <Message T>
constexpr std::string_view nameOf() {
  return Spec<T>::wire.empty() ? Spec<T>::root : Spec<T>::wire;
}

}  // namespace meridian::contract
