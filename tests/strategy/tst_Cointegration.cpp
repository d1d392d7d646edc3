// OLS, ADF (with AIC lag selection), MacKinnon p-values / critical values, Engle-Granger and half-life.
// References: normal equations solved by Gauss-Jordan elimination here (the library uses Householder QR),
// MacKinnon's published critical values, and series with known parameters.
#include "core/strategy/pairs/Adf.h"
#include "core/strategy/pairs/Cointegration.h"
#include "core/strategy/pairs/Ols.h"

#include <QtTest>

#include <cmath>
#include <numbers>
#include <random>
#include <vector>

using namespace meridian::strategy;

namespace {

struct NaiveFit {
  std::vector<double> beta, se;
  double ssr = 0;
  std::size_t n = 0, k = 0;
  double aic() const {
    const double nn = double(n);
    const double llf = -nn / 2.0 * (std::log(2.0 * std::numbers::pi) + std::log(ssr / nn) + 1.0);
    return -2.0 * llf + 2.0 * double(k);
  }
};

// rows: each row is one observation's regressors.
NaiveFit naiveOls(const std::vector<std::vector<double>>& rows, const std::vector<double>& y) {
  const std::size_t n = rows.size(), k = rows[0].size();
  // Augmented [X'X | I | X'y], Gauss-Jordan with partial pivoting.
  std::vector<std::vector<double>> a(k, std::vector<double>(2 * k + 1, 0.0));
  for (std::size_t i = 0; i < k; ++i) {
    for (std::size_t j = 0; j < k; ++j)
      for (std::size_t r = 0; r < n; ++r) a[i][j] += rows[r][i] * rows[r][j];
    a[i][k + i] = 1.0;
    for (std::size_t r = 0; r < n; ++r) a[i][2 * k] += rows[r][i] * y[r];
  }
  for (std::size_t c = 0; c < k; ++c) {
    std::size_t piv = c;
    for (std::size_t r = c + 1; r < k; ++r)
      if (std::abs(a[r][c]) > std::abs(a[piv][c])) piv = r;
    std::swap(a[c], a[piv]);
    const double d = a[c][c];
    for (auto& v : a[c]) v /= d;
    for (std::size_t r = 0; r < k; ++r) {
      if (r == c) continue;
      const double f = a[r][c];
      for (std::size_t j = 0; j <= 2 * k; ++j) a[r][j] -= f * a[c][j];
    }
  }
  NaiveFit f;
  f.n = n;
  f.k = k;
  for (std::size_t i = 0; i < k; ++i) f.beta.push_back(a[i][2 * k]);
  for (std::size_t r = 0; r < n; ++r) {
    double e = y[r];
    for (std::size_t i = 0; i < k; ++i) e -= rows[r][i] * f.beta[i];
    f.ssr += e * e;
  }
  const double s2 = f.ssr / double(n - k);
  for (std::size_t i = 0; i < k; ++i) f.se.push_back(std::sqrt(s2 * a[i][k + i]));
  return f;
}

// ADF design written out directly: dx_t on [1?, x_{t-1}, dx_{t-1}..dx_{t-p}], for t = first..T-1.
NaiveFit naiveAdf(const std::vector<double>& x, std::size_t p, std::size_t first, bool constant) {
  std::vector<std::vector<double>> rows;
  std::vector<double> y;
  for (std::size_t t = first; t < x.size(); ++t) {
    std::vector<double> row;
    if (constant) row.push_back(1.0);
    row.push_back(x[t - 1]);
    for (std::size_t i = 1; i <= p; ++i) row.push_back(x[t - i] - x[t - i - 1]);
    rows.push_back(row);
    y.push_back(x[t] - x[t - 1]);
  }
  return naiveOls(rows, y);
}

std::vector<double> ar1(std::size_t n, double phi, double sigma, unsigned seed, double start = 0.0) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> eps(0.0, sigma);
  std::vector<double> x(n);
  double v = start;
  for (auto& e : x) {
    v = phi * v + eps(rng);
    e = v;
  }
  return x;
}

}  // namespace

class tst_Cointegration : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void simpleOlsMatchesNormalEquations() {
    std::vector<double> x, y;
    std::mt19937 rng(1);
    std::uniform_real_distribution<double> u(-1, 1);
    for (int i = 0; i < 200; ++i) {
      x.push_back(i * 0.1);
      y.push_back(2.0 + 3.0 * i * 0.1 + u(rng));
    }
    const SimpleOls fit = simpleOls(y, x);
    QVERIFY(fit.valid);
    std::vector<std::vector<double>> rows;
    for (double xi : x) rows.push_back({1.0, xi});
    const NaiveFit ref = naiveOls(rows, y);
    QVERIFY(std::abs(fit.intercept - ref.beta[0]) < 1e-9);
    QVERIFY(std::abs(fit.slope - ref.beta[1]) < 1e-9);
    QVERIFY(std::abs(fit.slopeStdErr - ref.se[1]) < 1e-9);
    QVERIFY(std::abs(fit.slope - 3.0) < 0.05);
    // Exact line.
    const SimpleOls exact = simpleOls(std::vector<double>{5, 7, 9, 11}, std::vector<double>{1, 2, 3, 4});
    QCOMPARE(exact.slope, 2.0);
    QCOMPARE(exact.intercept, 3.0);
    QCOMPARE(exact.rSquared, 1.0);
    QVERIFY(!simpleOls(std::vector<double>{1, 2, 3}, std::vector<double>{4, 4, 4}).valid);  // constant x
  }
  void leastSquaresMatchesNormalEquations() {
    const std::size_t n = 120;
    std::vector<double> X(n * 3), y(n);
    std::vector<std::vector<double>> rows;
    std::mt19937 rng(2);
    std::normal_distribution<double> e(0, 0.5);
    for (std::size_t i = 0; i < n; ++i) {
      const double a = std::sin(double(i)), b = double(i % 7) - 3.0;
      X[i] = 1.0;
      X[n + i] = a;
      X[2 * n + i] = b;
      y[i] = 1.0 - 2.0 * a + 0.25 * b + e(rng);
      rows.push_back({1.0, a, b});
    }
    const auto fit = leastSquares(X, y, 3);
    QVERIFY(fit.has_value());
    const NaiveFit ref = naiveOls(rows, y);
    for (std::size_t j = 0; j < 3; ++j) {
      QVERIFY(std::abs(fit->beta[j] - ref.beta[j]) < 1e-10);
      QVERIFY(std::abs(fit->stdErr[j] - ref.se[j]) < 1e-10);
    }
    QVERIFY(std::abs(fit->ssr - ref.ssr) < 1e-8);
    QVERIFY(std::abs(fit->aic() - ref.aic()) < 1e-8);
    // Rank-deficient: third column = 2 x second.
    for (std::size_t i = 0; i < n; ++i) X[2 * n + i] = 2.0 * X[n + i];
    QVERIFY(!leastSquares(X, y, 3).has_value());
  }
  void mackinnonPValueAtPublishedCriticalValues() {
    // MacKinnon (2010) asymptotic critical values -> the 1994 p-value surface gives ~1 %, 5 %, 10 %.
    QVERIFY(std::abs(mackinnonPValue(-3.33613, 2) - 0.05) < 0.001);  // Engle-Granger, 2 variables, constant
    QVERIFY(std::abs(mackinnonPValue(-3.89644, 2) - 0.01) < 0.001);
    QVERIFY(std::abs(mackinnonPValue(-3.04445, 2) - 0.10) < 0.001);
    QVERIFY(std::abs(mackinnonPValue(-2.86154, 1) - 0.05) < 0.001);  // plain ADF with constant
    QVERIFY(std::abs(mackinnonPValue(-3.43035, 1) - 0.01) < 0.001);
    QVERIFY(std::abs(mackinnonPValue(-2.56677, 1) - 0.10) < 0.001);
    // Right side of the surface (computed independently from the published coefficients).
    QVERIFY(std::abs(mackinnonPValue(-2.0, 2) - 0.528578) < 1e-5);
    QVERIFY(std::abs(mackinnonPValue(-1.0, 2) - 0.902847) < 1e-5);
    QCOMPARE(mackinnonPValue(-19.0, 2), 0.0);
    QCOMPARE(mackinnonPValue(1.0, 2), 1.0);
    double prev = 0.0;
    for (double t = -6.0; t <= 0.9; t += 0.05) {
      const double p = mackinnonPValue(t, 2);
      QVERIFY(p >= prev - 0.002);  // monotone up to the small jump where the two surfaces meet
      prev = p;
    }
  }
  void mackinnonCriticalValues() {
    QCOMPARE(mackinnonCriticalValue(2, 0.05), -3.33613);
    QVERIFY(std::abs(mackinnonCriticalValue(2, 0.05, 100) - (-3.33613 - 6.1101 / 100 - 6.823 / 1e4)) < 1e-12);
    QVERIFY(std::abs(mackinnonCriticalValue(1, 0.01, 500) - (-3.43035 - 6.5393 / 500 - 16.786 / 25e4 - 79.433 / 125e6)) <
            1e-12);
    QVERIFY(std::isnan(mackinnonCriticalValue(2, 0.02)));
  }
  void adfFixedLagMatchesDirectRegression() {
    const auto x = ar1(300, 0.95, 1.0, 7, 5.0);
    AdfOptions o;
    o.autoLag = false;
    o.maxLag = 2;
    const AdfResult r = adfTest(x, o);
    QVERIFY(r.valid);
    QCOMPARE(r.usedLag, 2);
    QCOMPARE(r.nobs, std::size_t(300 - 1 - 2));
    const NaiveFit ref = naiveAdf(x, 2, 3, true);
    QVERIFY(std::abs(r.statistic - ref.beta[1] / ref.se[1]) < 1e-9);
    QVERIFY(std::abs(r.gamma - ref.beta[1]) < 1e-12);
    o.regression = AdfRegression::NoConstant;
    const AdfResult rn = adfTest(x, o);
    const NaiveFit refn = naiveAdf(x, 2, 3, false);
    QVERIFY(std::abs(rn.statistic - refn.beta[0] / refn.se[0]) < 1e-9);
  }
  void adfAutoLagPicksMinimumAicOnCommonSample() {
    // AR(2) in levels so that lagged differences matter.
    std::mt19937_64 rng(11);
    std::normal_distribution<double> e(0, 1);
    std::vector<double> x(400);
    for (std::size_t t = 2; t < x.size(); ++t) x[t] = 1.2 * x[t - 1] - 0.35 * x[t - 2] + e(rng);
    const AdfResult r = adfTest(x);  // default: constant, autolag, maxLag = ceil(12 (400/100)^0.25) = 17
    QVERIFY(r.valid);
    const std::size_t maxLag = 17;
    double best = 1e300;
    std::size_t bestLag = 0;
    for (std::size_t p = 0; p <= maxLag; ++p) {
      const double aic = naiveAdf(x, p, maxLag + 1, true).aic();
      if (aic < best) {
        best = aic;
        bestLag = p;
      }
    }
    QCOMPARE(std::size_t(r.usedLag), bestLag);
    QVERIFY(bestLag >= 1);
    const NaiveFit ref = naiveAdf(x, bestLag, bestLag + 1, true);
    QVERIFY(std::abs(r.statistic - ref.beta[1] / ref.se[1]) < 1e-8);
    QCOMPARE(r.nobs, x.size() - 1 - bestLag);
  }
  void stationaryAr1IsRejectedAndHalfLifeRecovered() {
    const double phi = 0.9;
    const auto x = ar1(5000, phi, 1.0, 3);
    const AdfResult r = adfTest(x);
    QVERIFY(r.valid);
    QVERIFY2(r.statistic < -8.0, qPrintable(QString::number(r.statistic)));
    QVERIFY(mackinnonPValue(r.statistic, 1) < 1e-4);
    const double hl = halfLife(x);
    // lambda = phi - 1 = -0.1 -> -ln 2 / lambda = 6.93 (sampling s.e. of lambda ~ 0.006)
    QVERIFY2(std::abs(hl - std::numbers::ln2 / 0.1) < 0.7, qPrintable(QString::number(hl)));
    // Exactly the regression of dx on x_{t-1} with a constant.
    std::vector<std::vector<double>> rows;
    std::vector<double> dy;
    for (std::size_t t = 1; t < x.size(); ++t) {
      rows.push_back({1.0, x[t - 1]});
      dy.push_back(x[t] - x[t - 1]);
    }
    const NaiveFit ref = naiveOls(rows, dy);
    QVERIFY(std::abs(hl - (-std::numbers::ln2 / ref.beta[1])) < 1e-9);
  }
  void randomWalkIsNotRejected() {
    const auto x = ar1(1000, 1.0, 1.0, 21);
    const AdfResult r = adfTest(x);
    QVERIFY(r.valid);
    QVERIFY2(mackinnonPValue(r.statistic, 1) > 0.10, qPrintable(QString::number(r.statistic)));
    QVERIFY(std::isinf(halfLife(std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8})));  // trending: no mean reversion
  }
  void engleGrangerOnConstructedPair() {
    // log B: random walk; log A = 0.5 + 1.5 log B + AR(1) noise (phi 0.8).
    const auto b = ar1(2000, 1.0, 0.01, 5, 3.0);
    const auto noise = ar1(2000, 0.8, 0.01, 6);
    std::vector<double> a(b.size());
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = 0.5 + 1.5 * b[i] + noise[i];
    const CointegrationResult eg = engleGranger(a, b);
    QVERIFY(eg.valid);
    QVERIFY2(std::abs(eg.hedgeRatio() - 1.5) < 0.02, qPrintable(QString::number(eg.hedgeRatio())));
    QVERIFY(eg.pValue < 0.01);
    QVERIFY(eg.adf.statistic < eg.crit1);
    QVERIFY(std::abs(eg.crit5 - mackinnonCriticalValue(2, 0.05, 1999)) < 1e-12);
    // The residual ADF is the no-constant regression on the OLS residuals.
    const auto resid = spreadSeries(a, b, eg.ols.slope, eg.ols.intercept);
    AdfOptions o;
    o.regression = AdfRegression::NoConstant;
    QCOMPARE(adfTest(resid, o).statistic, eg.adf.statistic);
    const double hl = halfLife(resid);
    QVERIFY2(hl > 2.5 && hl < 4.5, qPrintable(QString::number(hl)));  // -ln2 / (0.8 - 1) = 3.47
    QCOMPARE(zWindowForHalfLife(hl), 10);

    // Two independent random walks are not cointegrated.
    const auto c = ar1(2000, 1.0, 0.01, 8, 2.0);
    const CointegrationResult none = engleGranger(a, c);
    QVERIFY(none.valid);
    QVERIFY2(none.pValue > 0.05, qPrintable(QString::number(none.pValue)));
  }
  void zWindowRule() {
    QCOMPARE(zWindowForHalfLife(3.0), 10);
    QCOMPARE(zWindowForHalfLife(12.4), 25);
    QCOMPARE(zWindowForHalfLife(29.9), 60);
    QCOMPARE(zWindowForHalfLife(45.0), 60);
    QCOMPARE(zWindowForHalfLife(std::numeric_limits<double>::infinity()), 60);
  }
};

QTEST_APPLESS_MAIN(tst_Cointegration)
#include "tst_Cointegration.moc"
