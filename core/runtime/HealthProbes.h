#pragma once
// The health checks of a configuration, written once and used twice: by the Kernel's jobs::HealthMonitor (the Ops
// dock, every 15 s, on the running components) and by `meridian-cli health` (once, with its own short-lived
// connections). Same names, same probes, same rule for what is required:
//
//   component                 required when                                 otherwise
//   Database (<backend>)      always
//   Redis (<mode>)            redis.url is set, or runtime.mode is serve /  disabled (standalone without redis.url)
//                             attach (which cannot work without it)
//   Server (meridian-cli      attach, or the configuration serves commands  standalone: shown when a server beats on
//   serve)                    (serve, or standalone with                    the namespace, disabled when none does or
//                             redis.accept_commands=true): its heartbeat    there is no Redis
//                             at <ns>:relay:server must be present, signed
//                             with relay.key and fresh (relay::kHeartbeatTtl)
//   Broker (<kind>)           standalone, serve                             attach: disabled (it runs in the server)
//   Order journal             standalone, serve: degraded while events      attach: disabled (the server's)
//                             wait in the spool for the database
//   Provider <name>           named by health.require_providers,            optional (disabled without credentials)
//                             --require-provider or market.feed
//   Market data (simulated)   never (the built-in demo feed; Kernel only)
//
// A required component passes when it is Ok or Degraded (working, but slower than 1 s or answering 429/5xx);
// healthy() is false as soon as one is Down, Unknown or Disabled.
#include "core/common/Clock.h"
#include "core/common/Config.h"
#include "core/contract/System.h"
#include "core/jobs/HealthMonitor.h"
#include "core/runtime/Kernel.h"

#include <QStringList>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace meridian::storage {
class RedisCache;
class StorageService;
}  // namespace meridian::storage
namespace meridian::execution {
class ExecutionService;
}
namespace meridian::marketdata {
class SimulatedMarket;
}
namespace meridian::relay {
class IEventRelay;
}

namespace meridian::runtime::health {

struct Check {
  std::string name;
  std::string kind;  // db | cache | server | broker | marketdata
  bool required = false;
  jobs::HealthMonitor::Probe probe;  // empty: not configured here (Disabled, never required)
  std::string disabledReason;
};

// Registers check with the monitor (its probe, or as disabled).
void addTo(jobs::HealthMonitor& monitor, Check check);
// Runs check on the calling thread: the probe's result with name, kind and required filled in, Disabled with the
// reason when it has no probe, Down when the probe throws. Thread-safe for distinct checks.
contract::ComponentHealth run(const Check& check);
// Every required component is Ok or Degraded.
bool healthy(const std::vector<contract::ComponentHealth>& components);

// Database: a ping on the storage thread, bounded by timeout (a stuck database cannot stall the caller).
// startError: why `storage` could not be started (the CLI starts its own), reported instead of a ping.
Check database(storage::StorageService& storage, std::chrono::milliseconds timeout,
               std::optional<Error> startError = std::nullopt);

// The probes' own Redis connection (command timeout `timeout`, quick reconnects): null when redis.url is empty or
// this build has no Redis support. The Kernel keeps one for its monitor; the CLI opens one for a single run.
std::shared_ptr<storage::RedisCache> redisConnection(const common::Config& config, std::chrono::milliseconds timeout);

// Redis: PING on `connection`; with the process's relay, the relay's own link too (a failed write or a lost
// subscription is down even while PING answers).
Check redis(const common::Config& config, RuntimeMode mode, std::shared_ptr<storage::RedisCache> connection,
            const relay::IEventRelay* relay = nullptr);

// Whether this configuration makes a process take relayed commands and beat <ns>:relay:server (serve, or standalone
// with redis.accept_commands=true; Redis configured).
bool servesCommands(const common::Config& config, RuntimeMode mode);

// The serving process's heartbeat, read through `connection` and judged by relay::checkHeartbeat against
// relay.key and clock.
Check server(const common::Config& config, RuntimeMode mode, std::shared_ptr<storage::RedisCache> connection,
             std::shared_ptr<const common::IClock> clock);

// The broker of a running process: ExecutionService::brokerHealth (connected, 429/5xx degraded, unreachable).
Check broker(RuntimeMode mode, const execution::ExecutionService* execution);
// The broker of a configuration: paper is in-process; Alpaca needs credentials its endpoint accepts (GET
// /v2/account, the keys sent to the configured endpoint only). network = false checks the credentials only.
Check brokerEndpoint(const common::Config& config, RuntimeMode mode, bool network, std::chrono::milliseconds timeout);

// The order journal path: with a running execution service its spool (ExecutionService::journalHealth); without
// one (the CLI) the spool file of this configuration on this machine (journal.spool_path), read without touching
// it: events waiting there are the database's to take (degraded), a damaged file is down.
Check journal(const common::Config& config, RuntimeMode mode, const execution::ExecutionService* execution = nullptr);

// The built-in simulated feed of a running process (Disabled with market.feed=none, or attached).
Check marketFeed(RuntimeMode mode, const marketdata::SimulatedMarket* market);

// Data providers that must work: health.require_providers (comma-separated), extra (--require-provider), and the
// market.feed vendor unless it is simulated / none. Lower case, as written (unknown names are the caller's to
// reject).
QStringList requiredProviders(const common::Config& config, const QStringList& extra = {});
// One check per provider (yahoo, polygon, alpaca): credentials present (never shown) and, with network, the
// vendor's answer to a cheap request made WITH the configured key (Polygon: Authorization: Bearer on
// /v3/reference/tickers?limit=1; Alpaca: the APCA-API-KEY-ID / -SECRET-KEY headers on /v2/stocks/bars/latest):
// 2xx ok, 401/403 down ("credentials rejected"), anything else degraded. Keys travel in headers only, never in a
// URL or a detail. Yahoo needs no key: any answer of its base URL is ok.
std::vector<Check> providers(const common::Config& config, const QStringList& required, bool network,
                             std::chrono::milliseconds timeout);

}  // namespace meridian::runtime::health
