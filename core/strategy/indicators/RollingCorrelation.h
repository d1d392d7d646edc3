#pragma once
// Rolling Pearson correlation of (x, y) pairs over the last `window` observations. Amortised O(1): co-moments
// are kept with Welford's add step followed by the matching removal step, and recomputed exactly (two passes)
// once every `window` updates so rounding errors cannot accumulate.
#include "core/strategy/indicators/RingBuffer.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace meridian::strategy {

class RollingCorrelation {
 public:
  explicit RollingCorrelation(std::size_t window) : m_window(window) {}
  bool ready() const { return m_window.full() && m_window.size() >= 2; }
  double value() const {
    if (!ready()) return std::numeric_limits<double>::quiet_NaN();
    const double d = std::sqrt(std::max(0.0, m_m2x) * std::max(0.0, m_m2y));
    return d > 0.0 ? std::clamp(m_cxy / d, -1.0, 1.0) : std::numeric_limits<double>::quiet_NaN();
  }
  // Sample covariance (divisor n - 1).
  double covariance() const {
    return ready() ? m_cxy / static_cast<double>(m_window.size() - 1) : std::numeric_limits<double>::quiet_NaN();
  }

  double update(double x, double y) {
    std::pair<double, double> old;
    const bool evicted = m_window.push({x, y}, &old);
    add(x, y, static_cast<double>(m_n + 1));
    ++m_n;
    if (evicted) {
      remove(old.first, old.second);
      --m_n;
      if (++m_sinceRefresh >= m_n) refresh();
    }
    return value();
  }

 private:
  void add(double x, double y, double n) {
    const double dx = x - m_mx;
    m_mx += dx / n;
    const double dy = y - m_my;
    m_my += dy / n;
    m_m2x += dx * (x - m_mx);
    m_m2y += dy * (y - m_my);
    m_cxy += dx * (y - m_my);
  }
  void remove(double x, double y) {
    const double n = static_cast<double>(m_n);  // count before removal
    const double mxOld = m_mx;
    const double myOld = m_my;
    m_mx = (n * m_mx - x) / (n - 1.0);
    m_my = (n * m_my - y) / (n - 1.0);
    m_m2x -= (x - m_mx) * (x - mxOld);
    m_m2y -= (y - m_my) * (y - myOld);
    m_cxy -= (x - m_mx) * (y - myOld);
  }
  void refresh() {
    const std::size_t n = m_window.size();
    double sx = 0.0, sy = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      sx += m_window[i].first;
      sy += m_window[i].second;
    }
    m_mx = sx / static_cast<double>(n);
    m_my = sy / static_cast<double>(n);
    m_m2x = m_m2y = m_cxy = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double dx = m_window[i].first - m_mx, dy = m_window[i].second - m_my;
      m_m2x += dx * dx;
      m_m2y += dy * dy;
      m_cxy += dx * dy;
    }
    m_sinceRefresh = 0;
  }
  RingBuffer<std::pair<double, double>> m_window;
  std::size_t m_sinceRefresh = 0;
  std::size_t m_n = 0;
  double m_mx = 0.0, m_my = 0.0, m_m2x = 0.0, m_m2y = 0.0, m_cxy = 0.0;
};

}  // namespace meridian::strategy
