#pragma once
// The workstation's own state: component health and data freshness (Ops dock), the trading mode of the process
// that executes this window's orders (PAPER/LIVE badge, order confirmation default) and notifications (toasts,
// tray, email, webhook).
#include "core/contract/Message.h"
#include "core/domain/Types.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::contract {

// ---- Health ("sys.health", published by jobs::HealthMonitor; latest wins) -------------------------------------

enum class HealthState : std::uint8_t {
  Unknown,   // not checked yet
  Ok,
  Degraded,  // working but slow / partially failing
  Down,      // unreachable or failing
  Disabled,  // not configured in this installation (e.g. no redis.url)
};

constexpr std::string_view toString(HealthState s) {
  switch (s) {
    case HealthState::Unknown: return "unknown";
    case HealthState::Ok: return "ok";
    case HealthState::Degraded: return "degraded";
    case HealthState::Down: return "down";
    case HealthState::Disabled: return "disabled";
  }
  return "unknown";
}

struct ComponentHealth {
  std::string name;                 // "Database", "Redis", "Market data (alpaca)", "Broker (paper)"
  std::string kind;                 // "db" | "cache" | "server" | "marketdata" | "broker" | free text
  HealthState state = HealthState::Unknown;
  // Health as a whole fails while this component is not Ok or Degraded (the rules: runtime/HealthProbes.h).
  bool required = false;
  std::string detail;               // human-readable, already redacted
  double latencyMs = -1.0;          // of the last check; < 0 when unknown
  domain::Timestamp checkedTs = 0;  // last check (UTC ns)
  domain::Timestamp sinceTs = 0;    // when `state` last changed
};

// Freshness of one market-data stream (symbol, source, kind).
struct DataFreshness {
  std::string symbol;
  std::string source;                    // provider, e.g. "alpaca"; may be empty for quotes
  std::string kind;                      // "bar" | "quote"
  domain::Timestamp lastDataTs = 0;      // timestamp carried by the newest event (bar open / quote time)
  domain::Timestamp lastReceivedTs = 0;  // when the newest event was seen (clock time)
  bool stale = false;                    // market open and nothing received for longer than staleAfterNs
  domain::Timestamp staleAfterNs = 0;
};

// One mailbox's lanes (bus::MailboxStats, copied for the UI).
struct LaneStats {
  std::string mailbox;
  std::size_t lossless = 0;       // queued now
  std::size_t losslessPeak = 0;
  std::uint64_t coalesced = 0;    // market data / snapshots replaced by a newer value before delivery
  std::uint64_t refused = 0;      // commands refused because the lane was full
};

struct HealthSnapshot {
  std::vector<ComponentHealth> components;
  std::vector<DataFreshness> freshness;  // sorted by symbol, kind, source
  std::vector<LaneStats> lanes;          // sorted by mailbox name
  bool marketOpen = false;
  domain::Timestamp asOf = 0;
};

// ---- Trading mode ("sys.trading_mode"; latest wins) -------------------------------------------------------------
// Published by the Kernel once execution started (standalone / serve), and by an attached process's relay whenever
// the serving process's heartbeat first shows, or changes, its mode. An attached process does not know the mode
// before the server's first heartbeat (known = false); callers must not present that as PAPER.
struct TradingMode {
  bool known = false;   // false: attached and no heartbeat with a mode seen yet
  bool live = false;    // real money (broker.kind=alpaca with broker.alpaca_live)
  std::string broker;   // "paper" | "alpaca" (ExecutionService::brokerName of the process that trades)
  std::string origin;   // attach: the serving process's instance id; empty for the local process

  const char* label() const { return !known ? "UNKNOWN" : live ? "LIVE" : "PAPER"; }
  friend bool operator==(const TradingMode&, const TradingMode&) = default;
};

// ---- Server link of an attached process ("sys.server_link"; latest wins) ---------------------------------------
// Published by an attached process's relay (relay::RedisBridge, role Attach) whenever the state of its link to the
// serving process changes. While it is not Ok the relay refuses every command at once (nothing is sent into the
// void) and the UI shows why: a banner, a status-bar badge, the ticket and order actions disabled, quotes and
// positions greyed "stale since" `since`.
enum class ServerLink : std::uint8_t {
  Ok,             // Redis reachable, subscribed, and the server's heartbeat fresh (within ~2 heartbeat periods)
  NotResponding,  // Redis fine, but the server's heartbeat is absent or stale (stopped, hung, killed)
  RedisDown,      // Redis cannot be reached
  Reconnecting,   // Redis reachable again; the subscription or the server's state is being restored
};

constexpr std::string_view toString(ServerLink s) {
  switch (s) {
    case ServerLink::Ok: return "ok";
    case ServerLink::NotResponding: return "server not responding";
    case ServerLink::RedisDown: return "Redis unavailable";
    case ServerLink::Reconnecting: return "reconnecting";
  }
  return "ok";
}

struct ServerLinkState {
  ServerLink state = ServerLink::Ok;
  std::string detail;             // why, for the user ("its last heartbeat is 2600 ms old", the Redis error)
  domain::Timestamp since = 0;    // when this state began (UTC ns)
  domain::Timestamp lastBeat = 0; // the server's newest heartbeat seen (its clock; 0 = never)
  std::uint64_t retries = 0;      // Redis reconnect attempts in this outage
  bool ok() const { return state == ServerLink::Ok; }
  friend bool operator==(const ServerLinkState&, const ServerLinkState&) = default;
};

// ---- Notifications ("sys.notify": toasts and tray; email and webhook are sent by notify::Notifier) -------------

enum class Severity : std::uint8_t { Info, Success, Warning, Error };

constexpr std::string_view toString(Severity s) {
  switch (s) {
    case Severity::Info: return "info";
    case Severity::Success: return "success";
    case Severity::Warning: return "warning";
    case Severity::Error: return "error";
  }
  return "info";
}

struct Notification {
  Severity severity = Severity::Info;
  std::string title;    // short, one line (email subject after the [PAPER]/[LIVE] tag)
  std::string body;     // plain text, may be multi-line
  std::string source;   // e.g. "jobs", "risk", "execution"
  bool paper = true;    // trading mode of the process that raised it
  domain::Timestamp ts = 0;
  // What happened (notify::NotificationRules: "fill", "kill_switch_engaged", ...; empty for ad-hoc messages) and
  // the facts a trader needs; empty / 0 where they do not apply.
  std::string event;
  std::string key;      // dedup key: the same key within notify.dedup_window_s is sent once, then once with a count
  std::string symbol;
  std::string side;     // "buy" | "sell"
  double quantity = 0.0;
  double price = 0.0;
  std::string orderId;  // client order id
  int count = 1;        // occurrences this message stands for (> 1: a summary of repeats)
  bool toast = true;    // in-app channel: a toast in the main window
  bool tray = false;    // tray channel: a system tray message

  // "[PAPER] title" / "[LIVE] title"
  std::string taggedTitle() const { return std::string(paper ? "[PAPER] " : "[LIVE] ") + title; }
};

template <> struct Spec<HealthSnapshot> : Declare<"sys.health", Kind::State, Lane::Coalescing, UiDelivery::Latest> {};
template <> struct Spec<TradingMode> : Declare<"sys.trading_mode", Kind::State, Lane::Coalescing, UiDelivery::Latest> {};
template <> struct Spec<ServerLinkState>
    : Declare<"sys.server_link", Kind::State, Lane::Coalescing, UiDelivery::Latest> {};
template <> struct Spec<Notification> : Declare<"sys.notify", Kind::Event, Lane::Lossless, UiDelivery::Append> {};

}  // namespace meridian::contract
