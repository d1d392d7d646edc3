#pragma once
// The actions behind the built-in jobs (core/jobs/BuiltinJobs.h) and the live strategy runner, wired from the
// composition root. Each action runs on a scheduler worker thread, reports what it did through
// jobs::setRunMessage (stored as the run's message) and fails with the provider's / storage's own error so the
// scheduler's retries (3 x 60 s by default) apply. `cancel` (timeout, scheduler stop) is polled between symbols and
// while waiting for the strategy runner; a single HTTP request is bounded by http.timeout_ms instead.
//
// Config keys:
//   universe.symbols        "AAPL,MSFT,NVDA": symbols the data jobs cover, plus every strategy.live symbol; when both
//                           are empty, the active symbols in storage
//   ingest.provider         yahoo (default) | polygon | alpaca (the latter need their API keys, see ProviderFactory.h)
//   company_info.provider   polygon (default; the only adapter with fundamentals): needs POLYGON_API_KEY
//   pairs.source            stored daily series to scan (default: the ingest provider's source, else the symbol's
//                           longest daily series)
//   pairs.lookback_bars 504, pairs.min_observations 100, pairs.top 20, pairs.max_pvalue 0.10, pairs.keep_runs 12
#include "core/common/Clock.h"
#include "core/common/Config.h"
#include "core/common/Result.h"
#include "core/jobs/BuiltinJobs.h"
#include "core/live/StrategyRunner.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace meridian::marketdata {
class IngestionService;
}
namespace meridian::storage {
class StorageService;
}

namespace meridian::live {


struct JobContext {
  common::Config config;                              // a copy: jobs run on worker threads
  storage::StorageService* storage = nullptr;                  // required by every data job
  marketdata::IngestionService* ingestion = nullptr;  // eod_ingest, company_info
  StrategyRunner* strategies = nullptr;               // strategy_cycle (null: not configured)
  const common::IClock* clock = nullptr;              // null = real time
};

// The universe described above (sorted, unique, upper case). Error when it is empty.
Result<std::vector<std::string>> jobUniverse(const JobContext& context);

Status runEodIngest(const JobContext& context, const std::atomic<bool>& cancel);
Status runCompanyInfo(const JobContext& context, const std::atomic<bool>& cancel);
Status runPairDiscovery(const JobContext& context, const std::atomic<bool>& cancel);
Status runStrategyCycle(const JobContext& context, const std::atomic<bool>& cancel);

// Actions for jobs::builtin::definitions. strategy_cycle stays "not configured" without a runner.
jobs::builtin::Actions makeJobActions(std::shared_ptr<const JobContext> context);

// What the Kernel adds in startOperations: the live strategy runner (when strategy.live is set) and the job
// actions. Construct after storage and execution are started; destroy after the scheduler (its jobs use this)
// and before execution and storage stop. Everything given must outlive it.
class LiveServices {
 public:
  LiveServices(const common::Config& config, bus::EventBus& bus, storage::StorageService& storage,
               marketdata::IngestionService* ingestion, const common::IClock& clock);
  ~LiveServices();
  LiveServices(const LiveServices&) = delete;
  LiveServices& operator=(const LiveServices&) = delete;

  // Starts the runner. A bad strategy.* configuration is logged and leaves live strategies off (strategy_cycle
  // then reports the configuration error as its "not configured" reason); it never stops the Kernel.
  void start();
  void stop();

  jobs::builtin::Actions jobActions() const;
  StrategyRunner* strategies() { return m_runner.get(); }
  // "strategy.live is empty" (the runner still runs, for instances promoted at run time), or the configuration
  // error that left the runner off; empty when strategy.live runs.
  const std::string& strategiesProblem() const { return m_problem; }

 private:
  std::shared_ptr<JobContext> m_context;
  std::unique_ptr<StrategyRunner> m_runner;
  std::string m_problem;
  bool m_configError = false;  // m_problem is a configuration error (no runner)
};

}  // namespace meridian::live
