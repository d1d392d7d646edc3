#pragma once
// meridian-cli backtest / pairs-scan / report / bench backtest.
#include "core/common/Config.h"

#include <QStringList>

namespace meridian::cli {

// backtest --strategy NAME --param k=v ... --csv [SYM=]FILE ... [--json] [--save] [--grid k=a:b:s ... [--walk-forward IS:OOS [--anchored]]]
int runBacktestCommand(const QStringList& args, const common::Config& config);
// pairs-scan --csv [SYM=]FILE --csv [SYM=]FILE ... [--table]
int runPairsScan(const QStringList& args, const common::Config& config);
// report [--from D] [--to D] [--strategy ID] [--json] [--csv FILE]: P&L from the journal (research::PnlReport)
int runReport(const QStringList& args, const common::Config& config);
// bench backtest [BARS] [--threads N]
int runBenchBacktest(const QStringList& args, const common::Config& config);

}  // namespace meridian::cli
