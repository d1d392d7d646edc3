#pragma once
// The one composition root for every environment (GUI, headless CLI, tests): configuration, event bus,
// storage thread, execution (OMS + risk + broker), the market feed and housekeeping. Adapters differ per
// environment (market.feed, broker.kind, db.backend), the wiring does not.
#include "core/bus/EventBus.h"
#include "core/common/Config.h"
#include "core/common/Result.h"
#include "core/runtime/IEventRelay.h"
#include "core/runtime/StorageService.h"
#include "core/runtime/TradingMode.h"

#include "core/common/Clock.h"

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
class IngestionService;
}
namespace meridian::backtest {
class BacktestService;
}
namespace meridian::screener {
class ScreenerService;
}
namespace meridian::jobs {
class Scheduler;
class HealthMonitor;
}
namespace meridian::notify {
class Notifier;
}

namespace meridian::runtime {

class LiveServices;
class HistoryService;

// Builds the storage configuration from "db.*" keys.
storage::StorageConfig storageConfigFrom(const common::Config& config);

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
  explicit Kernel(common::Config config);
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
  // one is seen, then the last known mode). Also announced on the bus as "sys.trading_mode" (TradingMode.h), for
  // the UI badge and the order ticket's confirmation default. Thread-safe.
  TradingMode tradingMode() const;
  // The Redis link (mirror / serve / attach relay), null when redis.url is empty or Redis is not compiled in.
  IEventRelay* relay() { return m_relay.get(); }

  bus::EventBus& bus() { return m_bus; }
  common::Config& config() { return m_config; }
  StorageService& storage() { return *m_storage; }
  // The execution service (null before start() / after stop()).
  execution::ExecutionService* execution() { return m_execution.get(); }

  // The simulated feed (market.feed = simulated, the default), null otherwise.
  marketdata::SimulatedMarket* simulatedMarket() { return m_market.get(); }
  // CSV import / provider downloads on their own worker thread, answering on the bus (md.ingest.*, md.quality.*).
  // Exists from construction so a UI can be wired before start(); its tasks reach storage once started.
  marketdata::IngestionService* ingestion() { return m_ingestion.get(); }
  // Chart history ("cmd.md.history" -> "md.history.<corr>") on its own worker and read connection.
  HistoryService* history() { return m_history.get(); }
  // Backtests, optimizations and walk-forwards from the menu ("cmd.backtest.*" -> "bt.*"), saved to backtest_runs.
  backtest::BacktestService* backtests() { return m_backtest.get(); }
  // Stock screener ("cmd.screener.run" -> "screener.result.<corr>"), reading bars through the storage thread.
  // Null before start() / after stop().
  screener::ScreenerService* screener() { return m_screener.get(); }
  // Jobs (ex-Prefect flows), health probes for the Ops dock, notifications. Null before start() / after stop().
  jobs::Scheduler* scheduler() { return m_scheduler.get(); }
  // Live strategies (strategy.live) and the job actions (runtime/JobActions.h). Null before start(), after stop()
  // and in attach mode (the serving process runs them).
  LiveServices* live() { return m_live.get(); }
  jobs::HealthMonitor* health() { return m_health.get(); }
  notify::Notifier* notifier() { return m_notifier.get(); }

 private:
  Status startRelay();      // Redis link by runtime.mode; an error only when the mode cannot work without it
  void startMarketFeed();  // market.feed = simulated (default) starts the built-in feed
  void startBacktests();   // backtest service on its own worker thread
  void startOperations();  // notifier, job scheduler with persisted history, health monitor
  void stopComponents();  // market feed, execution, Redis bridge, storage: in that order
  void housekeepingLoop();
  // Copies new in-app log records at or above log.db_level (default warn) into the logs table, in one batch.
  void persistLogs();

  common::Config m_config;
  bus::EventBus m_bus;
  std::unique_ptr<StorageService> m_storage;
  std::unique_ptr<execution::ExecutionService> m_execution;
  std::unique_ptr<IEventRelay> m_relay;  // RedisBridge when redis.url is set and Redis support is compiled in
  RuntimeMode m_mode = RuntimeMode::Standalone;
  TradingMode m_localMode;  // standalone / serve: set in start() before anything else reads it
  std::unique_ptr<common::IClock> m_clock;
  std::unique_ptr<marketdata::SimulatedMarket> m_market;
  std::unique_ptr<marketdata::IngestionService> m_ingestion;
  std::unique_ptr<HistoryService> m_history;
  std::unique_ptr<backtest::BacktestService> m_backtest;
  std::unique_ptr<screener::ScreenerService> m_screener;
  std::unique_ptr<notify::Notifier> m_notifier;
  std::unique_ptr<jobs::Scheduler> m_scheduler;
  std::unique_ptr<LiveServices> m_live;
  std::unique_ptr<jobs::HealthMonitor> m_health;
  std::thread m_housekeeping;
  std::mutex m_wakeMutex;
  std::condition_variable m_wake;
  std::atomic<bool> m_running{false};
  std::uint64_t m_lastPersistedLogSeq = 0;  // housekeeping thread only
};

}  // namespace meridian::runtime
