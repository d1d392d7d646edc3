#pragma once
// Data quality checks over one bar series -> an immutable DataQualityReport (value type; share it as
// std::shared_ptr<const DataQualityReport> with the UI, e.g. through the QualityChecked event).
//
// Checks (each issue names the kind, symbol, source, the ts it concerns and a human-readable detail):
//  * DuplicateTs      the same ts more than once in the input (file / vendor batch); the store keeps the last.
//  * OutOfOrder       a ts smaller than its predecessor in the input.
//  * InsaneBar        domain::isSane fails (non-positive price, low > min(open, close), high < max(open, close),
//                     negative volume) or a non-finite vwap.
//  * MissingSessions  daily: NYSE sessions (NyseCalendar) between the first and last bar with no bar; consecutive
//                     missing sessions are reported as one issue ("3 sessions missing: 2024-01-03 .. 2024-01-05").
//                     intraday: a session in the range with no bar at all.
//  * MissingBars      intraday: a session with fewer in-session bars than it has 1m / 1h slots (early closes
//                     counted correctly; 1h slots are aligned to the 09:30 open).
//  * NonSessionBar    daily: a bar dated on a day the NYSE was closed (weekend / holiday).
//  * StaleSeries      asOf given: more than staleAfterSessions complete sessions since the last bar.
// Issues are ordered by kind, then ts. At most maxIssuesPerKind per kind are listed (counts stay exact).
#include "core/domain/Types.h"
#include "core/marketdata/Timeframe.h"

#include <array>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::marketdata {

enum class IssueKind : std::uint8_t {
  DuplicateTs,
  OutOfOrder,
  InsaneBar,
  MissingSessions,
  MissingBars,
  NonSessionBar,
  StaleSeries,
};
inline constexpr std::size_t kIssueKindCount = 7;
std::string_view toString(IssueKind k);  // "duplicate_ts", "out_of_order", ...

struct QualityIssue {
  IssueKind kind = IssueKind::DuplicateTs;
  std::string symbol;
  std::string source;
  Timestamp ts = 0;
  std::string detail;
  friend bool operator==(const QualityIssue&, const QualityIssue&) = default;
};

struct QualityOptions {
  Timeframe timeframe = Timeframe::Day1;
  bool checkGaps = true;
  int staleAfterSessions = 3;        // StaleSeries when more complete sessions than this passed since the last bar
  Timestamp asOf = 0;                // 0 = no staleness check
  std::size_t maxIssuesPerKind = 500;
};

struct DataQualityReport {
  std::string symbol;
  std::string source;
  Timeframe timeframe = Timeframe::Day1;
  Timestamp checkedAt = 0;           // QualityOptions::asOf (0 if not given)
  std::size_t barsChecked = 0;
  Timestamp firstTs = 0;             // extent of the series (0 when empty)
  Timestamp lastTs = 0;
  std::vector<QualityIssue> issues;  // capped per kind, see counts
  std::array<std::size_t, kIssueKindCount> counts{};  // exact number of occurrences per kind
  // For MissingSessions / MissingBars: the exact number of sessions / bars missing.
  std::size_t missingSessions = 0;
  std::size_t missingBars = 0;

  std::size_t count(IssueKind k) const { return counts[std::size_t(k)]; }
  std::size_t totalIssues() const;
  bool clean() const { return totalIssues() == 0; }
  // "NVDA yahoo 1d: 4012 bars 1999-01-22..2014-12-31; clean" / "...; 2 missing_sessions (3 sessions), 1 insane_bar"
  std::string summary() const;
};

class DataQuality {
 public:
  // bars in input order (not necessarily sorted; duplicates allowed).
  static DataQualityReport check(std::string_view symbol, std::string_view source, std::span<const domain::Bar> bars,
                                 const QualityOptions& options = {});
  // Sorted by ts with later duplicates replacing earlier ones (what upsertBars stores), insane bars removed.
  static std::vector<domain::Bar> normalized(std::span<const domain::Bar> bars);
};

}  // namespace meridian::marketdata
