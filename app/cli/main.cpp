// meridian-cli: the headless entry point (configuration, migrations, calendar, health; later backtest,
// ingest, scan, bench, serve).
#include "app/cli/Commands.h"
#include "app/shared/AppSetup.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <fmt/core.h>

namespace {

constexpr const char* kUsage =
    "Usage: meridian-cli [--config FILE] <command> [options]\n"
    "\n"
    "Commands:\n"
    "  config                 print the effective configuration (defaults < file < env), secrets redacted\n"
    "  migrate                open the configured database and apply pending schema migrations\n"
    "  calendar [--from D] [--to D]\n"
    "                         NYSE sessions (ET) and holidays between two dates (YYYY-MM-DD)\n"
    "  health                 check the database and print the market state\n"
    "\n"
    "Options:\n"
    "  --config FILE          configuration file (default: $MERIDIAN_CONFIG or the user config dir)\n"
    "  -h, --help             show this help\n"
    "  -v, --version          show the version\n"
    "\n"
    "Environment: MERIDIAN_<SECTION>_<KEY> overrides any setting, e.g. MERIDIAN_DB_BACKEND=postgres,\n"
    "MERIDIAN_DB_PG_URI=postgresql://user@host:5432/db. API keys: APCA_API_KEY_ID, APCA_API_SECRET_KEY,\n"
    "POLYGON_API_KEY.\n";

}  // namespace

int main(int argc, char* argv[]) {
  QCoreApplication app(argc, argv);
  QCoreApplication::setOrganizationName("Meridian");
  QCoreApplication::setApplicationName("Meridian");
  QCoreApplication::setApplicationVersion(MERIDIAN_VERSION);

  const QStringList args = QCoreApplication::arguments();
  QString configPath = meridian::app::defaultConfigPath();
  QStringList rest{args.value(0)};
  QString command;
  for (int i = 1; i < args.size(); ++i) {
    const QString& a = args[i];
    if (command.isEmpty() && (a == "-h" || a == "--help" || a == "help")) {
      fmt::print("{}", kUsage);
      return 0;
    }
    if (command.isEmpty() && (a == "-v" || a == "--version")) {
      fmt::print("meridian-cli {}\n", MERIDIAN_VERSION);
      return 0;
    }
    if (command.isEmpty() && a == "--config") {
      if (i + 1 >= args.size()) {
        fmt::print(stderr, "--config needs a file\n");
        return 2;
      }
      configPath = args[++i];
      continue;
    }
    if (command.isEmpty() && !a.startsWith('-')) command = a;
    rest << a;
  }
  if (command.isEmpty()) {
    fmt::print(stderr, "{}", kUsage);
    return 2;
  }

  const meridian::common::Config config = meridian::app::setUp(configPath, false);
  if (command == "config") return meridian::cli::runConfig(config);
  if (command == "migrate") return meridian::cli::runMigrate(config);
  if (command == "calendar") return meridian::cli::runCalendar(rest);
  if (command == "health") return meridian::cli::runHealth(config);
  fmt::print(stderr, "unknown command '{}'\n\n{}", command.toStdString(), kUsage);
  return 2;
}
