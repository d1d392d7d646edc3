#pragma once
// The settings Meridian reads, in one place: their built-in defaults, how an environment variable names them, and
// what a misspelt MERIDIAN_* variable (or INI key) probably meant. Config fills its defaults from here and warns
// about every key this list does not know; a module that reads a new key adds it here (and to the README table).
//
// A key is "section.name" (db.pg_uri, company_info.provider) or has a dynamic part, written as a pattern:
//   strategy.<strategy>.<param>   parameters of a built-in strategy (strategy.sma_cross.fast)
//   jobs.<job>.<field>            overrides of a built-in job (jobs.db_backup.retries)
//   risk.<name>                   pre-trade limits (core/risk/RiskEngine.cpp reads them)
//
// Environment variables: MERIDIAN_ + the key in upper case, the first '.' written '_' and every further '.' written
// "__" (a section may itself contain '_', names and parameters do too, so a single '_' cannot mark a dot):
//   db.pg_uri                  MERIDIAN_DB_PG_URI
//   company_info.provider      MERIDIAN_COMPANY_INFO_PROVIDER      (the section is the longest known one)
//   strategy.sma_cross.fast    MERIDIAN_STRATEGY_SMA_CROSS__FAST
//   jobs.db_backup.keep        MERIDIAN_JOBS_DB_BACKUP__KEEP
#include <QString>
#include <QStringList>

#include <span>

namespace meridian::common {

struct ConfigKey {
  const char* key;           // a key, or a pattern with <strategy> / <job> / <param> / <field> / <name> parts
  const char* defaultValue;  // nullptr: no built-in default here (the reader's own fallback applies)
};

class ConfigKeys {
 public:
  static std::span<const ConfigKey> all();

  // key is a documented setting or matches a documented pattern.
  static bool isKnown(const QString& key);
  // The environment variable that sets key (see above).
  static QString envName(const QString& key);
  // The key an environment variable sets; empty when name does not start with MERIDIAN_, is not a setting
  // (isNonSetting) or names no "section.name".
  static QString keyForEnv(const QString& name);
  // MERIDIAN_* variables that are not settings: MERIDIAN_CONFIG and the test / CI switches (MERIDIAN_TEST_*, ...).
  static bool isNonSetting(const QString& name);
  // The known key closest to key (a '_' that should have been a dot, or a small misspelling); empty when nothing
  // is close. Pattern parts are filled from key itself (strategy.sma_crss.fast -> strategy.sma_cross.fast).
  static QString closest(const QString& key);
  // The names a pattern part stands for (built-in strategies, built-in jobs); tests compare them with the
  // registries they mirror.
  static QStringList strategyNames();
  static QStringList jobNames();
};

}  // namespace meridian::common
