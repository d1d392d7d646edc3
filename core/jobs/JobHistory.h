#pragma once
// Where the Scheduler writes its run history. Called on the scheduler thread; implementations must not block
// for long (the storage implementation only posts to the storage thread).
#include <cstddef>
#include <functional>
#include <memory>
#include <vector>

#include "core/storage/IRunStore.h"
#include "core/storage/Records.h"

namespace meridian::jobs {

class IJobHistory {
 public:
  virtual ~IJobHistory() = default;
  // A run started. run.id is the scheduler's local run id (unique within the process, starts at 1).
  virtual void runStarted(const storage::JobRunRecord& run) = 0;
  // The same run (same local id) changed: attempt, status, message, finishedTs.
  virtual void runUpdated(const storage::JobRunRecord& run) = 0;
  // A run persisted by an earlier process (run.id is the stored id, as seeded) changed: abandoned at start.
  virtual void storedRunUpdated(const storage::JobRunRecord& run) { (void)run; }
};

// Persists runs through an IRunStore that lives on another thread (storage::StorageService). `post` must run
// tasks on that one thread, in posting order, e.g.
//   RunStoreHistory history([&kernel](auto task) {
//     kernel.storage().post([task = std::move(task)](storage::IStorage& s) { task(s); });
//   });
// Local run ids are mapped to stored ids inside the posted tasks, so no state is shared between threads.
// Storage errors are logged (warn) and otherwise ignored: history must never stop a job.
class RunStoreHistory final : public IJobHistory {
 public:
  using Task = std::function<void(storage::IRunStore&)>;
  using Post = std::function<void(Task)>;

  explicit RunStoreHistory(Post post);
  void runStarted(const storage::JobRunRecord& run) override;
  void runUpdated(const storage::JobRunRecord& run) override;
  void storedRunUpdated(const storage::JobRunRecord& run) override;

  // Posts a read of the most recent runs of every job (limit 0 = all); `done` runs on the storage thread with
  // the records (empty on error). Use it to seed Scheduler::seedHistory at start-up.
  void loadRecent(std::size_t limit, std::function<void(std::vector<storage::JobRunRecord>)> done);

 private:
  struct IdMap;
  Post m_post;
  std::shared_ptr<IdMap> m_ids;  // touched only inside posted tasks (storage thread)
};

}  // namespace meridian::jobs
