#include "app/shared/Platform.h"

#include <QObject>

#ifdef _WIN32
#include <windows.h>
#endif

namespace meridian::app {

// No umask: files inherit the ACL of the user's profile directories, which only that user can read.
void makeCreatedFilesPrivate() {}

// No POSIX termination signals here: closing the window and the session end (commitDataRequest) save the layout.
bool quitOnTerminationSignals(QCoreApplication*) { return false; }
const char* terminationSignalReceived() { return nullptr; }

// A console's stdin is not a socket here; `serve --stdin-commands` is POSIX-only.
std::unique_ptr<QObject> watchStandardInputLines(std::function<void(const QByteArray&)>) { return nullptr; }

double currentThreadCpuMs() {
#ifdef _WIN32
  FILETIME created, exited, kernel, user;
  if (!GetThreadTimes(GetCurrentThread(), &created, &exited, &kernel, &user)) return -1.0;
  const auto ticks = [](const FILETIME& f) {  // 100 ns units
    return (static_cast<unsigned long long>(f.dwHighDateTime) << 32) | f.dwLowDateTime;
  };
  return static_cast<double>(ticks(kernel) + ticks(user)) / 1e4;
#else
  return -1.0;
#endif
}

}  // namespace meridian::app
