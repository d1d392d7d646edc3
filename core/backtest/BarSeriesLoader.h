#pragma once
// Bar series for the backtester from CSV files, read by THE bar reader (core/bars/BarCsvReader.h: strict, the
// same rules and messages as import-csv; errors "csv.parse" with "<file>:<line>: column <c> (<Name>): <reason>",
// "csv.open" for a missing file or a directory). Yahoo layout (Date,Open,High,Low,Close[,Adj Close],Volume; extra
// columns ignored); daily rows are keyed at 09:30 America/New_York, date-time rows at their instant.
#include "core/backtest/BarSeries.h"
#include "core/common/Result.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::backtest {

struct CsvOptions {
  bool adjust = false;      // scale Open/High/Low/Close by Adj Close / Close (needs an Adj Close column)
  bool sort = false;        // accept rows out of time order (sorted); default: an error
  bool dedupeLast = false;  // accept duplicated timestamps (the last row wins); default: an error
  bool requireComplete = false;  // a Yahoo "null" row or a blank volume is an error (bars::CsvReadOptions)
};

// Reads a file; symbol empty = symbolFromPath(path).
Result<BarSeries> loadYahooCsv(const std::string& path, std::string symbol = {}, const CsvOptions& options = {});
// Parses CSV text; `source` names the input in error messages.
Result<BarSeries> parseYahooCsv(std::string_view text, std::string symbol, std::string_view source,
                                const CsvOptions& options = {});
// "…/orcl-1995-2014.csv" -> "ORCL": file name up to the first '-', '_' or '.', upper-cased.
std::string symbolFromPath(std::string_view path);

// One "[SYM=]FILE" input as the CLI's --csv and the GUI's file list give it: a prefix before the first '=' that
// contains no path separator names the series (upper-cased); otherwise the symbol comes from symbolFromPath.
struct CsvSpec {
  std::string symbol;  // empty = symbolFromPath(path)
  std::string path;
};
CsvSpec parseCsvSpec(std::string_view spec);

inline constexpr const char* kDuplicateSymbolCode = "csv.duplicate_symbol";
// Loads every spec in order. Errors: the loader's ("csv.open", "csv.parse" with "<file>:<line>: <reason>"), or
// kDuplicateSymbolCode when two inputs give the same symbol.
Result<std::vector<BarSeries>> loadCsvSpecs(std::span<const std::string> specs, const CsvOptions& options = {});

}  // namespace meridian::backtest
