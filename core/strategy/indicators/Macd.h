#pragma once
// MACD (Appel): line = EMA(fast) - EMA(slow), signal = EMA(signal) of the line, histogram = line - signal.
// EMAs are SMA-seeded (see Ema.h); the line exists once the slow EMA is ready, the signal `signal` lines later.
#include "core/strategy/indicators/Ema.h"

#include <limits>

namespace meridian::strategy {

class Macd {
 public:
  Macd(std::size_t fast = 12, std::size_t slow = 26, std::size_t signal = 9) : m_fast(fast), m_slow(slow), m_signal(signal) {}
  bool ready() const { return m_signal.ready(); }
  double macd() const { return m_slow.ready() ? m_line : std::numeric_limits<double>::quiet_NaN(); }
  double signal() const { return m_signal.value(); }
  double histogram() const { return ready() ? m_line - m_signal.value() : std::numeric_limits<double>::quiet_NaN(); }

  // Returns the MACD line (NaN until the slow EMA is ready).
  double update(double x) {
    m_fast.update(x);
    m_slow.update(x);
    if (m_slow.ready()) {
      m_line = m_fast.value() - m_slow.value();
      m_signal.update(m_line);
    }
    return macd();
  }

 private:
  Ema m_fast;
  Ema m_slow;
  Ema m_signal;
  double m_line = 0.0;
};

}  // namespace meridian::strategy
