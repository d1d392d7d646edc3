#pragma once
#include "core/common/Config.h"

#include <QStringList>

namespace meridian::cli {

// `meridian-cli bench risk [--n N] [--symbols S]`: N pre-trade checks (default 1,000,000) over a realistic
// account (S symbols, default 50, with positions, last prices and working orders), each timed on its own with
// steady_clock; prints p50 / p99 / p99.9 / max in ns for RiskEngine::check alone and for building the
// RiskState from the PositionBook plus the check, and the timer's own overhead. Goal: p99 < 2 us.
int runBenchRisk(const QStringList& args, const common::Config& config);

}  // namespace meridian::cli
