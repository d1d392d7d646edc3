#pragma once
// The one operating-system call the entry points make before anything else. One implementation per platform
// (PlatformPosix.cpp, PlatformOther.cpp), chosen in app/CMakeLists.txt.

namespace meridian::app {

// Every file and directory this process creates from here on is private to the user: the database and its WAL,
// logs, backups, the fill spool, a rewritten config file (0600; directories 0700). POSIX: umask 077. Elsewhere a
// no-op (Windows profiles are per-user already).
void makeCreatedFilesPrivate();

}  // namespace meridian::app
