#pragma once
// Database backup (the "db_backup" job).
//
//  * SQLite: `VACUUM INTO '<dir>/meridian-YYYYMMDDTHHMMSSZ.sqlite'`: a consistent, compacted copy taken through a
//    separate read-only connection (WAL lets it run beside the storage thread's writer), written to a
//    ".partial" name first and renamed when complete, so an interrupted backup never looks valid.
//  * PostgreSQL: `pg_dump --format=custom` into '<dir>/meridian-...Z.dump' when pg_dump is on PATH (password from
//    PGPASSWORD / ~/.pgpass as for the app itself); otherwise an explanatory Error ("use pg_dump").
// After a successful backup only the newest `keep` backups of that kind are kept.
//
// This is the one place outside storage/ that opens a database connection: a backup is a file-level operation
// that must not hold the storage thread for minutes. It never writes to the source database.
#include <QString>

#include <atomic>
#include <functional>
#include <string>

#include "core/common/Config.h"
#include "core/common/Result.h"
#include "core/domain/Types.h"
#include "core/jobs/Job.h"

namespace meridian::jobs {

struct BackupOptions {
  std::string backend = "sqlite";  // "sqlite" | "postgres"
  QString sqlitePath;
  std::string pgUri;
  QString directory;               // created if missing
  int keep = 7;                    // newest backups kept (>= 1)
  QString pgDumpPath;              // empty = look up "pg_dump" on PATH
  int pgDumpTimeoutMs = 30 * 60 * 1000;
  std::function<domain::Timestamp()> now;  // for the file name; default: real clock
};

// From config: db.backend, db.sqlite_path, db.pg_uri, jobs.db_backup.dir (default <data dir>/backups),
// jobs.db_backup.keep (default 7).
BackupOptions backupOptionsFrom(const common::Config& config);

// Runs one backup; returns the written file's path.
Result<QString> runDbBackup(const BackupOptions& options, const std::atomic<bool>& cancel);

// Deletes all but the newest `keep` files named meridian-*<suffix> in dir (names sort by time). Returns how many
// were deleted.
int pruneBackups(const QString& dir, const QString& suffix, int keep);

}  // namespace meridian::jobs
