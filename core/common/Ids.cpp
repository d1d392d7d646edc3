#include "core/common/Ids.h"

#include <fmt/format.h>

#include <atomic>
#include <cstdint>
#include <random>

namespace meridian::common {
namespace {

std::uint32_t instanceTag() {
  static const std::uint32_t tag = [] {
    std::random_device rd;
    return static_cast<std::uint32_t>(rd()) ^ (static_cast<std::uint32_t>(rd()) << 1);
  }();
  return tag;
}

std::atomic<std::uint64_t> g_counter{0};

}  // namespace

std::string newClientOrderId() {
  return fmt::format("MRD-{:08x}-{:08x}", instanceTag(), ++g_counter);
}

std::string newCorrelationId() { return fmt::format("C-{:08x}-{:x}", instanceTag(), ++g_counter); }

}  // namespace meridian::common
