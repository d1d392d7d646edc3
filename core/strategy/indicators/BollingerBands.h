#pragma once
// Bollinger bands: middle = SMA(period), upper/lower = middle +/- k * population standard deviation.
#include "core/strategy/indicators/RollingStats.h"

namespace meridian::strategy {

class BollingerBands {
 public:
  explicit BollingerBands(std::size_t period = 20, double k = 2.0) : m_stats(period), m_k(k) {}
  bool ready() const { return m_stats.ready(); }
  double middle() const { return m_stats.mean(); }
  double upper() const { return m_stats.mean() + m_k * m_stats.populationStddev(); }
  double lower() const { return m_stats.mean() - m_k * m_stats.populationStddev(); }
  // (upper - lower) / middle
  double bandwidth() const { return (upper() - lower()) / middle(); }
  // Position of x inside the bands: 0 at the lower band, 1 at the upper band.
  double percentB(double x) const { return (x - lower()) / (upper() - lower()); }

  double update(double x) { return m_stats.update(x); }

 private:
  RollingStats m_stats;
  double m_k;
};

}  // namespace meridian::strategy
