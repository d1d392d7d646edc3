#pragma once
// Versioned schema migrations shared by the SQL backends.
//
// Files: sql/<dialect>/V<NNN>__<name>.sql ("postgres" or "sqlite"), compiled into meridian_storage as the Qt
// resource :/sql/<dialect>/ (sql/sql.qrc). Each applied version is recorded in schema_migrations
// (version, name, checksum, applied_ts); the checksum is the SHA-256 of the file with CRLF normalised to LF.
// Re-running is a no-op; an applied file whose checksum changed, or an applied version this build does not
// know, is an errc::kMigration error (the database is left untouched).
#include "core/common/Result.h"

#include <string>
#include <string_view>
#include <vector>

namespace meridian::storage {

struct Migration {
  int version = 0;
  std::string name;      // "init" for V001__init.sql
  std::string fileName;  // "V001__init.sql"
  std::string checksum;  // lower-case hex SHA-256
  std::string sql;
};

struct AppliedMigration {
  int version = 0;
  std::string checksum;
};

// Reads the migrations of one dialect, sorted by version. With an empty directory they come from the
// compiled-in resource :/sql/<dialect>/; otherwise from that filesystem directory (tools, tests).
Result<std::vector<Migration>> loadMigrations(std::string_view dialect, std::string_view directory = {});

// The migrations still to apply, in order, or errc::kMigration if `applied` disagrees with `available`.
Result<std::vector<Migration>> pendingMigrations(const std::vector<Migration>& available,
                                                 const std::vector<AppliedMigration>& applied);

// Splits a script into single statements (QSqlQuery runs one at a time): top-level ';' outside quotes and
// comments; CREATE TRIGGER ... END; bodies are kept whole. Empty statements are dropped.
std::vector<std::string> splitSqlStatements(std::string_view script);

}  // namespace meridian::storage
