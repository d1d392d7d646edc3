#pragma once
#include "core/common/Config.h"

#include <QStringList>

namespace meridian::cli {

// bench load [--rows N] [--runs N] [--pg URI]: rows/s of the bar reader on daily and intraday CSV, and bars/s of
// reading a stored series from SQLite (and PostgreSQL when a URI is known).
int runBenchLoad(const QStringList& args, const common::Config& config);

}  // namespace meridian::cli
