#pragma once
// The one composition root for every environment (GUI, headless CLI, tests): configuration, event bus,
// storage thread, execution (OMS + risk + broker), the market feed and housekeeping. Adapters differ per
// environment (market.feed, broker.kind, db.backend), the wiring does not.
#include "core/bus/EventBus.h"
#include "core/common/Clock.h"
#include "core/common/Config.h"
#include "core/common/Result.h"
#include "core/contract/System.h"
#include "core/relay/IEventRelay.h"
#include "core/storage/StorageService.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

namespace meridian::execution {
class ExecutionService;
}
namespace meridian::marketdata {
class SimulatedMarket;
struct SimulatedMarketOptions;
class IngestionService;
}
namespace meridian::research {
class BacktestService;
class ScreenerService;
}
namespace meridian::jobs {
class Scheduler;
class HealthMonitor;
}
namespace meridian::notify {
class Notifier;
class EventWatcher;
}

namespace meridian::live {
class LiveServices;
}
namespace meridian::storage {
class BarWriter;
}
namespace meridian::history {
class HistoryService;
}

namespace meridian::runtime {

// redis.url with its password (redis.url_password: MERIDIAN_REDIS_URL_PASSWORD, REDISCLI_AUTH, the keychain, or
// stripped from the INI's URL) put back in; empty when Redis is not configured.
std::string redisUrlFrom(const common::Config& config);

// Builds the storage configuration from "db.*" keys (clock: see StorageConfig::clock).
storage::StorageConfig storageConfigFrom(const common::Config& config, std::shared_ptr<const common::IClock> clock = {});

// The database the journal lives in, as a name without secrets: "sqlite:<absolute path>" or
// "postgres:<redacted URI>". Local files that belong to that journal (the spool, the paper book) carry it.
std::string journalDatabaseIdentity(const common::Config& config);
// Where a local file that belongs to the journal's database goes when `key` does not say: beside the SQLite
// file ("<db>.<suffix>"), or for PostgreSQL in the data directory as "<suffix>-<8 hex of the identity>".
std::string journalSideFile(const common::Config& config, const char* key, const char* suffix);

// runtime.mode:
//   standalone (default)  everything in this process (desktop app, tests); with redis.url set, events are also
//                         published to Redis (a GUI may attach read-only unless redis.accept_commands=true)
//   serve                 meridian-cli serve: everything but a GUI; relays events out and executes relayed commands
//   attach                a GUI (or test) attached to a serving process over PostgreSQL + Redis: no execution,
//                         broker, market feed or job scheduler here; commands go to the server, its events come back
enum class RuntimeMode { Standalone, Serve, Attach };
Result<RuntimeMode> runtimeModeFrom(const common::Config& config);
const char* toString(RuntimeMode mode);

// Real money: broker.kind=alpaca with broker.alpaca_live=true (the broker itself also needs the runtime
// confirmation, see AlpacaConfig::fromConfig). What a process that trades itself reports as its TradingMode.
bool liveTradingConfigured(const common::Config& config);

class Kernel {
 public:
  // clock: the one time source of every component (null = real time); tests may drive a SimulatedClock.
  explicit Kernel(common::Config config, std::shared_ptr<const common::IClock> clock = {});
  ~Kernel();
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  // Opens storage (migrations applied), starts the execution service (OMS + risk + the broker chosen by
  // broker.kind = paper | alpaca), which reconciles the journaled open orders with the broker and publishes the
  // restored state (open orders, positions, account) on the bus so late subscribers such as the UI see it, and
  // starts the housekeeping loop. Fails with a clear Error when the configured database cannot be opened or the
  // broker cannot be configured; nothing is started in that case.
  // runtime.mode = attach starts storage, the relay (required: redis.url), backtests, notifications and health
  // only; the server's state is loaded from Redis and followed from then on.
  Status start();
  void stop();  // idempotent; drains the command loop and the storage thread

  RuntimeMode mode() const { return m_mode; }
  // PAPER or LIVE, and the broker, of the process that executes this process's orders: this one (standalone,
  // serve: known once started), or the serving process (attach: from its heartbeat, known = false until the first
  // one is seen, then the last known mode). Also announced on the bus as contract::TradingMode (System.h), for
  // the UI badge and the order ticket's confirmation default. Thread-safe.
  contract::TradingMode tradingMode() const;
  // The Redis link (mirror / serve / attach relay), null when redis.url is empty or Redis is not compiled in.
  relay::IEventRelay* relay() { return m_relay.get(); }

  bus::EventBus& bus() { return m_bus; }
  common::Config& config() { return m_config; }
  const std::shared_ptr<const common::IClock>& clock() const { return m_clock; }
  storage::StorageService& storage() { return *m_storage; }
  // The execution service (null before start() / after stop()).
  execution::ExecutionService* execution() { return m_execution.get(); }

  // The simulated feed (market.feed = simulated, the default), null otherwise.
  marketdata::SimulatedMarket* simulatedMarket() { return m_market.get(); }
  // CSV import / provider downloads on their own worker thread, answering on the bus (contract::IngestFinished,
  // QualityChecked; File > Import CSV sends contract::ImportCsv).
  // Exists from construction so a UI can be wired before start(); its tasks reach storage once started.
  marketdata::IngestionService* ingestion() { return m_ingestion.get(); }
  // Chart and fills history (contract::RequestHistory / RequestFillsHistory) on its own worker and read connection.
  history::HistoryService* history() { return m_history.get(); }
  // Jobs (ex-Prefect flows), health probes for the Ops dock, notifications. Null before start() / after stop().
  jobs::Scheduler* scheduler() { return m_scheduler.get(); }
  jobs::HealthMonitor* health() { return m_health.get(); }
  notify::Notifier* notifier() { return m_notifier.get(); }

 private:
  Status startRelay();      // Redis link by runtime.mode; an error only when the mode cannot work without it
  void startMarketFeed();  // market.feed = simulated (default) starts the built-in feed
  // First run: market.sim_history_days / _minute_days of stored history per simulated symbol (storage thread).
  void seedSimulatedHistory(const marketdata::SimulatedMarketOptions& options);
  void startBacktests();   // backtest service on its own worker thread
  void startNotifications();  // notifier and event watcher, before execution (its restored state is the baseline)
  void startOperations();  // job scheduler with persisted history, health monitor
  void stopComponents();  // market feed, execution, Redis bridge, storage: in that order
  void housekeepingLoop();
  // Copies new in-app log records at or above log.db_level (default warn) into the logs table, in one batch.
  void persistLogs();

  common::Config m_config;
  bus::EventBus m_bus;
  std::shared_ptr<const common::IClock> m_clock;
  std::unique_ptr<storage::StorageService> m_storage;
  std::unique_ptr<execution::ExecutionService> m_execution;
  std::unique_ptr<relay::IEventRelay> m_relay;  // RedisBridge when redis.url is set and Redis support is compiled in
  RuntimeMode m_mode = RuntimeMode::Standalone;
  contract::TradingMode m_localMode;  // standalone / serve: set in start() before anything else reads it
  std::unique_ptr<storage::BarWriter> m_barWriter;  // the feed's bars, off the journal's thread
  std::unique_ptr<marketdata::SimulatedMarket> m_market;
  std::unique_ptr<marketdata::IngestionService> m_ingestion;
  std::unique_ptr<history::HistoryService> m_history;
  std::unique_ptr<research::BacktestService> m_backtest;
  std::unique_ptr<research::ScreenerService> m_screener;
  std::unique_ptr<notify::Notifier> m_notifier;
  std::unique_ptr<notify::EventWatcher> m_notifyEvents;  // bus events -> m_notifier
  std::unique_ptr<jobs::Scheduler> m_scheduler;
  std::unique_ptr<live::LiveServices> m_live;
  std::unique_ptr<jobs::HealthMonitor> m_health;
  std::thread m_housekeeping;
  std::mutex m_wakeMutex;
  std::condition_variable m_wake;
  std::atomic<bool> m_running{false};
  std::uint64_t m_lastPersistedLogSeq = 0;  // housekeeping thread only
};

}  // namespace meridian::runtime
