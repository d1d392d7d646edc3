#pragma once
// CLI commands of the market data module: import-csv, ingest, bench ingest, bench aggregate.
#include "core/common/Config.h"

#include <QStringList>

namespace meridian::cli {

// meridian-cli import-csv FILE [--symbol SYM] [--source csv] [--format yahoo|mapped] [--map date=Date,open=O,...]
//                             [--tz ZONE] [--date-format FMT] [--adjusted] [--delimiter C]
int runImportCsv(const QStringList& args, const common::Config& config);
// meridian-cli ingest --provider yahoo|polygon|alpaca --symbol SYM[,SYM..] [--from D] [--to D]
//                    [--timeframe 1d|1h|15m|5m|1m]
//                     [--adjusted] [--base-url URL] [--full] [--fundamentals]
// meridian-cli ingest --quality SYM [--source S]      data quality report of stored series
// meridian-cli ingest --stale [--source S]            series whose last bar is too old
int runIngest(const QStringList& args, const common::Config& config);
// meridian-cli bench ingest [--rows N] [--batch N] [--runs N] [--pg URI]
int runBenchIngest(const QStringList& args, const common::Config& config);
// meridian-cli bench aggregate [TRADES]   BarAggregator: trades/s into 1m/1h/1d bars (default 2M trades over a week)
int runBenchAggregate(const QStringList& args, const common::Config& config);

}  // namespace meridian::cli
