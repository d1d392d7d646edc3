#pragma once
#include "core/common/Config.h"

#include <QStringList>

namespace meridian::cli {

// `meridian-cli screen [--preset FILE.json] [filter flags] [--input [SYM=]FILE.csv ...] [--csv OUT] [--json]`:
// runs the screener (core/screener) over the configured database's daily series (or over CSV files with --input)
// and prints the matches as a table; flags override the preset's values. `screen --help` lists the flags.
// Exit code 0 (also with no matches), 1 on a data/database error, 2 on a usage error (bad flag or preset JSON).
int runScreen(const QStringList& args, const common::Config& config);

// `meridian-cli bench screener [--symbols N] [--bars N] [--history N] [--storage]`: metrics + filter + sort over N
// synthetic symbols (default 3000 x 1300 daily bars) on one thread; prints symbols/s and bars/s. --storage also
// writes the universe to a temporary SQLite file and times ScreenerService::run reading it through StorageService.
int runBenchScreener(const QStringList& args, const common::Config& config);

}  // namespace meridian::cli
