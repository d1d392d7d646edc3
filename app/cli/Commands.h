#pragma once
#include "core/common/Config.h"

#include <QStringList>

namespace meridian::cli {

// Each command prints to stdout, errors to stderr, and returns the process exit code
// (0 ok, 1 failure, 2 usage error).
int runConfig(const common::Config& config);
int runMigrate(const common::Config& config);
int runCalendar(const QStringList& args);
int runHealth(const common::Config& config);

}  // namespace meridian::cli
