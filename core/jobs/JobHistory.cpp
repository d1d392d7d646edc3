#include "core/jobs/JobHistory.h"

#include <unordered_map>

#include "core/common/Logging.h"

namespace meridian::jobs {

struct RunStoreHistory::IdMap {
  std::unordered_map<std::int64_t, std::int64_t> storedId;  // local -> stored
};

RunStoreHistory::RunStoreHistory(Post post) : m_post(std::move(post)), m_ids(std::make_shared<IdMap>()) {}

void RunStoreHistory::runStarted(const storage::JobRunRecord& run) {
  if (!m_post) return;
  m_post([ids = m_ids, run](storage::IRunStore& store) {
    auto id = store.recordJobRun(run);
    if (!id.ok()) {
      common::logger("jobs")->warn("cannot record run of job '{}': {}", run.jobName, id.error().message);
      return;
    }
    ids->storedId[run.id] = id.value();
  });
}

void RunStoreHistory::runUpdated(const storage::JobRunRecord& run) {
  if (!m_post) return;
  m_post([ids = m_ids, run](storage::IRunStore& store) {
    const auto it = ids->storedId.find(run.id);
    if (it == ids->storedId.end()) return;  // the insert failed (already logged)
    const std::int64_t local = run.id;
    storage::JobRunRecord stored = run;
    stored.id = it->second;
    if (Status s = store.updateJobRun(stored); !s.ok())
      common::logger("jobs")->warn("cannot update run of job '{}': {}", run.jobName, s.error().message);
    // Final states are never updated again: forget the mapping so the map stays bounded.
    if (run.finishedTs) ids->storedId.erase(local);
  });
}

void RunStoreHistory::storedRunUpdated(const storage::JobRunRecord& run) {
  if (!m_post) return;
  m_post([run](storage::IRunStore& store) {
    if (Status s = store.updateJobRun(run); !s.ok())
      common::logger("jobs")->warn("cannot update stored run {} of job '{}': {}", run.id, run.jobName, s.error().message);
  });
}

void RunStoreHistory::loadRecent(std::size_t limit, std::function<void(std::vector<storage::JobRunRecord>)> done) {
  if (!m_post || !done) return;
  m_post([limit, done = std::move(done)](storage::IRunStore& store) {
    auto runs = store.listJobRuns("", limit);
    if (!runs.ok()) {
      common::logger("jobs")->warn("cannot load job history: {}", runs.error().message);
      done({});
      return;
    }
    done(std::move(runs).value());
  });
}

}  // namespace meridian::jobs
