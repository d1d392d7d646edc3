#pragma once
// Rolling maximum or minimum over the last `window` values: monotonic deque on a fixed ring (capacity = window),
// amortised O(1) per update, no allocation after construction.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace meridian::strategy {

template <bool IsMax>
class RollingExtremum {
 public:
  explicit RollingExtremum(std::size_t window) : m_window(window > 0 ? window : 1), m_ring(m_window) {}
  bool ready() const { return m_count >= m_window; }
  double value() const { return m_size ? m_ring[m_head].value : std::numeric_limits<double>::quiet_NaN(); }

  double update(double x) {
    const std::uint64_t i = m_count++;
    // Drop expired front entries.
    while (m_size && m_ring[m_head].index + m_window <= i) pop_front();
    // Drop dominated back entries.
    while (m_size && dominated(m_ring[back()].value, x)) --m_size;
    m_ring[(m_head + m_size) % m_window] = {x, i};
    ++m_size;
    return value();
  }

 private:
  struct Entry {
    double value;
    std::uint64_t index;
  };
  static bool dominated(double existing, double x) { return IsMax ? existing <= x : existing >= x; }
  std::size_t back() const { return (m_head + m_size - 1) % m_window; }
  void pop_front() {
    m_head = (m_head + 1) % m_window;
    --m_size;
  }
  std::size_t m_window;
  std::vector<Entry> m_ring;
  std::size_t m_head = 0;
  std::size_t m_size = 0;
  std::uint64_t m_count = 0;
};

using RollingMax = RollingExtremum<true>;
using RollingMin = RollingExtremum<false>;

}  // namespace meridian::strategy
