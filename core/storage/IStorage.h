#pragma once
// Port: one storage backend (SQLite or PostgreSQL) implementing every store.
//
// Threading: a storage instance is NOT thread-safe. It is owned by the storage thread (DESIGN.md, rule 5):
// construct it anywhere, then call open() and every other method from that one thread. Other components talk
// to that thread through its queue, never to the instance directly.
#include "core/common/Result.h"
#include "core/storage/IBarStore.h"
#include "core/storage/ILogStore.h"
#include "core/storage/INotificationStore.h"
#include "core/storage/IOrderJournal.h"
#include "core/storage/IRunStore.h"
#include "core/storage/IStrategyStateStore.h"
#include "core/storage/ISymbolStore.h"
#include "core/storage/PairRecords.h"  // discovered pairs (pair_discovery job)

#include <functional>
#include <string_view>

namespace meridian::storage {

class IStorage : public IBarStore,
                 public ISymbolStore,
                 public IOrderJournal,
                 public IRunStore,
                 public IStrategyStateStore,
                 public INotificationStore,
                 public ILogStore {
 public:
  ~IStorage() override = default;

  // Connects (or opens the file) and applies pending migrations. Must be called before anything else;
  // calling it again is harmless.
  virtual Status open() = 0;
  // Applies pending migrations from :/sql/<dialect>/ (a no-op when up to date). Fails with errc::kMigration
  // when an applied migration's checksum differs from the file or the database is newer than this build.
  virtual Status migrate() = 0;
  // "sqlite" or "postgres".
  virtual std::string_view backendName() const = 0;
  // Round trip to the database (SELECT 1). errc::kUnavailable when it cannot be reached.
  virtual Status ping() = 0;

  // --- discovered pairs (pair_discovery job; sql V002__discovered_pairs) ----------------------------------
  // Stores one discovery run (every pair carries the same runTs; ranks unique) in one transaction, replacing a
  // run already stored under that runTs, and deletes all but the newest keepRuns runs (0 = keep all).
  virtual Status saveDiscoveredPairs(std::span<const DiscoveredPair> pairs, std::size_t keepRuns) = 0;
  // The newest run's pairs ordered by rank (at most limit); empty when no run is stored.
  virtual Result<std::vector<DiscoveredPair>> latestDiscoveredPairs(std::size_t limit) = 0;
};

// Work on the store, run where the store lives (the storage thread, StorageService). A runner waits for it to finish;
// components that read storage from their own worker threads take one.
using StorageTask = std::function<void(IStorage&)>;
using StorageRunner = std::function<void(const StorageTask&)>;

}  // namespace meridian::storage
