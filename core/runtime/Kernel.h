#pragma once
// The one composition root for every environment (GUI, headless CLI, tests): configuration, event bus,
// storage thread, and the command loop that owns order handling. Adapters differ per environment, the
// wiring does not.
#include "core/bus/EventBus.h"
#include "core/common/Config.h"
#include "core/common/Result.h"
#include "core/runtime/StorageService.h"

#include <atomic>
#include <memory>
#include <thread>

namespace meridian::runtime {

// Builds the storage configuration from "db.*" keys.
storage::StorageConfig storageConfigFrom(const common::Config& config);

class Kernel {
 public:
  explicit Kernel(common::Config config);
  ~Kernel();
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;

  // Opens storage (migrations applied), publishes the journaled state (open orders, positions) on the bus
  // so late subscribers such as the UI see it, and starts the command loop. Fails with a clear Error when
  // the configured database cannot be opened; nothing is started in that case.
  Status start();
  void stop();  // idempotent; drains the command loop and the storage thread

  bus::EventBus& bus() { return m_bus; }
  common::Config& config() { return m_config; }
  StorageService& storage() { return *m_storage; }

  // Re-publishes open orders and positions from the journal (used at start and by a UI that attaches later).
  void publishJournalState();

 private:
  void commandLoop();
  // Copies new in-app log records at or above log.db_level (default warn) into the logs table, in one batch.
  void persistLogs();

  common::Config m_config;
  bus::EventBus m_bus;
  std::unique_ptr<StorageService> m_storage;
  std::shared_ptr<void> m_redisBridge;  // RedisBridge when redis.url is set and Redis support is compiled in
  std::shared_ptr<bus::Mailbox> m_commands;
  std::thread m_commandThread;
  std::atomic<bool> m_running{false};
  std::uint64_t m_lastPersistedLogSeq = 0;  // command thread only
};

}  // namespace meridian::runtime
