#pragma once
// The one operating-system call the entry points make before anything else. One implementation per platform
// (PlatformPosix.cpp, PlatformOther.cpp), chosen in app/CMakeLists.txt.

class QCoreApplication;

namespace meridian::app {

// Every file and directory this process creates from here on is private to the user: the database and its WAL,
// logs, backups, the fill spool, a rewritten config file (0600; directories 0700). POSIX: umask 077. Elsewhere a
// no-op (Windows profiles are per-user already).
void makeCreatedFilesPrivate();

// SIGTERM / SIGINT (POSIX) quit the Qt event loop of `app` (a self-pipe read by a QSocketNotifier; the handler only
// writes one byte), so exec() returns and the normal shutdown runs (the GUI saves its layout, the kernel stops).
// Returns false where there are no such signals or the handler could not be installed.
bool quitOnTerminationSignals(QCoreApplication* app);

}  // namespace meridian::app
