#pragma once
// Start-up shared by the GUI and CLI entry points: config file location, logging, display time zone, secrets.
#include "core/common/Config.h"
#include "core/common/Logging.h"

#include <QString>

namespace meridian::app {

// <AppConfigLocation>/meridian.ini unless overridden by --config or MERIDIAN_CONFIG.
QString defaultConfigPath();

// Loads config (defaults < file < env), initialises logging (rotating file in log.dir + in-app buffer,
// optionally stderr), registers every secret value for redaction and applies display.timezone.
// Config warnings are logged once logging is up.
common::Config setUp(const QString& configPath, bool consoleLogging);

}  // namespace meridian::app
