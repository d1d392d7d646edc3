#pragma once
// Operational health carried by the EventBus on "sys.health" (latest snapshot wins). Published by
// jobs::HealthMonitor; shown by the Ops dock. Immutable once published.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/domain/Types.h"

namespace meridian::bus {

namespace topics {
inline constexpr const char* kHealth = "sys.health";
}  // namespace topics

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
  std::string kind;                 // "db" | "cache" | "marketdata" | "broker" | free text
  HealthState state = HealthState::Unknown;
  std::string detail;               // human-readable, already redacted
  double latencyMs = -1.0;          // of the last check; < 0 when unknown
  domain::Timestamp checkedTs = 0;  // last check (UTC ns)
  domain::Timestamp sinceTs = 0;    // when `state` last changed
};

// Freshness of one market-data stream (symbol, source, kind).
struct DataFreshness {
  std::string symbol;
  std::string source;               // provider, e.g. "alpaca"; may be empty for quotes
  std::string kind;                 // "bar" | "quote"
  domain::Timestamp lastDataTs = 0;     // timestamp carried by the newest event (bar open / quote time)
  domain::Timestamp lastReceivedTs = 0; // when the newest event was seen (clock time)
  bool stale = false;                   // market open and nothing received for longer than staleAfterNs
  domain::Timestamp staleAfterNs = 0;
};

struct HealthSnapshot {
  std::vector<ComponentHealth> components;
  std::vector<DataFreshness> freshness;  // sorted by symbol, kind, source
  bool marketOpen = false;
  domain::Timestamp asOf = 0;
};

}  // namespace meridian::bus
