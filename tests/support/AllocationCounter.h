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
// Every non-aligned form is replaced, so that whatever form allocates, the matching delete frees through the same
// malloc (ASan reports a mismatch otherwise: std::stable_sort's temporary buffer uses the nothrow form).
// The aligned (std::align_val_t) forms stay the runtime's, new and delete alike.
void* operator new(std::size_t n) {
  meridian::test::g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  meridian::test::g_allocations.fetch_add(1, std::memory_order_relaxed);
  return std::malloc(n ? n : 1);
}
void* operator new[](std::size_t n) { return operator new(n); }
void* operator new[](std::size_t n, const std::nothrow_t& tag) noexcept { return operator new(n, tag); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
#endif
