#include "core/jobs/Scheduler.h"
#include "core/jobs/RunMessage.h"

#include <fmt/core.h>

#include <algorithm>

#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "core/common/Ids.h"
#include "core/common/Logging.h"
#include "core/time/TimeZones.h"

namespace meridian::jobs {

using storage::JobRunRecord;

// Wake-up flag shared with worker threads (which may outlive a stop() that had to detach them).
struct Scheduler::Signal {
  std::mutex mutex;
  std::condition_variable cv;
  bool flag = false;
  std::vector<std::vector<JobRunRecord>> seeds;  // from historySeeder(), applied on the scheduler thread
  void notify() {
    {
      std::lock_guard lock(mutex);
      flag = true;
    }
    cv.notify_one();
  }
};

// One attempt's worker. The worker writes `result` and then sets `done` (release).
struct Scheduler::Attempt {
  std::thread thread;
  std::atomic<bool> cancel{false};
  std::atomic<bool> done{false};
  Status result;
  std::string message;             // jobs::setRunMessage() of the action (its success summary)
  domain::Timestamp deadline = 0;  // 0 = no timeout
  bool timedOut = false;           // the run moved on; the result will be ignored
};

struct Scheduler::Runtime {
  Job job;
  domain::Timestamp nextRun = 0;
  domain::Timestamp evaluatedFrom = 0;
  std::shared_ptr<Attempt> attempt;     // set while a worker exists (also after a timeout, until it returns)
  bool inRun = false;                   // a run is in progress (running or waiting for a retry)
  bool retryPending = false;
  domain::Timestamp retryAt = 0;
  bool runNowRequested = false;
  JobRunRecord record;                  // the current / last run of this process
  bool hasRecord = false;
  JobRunRecord seeded;                  // last persisted run (from seedHistory)
  bool hasSeeded = false;
  bool catchUpChecked = false;          // the persisted history was looked at for a missed / interrupted run
  std::string runNote;                  // why the pending run-now exists (catch-up), kept in its record
  // record is a persisted run of an earlier process resumed at its next attempt (record.id is the stored id):
  // its changes go to IJobHistory::storedRunUpdated.
  bool resumedStored = false;
};

namespace {

std::string formatDuration(std::chrono::milliseconds ms) {
  if (ms.count() % 1000 == 0) return fmt::format("{} s", ms.count() / 1000);
  return fmt::format("{} ms", ms.count());
}

domain::Timestamp toNs(std::chrono::milliseconds ms) { return static_cast<domain::Timestamp>(ms.count()) * domain::kNanosPerMilli; }

}  // namespace

Scheduler::Scheduler(const common::IClock& clock, bus::EventBus* bus) : Scheduler(clock, bus, Options{}) {}

Scheduler::Scheduler(const common::IClock& clock, bus::EventBus* bus, Options options)
    : m_clock(clock), m_bus(bus), m_options(options), m_signal(std::make_shared<Signal>()) {
  if (m_bus) {
    m_commands = std::make_shared<bus::Mailbox>("jobs", 1024);
    m_commands->setNotifier([signal = m_signal] { signal->notify(); });
    m_subscription = m_bus->subscribe<contract::RunJobNow>(m_commands);
  }
}

Scheduler::~Scheduler() {
  stop();
  if (m_bus) m_bus->unsubscribe(m_subscription);
  if (m_commands) m_commands->close();
}

// ---- Configuration -------------------------------------------------------------------------------------------------

Status Scheduler::addJob(Job job) {
  if (job.name.empty()) return makeError("jobs.invalid", "a job needs a name");
  if (job.retries < 0 || job.retryDelay.count() < 0 || job.timeout.count() < 0)
    return makeError("jobs.invalid", fmt::format("job '{}': retries, retry delay and timeout must be >= 0", job.name));
  std::shared_ptr<const contract::JobsSnapshot> snap;
  {
    std::lock_guard lock(m_mutex);
    const domain::Timestamp now = m_clock.now();
    Runtime* rt = findLocked(job.name);
    if (!rt) {
      m_jobs.push_back(std::make_unique<Runtime>());
      rt = m_jobs.back().get();
    }
    rt->job = std::move(job);
    rt->evaluatedFrom = now;
    rt->nextRun = rt->job.schedule.nextAfter(now);
    m_dirty = true;
    if (!m_running) snap = m_snapshot = buildSnapshotLocked(now);
  }
  if (snap) publish(snap);
  wake();
  return {};
}

Status Scheduler::setAction(const std::string& name, JobAction action) {
  {
    std::lock_guard lock(m_mutex);
    Runtime* rt = findLocked(name);
    if (!rt) return makeError("jobs.unknown", fmt::format("no job named '{}'", name));
    rt->job.action = std::move(action);
    m_dirty = true;
  }
  wake();
  return {};
}

Status Scheduler::setEnabled(const std::string& name, bool enabled) {
  {
    std::lock_guard lock(m_mutex);
    Runtime* rt = findLocked(name);
    if (!rt) return makeError("jobs.unknown", fmt::format("no job named '{}'", name));
    rt->job.enabled = enabled;
    m_dirty = true;
  }
  wake();
  return {};
}

std::vector<std::string> Scheduler::jobNames() const {
  std::lock_guard lock(m_mutex);
  std::vector<std::string> out;
  for (const auto& rt : m_jobs) out.push_back(rt->job.name);
  return out;
}

void Scheduler::setHistory(std::shared_ptr<IJobHistory> history) {
  std::lock_guard lock(m_mutex);
  m_historySink = std::move(history);
}

void Scheduler::setRunFinishedCallback(RunCallback callback) {
  std::lock_guard lock(m_mutex);
  m_onFinished = std::move(callback);
}

void Scheduler::seedHistory(std::vector<JobRunRecord> runs) {
  {
    std::lock_guard lock(m_mutex);
    std::sort(runs.begin(), runs.end(), [](const JobRunRecord& a, const JobRunRecord& b) {
      return a.startedTs != b.startedTs ? a.startedTs > b.startedTs : a.id > b.id;
    });
    // Persisted runs are older than anything this process ran: append them after the local ones.
    for (const JobRunRecord& r : runs) {
      if (m_history.size() >= m_options.historyLimit) break;
      m_history.emplace_back(false, r);
      if (Runtime* rt = findLocked(r.jobName); rt && !rt->hasSeeded) {
        rt->seeded = r;
        rt->hasSeeded = true;
      }
    }
    checkCatchUpLocked(m_clock.now());
    m_dirty = true;
  }
  wake();
}

std::function<void(std::vector<JobRunRecord>)> Scheduler::historySeeder() {
  return [signal = m_signal](std::vector<JobRunRecord> runs) {
    {
      std::lock_guard lock(signal->mutex);
      signal->seeds.push_back(std::move(runs));
      signal->flag = true;
    }
    signal->cv.notify_one();
  };
}

// ---- Control -------------------------------------------------------------------------------------------------------

void Scheduler::start() {
  if (m_running.exchange(true)) return;
  m_stopping = false;
  m_thread = std::thread(&Scheduler::loop, this);
}

void Scheduler::stop() {
  if (!m_running.load()) return;
  m_stopping = true;
  m_signal->notify();
  if (m_thread.joinable()) m_thread.join();
  m_running = false;
}

void Scheduler::wake() { m_signal->notify(); }

// The last persisted run of each job, once. A run left unfinished by a stop or a crash (running, or retrying: an
// attempt failed and the next was pending) is resumed when the job catches up (CatchUp::Once) and its retry budget
// has an attempt left: the same run continues at attempt N+1 of retries+1 after the job's retry delay (the
// interrupted attempt counts as used). Otherwise it is recorded as abandoned; with its budget spent it is not run
// again. A job with catch-up Once also runs at start when its last run was cancelled by the last stop or a
// scheduled occurrence fell after it.
void Scheduler::checkCatchUpLocked(domain::Timestamp now) {
  auto log = common::logger("jobs");
  for (auto& ptr : m_jobs) {
    Runtime& rt = *ptr;
    if (rt.catchUpChecked || !rt.hasSeeded) continue;
    rt.catchUpChecked = true;
    JobRunRecord& last = rt.seeded;
    const bool catchesUp = rt.job.catchUp == CatchUp::Once && rt.job.enabled && rt.job.configured() && !rt.inRun &&
                           !rt.hasRecord;
    bool interrupted = last.status == status::kCancelled;
    const auto replaceSeeded = [&] {
      for (auto& [local, rec] : m_history)
        if (!local && rec.id == last.id) rec = last;
      m_storedUpdates.push_back(last);
    };
    if (!last.finishedTs && (last.status == status::kRunning || last.status == status::kRetrying)) {
      const int maxAttempts = rt.job.retries + 1;
      const std::string before = last.status == status::kRetrying
                                     ? fmt::format("attempt {} had failed and its retry was pending", last.attempt)
                                     : fmt::format("attempt {} was running", last.attempt);
      if (catchesUp && last.attempt < maxAttempts) {
        // Resume the same run: the scheduler adopts the stored record and schedules attempt N+1.
        rt.record = last;
        rt.record.status = status::kRetrying;
        rt.record.message = fmt::format("resumed after a restart ({}{}{}); attempt {}/{} in {}", before,
                                        last.message.empty() ? "" : ": ", last.message, last.attempt + 1, maxAttempts,
                                        formatDuration(rt.job.retryDelay));
        rt.hasRecord = true;
        rt.resumedStored = true;
        rt.inRun = true;
        rt.retryPending = true;
        rt.retryAt = now + toNs(rt.job.retryDelay);
        last = rt.record;
        replaceSeeded();
        m_dirty = true;
        log->warn("job '{}': run {} was interrupted by a restart at attempt {}; resuming with attempt {}/{} in {}",
                  rt.job.name, last.id, last.attempt, last.attempt + 1, maxAttempts, formatDuration(rt.job.retryDelay));
        continue;
      }
      const bool spent = last.attempt >= maxAttempts;
      interrupted = !spent;
      last.status = status::kAbandoned;
      last.finishedTs = now;
      last.message = fmt::format("interrupted at attempt {} of {} (the application stopped or crashed){}{}{}",
                                 last.attempt, maxAttempts,
                                 spent ? "; the retry budget is spent, not run again" : "",
                                 last.message.empty() ? "" : "; last message: ", last.message);
      replaceSeeded();
      log->warn("job '{}': run {} was left unfinished by the last run of the application; recorded as abandoned{}",
                rt.job.name, last.id, spent ? " (retry budget spent)" : "");
    }
    if (!catchesUp) continue;
    const domain::Timestamp missed = rt.job.schedule.nextAfter(last.startedTs);
    if (interrupted) {
      rt.runNote = fmt::format("catch-up: resumes the run of {} interrupted at attempt {}",
                               time::TimeZones::formatExchange(last.startedTs).toStdString(), last.attempt);
    } else if (missed != 0 && missed <= now) {
      rt.runNote = fmt::format("catch-up: the run due {} New York was missed while the application was closed",
                               time::TimeZones::formatExchange(missed).toStdString());
    } else {
      continue;
    }
    rt.runNowRequested = true;
    log->info("job '{}' {}", rt.job.name, rt.runNote);
  }
}

Status Scheduler::runNow(const std::string& name) {
  Status s;
  {
    std::lock_guard lock(m_mutex);
    s = runNowLocked(name);
  }
  if (s.ok()) wake();
  return s;
}

Status Scheduler::runNowLocked(const std::string& name) {
  Runtime* rt = findLocked(name);
  if (!rt) return makeError("jobs.unknown", fmt::format("no job named '{}'", name));
  if (!rt->job.configured())
    return makeError("jobs.not_configured", fmt::format("job '{}' is not configured: {}", name, rt->job.notConfiguredReason));
  if (rt->attempt && !rt->retryPending) return makeError("jobs.running", fmt::format("job '{}' is already running", name));
  if (rt->runNowRequested) return makeError("jobs.running", fmt::format("job '{}' is already queued to run", name));
  rt->runNowRequested = true;
  m_dirty = true;
  return {};
}

std::shared_ptr<const contract::JobsSnapshot> Scheduler::snapshot() const {
  std::lock_guard lock(m_mutex);
  if (m_snapshot && !m_dirty) return m_snapshot;
  return buildSnapshotLocked(m_clock.now());
}

domain::Timestamp Scheduler::nextRun(const std::string& name) const {
  std::lock_guard lock(m_mutex);
  const Runtime* rt = findLocked(name);
  return rt ? rt->nextRun : 0;
}

// ---- Scheduler thread ----------------------------------------------------------------------------------------------

void Scheduler::loop() {
  auto log = common::logger("jobs");
  log->info("scheduler started ({} job(s))", jobNames().size());
  while (!m_stopping.load()) {
    std::vector<std::vector<JobRunRecord>> seeds;
    {
      std::lock_guard lock(m_signal->mutex);
      seeds.swap(m_signal->seeds);
    }
    for (auto& runs : seeds) seedHistory(std::move(runs));
    handleCommands();
    std::vector<JobRunRecord> started, updated, finished;
    std::shared_ptr<const contract::JobsSnapshot> snap;
    std::shared_ptr<IJobHistory> sink;
    RunCallback onFinished;
    {
      std::lock_guard lock(m_mutex);
      const domain::Timestamp now = m_clock.now();
      evaluateLocked(now, started, updated, finished);
      if (m_dirty) {
        snap = m_snapshot = buildSnapshotLocked(now);
        m_dirty = false;
      }
      sink = m_historySink;
      onFinished = m_onFinished;
    }
    if (sink) {
      for (const auto& r : started) sink->runStarted(r);
      for (const auto& r : updated) sink->runUpdated(r);
    }
    if (onFinished)
      for (const auto& r : finished) onFinished(r);
    if (snap) publish(snap);
    std::vector<JobRunRecord> stored;
    {
      std::lock_guard lock(m_mutex);
      stored.swap(m_storedUpdates);
    }
    if (sink)
      for (const auto& r : stored) sink->storedRunUpdated(r);

    std::unique_lock lock(m_signal->mutex);
    m_signal->cv.wait_for(lock, m_options.pollInterval, [this] { return m_signal->flag || m_stopping.load(); });
    m_signal->flag = false;
  }
  shutdownWorkers();
  log->info("scheduler stopped");
}

void Scheduler::handleCommands() {
  if (!m_commands) return;
  std::vector<bus::Envelope> batch;
  m_commands->drain(batch);
  for (const auto& e : batch) {
    const contract::RunJobNow* cmd = e.as<contract::RunJobNow>();
    if (!cmd) continue;
    if (const domain::Timestamp now = m_clock.now(); e.pastDeadline(now)) {
      // Relayed, and read in time, but this thread reached it after its deadline: not run.
      const auto answer = contract::expiredCommand(cmd->correlationId, now - e.deadline, "the job scheduler");
      common::logger("jobs")->warn("run-now of job '{}' not started: {}", cmd->jobName, answer.reason);
      m_bus->publish(answer);
      continue;
    }
    Status s;
    {
      std::lock_guard lock(m_mutex);
      s = runNowLocked(cmd->jobName);
    }
    if (!s.ok()) {
      common::logger("jobs")->warn("run-now refused: {}", s.error().message);
      m_bus->publish(contract::CommandRejected{cmd->correlationId, s.error().message});
    } else {
      common::logger("jobs")->info("run-now requested for job '{}'", cmd->jobName);
    }
  }
}

void Scheduler::evaluateLocked(domain::Timestamp now, std::vector<JobRunRecord>& started,
                               std::vector<JobRunRecord>& updated, std::vector<JobRunRecord>& finished) {
  auto log = common::logger("jobs");
  for (auto& ptr : m_jobs) {
    Runtime& rt = *ptr;
    // 1. Attempt finished?
    if (rt.attempt && rt.attempt->done.load(std::memory_order_acquire)) {
      std::shared_ptr<Attempt> a = std::move(rt.attempt);
      if (a->thread.joinable()) a->thread.join();
      if (!a->timedOut) finishAttemptLocked(rt, a->result, false, now, updated, finished, a->message);
      m_dirty = true;
    }
    // 2. Attempt timed out?
    if (rt.attempt && !rt.attempt->timedOut && rt.attempt->deadline != 0 && now >= rt.attempt->deadline) {
      rt.attempt->timedOut = true;
      rt.attempt->cancel.store(true);
      log->warn("job '{}' attempt {} timed out after {}; cancelling", rt.job.name, rt.record.attempt,
                formatDuration(rt.job.timeout));
      finishAttemptLocked(rt, makeError(status::kTimedOut, fmt::format("timed out after {}", formatDuration(rt.job.timeout))),
                          true, now, updated, finished);
      m_dirty = true;
    }
    const bool busy = static_cast<bool>(rt.attempt);  // a worker (possibly abandoned) still exists
    // 3. Pending retry (or run-now during the retry wait).
    if (!busy && rt.retryPending && (now >= rt.retryAt || rt.runNowRequested)) {
      rt.runNowRequested = false;
      startAttemptLocked(rt, now, false, started, updated);
      continue;
    }
    // 4. Run-now.
    if (!busy && !rt.inRun && rt.runNowRequested) {
      rt.runNowRequested = false;
      if (rt.job.configured()) startAttemptLocked(rt, now, true, started, updated);
      m_dirty = true;
      continue;
    }
    // 5. Schedule.
    if (rt.nextRun != 0 && now >= rt.nextRun) {
      const domain::Timestamp due = rt.nextRun;
      rt.evaluatedFrom = now;
      rt.nextRun = rt.job.schedule.nextAfter(now);
      m_dirty = true;
      if (!rt.job.enabled || !rt.job.configured()) continue;
      if (busy || rt.inRun) {
        log->warn("job '{}': occurrence at {} skipped, the previous run is still in progress", rt.job.name,
                  time::TimeZones::formatExchange(due).toStdString());
        continue;
      }
      startAttemptLocked(rt, now, true, started, updated);
    }
  }
}

void Scheduler::startAttemptLocked(Runtime& rt, domain::Timestamp now, bool newRun, std::vector<JobRunRecord>& started,
                                   std::vector<JobRunRecord>& updated) {
  auto log = common::logger("jobs");
  if (newRun) {
    rt.record = JobRunRecord{};
    rt.record.id = m_nextRunId++;
    rt.record.jobName = rt.job.name;
    rt.record.startedTs = now;
    rt.record.attempt = 1;
    rt.record.status = status::kRunning;
    rt.record.message = std::move(rt.runNote);
    rt.runNote.clear();
    rt.hasRecord = true;
    rt.inRun = true;
    rt.resumedStored = false;
    started.push_back(rt.record);
  } else {
    rt.record.attempt += 1;
    rt.record.status = status::kRunning;
    pushUpdateLocked(rt, updated);
  }
  rt.retryPending = false;
  rememberLocked(rt);
  log->info("job '{}' started (attempt {}/{})", rt.job.name, rt.record.attempt, rt.job.retries + 1);

  auto a = std::make_shared<Attempt>();
  a->deadline = rt.job.timeout.count() > 0 ? now + toNs(rt.job.timeout) : 0;
  rt.attempt = a;
  m_dirty = true;
  a->thread = std::thread([a, action = rt.job.action, signal = m_signal, name = rt.job.name] {
    Status result;
    try {
      result = action(a->cancel);
      a->message = takeRunMessage();
    } catch (const std::exception& e) {
      result = makeError("jobs.exception", fmt::format("unhandled exception: {}", e.what()));
    } catch (...) {
      result = makeError("jobs.exception", "unhandled exception");
    }
    a->result = std::move(result);
    a->done.store(true, std::memory_order_release);
    signal->notify();
  });
}

void Scheduler::finishAttemptLocked(Runtime& rt, const Status& result, bool timedOut, domain::Timestamp now,
                                    std::vector<JobRunRecord>& updated, std::vector<JobRunRecord>& finished,
                                    const std::string& message) {
  auto log = common::logger("jobs");
  const int attempt = rt.record.attempt;
  // A catch-up run keeps saying so (the note it started with).
  const std::string note = rt.record.message.rfind("catch-up", 0) == 0 ? rt.record.message.substr(0, rt.record.message.find(';'))
                                                                       : std::string();
  const auto withNote = [&](std::string text) { return note.empty() ? text : text.empty() ? note : note + "; " + text; };
  if (result.ok()) {
    rt.record.status = status::kSucceeded;
    rt.record.message = withNote(attempt > 1 ? fmt::format("succeeded on attempt {}{}{}", attempt,
                                                           message.empty() ? "" : ": ", message)
                                             : message);
    rt.record.finishedTs = now;
    rt.inRun = false;
    log->info("job '{}' succeeded (attempt {})", rt.job.name, attempt);
  } else if (m_stopping.load()) {
    rt.record.status = status::kCancelled;
    rt.record.message = "scheduler stopped: " + result.error().message;
    rt.record.finishedTs = now;
    rt.inRun = false;
  } else if (attempt <= rt.job.retries && !isSetupError(result)) {
    rt.record.status = status::kRetrying;
    rt.record.message = fmt::format("attempt {} failed: {}; retrying in {}", attempt, result.error().message,
                                    formatDuration(rt.job.retryDelay));
    rt.retryPending = true;
    rt.retryAt = now + toNs(rt.job.retryDelay);
    log->warn("job '{}' {}", rt.job.name, rt.record.message);
  } else {
    rt.record.status = timedOut ? status::kTimedOut : status::kFailed;
    rt.record.message = withNote(
        isSetupError(result) && attempt <= rt.job.retries
            ? fmt::format("setup error, not retried (retrying cannot fix it): {}", result.error().message)
        : attempt > 1 ? fmt::format("failed after {} attempts: {}", attempt, result.error().message)
                      : result.error().message);
    rt.record.finishedTs = now;
    rt.inRun = false;
    log->error("job '{}' {}", rt.job.name, rt.record.message);
  }
  rememberLocked(rt);
  pushUpdateLocked(rt, updated);
  if (rt.record.finishedTs) finished.push_back(rt.record);
}

void Scheduler::shutdownWorkers() {
  auto log = common::logger("jobs");
  std::vector<JobRunRecord> updated, finished;
  std::vector<std::shared_ptr<Attempt>> attempts;
  {
    std::lock_guard lock(m_mutex);
    for (auto& rt : m_jobs)
      if (rt->attempt) {
        rt->attempt->cancel.store(true);
        attempts.push_back(rt->attempt);
      }
  }
  // Wait (real time) for cancelled actions to return.
  const auto deadline = std::chrono::steady_clock::now() + m_options.stopGrace;
  for (auto& a : attempts) {
    while (!a->done.load(std::memory_order_acquire) && std::chrono::steady_clock::now() < deadline) {
      std::unique_lock lock(m_signal->mutex);
      m_signal->cv.wait_for(lock, std::chrono::milliseconds(5), [&] { return a->done.load(); });
    }
  }
  std::shared_ptr<IJobHistory> sink;
  RunCallback onFinished;
  std::shared_ptr<const contract::JobsSnapshot> snap;
  std::vector<JobRunRecord> stored;
  {
    std::lock_guard lock(m_mutex);
    const domain::Timestamp now = m_clock.now();
    for (auto& ptr : m_jobs) {
      Runtime& rt = *ptr;
      if (rt.attempt) {
        std::shared_ptr<Attempt> a = std::move(rt.attempt);
        if (a->done.load()) {
          if (a->thread.joinable()) a->thread.join();
        } else {
          log->error("job '{}' did not stop within {}; its worker is detached", rt.job.name,
                     formatDuration(std::chrono::duration_cast<std::chrono::milliseconds>(m_options.stopGrace)));
          if (a->thread.joinable()) a->thread.detach();
        }
        if (!a->timedOut && a->done.load() && a->result.ok()) {
          finishAttemptLocked(rt, a->result, false, now, updated, finished, a->message);
          continue;
        }
      }
      if (rt.inRun && rt.retryPending) {
        // Waiting for a retry: the run stays unfinished ("retrying") so that the next start resumes it at its
        // next attempt (checkCatchUpLocked), or records it as abandoned.
        rt.record.message += "; the scheduler stopped before the retry";
        rt.inRun = false;
        rt.retryPending = false;
        rememberLocked(rt);
        pushUpdateLocked(rt, updated);
      } else if (rt.inRun) {
        rt.record.status = status::kCancelled;
        rt.record.message = "scheduler stopped";
        rt.record.finishedTs = now;
        rt.inRun = false;
        rt.retryPending = false;
        rememberLocked(rt);
        pushUpdateLocked(rt, updated);
        finished.push_back(rt.record);
      }
    }
    stored.swap(m_storedUpdates);
    m_dirty = false;
    snap = m_snapshot = buildSnapshotLocked(now);
    sink = m_historySink;
    onFinished = m_onFinished;
  }
  if (sink) {
    for (const auto& r : updated) sink->runUpdated(r);
    for (const auto& r : stored) sink->storedRunUpdated(r);
  }
  if (onFinished)
    for (const auto& r : finished) onFinished(r);
  publish(snap);
}

// ---- Helpers -------------------------------------------------------------------------------------------------------

Scheduler::Runtime* Scheduler::findLocked(const std::string& name) {
  for (auto& rt : m_jobs)
    if (rt->job.name == name) return rt.get();
  return nullptr;
}

const Scheduler::Runtime* Scheduler::findLocked(const std::string& name) const {
  for (const auto& rt : m_jobs)
    if (rt->job.name == name) return rt.get();
  return nullptr;
}

void Scheduler::pushUpdateLocked(const Runtime& rt, std::vector<JobRunRecord>& updated) {
  (rt.resumedStored ? m_storedUpdates : updated).push_back(rt.record);
}

void Scheduler::rememberLocked(const Runtime& rt) {
  const JobRunRecord& run = rt.record;
  const bool isLocal = !rt.resumedStored;  // a resumed run is the persisted entry, by its stored id
  for (auto& [local, rec] : m_history) {
    if (local == isLocal && rec.id == run.id) {
      rec = run;
      return;
    }
  }
  m_history.emplace_front(isLocal, run);
  while (m_history.size() > m_options.historyLimit) m_history.pop_back();
}

std::shared_ptr<const contract::JobsSnapshot> Scheduler::buildSnapshotLocked(domain::Timestamp now) const {
  auto snap = std::make_shared<contract::JobsSnapshot>();
  snap->asOf = now;
  snap->jobs.reserve(m_jobs.size());
  for (const auto& ptr : m_jobs) {
    const Runtime& rt = *ptr;
    contract::JobState s;
    s.name = rt.job.name;
    s.description = rt.job.description;
    s.schedule = rt.job.schedule.describe();
    s.configured = rt.job.configured();
    s.notConfiguredReason = s.configured ? std::string() : rt.job.notConfiguredReason;
    s.enabled = rt.job.enabled;
    s.catchUp = toString(rt.job.catchUp);
    s.nextRun = s.configured && s.enabled ? (rt.retryPending ? rt.retryAt : rt.nextRun) : 0;
    s.running = static_cast<bool>(rt.attempt) && !rt.attempt->timedOut;
    s.retries = rt.job.retries;
    s.retryDelayMs = rt.job.retryDelay.count();
    s.timeoutMs = rt.job.timeout.count();
    const JobRunRecord* last = rt.hasRecord ? &rt.record : rt.hasSeeded ? &rt.seeded : nullptr;
    if (last) {
      s.attempt = last->attempt;
      s.lastStatus = last->status;
      s.lastStarted = last->startedTs;
      s.lastFinished = last->finishedTs.value_or(0);
      s.lastMessage = last->message;
    }
    snap->jobs.push_back(std::move(s));
  }
  snap->history.reserve(m_history.size());
  for (const auto& [local, rec] : m_history)
    snap->history.push_back(
        contract::JobRun{rec.id, rec.jobName, rec.startedTs, rec.finishedTs, rec.status, rec.attempt, rec.message});
  return snap;
}

void Scheduler::publish(std::shared_ptr<const contract::JobsSnapshot> snapshot) {
  if (m_bus && snapshot) m_bus->publish(std::move(snapshot));
}

}  // namespace meridian::jobs
