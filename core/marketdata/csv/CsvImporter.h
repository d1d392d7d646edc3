#pragma once
// CSV bar files: Yahoo downloads (Date,Open,High,Low,Close,Adj Close,Volume; Adj Close optional, extra columns
// such as OpenInterest ignored) and generic files with a column map ("date=Date,open=O,high=H,...").
//
// - Timestamps: a bare date (yyyy-MM-dd, or dateFormat) gives a daily bar keyed at 09:30 ET of that date
//   (Timeframe.h). A date-time ("yyyy-MM-dd HH:mm[:ss]", ISO 8601 'T' form, optional fractional seconds) is the
//   bar's open instant: with a 'Z' or +hh:mm offset it is taken as written (tz-aware), otherwise it is wall time
//   in options.timeZone (default America/New_York). A separate time column (map key `time`) is joined to the date.
//   Integer epoch values are accepted too (10 digits = seconds, 13 = milliseconds).
// - All or nothing: the first malformed row (wrong column count, non-numeric or non-finite value, bad date,
//   bar failing OHLC sanity) returns Error code "parse" naming the file and line ("nvda.csv:17: ..."); no bars.
// - Yahoo's "null" rows (no trading data) are skipped and counted. Blank lines are ignored. UTF-8 BOM, CRLF and
//   RFC 4180 quoting are handled.
// - Bars are returned in file order: duplicates and ordering are left for DataQuality to report (the store keeps
//   the last bar of a duplicated ts).
#include "core/common/Result.h"
#include "core/domain/Types.h"
#include "core/marketdata/Timeframe.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <cstddef>
#include <vector>

namespace meridian::marketdata {

// Header names for each field; empty = column absent.
struct CsvColumnMap {
  QString date = QStringLiteral("Date");   // date or date-time
  QString time;                            // optional separate time-of-day column
  QString open = QStringLiteral("Open");
  QString high = QStringLiteral("High");
  QString low = QStringLiteral("Low");
  QString close = QStringLiteral("Close");
  QString adjClose;                        // used when CsvOptions::adjust
  QString volume = QStringLiteral("Volume");
  QString vwap;
  QString trades;

  // "date=Date,open=O,high=H,low=L,close=C,volume=V[,time=..,adjclose=..,vwap=..,trades=..]". Fields not named
  // keep no column (except the defaults above that the spec does not override: only date, open, high, low,
  // close are required). Unknown keys -> Error "usage".
  static Result<CsvColumnMap> parse(const QString& spec);
};

struct CsvOptions {
  enum class Format { Yahoo, Mapped };
  Format format = Format::Yahoo;
  CsvColumnMap map;                        // Mapped only (Yahoo uses its fixed header names)
  QByteArray timeZone = "America/New_York";  // wall-clock zone of date-times without an offset
  QString dateFormat;                      // QDate/QDateTime format; empty = auto (ISO, epoch)
  bool adjust = false;                     // scale OHLC by Adj Close / Close (Yahoo: needs "Adj Close")
  QChar delimiter = QLatin1Char(',');
};

struct CsvData {
  std::vector<domain::Bar> bars;   // file order
  std::vector<int> lines;          // 1-based file line of each bar
  Timeframe timeframe = Timeframe::Day1;  // Day1 when every row has a bare date, else Minute1 (intraday)
  std::size_t rows = 0;            // data rows read (excluding header / blank lines)
  std::size_t skippedNullRows = 0;
  QStringList header;
};

class CsvImporter {
 public:
  static Result<CsvData> readFile(const QString& path, const CsvOptions& options = {});
  // `name` is used in error messages.
  static Result<CsvData> read(const QByteArray& content, const CsvOptions& options = {},
                              const QString& name = QStringLiteral("csv"));
  // Symbol guessed from a file name: "nvda-1999-2014.csv" -> "NVDA", "AAPL.csv" -> "AAPL".
  static QString symbolFromFileName(const QString& path);
};

}  // namespace meridian::marketdata
