#pragma once
// The screener's criteria engine: filters and sorts per-symbol metrics (SymbolMetrics.h) by Criteria (Criteria.h).
// Plain C++, no I/O: ScreenerService feeds it from storage, the CLI from storage or CSV files, tests directly.
#include "core/screener/Criteria.h"
#include "core/screener/SymbolMetrics.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace meridian::screener {

enum class Verdict : std::uint8_t { Pass, Fail, Unknown };

// Why a symbol was excluded without being judged: a filtered field is unknown for it.
struct Exclusion {
  enum class Kind : std::uint8_t { NoData, InsufficientHistory, UnknownFundamental };
  std::string symbol;
  Kind kind = Kind::NoData;
  std::string reason;  // "insufficient history for RSI 14: 9 bars, needs 15", "no market cap stored"
};

struct ScreenerResult {
  Criteria criteria;
  std::vector<SymbolMetrics> rows;    // matches in sort order (at most criteria.limit when set)
  std::vector<Exclusion> excluded;    // ordered by symbol
  std::size_t scanned = 0;            // symbols evaluated
  std::size_t matched = 0;            // before the limit
  std::size_t failed = 0;             // known values outside a filter
};

// Judges one symbol. On Unknown, *exclusion (when given) explains which field is missing; the first failing or
// unknown filter decides (filters are checked in the order of Criteria's fields).
Verdict evaluate(const SymbolMetrics& m, const Criteria& c, Exclusion* exclusion = nullptr);

// Numeric sort key of a column (nullopt = unknown; Symbol / Sector have none, see compareRows).
std::optional<double> columnValue(const SymbolMetrics& m, Column c);
// Strict weak order for c.sortBy / c.descending: unknown values last in both directions, ties by symbol ascending.
bool rowLess(const SymbolMetrics& a, const SymbolMetrics& b, Column by, bool descending);
void sortRows(std::vector<SymbolMetrics>& rows, Column by, bool descending);

// Filters, sorts and truncates. `metrics` are consumed.
ScreenerResult screen(const Criteria& c, std::vector<SymbolMetrics> metrics);

// Display text of a cell as the CLI table and CSV export print it ("" for unknown): numbers with fixed
// decimals, no thousands separators; last date as YYYY-MM-DD in the exchange time zone.
std::string cellText(const SymbolMetrics& m, Column c);
std::string_view toString(Cross c);

}  // namespace meridian::screener
