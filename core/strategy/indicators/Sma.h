#pragma once
// Simple moving average, O(1) per update (compensated running sum).
#include "core/strategy/indicators/RingBuffer.h"

#include <limits>

namespace meridian::strategy {

class Sma {
 public:
  explicit Sma(std::size_t period) : m_window(period) {}
  std::size_t period() const { return m_window.capacity(); }
  bool ready() const { return m_window.full(); }
  double value() const { return ready() ? m_value : std::numeric_limits<double>::quiet_NaN(); }

  double update(double x) {
    double old = 0.0;
    const bool evicted = m_window.push(x, &old);
    add(x);
    if (evicted) add(-old);
    m_value = (m_sum + m_comp) / static_cast<double>(m_window.size());
    return value();
  }
  void reset() {
    m_window.clear();
    m_sum = m_comp = m_value = 0.0;
  }

 private:
  // Neumaier summation keeps the running sum exact to ~1 ulp over millions of updates.
  void add(double v) {
    const double t = m_sum + v;
    if ((m_sum >= 0 ? m_sum : -m_sum) >= (v >= 0 ? v : -v))
      m_comp += (m_sum - t) + v;
    else
      m_comp += (v - t) + m_sum;
    m_sum = t;
  }
  RingBuffer<double> m_window;
  double m_sum = 0.0;
  double m_comp = 0.0;
  double m_value = 0.0;
};

}  // namespace meridian::strategy
