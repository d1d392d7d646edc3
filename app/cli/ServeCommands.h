#pragma once
#include "core/common/Config.h"

#include <QStringList>

namespace meridian::cli {

// meridian-cli serve [--allow-embedded] [--stdin-commands]
// Runs the Kernel (runtime.mode=serve: storage, ingestion, jobs, strategies, risk, execution, configured feed)
// without a GUI until SIGTERM / SIGINT, then shuts down cleanly and exits 0. Exit 1 when start-up fails, 2 on a
// usage / configuration error.
int runServe(const QStringList& args, const common::Config& config);

}  // namespace meridian::cli
