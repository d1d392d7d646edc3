#pragma once
// Relative Strength Index with Wilder's smoothing ("New Concepts in Technical Trading Systems", 1978):
// the first average gain/loss is the simple mean of the first `period` changes, then
// avg = (avg * (period - 1) + current) / period. Ready after period + 1 prices. RSI = 100 when there were
// no losses in the averaging window.
#include <cstddef>
#include <limits>

namespace meridian::strategy {

class Rsi {
 public:
  explicit Rsi(std::size_t period = 14) : m_period(period > 0 ? period : 1) {}
  std::size_t period() const { return m_period; }
  bool ready() const { return m_changes >= m_period; }
  double averageGain() const { return m_avgGain; }
  double averageLoss() const { return m_avgLoss; }
  double value() const {
    if (!ready()) return std::numeric_limits<double>::quiet_NaN();
    if (m_avgLoss == 0.0) return m_avgGain == 0.0 ? 50.0 : 100.0;
    return 100.0 - 100.0 / (1.0 + m_avgGain / m_avgLoss);
  }

  double update(double price) {
    if (!m_havePrev) {
      m_havePrev = true;
      m_prev = price;
      return value();
    }
    const double change = price - m_prev;
    m_prev = price;
    const double gain = change > 0.0 ? change : 0.0;
    const double loss = change < 0.0 ? -change : 0.0;
    const double n = static_cast<double>(m_period);
    if (m_changes < m_period) {
      m_avgGain += gain / n;
      m_avgLoss += loss / n;
      ++m_changes;
    } else {
      m_avgGain = (m_avgGain * (n - 1.0) + gain) / n;
      m_avgLoss = (m_avgLoss * (n - 1.0) + loss) / n;
    }
    return value();
  }

 private:
  std::size_t m_period;
  std::size_t m_changes = 0;
  bool m_havePrev = false;
  double m_prev = 0.0;
  double m_avgGain = 0.0;
  double m_avgLoss = 0.0;
};

}  // namespace meridian::strategy
