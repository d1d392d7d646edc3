#pragma once
// Small, strict reader for daily Yahoo-style CSV files (Date,Open,High,Low,Close[,Adj Close],Volume[,...]).
// Columns are found by header name (case-insensitive; extra columns are ignored). Every row must have the
// header's field count, a YYYY-MM-DD date after the previous row's, finite numbers and sane OHLC
// (domain::isSane); anything else fails with "<file>:<line>: <reason>" (Error::code "csv.parse").
// Bar.ts is the session open, 09:30 America/New_York, of the row's date.
// The full importer (other sources, intraday, repair) lives in core/marketdata.
#include "core/backtest/BarSeries.h"
#include "core/common/Result.h"

#include <string>
#include <string_view>

namespace meridian::backtest {

struct CsvOptions {
  bool adjust = false;  // scale Open/High/Low/Close by Adj Close / Close (needs an Adj Close column)
};

// Reads a file; symbol empty = symbolFromPath(path).
Result<BarSeries> loadYahooCsv(const std::string& path, std::string symbol = {}, const CsvOptions& options = {});
// Parses CSV text; `source` names the input in error messages.
Result<BarSeries> parseYahooCsv(std::string_view text, std::string symbol, std::string_view source,
                                const CsvOptions& options = {});
// "…/orcl-1995-2014.csv" -> "ORCL": file name up to the first '-', '_' or '.', upper-cased.
std::string symbolFromPath(std::string_view path);

}  // namespace meridian::backtest
