// meridian-cli: the headless entry point. Each command lives in its own *Commands.cpp and is registered in
// kCommands below (one line each).
#include "app/cli/BacktestCommands.h"
#include "app/cli/BenchCommands.h"
#include "app/cli/Commands.h"
#include "app/cli/IngestCommands.h"
#include "app/cli/ServeCommands.h"
#include "app/cli/ScreenCommands.h"
#include "app/shared/AppSetup.h"
#include "app/shared/Platform.h"

#include <QCoreApplication>

#include <fmt/core.h>

namespace {

using meridian::cli::Command;

// name, one-line usage, help, handler(args after the command name, config)
const Command kCommands[] = {
    {"config", "config", "print the effective configuration (defaults < file < env), secrets redacted",
     [](const QStringList&, const meridian::common::Config& c) { return meridian::cli::runConfig(c); }, false},
    {"migrate", "migrate", "open the configured database and apply pending schema migrations",
     [](const QStringList&, const meridian::common::Config& c) { return meridian::cli::runMigrate(c); }, false},
    {"calendar", "calendar [--from D] [--to D]", "NYSE sessions (ET) and holidays between two dates (YYYY-MM-DD)",
     [](const QStringList& a, const meridian::common::Config&) { return meridian::cli::runCalendar(a); }},
    {"health", "health [--json] [--timeout MS]",
     "check the database, Redis, data providers and broker; exit 1 when a required component is down",
     [](const QStringList& a, const meridian::common::Config& c) { return meridian::cli::runHealth(a, c); }},
    {"serve", "serve [--allow-embedded] [--stdin-commands]",
     "run headless (execution, risk, jobs, feed) until SIGTERM; GUIs attach over PostgreSQL + Redis (--attach)",
     [](const QStringList& a, const meridian::common::Config& c) { return meridian::cli::runServe(a, c); }},
    {"backtest", "backtest --strategy S --csv FILE|--symbol SYM [--param k=v ...] [--json] [--save]",
     "run a strategy over CSV or stored bars (--grid / --walk-forward optimize; --list strategies; --help)",
     [](const QStringList& a, const meridian::common::Config& c) { return meridian::cli::runBacktestCommand(a, c); }},
    {"pairs-scan", "pairs-scan --csv [SYM=]FILE|--symbol SYM ... (two or more)",
     "rank pairs: hedge ratio, Engle-Granger ADF stat and p-value, half-life, correlation (JSON)",
     [](const QStringList& a, const meridian::common::Config& c) { return meridian::cli::runPairsScan(a, c); }},
    {"report", "report [--from D] [--to D] [--strategy ID [--compare-backtest]] [--json] [--csv FILE]",
     "P&L from the journal: daily / weekly / monthly by strategy and symbol, equity, drawdown, metrics",
     [](const QStringList& a, const meridian::common::Config& c) { return meridian::cli::runReport(a, c); }},
    {"import-csv", "import-csv FILE [--symbol SYM] [--format yahoo|mapped --map date=Date,open=O,...]",
     "import daily/intraday bars from a CSV file into the configured database (nothing written on a bad row)",
     [](const QStringList& a, const meridian::common::Config& c) { return meridian::cli::runImportCsv(a, c); }},
    {"ingest", "ingest --provider yahoo|polygon|alpaca --symbol SYM [--from D --to D] [--quality SYM]",
     "incremental bar download (load_runs), fundamentals, data quality and stale-series reports",
     [](const QStringList& a, const meridian::common::Config& c) { return meridian::cli::runIngest(a, c); }},
    {"screen", "screen [--preset FILE.json | filter flags] [--csv OUT.csv]",
     "stock screener over stored daily bars + fundamentals (or --input CSV files); screen --help lists the filters",
     [](const QStringList& a, const meridian::common::Config& c) { return meridian::cli::runScreen(a, c); }},
    {"bench", "bench <name> [options]", "run a benchmark and print its figures (bench alone lists them)",
     [](const QStringList& a, const meridian::common::Config& c) { return meridian::cli::runBench(a, c); }},
};

void printUsage(std::FILE* out) {
  fmt::print(out, "Usage: meridian-cli [--config FILE] <command> [options]\n\nCommands:\n");
  for (const auto& c : kCommands) {
    if (c.usage.size() <= 22)
      fmt::print(out, "  {:<22} {}\n", c.usage, c.help);
    else
      fmt::print(out, "  {}\n  {:<22} {}\n", c.usage, "", c.help);
  }
  fmt::print(out,
             "\nOptions:\n"
             "  --config FILE          configuration file (default: $MERIDIAN_CONFIG or the user config dir)\n"
             "  -h, --help             show this help\n"
             "  -v, --version          show the version\n"
             "\n"
             "Environment: MERIDIAN_<SECTION>_<KEY> overrides any setting, e.g. MERIDIAN_DB_BACKEND=postgres,\n"
             "MERIDIAN_DB_PG_URI=postgresql://user@host:5432/db; further dots are written __, e.g.\n"
             "MERIDIAN_STRATEGY_SMA_CROSS__FAST=10 sets strategy.sma_cross.fast. API keys: APCA_API_KEY_ID,\n"
             "APCA_API_SECRET_KEY, POLYGON_API_KEY.\n"
             "\n"
             "Exit status: 0 success, 1 failure (health: a required component is down), 2 usage or configuration\n"
             "error (a --config file that is missing or not valid INI).\n");
}

}  // namespace

int main(int argc, char* argv[]) {
  meridian::app::makeCreatedFilesPrivate();  // before anything can create a file
  QCoreApplication app(argc, argv);
  QCoreApplication::setOrganizationName("Meridian");
  QCoreApplication::setApplicationName("Meridian");
  QCoreApplication::setApplicationVersion(MERIDIAN_VERSION);

  const QStringList args = QCoreApplication::arguments();
  QString configPath = meridian::app::defaultConfigPath();
  bool configNamed = false;  // --config FILE must exist; the default location may not yet
  int i = 1;
  for (; i < args.size(); ++i) {
    const QString& a = args[i];
    if (a == "-h" || a == "--help" || a == "help") {
      printUsage(stdout);
      return 0;
    }
    if (a == "-v" || a == "--version") {
      fmt::print("meridian-cli {}\n", MERIDIAN_VERSION);
      return 0;
    }
    if (a == "--config") {
      if (i + 1 >= args.size()) {
        fmt::print(stderr, "--config needs a file\n");
        return 2;
      }
      configPath = args[++i];
      configNamed = true;
      continue;
    }
    break;  // first non-global argument is the command
  }
  if (i >= args.size()) {
    printUsage(stderr);
    return 2;
  }
  const QString name = args[i];
  const QStringList rest = args.mid(i + 1);
  for (const auto& c : kCommands) {
    if (name != QLatin1String(c.name.data(), qsizetype(c.name.size()))) continue;
    if (!c.takesArgs && !rest.isEmpty()) {
      if (rest.size() == 1 && (rest[0] == "--help" || rest[0] == "-h")) {
        fmt::print("Usage: meridian-cli {}\n\n{}\n", c.usage, c.help);
        return 0;
      }
      fmt::print(stderr, "{}: takes no arguments (got '{}')\n", c.name, rest[0].toStdString());
      return 2;
    }
    // serve logs to the console too (journald / docker logs pick it up), besides the rotating file.
    const auto config = meridian::app::setUp(configPath, configNamed, name == "serve");
    if (!config.ok()) {
      fmt::print(stderr, "meridian-cli: configuration error: {}\n", config.error().message);
      return 2;
    }
    return c.run(rest, *config);
  }
  fmt::print(stderr, "unknown command '{}'\n\n", name.toStdString());
  printUsage(stderr);
  return 2;
}
