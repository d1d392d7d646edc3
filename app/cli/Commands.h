#pragma once
#include "core/common/Config.h"

#include <QCommandLineParser>
#include <QStringList>

#include <functional>
#include <string_view>

namespace meridian::cli {

// One CLI subcommand. args are the arguments after the command name.
struct Command {
  std::string_view name;
  std::string_view usage;
  std::string_view help;
  std::function<int(const QStringList& args, const common::Config& config)> run;
  bool takesArgs = true;  // false: `--help` is answered from usage/help above (the command has no options)
};

// Prints a parser's --help text to stdout, its usage line as "meridian-cli <command> ..." (exit status 0 for
// the caller to return).
int printHelp(const QCommandLineParser& p, std::string_view command);

// Each command prints to stdout, errors to stderr, and returns the process exit code
// (0 ok, 1 failure, 2 usage error).
int runConfig(const common::Config& config);
int runMigrate(const common::Config& config);
int runCalendar(const QStringList& args);  // args after "calendar"
// health [--json] [--timeout MS] [--no-network] [--require-provider NAME ...]: DB, Redis (+ serving process
// heartbeat), data providers (credentials present, endpoint reachable; keys never printed) and broker.
// Exit 1 when a required component is down.
int runHealth(const QStringList& args, const common::Config& config);
int runBenchCalendar(const QStringList& args, const common::Config& config);

}  // namespace meridian::cli
