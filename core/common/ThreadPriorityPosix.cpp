#include "core/common/ThreadPriority.h"

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace meridian::common {

void lowerCurrentThreadPriority() {
#if defined(__linux__)
  static thread_local bool done = false;
  if (done) return;
  done = true;
  // On Linux a thread is a task with its own nice value: this changes only the calling thread.
  (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 5);
#endif  // other POSIX systems share one nice value per process: leave it alone
}

}  // namespace meridian::common
