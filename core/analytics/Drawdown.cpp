#include "core/analytics/Drawdown.h"

namespace meridian::analytics {

std::vector<double> drawdownSeries(double initialValue, std::span<const EquityPoint> curve) {
  std::vector<double> dd;
  dd.reserve(curve.size());
  double peak = initialValue;
  for (const auto& p : curve) {
    if (p.equity > peak) peak = p.equity;
    dd.push_back(peak > 0.0 ? p.equity / peak - 1.0 : 0.0);
  }
  return dd;
}

}  // namespace meridian::analytics
