#pragma once
// Drawdown series of an equity curve: dd_t = E_t / max(E_0, max_{s<=t} E_s) - 1 (<= 0), E_0 = initial value.
#include "core/analytics/Metrics.h"

#include <span>
#include <vector>

namespace meridian::analytics {

std::vector<double> drawdownSeries(double initialValue, std::span<const EquityPoint> curve);

}  // namespace meridian::analytics
