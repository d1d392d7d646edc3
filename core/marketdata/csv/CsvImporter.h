#pragma once
// CSV bar files for ingestion (import-csv, the GUI's import): the Qt-facing face of THE bar reader,
// core/bars/BarCsvReader.h, which holds every rule (strict by default: file, line, column and reason on the first
// bad row, no bars; sort / dedupe / skip-bad-rows only when asked). Yahoo downloads (Date,Open,High,Low,Close,
// Adj Close,Volume) or generic files with a column map ("date=Date,open=O,high=H,...").
#include "core/bars/BarCsvReader.h"
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
  QChar delimiter = QLatin1Char(',');     // ASCII
  bool sort = false;                       // accept rows out of time order (sorted); default: an error
  bool dedupeLast = false;                 // accept duplicated timestamps (the last row wins); default: an error
  bool skipBadRows = false;                // bad rows become CsvData::rowErrors instead of failing
};

struct CsvData {
  std::vector<domain::Bar> bars;   // ascending time
  std::vector<int> lines;          // 1-based file line of each bar
  Timeframe timeframe = Timeframe::Day1;  // Day1 when every row has a bare date, else as detected (BarCsv)
  std::size_t rows = 0;            // data rows read (excluding header / blank lines)
  std::size_t skippedNullRows = 0;
  std::size_t sortedRows = 0;         // rows that were out of order (sort)
  std::size_t droppedDuplicates = 0;  // rows replaced by a later row of the same time (dedupeLast)
  QStringList header;
  std::vector<bars::CsvRowError> rowErrors;  // skipBadRows: the first 100 bad rows
  std::size_t badRows = 0;
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
