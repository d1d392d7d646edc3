#pragma once
// THE bar CSV reader: every path that reads bars from a CSV file uses it (import-csv and the GUI import through
// marketdata::CsvImporter, backtest --csv / screen / pairs-scan and the backtest service through
// backtest::loadCsvSpecs). Plain C++ on the hot path: the file is memory-mapped (QFile::map), numbers go through
// std::from_chars, ISO dates and date-times through integer calendar arithmetic and a per-year offset table
// (time::LocalTimeResolver); no QString/QDateTime per row (only a custom `dateFormat` takes Qt's slow path).
// Plain lines are split and converted in one pass (CsvReadOptions::fastPath), with the same result.
//
// Input: Yahoo downloads (Date,Open,High,Low,Close[,Adj Close],Volume; extra columns ignored) or any header with a
// column map. UTF-8 (a BOM is skipped), CRLF, RFC 4180 quoting, blank lines skipped, Yahoo "null" rows skipped and
// counted (all of open, high, low and close "null"; a single "null" is an error).
//
// Strict by default. The first problem is an Error (code kCsvParse; kCsvOpen when the file cannot be read) whose
// message names the file, the line, the column and the reason, e.g.
//   "orcl.csv:17: column 3 (High): 'abc' is not a number"
// and no bars are returned. Rejected: a file with no header or no data rows; a byte-order mark of UTF-16 or UTF-32
// (named) or NUL bytes; a line longer than maxLineBytes (memory per line is bounded); a wrong field count; a value
// that is not a finite number; a price that is not positive or above maxPrice, a volume below 0 or above maxVolume;
// high below max(open, close), low above min(open, close); a date that is not a date, or outside the int64
// nanosecond range 1677-09-21 .. 2262-04-11; a timestamp equal to (duplicate) or before (out of order) the
// previous row's. `sort` sorts out-of-order rows instead, `dedupeLast` keeps the last row of a duplicated
// timestamp. `skipBadRows` turns row-level problems into CsvRowErrors (the screener lists them) and goes on.
//
// Timestamps: a bare date is a daily bar keyed at 09:30 America/New_York of that date (marketdata/Timeframe.h);
// a date-time ("yyyy-MM-dd HH:mm[:ss[.fffffffff]]", 'T' form) is the bar's open instant, taken as written with a
// 'Z' / +hh:mm / +hhmm offset, else wall time in `timeZone` (DST as time::TimeZones::fromZone). A separate time
// column is joined to the date. Digits only: 8 = yyyyMMdd, 10 = epoch seconds, 13 = epoch milliseconds.
#include "core/common/Result.h"
#include "core/domain/Timeframe.h"
#include "core/domain/Types.h"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::bars {

inline constexpr const char* kCsvParse = "csv.parse";  // the content is wrong
inline constexpr const char* kCsvOpen = "csv.open";    // the file cannot be read (missing, a directory, ...)
inline constexpr const char* kCsvUsage = "usage";      // the options are wrong (unknown time zone)

// Header names for each field (matched case-insensitively); empty = column absent.
struct CsvColumns {
  std::string date = "Date";  // date or date-time
  std::string time;           // optional separate time-of-day column
  std::string open = "Open";
  std::string high = "High";
  std::string low = "Low";
  std::string close = "Close";
  std::string adjClose;       // used when adjust
  std::string volume = "Volume";
  std::string vwap;
  std::string trades;
};

struct CsvReadOptions {
  enum class Layout { Yahoo, Mapped };
  Layout layout = Layout::Yahoo;  // Yahoo: the fixed names above, "Adj Close" (or adj_close, adjclose) optional
  CsvColumns columns;             // Mapped only; volume, vwap, trades, time named here must exist
  std::string timeZone = "America/New_York";  // wall-clock zone of date-times without an offset
  std::string dateFormat;         // QDate/QDateTime format (slow path); empty = the automatic forms above
  bool adjust = false;            // scale OHLC by adj close / close (needs the adjusted-close column)
  char delimiter = ',';
  bool sort = false;              // accept rows out of time order and sort them
  bool dedupeLast = false;        // accept duplicated timestamps, keeping the last row of each
  bool skipBadRows = false;       // row-level problems become rowErrors instead of failing the read
  // Every row must carry a whole bar: a Yahoo "null" row and a blank volume are errors (the screener: metrics over
  // a series with holes would be wrong), instead of skipped / read as 0.
  bool requireComplete = false;
  // Plain lines (no quote, no padding, numbers "digits[.digits]") are split and converted in one pass; false
  // reads every line through the general path (the same bars and errors: the tests compare the two).
  bool fastPath = true;
  std::size_t maxLineBytes = 64 * 1024;
  double maxPrice = 1e9;          // upper sanity bound of a price
  double maxVolume = 1e15;        // and of a volume
};

struct CsvRowError {
  std::size_t line = 0;  // 1-based line of the row
  int column = 0;        // 1-based column; 0 = the row as a whole
  std::string columnName;
  std::string reason;
  // "<name>:<line>: column <c> (<Name>): <reason>" (no column part when column == 0).
  std::string describe(std::string_view name) const;
};

struct BarCsv {
  std::vector<domain::Bar> bars;    // ascending ts (strictly, after sort/dedupe)
  std::vector<std::size_t> lines;   // 1-based file line of each bar
  // Day1 when every row has a bare date, else by the smallest spacing between rows: >= 1 h Hour1, exactly 15 min
  // Minute15, exactly 5 min Minute5, anything else Minute1.
  domain::Timeframe timeframe = domain::Timeframe::Day1;
  std::size_t rows = 0;             // data rows read (excluding header and blank lines)
  std::size_t skippedNullRows = 0;  // Yahoo "null" rows
  std::size_t sortedRows = 0;       // rows that were out of order (sort)
  std::size_t droppedDuplicates = 0;  // rows replaced by a later row of the same timestamp (dedupeLast)
  std::vector<std::string> header;
  std::vector<CsvRowError> rowErrors;  // skipBadRows: the first 100 bad rows
  std::size_t badRows = 0;             // skipBadRows: how many rows were skipped as bad
};

// Parses CSV text; `name` names the input in messages.
Result<BarCsv> readBarCsv(std::string_view text, const CsvReadOptions& options, std::string_view name);
// Reads a file (memory-mapped); messages name it as given.
Result<BarCsv> readBarCsvFile(const std::string& path, const CsvReadOptions& options = {});

}  // namespace meridian::bars
