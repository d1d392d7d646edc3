#pragma once
// Linearly weighted moving average (weights 1..period, newest heaviest). O(1): the weighted sum is updated as
// W' = W - S + period * x, where S is the plain sum of the window before the update.
#include "core/strategy/indicators/RingBuffer.h"

#include <limits>

namespace meridian::strategy {

class Wma {
 public:
  explicit Wma(std::size_t period) : m_window(period) {}
  std::size_t period() const { return m_window.capacity(); }
  bool ready() const { return m_window.full(); }
  double value() const {
    if (!ready()) return std::numeric_limits<double>::quiet_NaN();
    const double n = static_cast<double>(period());
    return m_weighted / (n * (n + 1.0) / 2.0);
  }

  double update(double x) {
    if (m_window.full()) {
      double old = 0.0;
      m_window.push(x, &old);
      m_weighted += static_cast<double>(period()) * x - m_sum;
      m_sum += x - old;
    } else {
      m_window.push(x);
      m_weighted += static_cast<double>(m_window.size()) * x;
      m_sum += x;
    }
    return value();
  }

 private:
  RingBuffer<double> m_window;
  double m_sum = 0.0;
  double m_weighted = 0.0;
};

}  // namespace meridian::strategy
