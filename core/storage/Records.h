#pragma once
// Value records persisted by storage/ that are not core domain types.
// All timestamps are domain::Timestamp (int64 UTC ns). JSON fields hold UTF-8 JSON text; backends may
// normalise it (PostgreSQL stores JSONB: key order / whitespace are not preserved, values are).
#include "core/domain/Types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace meridian::storage {

using domain::Timestamp;

// Machine error codes returned in Error::code by every storage adapter.
namespace errc {
inline constexpr const char* kUnavailable = "db.unavailable";       // cannot connect / connection lost
inline constexpr const char* kConstraint = "db.constraint";         // CHECK / UNIQUE / FK / NOT NULL violation
inline constexpr const char* kMigration = "db.migration";           // missing, changed or unknown migration
inline constexpr const char* kQuery = "db.error";                   // any other database error
inline constexpr const char* kInvalid = "storage.invalid";          // rejected before reaching the database
inline constexpr const char* kNotCompiled = "storage.not_compiled"; // backend disabled at build time
inline constexpr const char* kRedisUnavailable = "redis.unavailable";
inline constexpr const char* kRedis = "redis.error";
inline constexpr const char* kDecode = "codec.decode";
}  // namespace errc

// One stored bar series (symbol, source) and its extent.
struct SeriesInfo {
  std::string symbol;
  std::string source;
  std::int64_t barCount = 0;
  Timestamp firstTs = 0;
  Timestamp lastTs = 0;
  friend bool operator==(const SeriesInfo&, const SeriesInfo&) = default;
};

// Incremental-load bookkeeping (data_ingestion.load_runs).
struct LoadRun {
  std::string symbol;
  std::string source;
  Timestamp lastLoadedTs = 0;  // newest bar ts successfully stored
  Timestamp updatedTs = 0;     // when the load ran
  friend bool operator==(const LoadRun&, const LoadRun&) = default;
};

// data_ingestion.symbols: an instrument plus listing status.
struct SymbolRecord {
  domain::Instrument instrument;         // instrument.active mirrors the `active` column
  std::optional<Timestamp> delistedTs;   // set when the symbol was delisted
  Timestamp updatedTs = 0;
  friend bool operator==(const SymbolRecord&, const SymbolRecord&) = default;
};

struct CompanyInfo {
  std::string symbol;
  std::string name;
  std::string sector;
  std::string industry;
  std::string country;
  std::string website;
  std::string description;
  std::optional<std::int64_t> employees;
  Timestamp updatedTs = 0;
  friend bool operator==(const CompanyInfo&, const CompanyInfo&) = default;
};

// Fundamentals snapshot as of asOfTs; nullopt = not reported by the source.
struct KeyStatistics {
  std::string symbol;
  Timestamp asOfTs = 0;
  std::optional<double> marketCap;
  std::optional<double> peRatio;
  std::optional<double> forwardPe;
  std::optional<double> eps;
  std::optional<double> dividendYield;
  std::optional<double> beta;
  std::optional<double> fiftyTwoWeekHigh;
  std::optional<double> fiftyTwoWeekLow;
  std::optional<double> avgVolume;
  std::optional<double> sharesOutstanding;
  friend bool operator==(const KeyStatistics&, const KeyStatistics&) = default;
};

// analytics.backtest_runs. id is assigned by the store (0 before saving).
struct BacktestRunRecord {
  std::int64_t id = 0;
  std::string strategy;
  std::string paramsJson = "{}";
  std::vector<std::string> symbols;
  Timestamp startTs = 0;
  Timestamp endTs = 0;
  Timestamp createdTs = 0;
  double finalValue = 0.0;
  std::string metricsJson = "{}";
  std::string equityCurveJson = "[]";  // large: omitted (left "[]") by listBacktestRuns
  std::string tradesJson = "[]";       // large: omitted (left "[]") by listBacktestRuns
};

// logging.job_runs. status is owned by jobs/ (e.g. "running", "succeeded", "failed", "retrying").
struct JobRunRecord {
  std::int64_t id = 0;  // assigned by recordJobRun
  std::string jobName;
  Timestamp startedTs = 0;
  std::optional<Timestamp> finishedTs;
  std::string status = "running";
  int attempt = 1;
  std::string message;
  friend bool operator==(const JobRunRecord&, const JobRunRecord&) = default;
};

// notification.notifications: one external delivery (notify::Notifier). status: "queued" | "sent" | "failed".
// subject/body are what the channel sends (email: subject and text; webhook: title and the JSON document).
struct NotificationRecord {
  std::int64_t id = 0;  // assigned by addNotification
  Timestamp ts = 0;     // when the event happened (UTC ns)
  std::string channel;  // "email" | "webhook"
  std::string subject;
  std::string body;
  std::string status = "queued";
  std::string eventKey;  // the dedup key (e.g. "job_failed:eod_ingest")
  int attempts = 0;
  std::string lastError;  // redacted
  Timestamp updatedTs = 0;
  friend bool operator==(const NotificationRecord&, const NotificationRecord&) = default;
};

// logging.logs. id is assigned by the store (ignored by appendLogs).
struct LogRow {
  std::int64_t id = 0;
  Timestamp ts = 0;
  std::string level;   // spdlog level name: trace|debug|info|warning|error|critical
  std::string logger;
  std::string message; // must already be redacted
  friend bool operator==(const LogRow&, const LogRow&) = default;
};

}  // namespace meridian::storage
