#pragma once
#include "core/common/Config.h"

#include <QStringList>

namespace meridian::cli {

// The GUI benchmarks live in GUI executables (they need Qt Widgets, which meridian-cli does not link); these run
// them, looking next to meridian-cli first, then in the build tree's ui/ folder, then on PATH, and forward their
// output and exit code.
//
// `meridian-cli bench chart [--bars N] [--frames F] [--width W] [--height H]`: meridian-bench-chart, chart frame time.
int runBenchChart(const QStringList& args, const common::Config& config);
// `meridian-cli bench gui [--seconds S] [--ticks N] [--timer-ms T] [--history-bars N]`: meridian-bench-gui, event-loop
// lag of the real main window under the simulated feed.
int runBenchGui(const QStringList& args, const common::Config& config);

}  // namespace meridian::cli
