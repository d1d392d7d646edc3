#pragma once
// Stochastic oscillator (Lane): %K = 100 * (close - lowest low) / (highest high - lowest low) over kPeriod bars,
// %D = SMA(dPeriod) of %K. When the range is zero %K is 50.
#include "core/strategy/indicators/RollingExtremum.h"
#include "core/strategy/indicators/Sma.h"

#include <limits>

namespace meridian::strategy {

class Stochastic {
 public:
  explicit Stochastic(std::size_t kPeriod = 14, std::size_t dPeriod = 3) : m_high(kPeriod), m_low(kPeriod), m_d(dPeriod) {}
  bool ready() const { return m_d.ready(); }
  double k() const { return m_high.ready() ? m_k : std::numeric_limits<double>::quiet_NaN(); }
  double d() const { return m_d.value(); }

  // Returns %K (NaN until kPeriod bars were seen).
  double update(double high, double low, double close) {
    m_high.update(high);
    m_low.update(low);
    if (!m_high.ready()) return k();
    const double hh = m_high.value();
    const double ll = m_low.value();
    m_k = hh > ll ? 100.0 * (close - ll) / (hh - ll) : 50.0;
    m_d.update(m_k);
    return m_k;
  }

 private:
  RollingMax m_high;
  RollingMin m_low;
  Sma m_d;
  double m_k = 0.0;
};

}  // namespace meridian::strategy
