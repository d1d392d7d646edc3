#pragma once
// Job: a named unit of scheduled work (the replacement for a Prefect flow).
//
// The action runs on a worker thread owned by the Scheduler and must poll `cancel` at convenient points: it is
// set when the job times out or the scheduler stops. An action that ignores it keeps its worker busy (C++ threads
// cannot be killed); the run is recorded as timed out anyway and the job is not started again until it returns.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "core/common/Result.h"
#include "core/jobs/Schedule.h"

namespace meridian::jobs {

using JobAction = std::function<Status(const std::atomic<bool>& cancel)>;

// What happens to an occurrence missed while the application was not running (the previous run, known from the
// persisted history, is older than the schedule's occurrence after it):
//   None  nothing: the next occurrence runs as scheduled (strategy_cycle: a stale intraday cycle is no use)
//   Once  one run at start, whatever the number of missed occurrences (eod_ingest, db_backup, ...)
// A run that a crash interrupted (persisted as running), or a stop during its retry wait (persisted as retrying),
// is resumed by a job with catch-up Once at its next attempt when its retry budget has one left (Scheduler.h);
// otherwise it is recorded as "abandoned" and, its budget spent, not run again (a missed occurrence after it still
// catches up). A run cancelled by a stop mid-attempt is run again at start by a catch-up Once job.
enum class CatchUp : std::uint8_t { None, Once };
constexpr const char* toString(CatchUp c) { return c == CatchUp::Once ? "once" : "none"; }

// An action's error with this code (or "config.<anything>") is a setup error: retrying cannot help (e.g. an empty
// universe.symbols), so the run fails at once, whatever Job::retries says.
inline constexpr const char* kSetupErrorCode = "config";
inline bool isSetupError(const Status& s) {
  return !s.ok() && (s.error().code == kSetupErrorCode || s.error().code.rfind("config.", 0) == 0);
}

struct Job {
  std::string name;          // unique, stable (stored in logging.job_runs.job_name)
  std::string description;   // one line for the Jobs dock
  Schedule schedule;
  JobAction action;          // empty = "not configured": never scheduled, run-now is refused
  std::string notConfiguredReason = "no action is wired for this job in this build";
  int retries = 3;                                   // re-attempts after a failed first attempt (Prefect semantics)
  std::chrono::milliseconds retryDelay{60'000};      // between attempts
  std::chrono::milliseconds timeout{0};              // per attempt; 0 = none
  bool enabled = true;                               // disabled jobs are listed but not scheduled
  CatchUp catchUp = CatchUp::None;                   // a missed occurrence (see CatchUp)

  bool configured() const { return static_cast<bool>(action); }
};

// Run statuses as stored in JobRunRecord::status.
namespace status {
inline constexpr const char* kRunning = "running";
inline constexpr const char* kRetrying = "retrying";      // an attempt failed; another one is scheduled
inline constexpr const char* kSucceeded = "succeeded";
inline constexpr const char* kFailed = "failed";          // last attempt failed (or timed out)
inline constexpr const char* kTimedOut = "timed_out";     // used for an attempt's message / final status
inline constexpr const char* kCancelled = "cancelled";    // scheduler stopped while the run was in progress
inline constexpr const char* kAbandoned = "abandoned";    // found unfinished at start (a crash or kill mid-run)
}  // namespace status

}  // namespace meridian::jobs
