#pragma once
// Drawdown of an equity curve, point by point: dd_t = E_t / max(E_0, max_{s<=t} E_s) - 1 (<= 0), E_0 = initial
// value. Computed where it is shown or written rather than stored beside the curve (for a 10M-bar backtest the
// stored series was another 80 MB).
namespace meridian::analytics {

class DrawdownTracker {
 public:
  explicit DrawdownTracker(double initialValue) : m_peak(initialValue) {}
  // The drawdown at the next point of the curve (points in time order).
  double next(double equity) {
    if (equity > m_peak) m_peak = equity;
    return m_peak > 0.0 ? equity / m_peak - 1.0 : 0.0;
  }

 private:
  double m_peak;
};

}  // namespace meridian::analytics
