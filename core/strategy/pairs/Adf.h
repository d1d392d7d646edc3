#pragma once
// Augmented Dickey-Fuller test and MacKinnon p-values / critical values.
//
// Regression (statsmodels.tsa.stattools.adfuller layout): dx_t = [c] + gamma x_{t-1} + sum_{i=1..p} d_i dx_{t-i}.
// With autoLag, p in 0..maxLag is chosen by minimum AIC on a common sample (the one of maxLag), then the
// regression is re-run with the chosen lag on all available observations. maxLag < 0 selects
// ceil(12 (n/100)^(1/4)), capped at n/2 - ntrend - 1.
//
// p-values: MacKinnon (1994) response surfaces, constant case ("c"), N = number of I(1) variables
// (N = 1 for a plain unit-root test, N = 2 for the Engle-Granger test of a pair). Critical values: MacKinnon
// (2010) finite-sample response surfaces, constant case.
#include <cstddef>
#include <span>

namespace meridian::strategy {

enum class AdfRegression { NoConstant, Constant };

struct AdfOptions {
  AdfRegression regression = AdfRegression::Constant;
  int maxLag = -1;       // < 0: ceil(12 (n/100)^(1/4))
  bool autoLag = true;   // AIC lag selection; false uses maxLag lags
};

struct AdfResult {
  bool valid = false;
  double statistic = 0.0;  // t-value of gamma
  double gamma = 0.0;
  int usedLag = 0;
  std::size_t nobs = 0;    // observations in the final regression
};

AdfResult adfTest(std::span<const double> x, const AdfOptions& options = {});

// MacKinnon (1994) approximate p-value of a tau statistic, constant case, N in 1..6.
double mackinnonPValue(double tau, int n = 1);
// MacKinnon (2010) critical value, constant case, N in 1..12, level 0.01, 0.05 or 0.10; nobs = 0 gives the
// asymptotic value.
double mackinnonCriticalValue(int n, double level, double nobs = 0.0);

// Standard normal CDF.
double normalCdf(double x);

}  // namespace meridian::strategy
