#include "app/shared/AppSetup.h"

#include "core/common/Redact.h"
#include "core/common/SecretStore.h"
#include "core/time/TimeZones.h"

#include <QProcessEnvironment>
#include <QStandardPaths>

#include <fmt/core.h>

namespace meridian::app {

QString defaultConfigPath() {
  const QString env = QProcessEnvironment::systemEnvironment().value("MERIDIAN_CONFIG");
  if (!env.isEmpty()) return env;
  return QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation) + "/meridian.ini";
}

Result<common::Config> setUp(const QString& configPath, bool named, bool consoleLogging) {
  auto loaded = common::Config::loadStrict(
      configPath, named ? common::Config::FileRequirement::Required : common::Config::FileRequirement::Optional);
  if (!loaded.ok()) return loaded.error();
  common::Config config = std::move(loaded).value();
  // On stderr as well as in the log: a misspelt variable is a start-up mistake the user should see at once, and the
  // log file may be somewhere else entirely. (With console logging the logger below prints them already.)
  if (!consoleLogging)
    for (const QString& w : config.warnings()) fmt::print(stderr, "warning: {}\n", w.toStdString());
  for (const QString& key : config.keys())
    if (common::Config::isSecretKey(key)) common::registerSecret(config.value(key).toStdString());

  common::LogOptions log;
  log.directory = config.value("log.dir").toStdString();
  log.level = config.value("log.level", "info").toStdString();
  log.maxFileBytes = static_cast<std::size_t>(std::max(1, config.intValue("log.max_file_mb", 10))) * 1024 * 1024;
  log.maxFiles = static_cast<std::size_t>(std::max(1, config.intValue("log.max_files", 5)));
  log.console = consoleLogging;
  common::initLogging(log);
  auto logger = common::logger("app");
  for (const QString& w : config.warnings()) logger->warn("{}", w.toStdString());
  // Secrets: the environment is already in config; the OS keychain fills the rest. A password found in the INI's
  // db.pg_uri moves to the keychain (and out of the file) once stored there.
  common::SecretStore secrets(common::makeSystemSecretBackend());
  secrets.migratePlaintext(config, configPath);
  if (const int n = secrets.applyTo(config); n > 0) logger->info("{} secret(s) read from the OS keychain", n);

  const QByteArray tz = config.value("display.timezone").toUtf8();
  if (!time::TimeZones::setDisplayTimeZone(tz))
    logger->warn("display.timezone '{}' is not a valid IANA zone; using {}", tz.toStdString(),
                 time::TimeZones::displayTimeZoneId().toStdString());
  return config;
}

}  // namespace meridian::app
