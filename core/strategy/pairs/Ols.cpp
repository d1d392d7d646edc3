#include "core/strategy/pairs/Ols.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace meridian::strategy {

SimpleOls simpleOls(std::span<const double> y, std::span<const double> x) {
  SimpleOls r;
  const std::size_t n = std::min(y.size(), x.size());
  r.n = n;
  if (n < 3) return r;
  double mx = 0.0, my = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    mx += x[i];
    my += y[i];
  }
  mx /= double(n);
  my /= double(n);
  double sxx = 0.0, sxy = 0.0, syy = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double dx = x[i] - mx, dy = y[i] - my;
    sxx += dx * dx;
    sxy += dx * dy;
    syy += dy * dy;
  }
  if (!(sxx > 0.0)) return r;
  r.correlation = syy > 0.0 ? sxy / std::sqrt(sxx * syy) : 0.0;
  r.slope = sxy / sxx;
  r.intercept = my - r.slope * mx;
  const double ssr = std::max(0.0, syy - r.slope * sxy);
  r.rSquared = syy > 0.0 ? 1.0 - ssr / syy : 1.0;
  r.slopeStdErr = std::sqrt(ssr / double(n - 2) / sxx);
  r.valid = true;
  return r;
}

double LinearFit::logLikelihood() const {
  const double nn = double(n);
  return -nn / 2.0 * (std::log(2.0 * std::numbers::pi) + std::log(ssr / nn) + 1.0);
}

double LinearFit::aic() const { return -2.0 * logLikelihood() + 2.0 * double(k); }

std::optional<LinearFit> leastSquares(std::span<const double> X, std::span<const double> y, std::size_t k) {
  const std::size_t n = y.size();
  if (k == 0 || n <= k || X.size() != n * k) return std::nullopt;
  std::vector<double> a(X.begin(), X.end());
  std::vector<double> b(y.begin(), y.end());
  auto at = [&](std::size_t row, std::size_t col) -> double& { return a[col * n + row]; };

  double maxDiag = 0.0;
  for (std::size_t j = 0; j < k; ++j) {
    double norm = 0.0;
    for (std::size_t i = j; i < n; ++i) norm += at(i, j) * at(i, j);
    norm = std::sqrt(norm);
    if (norm == 0.0) return std::nullopt;
    const double alpha = at(j, j) > 0.0 ? -norm : norm;
    // v = x - alpha e1 stored in place of column j (rows j..n-1).
    at(j, j) -= alpha;
    double vnorm2 = 0.0;
    for (std::size_t i = j; i < n; ++i) vnorm2 += at(i, j) * at(i, j);
    if (vnorm2 > 0.0) {
      for (std::size_t c = j + 1; c < k; ++c) {
        double dot = 0.0;
        for (std::size_t i = j; i < n; ++i) dot += at(i, j) * at(i, c);
        const double f = 2.0 * dot / vnorm2;
        for (std::size_t i = j; i < n; ++i) at(i, c) -= f * at(i, j);
      }
      double dot = 0.0;
      for (std::size_t i = j; i < n; ++i) dot += at(i, j) * b[i];
      const double f = 2.0 * dot / vnorm2;
      for (std::size_t i = j; i < n; ++i) b[i] -= f * at(i, j);
    }
    at(j, j) = alpha;  // R diagonal
    maxDiag = std::max(maxDiag, std::abs(alpha));
  }
  for (std::size_t j = 0; j < k; ++j)
    if (std::abs(at(j, j)) <= 1e-12 * maxDiag) return std::nullopt;  // rank-deficient

  LinearFit fit;
  fit.n = n;
  fit.k = k;
  fit.beta.assign(k, 0.0);
  for (std::size_t jj = k; jj-- > 0;) {
    double s = b[jj];
    for (std::size_t c = jj + 1; c < k; ++c) s -= at(jj, c) * fit.beta[c];
    fit.beta[jj] = s / at(jj, jj);
  }
  fit.ssr = 0.0;
  for (std::size_t i = k; i < n; ++i) fit.ssr += b[i] * b[i];

  // Rinv (upper triangular), then var(beta_j) = s^2 * sum_m Rinv[j][m]^2.
  std::vector<double> rinv(k * k, 0.0);  // row-major
  for (std::size_t col = 0; col < k; ++col) {
    for (std::size_t row = col + 1; row-- > 0;) {
      double s = row == col ? 1.0 : 0.0;
      for (std::size_t m = row + 1; m <= col; ++m) s -= at(row, m) * rinv[m * k + col];
      rinv[row * k + col] = s / at(row, row);
    }
  }
  const double s2 = fit.ssr / double(n - k);
  fit.stdErr.assign(k, 0.0);
  for (std::size_t j = 0; j < k; ++j) {
    double v = 0.0;
    for (std::size_t m = j; m < k; ++m) v += rinv[j * k + m] * rinv[j * k + m];
    fit.stdErr[j] = std::sqrt(s2 * v);
  }
  return fit;
}

}  // namespace meridian::strategy
