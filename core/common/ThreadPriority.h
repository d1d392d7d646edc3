#pragma once
// One OS call per platform (ThreadPriorityPosix.cpp, ThreadPriorityWindows.cpp, chosen in CMakeLists.txt).

namespace meridian::common {

// Lowers the calling thread's scheduling priority one notch (Linux: nice 5 for this thread only; Windows:
// THREAD_PRIORITY_BELOW_NORMAL; elsewhere nothing), so background work such as building chart geometry yields to the
// GUI thread under load and still progresses. Idempotent per thread.
void lowerCurrentThreadPriority();

}  // namespace meridian::common
