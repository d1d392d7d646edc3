#pragma once
// Jobs <-> UI values carried by the EventBus (immutable once published).
//   "sys.jobs"      JobsSnapshot   published by the Scheduler whenever a job's state changes (latest wins)
//   "jobs.cmd.run"  RunJobNow      command from the UI; a refused command comes back as bus::CommandRejected on
//                                  "sys.command.rejected" with the same correlation id
// (The run-now command deliberately lives outside "cmd.>", which the Kernel's order loop owns.)
#include <string>
#include <vector>

#include "core/domain/Types.h"
#include "core/storage/Records.h"

namespace meridian::jobs {

namespace topics {
inline constexpr const char* kSnapshot = "sys.jobs";
inline constexpr const char* kRunNow = "jobs.cmd.run";
inline constexpr const char* kRejected = "sys.command.rejected";
}  // namespace topics

struct JobState {
  std::string name;
  std::string description;
  std::string schedule;            // Schedule::describe()
  bool configured = false;         // an action is wired
  std::string notConfiguredReason;
  bool enabled = true;
  domain::Timestamp nextRun = 0;   // 0 = not scheduled (manual, disabled, not configured, or running)
  bool running = false;
  int attempt = 0;                 // current or last attempt number
  int retries = 0;
  std::int64_t retryDelayMs = 0;
  std::int64_t timeoutMs = 0;
  std::string lastStatus;          // "" = never ran; else a jobs::status value
  domain::Timestamp lastStarted = 0;
  domain::Timestamp lastFinished = 0;
  std::string lastMessage;
};

struct JobsSnapshot {
  std::vector<JobState> jobs;                    // in registration order
  std::vector<storage::JobRunRecord> history;    // recent runs of every job, most recent first (bounded)
  domain::Timestamp asOf = 0;
};

struct RunJobNow {
  std::string correlationId;
  std::string jobName;
};

}  // namespace meridian::jobs
