#include "core/common/LargePages.h"

namespace meridian::common {

// Windows grants large pages only with SeLockMemoryPrivilege and VirtualAlloc(MEM_LARGE_PAGES) up front, not as a
// hint on memory already allocated: nothing to do.
void adviseLargePages(void*, std::size_t) {}

}  // namespace meridian::common
