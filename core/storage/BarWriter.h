#pragma once
// Market bars written off the order journal's thread. A feed's bars (and a first run's seeded history) go through a
// storage service of their own -- its own thread and database connection -- so a burst of bar writes, or a slow
// database, never delays a fill's journal write. Bars that arrive while a write is running are coalesced per series
// into one upsert. An in-memory SQLite database cannot be opened twice: there the writer uses the shared service.
#include "core/common/Result.h"
#include "core/domain/Types.h"
#include "core/storage/StorageService.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace meridian::storage {

class BarWriter {
 public:
  explicit BarWriter(StorageService& shared);
  ~BarWriter();
  BarWriter(const BarWriter&) = delete;
  BarWriter& operator=(const BarWriter&) = delete;

  // Opens the writer's own connection (migrations are already applied by the shared service). On failure the
  // writer stays off for this run -- bars are counted as dropped -- and the error is returned for the log.
  Status start();
  // Writes what is queued, then stops. Idempotent. The producers (the feed) are stopped first: write() and post()
  // must not race stop().
  void stop();

  // Any thread; never blocks on the database.
  void write(const std::string& symbol, const std::string& source, const domain::Bar& bar);
  // Runs a task on the writer's storage thread (first-run seeding).
  void post(StorageService::Task task);

  // Upserts a series in transactions of at most kMaxBarsPerTransaction bars, so a journal write that waits for the
  // write lock waits for one short transaction (SqliteWriteGate). Stops at the first failure; `stored` counts the
  // bars of the transactions that committed. Used by flush() and by tasks posted here.
  static constexpr std::size_t kMaxBarsPerTransaction = 1024;
  static Status upsertInChunks(IStorage& store, const std::string& symbol, const std::string& source,
                               std::span<const domain::Bar> bars, std::size_t* stored = nullptr);

  std::uint64_t barsWritten() const { return m_written.load(std::memory_order_relaxed); }
  std::uint64_t barsDropped() const { return m_dropped.load(std::memory_order_relaxed); }

 private:
  StorageService& service();
  void flush(IStorage& store);

  StorageService& m_shared;
  std::unique_ptr<StorageService> m_own;
  std::atomic<bool> m_on{false};
  std::mutex m_mutex;
  std::map<std::pair<std::string, std::string>, std::vector<domain::Bar>> m_pending;  // (symbol, source) -> bars
  bool m_flushQueued = false;
  bool m_failing = false;  // the last write failed: warn once per outage
  std::atomic<std::uint64_t> m_written{0};
  std::atomic<std::uint64_t> m_dropped{0};
};

}  // namespace meridian::storage
