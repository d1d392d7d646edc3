#pragma once
// The serving process's heartbeat (<ns>:relay:server): how often it beats, how long it lives, and what makes one
// count as alive. One check for everyone who asks "is a server there?": the relay of an attached process, a server
// refusing to be the second on its namespace, the Kernel's health monitor and `meridian-cli health`.
// Builds without Redis (the value is read by the caller).
#include "core/common/Result.h"
#include "core/contract/Wire.h"
#include "core/domain/Types.h"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace meridian::relay {

inline constexpr std::chrono::milliseconds kHeartbeatInterval{1000};
// The key expires after this, and a beat older than this (or this far in the future) is stale.
inline constexpr std::chrono::milliseconds kHeartbeatTtl{5000};

// <ns>:relay:server
std::string serverKey(std::string_view ns);

// The heartbeat `value` (as read from serverKey; nullopt = no key) if it is a heartbeat, signed with `key` (relay.key)
// and at most `ttl` away from `now`; otherwise an Error saying why, with code
//   heartbeat.absent     no key: no serving process (or it stopped cleanly)
//   heartbeat.malformed  not a heartbeat
//   heartbeat.unsigned   not signed with this key: forged, another deployment's, or no relay.key here
//   heartbeat.stale      it stopped beating (killed within its TTL, or a key written with a long expiry)
Result<contract::Heartbeat> checkHeartbeat(const std::optional<std::string>& value, std::string_view key,
                                           domain::Timestamp now, std::chrono::milliseconds ttl = kHeartbeatTtl);

}  // namespace meridian::relay
