#pragma once
// What an ingestion or a CSV import is asked to do, and what it reports (marketdata::IngestionService runs them; the
// report travels to the UI in contract::IngestFinished).
#include "core/domain/Timeframe.h"
#include "core/domain/Types.h"
#include "core/marketdata/DataQuality.h"
#include "core/marketdata/csv/CsvImporter.h"

#include <QString>

#include <cstdint>
#include <optional>
#include <string>

namespace meridian::marketdata {

using domain::Timeframe;
using domain::Timestamp;

struct IngestRequest {
  std::string symbol;
  Timeframe timeframe = Timeframe::Day1;
  std::optional<Timestamp> from;   // explicit start (backfill); overrides load_runs
  std::optional<Timestamp> to;     // exclusive end; default: clock now
  bool full = false;               // ignore load_runs (re-load from the default lookback or `from`)
  bool fundamentals = false;       // also refreshFundamentals (failure is reported, not fatal)
};

struct IngestReport {
  std::string symbol;
  std::string source;
  std::string provider;            // "yahoo", "polygon", "alpaca", "csv"
  Timeframe timeframe = Timeframe::Day1;
  Timestamp from = 0;              // requested range [from, to)
  Timestamp to = 0;
  bool incremental = false;        // from came from load_runs
  bool upToDate = false;           // nothing to fetch
  std::size_t fetched = 0;         // bars received (parsed bars for CSV)
  std::size_t skippedRows = 0;     // CSV rows without data (Yahoo "null" rows)
  std::size_t rejected = 0;        // failed OHLC sanity: not stored
  std::size_t duplicates = 0;      // extra bars sharing a ts (the last one is stored)
  std::size_t inserted = 0;        // new rows
  std::size_t updated = 0;         // existing rows whose values changed
  std::size_t unchanged = 0;       // existing rows re-written with identical values
  std::size_t batches = 0;         // storage transactions that wrote bars
  std::size_t storageRetries = 0;  // storage calls repeated after the database was unavailable
  std::optional<Timestamp> lastLoadedTs;  // load_runs after the run
  bool fundamentalsStored = false;
  std::string fundamentalsError;   // non-fatal
  std::int64_t elapsedMs = 0;
  DataQualityReport quality;       // checks over the fetched / imported batch
  // "AAPL yahoo 1d: fetched 20, inserted 18, updated 1, unchanged 1, rejected 0; last 2024-01-31 (312 ms)"
  std::string summary() const;
};

struct CsvImportRequest {
  QString path;
  std::string symbol;              // empty: from the file name (CsvImporter::symbolFromFileName)
  std::string source = "csv";      // an intraday file gets its timeframe appended when this has none ("csv_5m")
  CsvOptions options;
};

}  // namespace meridian::marketdata
