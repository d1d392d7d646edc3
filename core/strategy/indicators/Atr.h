#pragma once
// Average True Range with Wilder's smoothing. True range = max(high - low, |high - prevClose|, |low - prevClose|);
// the first bar (no previous close) contributes high - low. The first ATR is the mean of the first `period`
// true ranges, then ATR = (ATR * (period - 1) + TR) / period.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>

namespace meridian::strategy {

class Atr {
 public:
  explicit Atr(std::size_t period = 14) : m_period(period > 0 ? period : 1) {}
  bool ready() const { return m_count >= m_period; }
  double value() const { return ready() ? m_value : std::numeric_limits<double>::quiet_NaN(); }
  double trueRange() const { return m_lastTr; }

  double update(double high, double low, double close) {
    double tr = high - low;
    if (m_havePrev) tr = std::max({tr, std::abs(high - m_prevClose), std::abs(low - m_prevClose)});
    m_havePrev = true;
    m_prevClose = close;
    m_lastTr = tr;
    const double n = static_cast<double>(m_period);
    if (m_count < m_period) {
      m_value += tr / n;
      ++m_count;
    } else {
      m_value = (m_value * (n - 1.0) + tr) / n;
    }
    return value();
  }

 private:
  std::size_t m_period;
  std::size_t m_count = 0;
  bool m_havePrev = false;
  double m_prevClose = 0.0;
  double m_lastTr = 0.0;
  double m_value = 0.0;
};

}  // namespace meridian::strategy
