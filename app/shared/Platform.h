#pragma once
// The operating-system calls of the entry points and benchmarks. One implementation per platform
// (PlatformPosix.cpp, PlatformOther.cpp), chosen in app/CMakeLists.txt.

#include <QByteArray>

#include <functional>
#include <memory>

class QCoreApplication;
class QObject;

namespace meridian::app {

// Every file and directory this process creates from here on is private to the user: the database and its WAL,
// logs, backups, the fill spool, a rewritten config file (0600; directories 0700). POSIX: umask 077. Elsewhere a
// no-op (Windows profiles are per-user already).
void makeCreatedFilesPrivate();

// SIGTERM / SIGINT (POSIX) quit the Qt event loop of `app` (a self-pipe read by a QSocketNotifier; the handler only
// writes one byte), so exec() returns and the normal shutdown runs (the GUI saves its layout, the kernel stops).
// Returns false where there are no such signals or the handler could not be installed.
bool quitOnTerminationSignals(QCoreApplication* app);
// The name of the signal that quit the loop ("SIGTERM", "SIGINT"), or nullptr when none was received.
const char* terminationSignalReceived();

// Each line written to this process's standard input, without its newline, handed to `onLine` on the calling
// thread's event loop; watching ends at end of input. POSIX: a QSocketNotifier on fd 0. Returns nullptr where
// standard input cannot be watched this way. Destroy the returned object to stop watching.
std::unique_ptr<QObject> watchStandardInputLines(std::function<void(const QByteArray&)> onLine);

// CPU time the calling thread has used so far, in milliseconds (benchmarks: the GUI thread's share of a core).
// POSIX: CLOCK_THREAD_CPUTIME_ID; Windows: GetThreadTimes; a negative value where the platform cannot tell.
double currentThreadCpuMs();

}  // namespace meridian::app
