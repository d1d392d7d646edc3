#pragma once
// The one composition root for every environment (GUI, headless CLI, tests): configuration, event bus,
// storage thread, execution (OMS + risk + broker), the market feed and housekeeping. Adapters differ per
// environment (market.feed, broker.kind, db.backend), the wiring does not.
#include "core/bus/EventBus.h"
#include "core/common/Config.h"
#include "core/common/Result.h"
#include "core/runtime/StorageService.h"

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
namespace meridian::jobs {
class Scheduler;
class HealthMonitor;
}
namespace meridian::notify {
class Notifier;
}

namespace meridian::runtime {

// Builds the storage configuration from "db.*" keys.
storage::StorageConfig storageConfigFrom(const common::Config& config);

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
  Status start();
  void stop();  // idempotent; drains the command loop and the storage thread

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
  // Backtests, optimizations and walk-forwards from the menu ("cmd.backtest.*" -> "bt.*"), saved to backtest_runs.
  backtest::BacktestService* backtests() { return m_backtest.get(); }
  // Jobs (ex-Prefect flows), health probes for the Ops dock, notifications. Null before start() / after stop().
  jobs::Scheduler* scheduler() { return m_scheduler.get(); }
  jobs::HealthMonitor* health() { return m_health.get(); }
  notify::Notifier* notifier() { return m_notifier.get(); }

 private:
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
  std::shared_ptr<void> m_redisBridge;  // RedisBridge when redis.url is set and Redis support is compiled in
  std::unique_ptr<common::IClock> m_clock;
  std::unique_ptr<marketdata::SimulatedMarket> m_market;
  std::unique_ptr<marketdata::IngestionService> m_ingestion;
  std::unique_ptr<backtest::BacktestService> m_backtest;
  std::unique_ptr<notify::Notifier> m_notifier;
  std::unique_ptr<jobs::Scheduler> m_scheduler;
  std::unique_ptr<jobs::HealthMonitor> m_health;
  std::thread m_housekeeping;
  std::mutex m_wakeMutex;
  std::condition_variable m_wake;
  std::atomic<bool> m_running{false};
  std::uint64_t m_lastPersistedLogSeq = 0;  // housekeeping thread only
};

}  // namespace meridian::runtime
