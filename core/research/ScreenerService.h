#pragma once
// ScreenerService: runs screens requested over the EventBus off the GUI thread (DESIGN.md threading contract:
// command in with a correlation id, one immutable result event out).
//
// One worker thread drains a Mailbox subscribed to contract::RunScreener and answers each, in order, with
// contract::ScreenerFinished on "screener.result.<corr>". Storage is reached only through the StorageRunner callback,
// which must run the task on the storage thread and return when it is done (the composition root wires
// StorageService::call(...).get(); the wait blocks this worker only). Bars are read in chunks of symbols, one
// storage task per chunk, so order-journal writes queued meanwhile are not held up by a whole-universe scan.
#include "core/bus/EventBus.h"
#include "core/common/Result.h"
#include "core/contract/Screener.h"
#include "core/storage/IStorage.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace meridian::research {

// The storage runner runs a task on the storage thread and returns when it finished; it throws (or the task never
// runs) when storage is not available: the screen then fails with kStorageCode.
using storage::StorageRunner;
using storage::StorageTask;

class ScreenerService {
 public:
  static constexpr const char* kStorageCode = "screener.storage";
  static constexpr const char* kQueueFullCode = "screener.queue_full";
  static constexpr const char* kStoppedCode = "screener.stopped";

  struct Options {
    std::size_t symbolsPerTask = 32;  // symbols read per storage task
    std::size_t maxQueued = 16;       // further commands are answered at once with kQueueFullCode
  };
  struct Stats {
    std::uint64_t commands = 0;
    std::uint64_t succeeded = 0;
    std::uint64_t failed = 0;
    std::uint64_t storageTasks = 0;
  };

  ScreenerService(bus::EventBus& bus, StorageRunner storage);
  ScreenerService(bus::EventBus& bus, StorageRunner storage, Options options);
  ~ScreenerService();  // stop()
  ScreenerService(const ScreenerService&) = delete;
  ScreenerService& operator=(const ScreenerService&) = delete;

  // Subscribes and starts the worker. Idempotent; a stopped service cannot be restarted.
  Status start();
  // Answers the commands still queued with kStoppedCode, unsubscribes and joins. Idempotent.
  void stop();
  bool running() const { return m_running.load(); }
  Stats stats() const;

  // The screen itself, synchronous on the calling thread (the worker, the CLI, tests).
  contract::ScreenerFinished run(const contract::RunScreener& command);

 private:
  void workerLoop();

  bus::EventBus& m_bus;
  StorageRunner m_storage;
  Options m_options;
  std::shared_ptr<bus::Mailbox> m_mailbox;
  bus::SubscriptionId m_subscription = 0;
  std::thread m_thread;
  std::mutex m_lifecycle;
  std::atomic<bool> m_running{false};
  std::atomic<bool> m_stopping{false};
  bool m_started = false;
  struct AtomicStats {
    std::atomic<std::uint64_t> commands{0}, succeeded{0}, failed{0}, storageTasks{0};
  } m_stats;
};

// Wiring helper for the composition root: a service whose storage tasks go through `runner`, started.
// Returns the started service (or the start error).
Result<std::unique_ptr<ScreenerService>> startScreenerService(bus::EventBus& bus, StorageRunner runner,
                                                              ScreenerService::Options options = {});

}  // namespace meridian::research
