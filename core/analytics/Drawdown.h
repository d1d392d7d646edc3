#pragma once
// Drawdown series of an equity curve: dd_t = E_t / max(E_0, max_{s<=t} E_s) - 1 (<= 0), E_0 = initial value.
#include "core/analytics/Metrics.h"

#include <span>
#include <vector>

namespace meridian::analytics {

std::vector<double> drawdownSeries(double initialValue, std::span<const EquityPoint> curve);
// The same series appended to `out` (which the caller may have reserved, e.g. with large pages).
void appendDrawdownSeries(double initialValue, std::span<const EquityPoint> curve, std::vector<double>& out);

}  // namespace meridian::analytics
