#pragma once
// Durability primitives for files that must survive a crash (the journal spool, the paper broker's book).
// The platform calls live in FileSyncPosix.cpp (fsync, rename, directory fsync) and FileSyncWindows.cpp
// (_commit, MoveFileExW with MOVEFILE_WRITE_THROUGH); nothing else in Meridian calls them directly.
#include "core/common/Result.h"

#include <string>

class QFile;

namespace meridian::common {

// Forces what was written to `file` (open, flushed) onto the disk before returning.
Status syncFile(QFile& file);
// Atomically replaces `to` with `from` (both in one directory) and makes the rename itself durable.
Status replaceFile(const std::string& from, const std::string& to);
// Makes the creation or removal of an entry in `directory` durable (no-op where the OS has no such call).
Status syncDirectory(const std::string& directory);

}  // namespace meridian::common
