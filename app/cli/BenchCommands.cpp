#include "app/cli/BenchCommands.h"

#include "app/cli/BacktestCommands.h"
#include "app/cli/ChartBenchCommands.h"
#include "app/cli/Commands.h"
#include "app/cli/RiskCommands.h"
#include "app/cli/IngestCommands.h"
#include "app/cli/LoadBenchCommands.h"
#include "app/cli/ScreenCommands.h"

#include <fmt/core.h>

#include <functional>
#include <string_view>

namespace meridian::cli {
namespace {

struct Benchmark {
  std::string_view name;
  std::string_view help;
  std::function<int(const QStringList& args, const common::Config& config)> run;
};

// One line per benchmark; each lives beside the code it measures (declared in its area's *Commands.h).
const Benchmark kBenchmarks[] = {
    {"calendar", "NYSE calendar: isOpen/nextOpen lookups per second",
     [](const QStringList& a, const common::Config& c) { return runBenchCalendar(a, c); }},
    {"backtest", "SMA-crossover backtest: bars/s single-threaded and in the grid optimizer (default 10M bars)",
     [](const QStringList& a, const common::Config& c) { return runBenchBacktest(a, c); }},
    {"aggregate", "BarAggregator: trades/s into 1m/1h/1d bars (default 2M trades over a week)",
     [](const QStringList& a, const common::Config& c) { return runBenchAggregate(a, c); }},
    {"ingest", "PostgreSQL bars/s: raw COPY, and upsertBars of fresh rows, unchanged overlap and changed overlap, "
                "each as a ratio to COPY (--rows N --pg URI)",
     [](const QStringList& a, const common::Config& c) { return runBenchIngest(a, c); }},
    {"load", "bar loading: CSV rows/s (daily, intraday) and stored-series bars/s (SQLite, PostgreSQL) (--rows N)",
     [](const QStringList& a, const common::Config& c) { return runBenchLoad(a, c); }},
    {"risk", "pre-trade RiskEngine checks: p50/p99/p99.9 ns per check (goal p99 < 2 us)",
     [](const QStringList& a, const common::Config& c) { return runBenchRisk(a, c); }},
    {"chart", "chart pan/zoom frame time p50/p99 at 1M bars, 1600x900 (runs meridian-bench-chart; goal p99 < 16 ms)",
     [](const QStringList& a, const common::Config& c) { return runBenchChart(a, c); }},
    {"gui", "GUI event-loop lag p50/p95/p99 under the 50k ticks/s simulated feed (runs meridian-bench-gui)",
     [](const QStringList& a, const common::Config& c) { return runBenchGui(a, c); }},
    {"screener", "screener metrics + filter + sort: symbols/s, 3000 synthetic symbols x 1300 bars (--storage: via SQLite)",
     [](const QStringList& a, const common::Config& c) { return runBenchScreener(a, c); }},
};

}  // namespace

int runBench(const QStringList& args, const common::Config& config) {
  const QString name = args.value(0);
  const bool help = args.contains("--help") || args.contains("-h");
  if (name == "--help" || name == "-h") {
    fmt::print("Usage: meridian-cli bench <name> [options]\n\nBenchmarks:\n");
    for (const auto& b : kBenchmarks) fmt::print("  {:<12} {}\n", b.name, b.help);
    return 0;
  }
  for (const auto& b : kBenchmarks) {
    if (name != QLatin1String(b.name.data(), qsizetype(b.name.size()))) continue;
    if (help) {
      fmt::print("Usage: meridian-cli bench {} [options]\n\n{}\n", b.name, b.help);
      return 0;
    }
    return b.run(args.mid(1), config);
  }
  fmt::print(stderr, "{}bench: choose one of:\n", name.isEmpty() ? "" : "unknown benchmark; ");
  for (const auto& b : kBenchmarks) fmt::print(stderr, "  {:<12} {}\n", b.name, b.help);
  return 2;
}

}  // namespace meridian::cli
