#pragma once
// Ordinary least squares. simpleOls fits y = a + b x; leastSquares solves a general design matrix with
// Householder QR (stable for the lagged-difference designs of the ADF test) and reports standard errors and
// the Gaussian log-likelihood / AIC exactly as statsmodels' OLS does, so lag selection matches it.
#include <cstddef>
#include <optional>
#include <span>
#include <vector>

namespace meridian::strategy {

struct SimpleOls {
  double intercept = 0.0;
  double slope = 0.0;
  double slopeStdErr = 0.0;
  double rSquared = 0.0;
  double correlation = 0.0;  // Pearson r of x and y; 0 when either is constant
  std::size_t n = 0;
  bool valid = false;  // false when n < 3 or x is constant
};

// y = intercept + slope * x (+ e). y and x must have equal sizes.
SimpleOls simpleOls(std::span<const double> y, std::span<const double> x);

struct LinearFit {
  std::vector<double> beta;
  std::vector<double> stdErr;
  double ssr = 0.0;      // sum of squared residuals
  std::size_t n = 0;     // observations
  std::size_t k = 0;     // regressors
  double tValue(std::size_t i) const { return beta[i] / stdErr[i]; }
  double logLikelihood() const;
  double aic() const;    // -2 llf + 2 k
};

// Least squares of y on the columns of X (column-major, n rows, k columns). nullopt when n <= k or X is
// rank-deficient.
std::optional<LinearFit> leastSquares(std::span<const double> X, std::span<const double> y, std::size_t k);

}  // namespace meridian::strategy
