#pragma once
// Engle-Granger two-step cointegration test and mean-reversion half-life, as used by the pairs strategy and
// the pair scanner. Inputs are usually log prices: spread = y - hedgeRatio * x - intercept.
#include "core/strategy/pairs/Adf.h"
#include "core/strategy/pairs/Ols.h"

#include <span>
#include <vector>

namespace meridian::strategy {

struct CointegrationResult {
  bool valid = false;
  SimpleOls ols;          // y = intercept + hedgeRatio * x
  AdfResult adf;          // on the OLS residuals, no constant (as statsmodels.coint)
  double pValue = 1.0;    // MacKinnon (1994), constant case, N = 2
  double crit1 = 0.0, crit5 = 0.0, crit10 = 0.0;  // MacKinnon (2010), N = 2, T = observations - 1
  double hedgeRatio() const { return ols.slope; }
};

// Engle-Granger: regress y on x with a constant, ADF (AIC lag selection, maxLag < 0 = automatic) on the residuals.
CointegrationResult engleGranger(std::span<const double> y, std::span<const double> x, int maxLag = -1);

// Half-life (bars) of mean reversion from the AR(1) fit ds_t = a + lambda * s_{t-1}: -ln 2 / lambda.
// +infinity when lambda >= 0 (no mean reversion) or the fit is impossible.
double halfLife(std::span<const double> spread);

// z-score window for a half-life: min(max(10, 2 * halfLife), 60), rounded to whole bars (60 if not finite).
int zWindowForHalfLife(double halfLife);

// spread_i = y_i - hedgeRatio * x_i - intercept
std::vector<double> spreadSeries(std::span<const double> y, std::span<const double> x, double hedgeRatio,
                                 double intercept = 0.0);

}  // namespace meridian::strategy
