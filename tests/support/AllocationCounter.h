#pragma once
// Counts global operator new calls for the "no allocation per bar / per check" tests. Include from exactly one .cpp
// of a test executable (it replaces the global operators). ThreadSanitizer's runtime defines these operators itself,
// so under TSan nothing is replaced and kCountsAllocations is false: such tests QSKIP there (the release and ASan
// runs still count).
#include <atomic>
#include <cstdlib>
#include <new>

#if defined(__SANITIZE_THREAD__)
#define MERIDIAN_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define MERIDIAN_TEST_TSAN 1
#endif
#endif

namespace meridian::test {
inline std::atomic<long> g_allocations{0};
#ifdef MERIDIAN_TEST_TSAN
inline constexpr bool kCountsAllocations = false;
#else
inline constexpr bool kCountsAllocations = true;
#endif
inline long allocations() { return g_allocations.load(std::memory_order_relaxed); }
}  // namespace meridian::test

#ifndef MERIDIAN_TEST_TSAN
void* operator new(std::size_t n) {
  meridian::test::g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#endif
