#pragma once
// Scheduled jobs (the seed's Prefect flows): the scheduler's snapshot of every job and its recent runs, and the
// run-now command (a refusal comes back as CommandRejected with the same correlation id).
#include "core/contract/Message.h"
#include "core/domain/Types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace meridian::contract {

struct JobState {
  std::string name;
  std::string description;
  std::string schedule;            // jobs::Schedule::describe()
  bool configured = false;         // an action is wired
  std::string notConfiguredReason;
  bool enabled = true;
  std::string catchUp = "none";    // a run missed while the app was closed: "once" (one run at start) | "none"
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
  friend bool operator==(const JobState&, const JobState&) = default;
};

// One run of a job (as stored in logging.job_runs).
struct JobRun {
  std::int64_t id = 0;
  std::string jobName;
  domain::Timestamp startedTs = 0;
  std::optional<domain::Timestamp> finishedTs;
  std::string status = "running";  // a jobs::status value
  int attempt = 1;
  std::string message;
  friend bool operator==(const JobRun&, const JobRun&) = default;
};

struct JobsSnapshot {
  std::vector<JobState> jobs;    // in registration order
  std::vector<JobRun> history;   // recent runs of every job, most recent first (bounded)
  domain::Timestamp asOf = 0;
  friend bool operator==(const JobsSnapshot&, const JobsSnapshot&) = default;
};

struct RunJobNow {
  std::string correlationId;
  std::string jobName;
  friend bool operator==(const RunJobNow&, const RunJobNow&) = default;
};

template <> struct Spec<JobsSnapshot>
    : Declare<"sys.jobs", Kind::State, Lane::Coalescing, UiDelivery::Latest, Relay::Snapshot, "jobs"> {
  static QJsonObject encode(const JobsSnapshot&);
  static Result<JobsSnapshot> decode(const QJsonObject&);
};
template <> struct Spec<RunJobNow>
    : Declare<"cmd.jobs.run", Kind::Command, Lane::Lossless, UiDelivery::None, Relay::ToServer, "run_job"> {
  static QJsonObject encode(const RunJobNow&);
  static Result<RunJobNow> decode(const QJsonObject&);
};

}  // namespace meridian::contract
