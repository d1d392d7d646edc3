#include "core/strategy/pairs/Cointegration.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>

namespace meridian::strategy {

CointegrationResult engleGranger(std::span<const double> y, std::span<const double> x, int maxLag) {
  CointegrationResult r;
  const std::size_t n = std::min(y.size(), x.size());
  r.ols = simpleOls(y.first(n), x.first(n));
  if (!r.ols.valid) return r;
  const std::vector<double> resid = spreadSeries(y.first(n), x.first(n), r.ols.slope, r.ols.intercept);
  AdfOptions opt;
  opt.regression = AdfRegression::NoConstant;
  opt.maxLag = maxLag;
  r.adf = adfTest(resid, opt);
  if (!r.adf.valid) return r;
  r.pValue = mackinnonPValue(r.adf.statistic, 2);
  const double T = double(n) - 1.0;
  r.crit1 = mackinnonCriticalValue(2, 0.01, T);
  r.crit5 = mackinnonCriticalValue(2, 0.05, T);
  r.crit10 = mackinnonCriticalValue(2, 0.10, T);
  r.valid = true;
  return r;
}

double halfLife(std::span<const double> spread) {
  if (spread.size() < 4) return std::numeric_limits<double>::infinity();
  std::vector<double> lagged(spread.begin(), spread.end() - 1);
  std::vector<double> delta(spread.size() - 1);
  for (std::size_t i = 1; i < spread.size(); ++i) delta[i - 1] = spread[i] - spread[i - 1];
  const SimpleOls fit = simpleOls(delta, lagged);
  if (!fit.valid || !(fit.slope < 0.0)) return std::numeric_limits<double>::infinity();
  return -std::numbers::ln2 / fit.slope;
}

int zWindowForHalfLife(double hl) {
  if (!std::isfinite(hl)) return 60;
  return static_cast<int>(std::lround(std::clamp(2.0 * hl, 10.0, 60.0)));
}

std::vector<double> spreadSeries(std::span<const double> y, std::span<const double> x, double hedgeRatio,
                                 double intercept) {
  const std::size_t n = std::min(y.size(), x.size());
  std::vector<double> s(n);
  for (std::size_t i = 0; i < n; ++i) s[i] = y[i] - hedgeRatio * x[i] - intercept;
  return s;
}

}  // namespace meridian::strategy
