#include "app/shared/Platform.h"

namespace meridian::app {

// No umask: files inherit the ACL of the user's profile directories, which only that user can read.
void makeCreatedFilesPrivate() {}

}  // namespace meridian::app
