#pragma once
#include "core/common/Config.h"

#include <QStringList>

namespace meridian::cli {

// `meridian-cli bench <name> [options]`: runs one benchmark and prints its figures. Benchmarks are listed in
// kBenchmarks in BenchCommands.cpp.
int runBench(const QStringList& args, const common::Config& config);

}  // namespace meridian::cli
