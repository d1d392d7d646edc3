#include "core/relay/Heartbeat.h"

#include <fmt/core.h>

namespace meridian::relay {

std::string serverKey(std::string_view ns) { return std::string(ns) + ":relay:server"; }

Result<contract::Heartbeat> checkHeartbeat(const std::optional<std::string>& value, std::string_view key,
                                           domain::Timestamp now, std::chrono::milliseconds ttl) {
  if (!value) return makeError("heartbeat.absent", "no heartbeat");
  auto beat = contract::decodeHeartbeat(*value);
  if (!beat.ok()) return makeError("heartbeat.malformed", "not a heartbeat (" + beat.error().message + ")");
  if (!contract::verifyHeartbeat(*beat, key))
    return makeError("heartbeat.unsigned",
                     "its heartbeat is not signed with this deployment's relay key (forged, or another deployment)");
  const domain::Timestamp age = now - beat->ts;
  const domain::Timestamp limit = std::chrono::duration_cast<std::chrono::nanoseconds>(ttl).count();
  if (age > limit || age < -limit)
    return makeError("heartbeat.stale", fmt::format("its last heartbeat is {} ms old", age / domain::kNanosPerMilli));
  return beat;
}

}  // namespace meridian::relay
