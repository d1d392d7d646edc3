#pragma once
// Scheduler: runs Jobs on their Schedules (America/New_York, NYSE calendar), with retries, per-attempt timeouts,
// run history and run-now. Replaces the Prefect deployment of the Python system.
//
// Threading (DESIGN.md rule 1): the scheduler owns one thread that evaluates schedules and one short-lived worker
// thread per running attempt. Public functions are thread-safe and never wait for a job. The current state is
// published as an immutable contract::JobsSnapshot (when a bus is given) and is also available from
// snapshot(). contract::RunJobNow commands are handled on the scheduler thread; a relayed one reached after its
// deadline (bus::Envelope::deadline) is answered "Expired ... not executed" and does not run.
//
// Time comes from the IClock: with a SimulatedClock, tests advance the clock and call wake(); the scheduler thread
// also re-evaluates every Options::pollInterval of real time. Missed occurrences (e.g. the machine slept through
// several) are coalesced into one run; an occurrence that falls while the job is still running is skipped.
//
// A run is one or more attempts: when an attempt fails (or times out) and fewer than Job::retries re-attempts
// were made, the run is marked "retrying" and the next attempt starts Job::retryDelay later (clock time). A setup
// error (jobs::isSetupError, e.g. an empty universe.symbols) is not retried.
// Catch-up (Job::catchUp, decided once the persisted history arrives through seedHistory): a run left unfinished
// by a crash, or by a stop while it waited for a retry (stop() leaves such a run "retrying"), is resumed when the
// job has CatchUp::Once and an attempt left in its retry budget: the same stored run continues at attempt N+1 after
// the retry delay (its changes go to IJobHistory::storedRunUpdated). Otherwise it is rewritten as "abandoned"; with
// the budget spent it is not run again. A job with CatchUp::Once also runs at start when its last run was
// cancelled by a stop, interrupted without being resumable, or an occurrence was missed after it.
// History: IJobHistory::runStarted once per run, runUpdated on every state change (attempt, status, finish).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/bus/EventBus.h"
#include "core/common/Clock.h"
#include "core/common/Result.h"
#include "core/jobs/Job.h"
#include "core/contract/Jobs.h"
#include "core/jobs/JobHistory.h"

namespace meridian::jobs {

class Scheduler {
 public:
  struct Options {
    std::chrono::milliseconds pollInterval{1000};   // real-time upper bound between evaluations
    std::chrono::milliseconds stopGrace{5000};      // stop(): how long to wait for cancelled actions to return
    std::size_t historyLimit = 200;                  // runs kept in the snapshot
  };
  using RunCallback = std::function<void(const storage::JobRunRecord& run)>;

  // clock and bus (may be null) must outlive the scheduler.
  explicit Scheduler(const common::IClock& clock, bus::EventBus* bus = nullptr);
  Scheduler(const common::IClock& clock, bus::EventBus* bus, Options options);
  ~Scheduler();  // stop()
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Adds a job, or replaces the definition of the job with the same name (its history and last status stay).
  // Errors: empty name, retries < 0, negative delay/timeout. May be called before or after start().
  Status addJob(Job job);
  // Injects (or replaces) the action of a registered job: a "not configured" job becomes schedulable.
  Status setAction(const std::string& name, JobAction action);
  Status setEnabled(const std::string& name, bool enabled);
  std::vector<std::string> jobNames() const;

  // Set before start(). The history receives every run; onRunFinished is called once per finished run
  // (status succeeded / failed / cancelled), on the scheduler thread.
  void setHistory(std::shared_ptr<IJobHistory> history);
  void setRunFinishedCallback(RunCallback callback);
  // Merges persisted runs (e.g. RunStoreHistory::loadRecent) into the snapshot; jobs that have not run in this
  // process take their last status from them. Thread-safe.
  void seedHistory(std::vector<storage::JobRunRecord> runs);
  // A callback for an asynchronous history load (e.g. RunStoreHistory::loadRecent on the storage thread) that may
  // run after this scheduler is destroyed: it only hands the runs to shared state, and the scheduler thread seeds
  // them (seedHistory) on its next wake-up. Capturing the scheduler itself in such a callback raced its destruction.
  std::function<void(std::vector<storage::JobRunRecord>)> historySeeder();

  void start();
  // Cancels running attempts, waits up to Options::stopGrace for them, records them as cancelled (a run waiting
  // for a retry stays "retrying" for the next start to resume), joins the scheduler thread. Idempotent. Workers still running after the grace period are detached (and logged).
  void stop();
  bool running() const { return m_running.load(); }

  // Starts a run of `name` as soon as the scheduler thread sees it (or the pending retry of a failed run).
  // Errors: unknown job, not configured, already running. Thread-safe, never waits for the job.
  Status runNow(const std::string& name);
  // Re-evaluate now (after advancing a SimulatedClock, or after a config change).
  void wake();

  // Latest published state (also before start(): jobs with their next run times).
  std::shared_ptr<const contract::JobsSnapshot> snapshot() const;
  // Next scheduled run of a job, 0 when none. Evaluated from the job's last evaluation time.
  domain::Timestamp nextRun(const std::string& name) const;

 private:
  struct Attempt;
  struct Runtime;
  struct Signal;

  void loop();
  void evaluateLocked(domain::Timestamp now, std::vector<storage::JobRunRecord>& started,
                      std::vector<storage::JobRunRecord>& updated, std::vector<storage::JobRunRecord>& finished);
  void startAttemptLocked(Runtime& rt, domain::Timestamp now, bool newRun, std::vector<storage::JobRunRecord>& started,
                          std::vector<storage::JobRunRecord>& updated);
  void finishAttemptLocked(Runtime& rt, const Status& result, bool timedOut, domain::Timestamp now,
                           std::vector<storage::JobRunRecord>& updated, std::vector<storage::JobRunRecord>& finished,
                           const std::string& message = {});
  void handleCommands();
  void checkCatchUpLocked(domain::Timestamp now);
  Status runNowLocked(const std::string& name);
  Runtime* findLocked(const std::string& name);
  const Runtime* findLocked(const std::string& name) const;
  void rememberLocked(const Runtime& rt);
  void pushUpdateLocked(const Runtime& rt, std::vector<storage::JobRunRecord>& updated);
  std::shared_ptr<const contract::JobsSnapshot> buildSnapshotLocked(domain::Timestamp now) const;
  void publish(std::shared_ptr<const contract::JobsSnapshot> snapshot);
  void shutdownWorkers();

  const common::IClock& m_clock;
  bus::EventBus* m_bus = nullptr;
  Options m_options;
  std::shared_ptr<Signal> m_signal;
  std::shared_ptr<bus::Mailbox> m_commands;
  bus::SubscriptionId m_subscription = 0;

  mutable std::mutex m_mutex;  // guards everything below
  std::vector<std::unique_ptr<Runtime>> m_jobs;
  std::deque<std::pair<bool, storage::JobRunRecord>> m_history;  // (local run?, record), most recent first
  std::shared_ptr<IJobHistory> m_historySink;
  RunCallback m_onFinished;
  std::shared_ptr<const contract::JobsSnapshot> m_snapshot;
  std::int64_t m_nextRunId = 1;
  std::vector<storage::JobRunRecord> m_storedUpdates;  // persisted runs to rewrite (abandoned), by their stored id
  bool m_dirty = true;

  std::atomic<bool> m_running{false};
  std::atomic<bool> m_stopping{false};
  std::thread m_thread;
};

}  // namespace meridian::jobs
