#include "core/analytics/Drawdown.h"

namespace meridian::analytics {

std::vector<double> drawdownSeries(double initialValue, std::span<const EquityPoint> curve) {
  std::vector<double> dd;
  dd.reserve(curve.size());
  appendDrawdownSeries(initialValue, curve, dd);
  return dd;
}

void appendDrawdownSeries(double initialValue, std::span<const EquityPoint> curve, std::vector<double>& out) {
  double peak = initialValue;
  for (const auto& p : curve) {
    if (p.equity > peak) peak = p.equity;
    out.push_back(peak > 0.0 ? p.equity / peak - 1.0 : 0.0);
  }
}

}  // namespace meridian::analytics
