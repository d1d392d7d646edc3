#pragma once
#include "core/common/Config.h"

#include <QStringList>

namespace meridian::cli {

// `meridian-cli bench chart [--bars N] [--frames F] [--width W] [--height H]`: the chart frame-time benchmark lives
// in the GUI executable meridian-bench-chart (it needs Qt Widgets, which meridian-cli does not link); this runs it,
// looking next to meridian-cli first, then in the build tree's ui/ folder, then on PATH, and forwards its output
// and exit code.
int runBenchChart(const QStringList& args, const common::Config& config);

}  // namespace meridian::cli
