#pragma once
// Start-up shared by the GUI and CLI entry points: config file location, logging, display time zone, secrets.
#include "core/common/Config.h"
#include "core/common/Logging.h"
#include "core/common/Result.h"

#include <QString>

namespace meridian::app {

// <AppConfigLocation>/meridian.ini unless overridden by MERIDIAN_CONFIG (or --config, which the entry points parse).
QString defaultConfigPath();

// Loads config (defaults < file < env), initialises logging (rotating file in log.dir + in-app buffer,
// optionally stderr), registers every secret value for redaction and applies display.timezone.
// Strict about the file (Config::loadStrict): a file the user named with --config (`named`) must exist, and any
// file that exists must be well-formed INI; otherwise the Error names the file, line and reason, nothing is set up
// and the caller exits with status 2. The default location may be missing (first run).
// Config warnings (unknown MERIDIAN_* variables or keys, secrets found in the file) go to stderr, once each, and to
// the log once logging is up.
Result<common::Config> setUp(const QString& configPath, bool named, bool consoleLogging);

}  // namespace meridian::app
