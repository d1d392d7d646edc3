#include "app/shared/Platform.h"

#include <sys/stat.h>

namespace meridian::app {

// Without it, the usual umask 022 leaves the SQLite file, its backups and the logs (orders, fills, account values)
// readable by every local user.
void makeCreatedFilesPrivate() { ::umask(S_IRWXG | S_IRWXO); }

}  // namespace meridian::app
