#pragma once
// Port: backtest results (analytics.backtest_runs) and scheduled-job history (logging.job_runs).
#include "core/common/Result.h"
#include "core/storage/Records.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace meridian::storage {

class IRunStore {
 public:
  virtual ~IRunStore() = default;

  // Inserts a new run (run.id is ignored) and returns its id.
  virtual Result<std::int64_t> saveBacktestRun(const BacktestRunRecord& run) = 0;
  virtual Result<std::optional<BacktestRunRecord>> loadBacktestRun(std::int64_t id) = 0;
  // Most recent first (by created_ts, then id); equityCurveJson / tradesJson are left "[]". limit 0 = all.
  virtual Result<std::vector<BacktestRunRecord>> listBacktestRuns(std::size_t limit) = 0;

  // Inserts a new job run (run.id is ignored) and returns its id.
  virtual Result<std::int64_t> recordJobRun(const JobRunRecord& run) = 0;
  // Updates finishedTs, status, attempt and message of the run with run.id (errc::kInvalid if unknown).
  virtual Status updateJobRun(const JobRunRecord& run) = 0;
  // Runs of one job (jobName non-empty) or all jobs, most recent first; limit 0 = all.
  virtual Result<std::vector<JobRunRecord>> listJobRuns(std::string_view jobName, std::size_t limit) = 0;
};

}  // namespace meridian::storage
