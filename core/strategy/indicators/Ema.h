#pragma once
// Exponential moving average, alpha = 2 / (period + 1), seeded with the simple mean of the first `period`
// values (the convention of TA-Lib's EMA and of most charting packages). O(1), no storage.
#include <cstddef>
#include <limits>

namespace meridian::strategy {

class Ema {
 public:
  explicit Ema(std::size_t period)
      : m_period(period > 0 ? period : 1), m_alpha(2.0 / (static_cast<double>(m_period) + 1.0)) {}
  std::size_t period() const { return m_period; }
  double alpha() const { return m_alpha; }
  bool ready() const { return m_count >= m_period; }
  double value() const { return ready() ? m_value : std::numeric_limits<double>::quiet_NaN(); }

  double update(double x) {
    if (m_count < m_period) {
      m_seed += x;
      ++m_count;
      if (m_count == m_period) m_value = m_seed / static_cast<double>(m_period);
    } else {
      m_value += m_alpha * (x - m_value);
    }
    return value();
  }
  void reset() {
    m_count = 0;
    m_seed = m_value = 0.0;
  }

 private:
  std::size_t m_period;
  double m_alpha;
  std::size_t m_count = 0;
  double m_seed = 0.0;
  double m_value = 0.0;
};

}  // namespace meridian::strategy
