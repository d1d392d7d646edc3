#pragma once
// Rolling mean / variance / standard deviation / z-score over the last `window` values. Amortised O(1) per update:
// Welford's algorithm with the matching removal step (accurate when the level is large relative to the
// dispersion, unlike the sum-of-squares shortcut), plus an exact two-pass recomputation once every `window`
// updates so rounding errors cannot accumulate over millions of bars.
#include "core/strategy/indicators/RingBuffer.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace meridian::strategy {

class RollingStats {
 public:
  explicit RollingStats(std::size_t window) : m_window(window) {}
  std::size_t window() const { return m_window.capacity(); }
  std::size_t count() const { return m_window.size(); }
  bool ready() const { return m_window.full(); }

  double mean() const { return ready() ? m_mean : std::numeric_limits<double>::quiet_NaN(); }
  // Sample variance (divisor n - 1).
  double variance() const {
    if (!ready() || m_window.size() < 2) return std::numeric_limits<double>::quiet_NaN();
    return std::max(0.0, m_m2) / static_cast<double>(m_window.size() - 1);
  }
  // Population variance (divisor n), as used by Bollinger bands.
  double populationVariance() const {
    if (!ready()) return std::numeric_limits<double>::quiet_NaN();
    return std::max(0.0, m_m2) / static_cast<double>(m_window.size());
  }
  double stddev() const { return std::sqrt(variance()); }
  double populationStddev() const { return std::sqrt(populationVariance()); }
  // (x - mean) / sample stddev; NaN before ready or when the window is constant.
  double zscore(double x) const {
    const double sd = stddev();
    return sd > 0.0 ? (x - m_mean) / sd : std::numeric_limits<double>::quiet_NaN();
  }
  // z-score of the newest value.
  double zscore() const { return m_window.empty() ? std::numeric_limits<double>::quiet_NaN() : zscore(m_window.back()); }

  // Adds x (evicting the oldest value when full); returns the mean.
  double update(double x) {
    double old = 0.0;
    if (m_window.push(x, &old)) {
      // Replace old by x at constant n.
      const double n = static_cast<double>(m_window.size());
      const double oldMean = m_mean;
      m_mean += (x - old) / n;
      m_m2 += (x - old) * (x - m_mean + old - oldMean);
      if (++m_sinceRefresh >= m_window.size()) refresh();
    } else {
      const double n = static_cast<double>(m_window.size());
      const double delta = x - m_mean;
      m_mean += delta / n;
      m_m2 += delta * (x - m_mean);
    }
    return mean();
  }
  void reset() {
    m_window.clear();
    m_mean = m_m2 = 0.0;
    m_sinceRefresh = 0;
  }

 private:
  void refresh() {
    const std::size_t n = m_window.size();
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) sum += m_window[i];
    const double mean = sum / static_cast<double>(n);
    double m2 = 0.0;
    for (std::size_t i = 0; i < n; ++i) m2 += (m_window[i] - mean) * (m_window[i] - mean);
    m_mean = mean;
    m_m2 = m2;
    m_sinceRefresh = 0;
  }

  RingBuffer<double> m_window;
  double m_mean = 0.0;
  double m_m2 = 0.0;
  std::size_t m_sinceRefresh = 0;
};

}  // namespace meridian::strategy
