#pragma once
// Job: a named unit of scheduled work (the replacement for a Prefect flow).
//
// The action runs on a worker thread owned by the Scheduler and must poll `cancel` at convenient points: it is
// set when the job times out or the scheduler stops. An action that ignores it keeps its worker busy (C++ threads
// cannot be killed); the run is recorded as timed out anyway and the job is not started again until it returns.
#include <atomic>
#include <chrono>
#include <functional>
#include <string>

#include "core/common/Result.h"
#include "core/jobs/Schedule.h"

namespace meridian::jobs {

using JobAction = std::function<Status(const std::atomic<bool>& cancel)>;

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
}  // namespace status

}  // namespace meridian::jobs
