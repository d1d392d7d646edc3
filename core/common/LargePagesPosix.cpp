#include "core/common/LargePages.h"

#include <sys/mman.h>

#include <cstdint>

namespace meridian::common {

void adviseLargePages(void* data, std::size_t bytes) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  // Transparent huge pages are 2 MiB on x86-64 and (with 4 KiB base pages) on arm64. With THP in "madvise" mode
  // (Debian's default) only advised ranges get them; in "always" mode this changes nothing; in "never" it is ignored.
  constexpr std::uintptr_t kHuge = std::uintptr_t(2) << 20;
  if (data == nullptr || bytes < 4 * kHuge) return;
  const auto at = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t begin = (at + kHuge - 1) & ~(kHuge - 1);
  const std::uintptr_t end = (at + bytes) & ~(kHuge - 1);
  if (end > begin) ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);  // a hint: result unused
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace meridian::common
