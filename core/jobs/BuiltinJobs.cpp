#include "core/jobs/BuiltinJobs.h"

#include <fmt/core.h>

#include "core/common/Logging.h"
#include "core/jobs/DbBackup.h"

namespace meridian::jobs::builtin {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;

Job make(const char* name, std::string description, Schedule schedule, JobAction action, milliseconds timeout,
         std::string notConfigured) {
  Job j;
  j.name = name;
  j.description = std::move(description);
  j.schedule = schedule;
  j.action = std::move(action);
  j.timeout = timeout;
  j.notConfiguredReason = std::move(notConfigured);
  return j;
}

std::string reason(const std::string& given, const char* fallback) { return given.empty() ? fallback : given; }

}  // namespace

void applyOverrides(const common::Config& config, Job& job, std::vector<std::string>* warnings) {
  const QString prefix = QStringLiteral("jobs.%1.").arg(QString::fromStdString(job.name));
  const auto warn = [&](const std::string& w) {
    if (warnings) warnings->push_back(w);
  };
  if (const QString s = config.value(prefix + QStringLiteral("schedule")); !s.trimmed().isEmpty()) {
    Schedule parsed;
    if (Schedule::parse(s.toStdString(), &parsed))
      job.schedule = parsed;
    else
      warn(fmt::format("{}schedule '{}' is not understood; keeping '{}'", prefix.toStdString(), s.toStdString(),
                       job.schedule.describe()));
  }
  const auto boolKey = [&](const char* key, bool fallback) {
    const QString k = prefix + QLatin1String(key);
    if (!config.contains(k) || config.value(k).trimmed().isEmpty()) return fallback;
    const QString v = config.value(k).trimmed().toLower();
    if (v == QLatin1String("true") || v == QLatin1String("1") || v == QLatin1String("yes") || v == QLatin1String("on"))
      return true;
    if (v == QLatin1String("false") || v == QLatin1String("0") || v == QLatin1String("no") || v == QLatin1String("off"))
      return false;
    warn(fmt::format("{} '{}' is not true or false; keeping {}", k.toStdString(), config.value(k).toStdString(),
                     fallback ? "true" : "false"));
    return fallback;
  };
  job.enabled = boolKey("enabled", job.enabled);
  if (const QString c = config.value(prefix + QStringLiteral("catch_up")).trimmed().toLower(); !c.isEmpty()) {
    if (c == QLatin1String("once"))
      job.catchUp = CatchUp::Once;
    else if (c == QLatin1String("none"))
      job.catchUp = CatchUp::None;
    else
      warn(fmt::format("{}catch_up '{}' is not once or none; keeping {}", prefix.toStdString(), c.toStdString(),
                       toString(job.catchUp)));
  }
  const auto intKey = [&](const char* key, int fallback, int min) {
    const QString k = prefix + QLatin1String(key);
    if (!config.contains(k)) return fallback;
    const int v = config.intValue(k, min - 1);
    if (v < min) {
      warn(fmt::format("{} must be an integer >= {}; ignored", k.toStdString(), min));
      return fallback;
    }
    return v;
  };
  job.retries = intKey("retries", job.retries, 0);
  job.retryDelay = milliseconds(static_cast<std::int64_t>(intKey("retry_delay_s", static_cast<int>(job.retryDelay.count() / 1000), 0)) * 1000);
  job.timeout = milliseconds(static_cast<std::int64_t>(intKey("timeout_s", static_cast<int>(job.timeout.count() / 1000), 0)) * 1000);
}

std::vector<Job> definitions(const common::Config& config, const Actions& actions) {
  std::vector<Job> jobs;
  jobs.push_back(make(kEodIngest, "Daily end-of-day bar ingest for the watchlist/universe",
                      Schedule::daily(QTime(17, 0)), actions.eodIngest, minutes(30),
                      reason(actions.eodIngestReason,
                             "needs the market-data ingestion service (core/marketdata), not wired in this build")));
  jobs.push_back(make(kCompanyInfo, "Weekly refresh of company info and key statistics",
                      Schedule::weekly(6, QTime(6, 0)), actions.companyInfo, minutes(60),
                      reason(actions.companyInfoReason,
                             "needs the fundamentals provider (core/marketdata), not wired in this build")));
  jobs.push_back(make(kPairDiscovery, "Weekly cointegrated-pair discovery over the universe",
                      Schedule::weekly(7, QTime(18, 0)), actions.pairDiscovery, minutes(60),
                      reason(actions.pairDiscoveryReason,
                             "needs the pair scanner (core/strategy/pairs), not wired in this build")));
  jobs.push_back(make(kStrategyCycle, "Intraday strategy cycle (hourly, only while NYSE is open)",
                      Schedule::hourlyWhileOpen(2), actions.strategyCycle, minutes(10),
                      reason(actions.strategyCycleReason,
                             "needs the strategy host (core/strategy), not wired in this build")));
  const BackupOptions backup = backupOptionsFrom(config);
  jobs.push_back(make(kDbBackup,
                      backup.backend == "postgres" ? "Database backup (pg_dump, custom format)"
                                                   : "Database backup (SQLite VACUUM INTO, newest kept)",
                      Schedule::daily(QTime(3, 0), false),
                      [backup](const std::atomic<bool>& cancel) -> Status {
                        auto r = runDbBackup(backup, cancel);
                        if (!r.ok()) return r.error();
                        return {};
                      },
                      minutes(30), {}));
  // Catch-up at start of a run missed while closed: daily and weekly housekeeping yes, the intraday cycle no.
  for (Job& j : jobs) j.catchUp = j.name == kStrategyCycle ? CatchUp::None : CatchUp::Once;
  std::vector<std::string> warnings;
  for (Job& j : jobs) applyOverrides(config, j, &warnings);
  for (const auto& w : warnings) common::logger("jobs")->warn("{}", w);
  return jobs;
}

}  // namespace meridian::jobs::builtin
