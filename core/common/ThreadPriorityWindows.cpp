#include "core/common/ThreadPriority.h"

#include <windows.h>

namespace meridian::common {

void lowerCurrentThreadPriority() { SetThreadPriority(GetCurrentThread(), THREAD_PRIORITY_BELOW_NORMAL); }

}  // namespace meridian::common
