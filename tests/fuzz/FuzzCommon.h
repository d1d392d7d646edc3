#pragma once
// Shared bits of the libFuzzer targets: input as QByteArray, a selector byte, and a hard invariant check that
// aborts (libFuzzer then saves the input as a crash artifact).
#include "core/time/NyseCalendar.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace meridian::fuzz {

// The whole input (copied: Qt's parsers may keep references into the buffer).
inline QByteArray bytes(const std::uint8_t* data, std::size_t size) {
  return QByteArray(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
}

// First byte as a selector (0 for empty input) and the rest as the payload.
inline std::uint8_t selector(const std::uint8_t* data, std::size_t size) { return size ? data[0] : 0; }
inline QByteArray payload(const std::uint8_t* data, std::size_t size) {
  return size ? bytes(data + 1, size - 1) : QByteArray();
}

// One-time state the parsers build lazily (the NYSE session table behind daily bar timestamps, time zones): built
// before fuzzing so the per-input timeout measures parsing only.
inline void warmUp() { (void)time::NyseCalendar::instance(); }

[[noreturn]] inline void invariantFailed(const char* what, const char* file, int line) {
  std::fprintf(stderr, "%s:%d: fuzz invariant violated: %s\n", file, line, what);
  std::abort();
}

}  // namespace meridian::fuzz

// Every target: libFuzzer calls this once before the first input.
#define MERIDIAN_FUZZ_INIT                                                  \
  extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {   \
    ::meridian::fuzz::warmUp();                                             \
    return 0;                                                               \
  }

#define MERIDIAN_FUZZ_CHECK(cond) \
  do {                            \
    if (!(cond)) ::meridian::fuzz::invariantFailed(#cond, __FILE__, __LINE__); \
  } while (false)
