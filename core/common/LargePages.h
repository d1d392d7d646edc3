#pragma once
// A large-page hint for big buffers filled once from start to end (a 10M-bar backtest writes a 240 MB equity curve:
// faulting that in 4 KiB pages costs about as much as the bar loop's own work). The platform call lives in
// LargePagesPosix.cpp (Linux: madvise(MADV_HUGEPAGE) on the 2 MiB-aligned interior; other POSIX systems: nothing)
// and LargePagesWindows.cpp (nothing); nothing else in Meridian calls it directly. A hint only: it never fails and
// changes no result.
#include <cstddef>
#include <vector>

namespace meridian::common {

// Hints that [data, data + bytes), not yet touched, be backed by large pages. Buffers under 8 MiB are left alone.
void adviseLargePages(void* data, std::size_t bytes);

// v.reserve(n), and the large-page hint for the reserved buffer.
template <class T>
void reserveLarge(std::vector<T>& v, std::size_t n) {
  v.reserve(n);
  adviseLargePages(v.data(), v.capacity() * sizeof(T));
}

}  // namespace meridian::common
