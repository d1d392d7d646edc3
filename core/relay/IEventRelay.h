#pragma once
// Port of the cross-process relay (see RedisBridge): a serving process (meridian-cli serve) publishes its events
// (orders, fills, positions, account, risk state, quotes, bars, jobs) and executes the commands it receives (orders,
// risk resets, job run-now); an attached
// GUI (runtime.mode = attach) publishes its commands and receives those events on its own bus, so its UI works
// unchanged. The Kernel holds the relay through this interface; the Redis implementation is optional at build time.
#include "core/common/Result.h"
#include "core/contract/System.h"

#include <cstdint>
#include <string>

namespace meridian::relay {

using contract::TradingMode;

enum class RelayRole {
  Mirror,  // one-way mirror (latest quotes, bars, order updates) for dashboards; nothing relayed back
  Serve,   // publishes events (+ latest-state snapshots, heartbeat); executes relayed commands if accepted
  Attach,  // publishes commands; injects the server's events (snapshots first, then live) into the local bus
};

inline const char* toString(RelayRole role) {
  switch (role) {
    case RelayRole::Mirror: return "mirror";
    case RelayRole::Serve: return "serve";
    case RelayRole::Attach: return "attach";
  }
  return "mirror";
}

struct RelayStats {
  std::uint64_t forwarded = 0;      // messages written to Redis
  std::uint64_t failed = 0;         // writes that failed (Redis down)
  std::uint64_t received = 0;       // relay messages read from Redis
  std::uint64_t injected = 0;       // of which published on the local bus
  std::uint64_t malformed = 0;      // dropped: invalid JSON / schema / unknown kind
  std::uint64_t echoes = 0;         // dropped: our own origin came back
  std::uint64_t ignored = 0;        // dropped: a kind this role does not accept (e.g. a command at an attached GUI)
  std::uint64_t undelivered = 0;    // commands not delivered (Redis down / no serving process), answered locally
  std::uint64_t unsigned_ = 0;      // refused: no signature, or not signed with this deployment's relay key
  std::uint64_t stale = 0;          // refused: older than the freshness window (or from the future)
  std::uint64_t replayed = 0;       // refused: a sequence number its origin already used
  std::uint64_t republished = 0;    // Serve: state snapshots written again after Redis came back
  std::uint64_t accepted = 0;       // Serve: commands handed to the bus in time (answered CommandAccepted)
  std::uint64_t expired = 0;        // Serve: commands read after their deadline (or with none): answered, not run
  std::uint64_t unanswered = 0;     // Attach: commands with no answer by their deadline: answered "Expired" locally
};

class IEventRelay {
 public:
  virtual ~IEventRelay() = default;
  // Two phases, so a server never announces itself or takes commands before its execution service listens, yet
  // never misses the state that service publishes while starting: start() follows the local bus (outbound);
  // startInbound() then subscribes to Redis (commands for a server, events for an attached process) and, for a
  // server, starts the heartbeat that attached processes take as "server ready".
  virtual Status start() = 0;
  virtual Status startInbound() = 0;
  virtual void stop() = 0;  // idempotent
  virtual RelayRole role() const = 0;
  // Redis reachable (and, when the role reads from Redis, subscribed).
  virtual bool healthy() const = 0;
  // Attach: the link to the serving process is ok (Redis reachable and subscribed, the server's state loaded, and a
  // new heartbeat within ~2 periods): commands are sent. Other roles: true.
  virtual bool serverAlive() const = 0;
  // Serve: what this process trades on, announced in its heartbeat (set before startInbound()). Other roles: ignored.
  virtual void setTradingMode(const TradingMode& mode) = 0;
  // Attach: the serving process's trading mode from its latest heartbeat (known = false until one was seen; the
  // last known mode is kept while the server is away). Other roles: what setTradingMode set.
  virtual TradingMode tradingMode() const = 0;
  virtual std::string instanceId() const = 0;  // the origin stamped on every message this process publishes
  virtual std::string endpoint() const = 0;    // redacted Redis URL
  virtual RelayStats stats() const = 0;
};

}  // namespace meridian::relay
