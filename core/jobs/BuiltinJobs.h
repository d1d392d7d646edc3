#pragma once
// The workstation's standard jobs (ex-Prefect flows). Times are America/New_York.
//
//   name            default schedule            default timeout  catch-up  action
//   eod_ingest      trading days 17:00          30 min           once      injected by the composition root (runtime/JobActions.h)
//   company_info    weekly Sat 06:00            60 min           once      injected (fundamentals via IngestionService)
//   pair_discovery  weekly Sun 18:00            60 min           once      injected (strategy/pairs scanner, stored pairs)
//   strategy_cycle  hourly while open, +2 min   10 min           none      injected (live StrategyRunner)
//   db_backup       daily 03:00 (every day)     30 min           once      built in (DbBackup.h)
//
// Jobs whose action is not injected are registered anyway and shown as "not configured" (never scheduled,
// run-now refused), so the Jobs dock never claims they work.
//
// Config overrides per job (key prefix jobs.<name>.):
//   schedule = Schedule::parse syntax ("daily 17:00", "weekly sat 06:00", "hourly-open +2", "every 15", "manual")
//   enabled = true|false (anything else is warned about and ignored), retries = N, retry_delay_s = N,
//   timeout_s = N (0 = none), catch_up = once|none (see jobs::CatchUp)
#include <string>
#include <vector>

#include "core/common/Config.h"
#include "core/jobs/Job.h"

namespace meridian::jobs::builtin {

inline constexpr const char* kEodIngest = "eod_ingest";
inline constexpr const char* kCompanyInfo = "company_info";
inline constexpr const char* kPairDiscovery = "pair_discovery";
inline constexpr const char* kStrategyCycle = "strategy_cycle";
inline constexpr const char* kDbBackup = "db_backup";

// Actions supplied by the composition root (runtime/JobActions.h; empty = not configured). A non-empty
// ...Reason replaces the default "not configured" text of that job (e.g. "strategy.live is empty").
struct Actions {
  JobAction eodIngest;
  JobAction companyInfo;
  JobAction pairDiscovery;
  JobAction strategyCycle;
  std::string eodIngestReason;
  std::string companyInfoReason;
  std::string pairDiscoveryReason;
  std::string strategyCycleReason;
};

// All five definitions, config overrides applied. db_backup's action is always set (backupOptionsFrom(config)).
std::vector<Job> definitions(const common::Config& config, const Actions& actions = {});

// Applies jobs.<job.name>.* overrides; malformed values are ignored with a warning in *warnings.
void applyOverrides(const common::Config& config, Job& job, std::vector<std::string>* warnings = nullptr);

}  // namespace meridian::jobs::builtin
