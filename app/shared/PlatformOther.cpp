#include "app/shared/Platform.h"

#include <QObject>

namespace meridian::app {

// No umask: files inherit the ACL of the user's profile directories, which only that user can read.
void makeCreatedFilesPrivate() {}

// No POSIX termination signals here: closing the window and the session end (commitDataRequest) save the layout.
bool quitOnTerminationSignals(QCoreApplication*) { return false; }
const char* terminationSignalReceived() { return nullptr; }

// A console's stdin is not a socket here; `serve --stdin-commands` is POSIX-only.
std::unique_ptr<QObject> watchStandardInputLines(std::function<void(const QByteArray&)>) { return nullptr; }

}  // namespace meridian::app
