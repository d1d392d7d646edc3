#include "app/shared/Platform.h"

namespace meridian::app {

// No umask: files inherit the ACL of the user's profile directories, which only that user can read.
void makeCreatedFilesPrivate() {}

// No POSIX termination signals here: closing the window and the session end (commitDataRequest) save the layout.
bool quitOnTerminationSignals(QCoreApplication*) { return false; }

}  // namespace meridian::app
