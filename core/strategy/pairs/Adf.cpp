#include "core/strategy/pairs/Adf.h"

#include "core/strategy/pairs/Ols.h"

#include <cmath>
#include <limits>
#include <vector>

namespace meridian::strategy {
namespace {

// MacKinnon (1994) Table 3/4 coefficients, constant ("c") case, rows N = 1..6 (as published in statsmodels
// adfvalues.py: tau_star_c, tau_min_c, tau_max_c, tau_c_smallp * [1, 1, 1e-2], tau_c_largep * [1, 1e-1, 1e-1, 1e-2]).
constexpr double kTauStar[6] = {-1.61, -2.62, -3.13, -3.47, -3.78, -3.93};
constexpr double kTauMin[6] = {-18.83, -18.86, -23.48, -28.07, -25.96, -23.27};
constexpr double kTauMax[6] = {2.74, 0.92, 0.55, 0.61, 0.79, 1.0};
constexpr double kSmallP[6][3] = {
    {2.1659, 1.4412, 3.8269e-2}, {2.92, 1.5012, 3.9796e-2},  {3.4699, 1.4856, 3.164e-2},
    {3.9673, 1.4777, 2.6315e-2}, {4.5509, 1.5338, 2.9545e-2}, {5.1399, 1.6036, 3.4445e-2}};
constexpr double kLargeP[6][4] = {
    {1.7339, 0.93202, -0.12745, -0.010368}, {2.1945, 0.64695, -0.29198, -0.042377},
    {2.5893, 0.45168, -0.36529, -0.050074}, {3.0387, 0.45452, -0.33666, -0.041921},
    {3.5049, 0.52098, -0.29158, -0.033468}, {3.9489, 0.58933, -0.25359, -0.02721}};

// MacKinnon (2010) Table 2, constant case: tau = b0 + b1/T + b2/T^2 + b3/T^3, rows N = 1..12, levels 1/5/10 %.
constexpr double kCrit2010[12][3][4] = {
    {{-3.43035, -6.5393, -16.786, -79.433}, {-2.86154, -2.8903, -4.234, -40.040}, {-2.56677, -1.5384, -2.809, 0}},
    {{-3.89644, -10.9519, -33.527, 0}, {-3.33613, -6.1101, -6.823, 0}, {-3.04445, -4.2412, -2.720, 0}},
    {{-4.29374, -14.4354, -33.195, 47.433}, {-3.74066, -8.5632, -10.852, 27.982}, {-3.45218, -6.2143, -3.718, 0}},
    {{-4.64332, -18.1031, -37.972, 0}, {-4.09600, -11.2349, -11.175, 0}, {-3.81020, -8.3931, -4.137, 0}},
    {{-4.95756, -21.8883, -45.142, 0}, {-4.41519, -14.0405, -12.575, 0}, {-4.13157, -10.7417, -3.784, 0}},
    {{-5.24568, -25.6688, -57.737, 88.639}, {-4.70693, -16.9178, -17.492, 60.007}, {-4.42501, -13.1875, -5.104, 27.877}},
    {{-5.51233, -29.5760, -69.398, 164.295}, {-4.97684, -19.9021, -22.045, 110.761}, {-4.69648, -15.7315, -5.104, 27.877}},
    {{-5.76202, -33.5258, -82.189, 256.289}, {-5.22924, -23.0023, -24.646, 144.479}, {-4.95007, -18.3959, -7.344, 94.872}},
    {{-5.99742, -37.6572, -87.365, 248.316}, {-5.46697, -26.2057, -26.627, 176.382}, {-5.18897, -21.1377, -9.484, 172.704}},
    {{-6.22103, -41.7154, -102.680, 389.33}, {-5.69244, -29.4521, -30.994, 251.016}, {-5.41533, -24.0006, -7.514, 163.049}},
    {{-6.43377, -46.0084, -106.809, 352.752}, {-5.90714, -32.8336, -30.275, 249.994}, {-5.63086, -26.9693, -4.083, 151.427}},
    {{-6.63790, -50.2095, -124.156, 579.622}, {-6.11279, -36.2681, -32.505, 314.802}, {-5.83724, -29.9864, -2.686, 184.116}}};

// Builds the ADF design for `lags` lagged differences over the last `nobs` usable observations and fits it.
std::optional<LinearFit> fitAdf(std::span<const double> x, std::size_t lags, std::size_t nobs, bool constant,
                                std::size_t regressors) {
  // dx[t] = x[t+1] - x[t], t = 0..T-2. Rows use t = T-1-nobs .. T-2.
  const std::size_t T = x.size();
  const std::size_t first = T - 1 - nobs;
  std::vector<double> X(nobs * regressors);
  std::vector<double> y(nobs);
  for (std::size_t r = 0; r < nobs; ++r) {
    const std::size_t t = first + r;
    y[r] = x[t + 1] - x[t];
    std::size_t c = 0;
    if (constant) X[c++ * nobs + r] = 1.0;
    X[c++ * nobs + r] = x[t];
    for (std::size_t i = 1; i <= lags && c < regressors; ++i) X[c++ * nobs + r] = x[t + 1 - i] - x[t - i];
  }
  return leastSquares(X, y, regressors);
}

}  // namespace

double normalCdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double mackinnonPValue(double tau, int n) {
  if (n < 1 || n > 6 || std::isnan(tau)) return std::numeric_limits<double>::quiet_NaN();
  const int i = n - 1;
  if (tau > kTauMax[i]) return 1.0;
  if (tau < kTauMin[i]) return 0.0;
  double z;
  if (tau <= kTauStar[i]) {
    z = kSmallP[i][0] + kSmallP[i][1] * tau + kSmallP[i][2] * tau * tau;
  } else {
    z = kLargeP[i][0] + kLargeP[i][1] * tau + kLargeP[i][2] * tau * tau + kLargeP[i][3] * tau * tau * tau;
  }
  return normalCdf(z);
}

double mackinnonCriticalValue(int n, double level, double nobs) {
  if (n < 1 || n > 12) return std::numeric_limits<double>::quiet_NaN();
  int j;
  if (std::abs(level - 0.01) < 1e-9) j = 0;
  else if (std::abs(level - 0.05) < 1e-9) j = 1;
  else if (std::abs(level - 0.10) < 1e-9) j = 2;
  else return std::numeric_limits<double>::quiet_NaN();
  const double* b = kCrit2010[n - 1][j];
  const double inv = nobs > 0.0 ? 1.0 / nobs : 0.0;
  return b[0] + inv * (b[1] + inv * (b[2] + inv * b[3]));
}

AdfResult adfTest(std::span<const double> x, const AdfOptions& options) {
  AdfResult res;
  const bool constant = options.regression == AdfRegression::Constant;
  const long ntrend = constant ? 1 : 0;
  const long T = static_cast<long>(x.size());
  if (T < 4) return res;
  for (double v : x)
    if (!std::isfinite(v)) return res;
  long maxLag = options.maxLag;
  if (maxLag < 0) {
    maxLag = static_cast<long>(std::ceil(12.0 * std::pow(double(T) / 100.0, 0.25)));
    maxLag = std::min(T / 2 - ntrend - 1, maxLag);
  }
  if (maxLag < 0) return res;
  if (T - 1 - maxLag <= maxLag + 1 + ntrend) return res;  // not enough observations

  std::size_t lag = static_cast<std::size_t>(maxLag);
  if (options.autoLag) {
    // Common sample: the observations available with maxLag lags.
    const std::size_t nobs = static_cast<std::size_t>(T - 1 - maxLag);
    double best = std::numeric_limits<double>::infinity();
    std::size_t bestLag = 0;
    for (std::size_t p = 0; p <= static_cast<std::size_t>(maxLag); ++p) {
      const auto fit = fitAdf(x, p, nobs, constant, static_cast<std::size_t>(ntrend) + 1 + p);
      if (!fit) continue;
      const double aic = fit->aic();
      if (aic < best) {  // strict: ties keep the smaller lag
        best = aic;
        bestLag = p;
      }
    }
    if (!std::isfinite(best)) return res;
    lag = bestLag;
  }
  const std::size_t nobs = static_cast<std::size_t>(T - 1) - lag;
  const std::size_t levelCol = constant ? 1 : 0;
  const auto fit = fitAdf(x, lag, nobs, constant, static_cast<std::size_t>(ntrend) + 1 + lag);
  if (!fit) return res;
  res.valid = true;
  res.gamma = fit->beta[levelCol];
  res.statistic = fit->tValue(levelCol);
  res.usedLag = static_cast<int>(lag);
  res.nobs = nobs;
  return res;
}

}  // namespace meridian::strategy
