#include "core/strategy/pairs/PairScanner.h"

#include "core/strategy/indicators/RollingStats.h"
#include "core/strategy/pairs/Cointegration.h"
#include "core/strategy/pairs/Ols.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

namespace meridian::strategy {

PairStats analyzePair(std::string first, std::string second, std::span<const double> logFirst,
                      std::span<const double> logSecond, int maxLag) {
  PairStats s;
  s.first = std::move(first);
  s.second = std::move(second);
  const std::size_t n = std::min(logFirst.size(), logSecond.size());
  s.observations = n;
  const CointegrationResult eg = engleGranger(logFirst.first(n), logSecond.first(n), maxLag);
  s.hedgeRatio = eg.ols.slope;
  s.intercept = eg.ols.intercept;
  s.adfStatistic = eg.adf.statistic;
  s.adfLags = eg.adf.usedLag;
  s.pValue = eg.valid ? eg.pValue : 1.0;
  s.crit5 = eg.crit5;
  const std::vector<double> spread = spreadSeries(logFirst.first(n), logSecond.first(n), s.hedgeRatio, s.intercept);
  s.halfLife = halfLife(spread);
  s.zWindow = zWindowForHalfLife(s.halfLife);

  // Pearson correlation of the log prices.
  s.correlation = simpleOls(logFirst.first(n), logSecond.first(n)).correlation;

  RollingStats stats(static_cast<std::size_t>(s.zWindow));
  double sumAbsZ = 0.0;
  std::size_t zCount = 0;
  for (double v : spread) {
    stats.update(v);
    const double z = stats.zscore(v);
    if (std::isfinite(z)) {
      sumAbsZ += std::abs(z);
      ++zCount;
    }
  }
  s.meanAbsZ = zCount ? sumAbsZ / double(zCount) : 0.0;
  s.score = (1.0 - s.pValue) * std::abs(s.correlation) * s.meanAbsZ;
  return s;
}

Result<std::vector<PairStats>> scanPairs(std::span<const PairScanInput> inputs, const PairScanOptions& options) {
  if (inputs.size() < 2) return makeError("pairs.input", "pair scan needs at least two series");
  for (std::size_t i = 0; i < inputs.size(); ++i)
    for (std::size_t j = i + 1; j < inputs.size(); ++j)
      if (inputs[i].symbol == inputs[j].symbol)
        return makeError("pairs.input", fmt::format("symbol '{}' is given twice", inputs[i].symbol));

  std::vector<PairStats> out;
  std::vector<double> la, lb;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    for (std::size_t j = i + 1; j < inputs.size(); ++j) {
      // Merge-join on timestamps.
      la.clear();
      lb.clear();
      const auto& a = inputs[i].bars;
      const auto& b = inputs[j].bars;
      std::size_t p = 0, q = 0;
      while (p < a.size() && q < b.size()) {
        if (a[p].ts < b[q].ts) {
          ++p;
        } else if (b[q].ts < a[p].ts) {
          ++q;
        } else {
          if (a[p].close > 0.0 && b[q].close > 0.0) {
            la.push_back(std::log(a[p].close));
            lb.push_back(std::log(b[q].close));
          }
          ++p;
          ++q;
        }
      }
      if (la.size() < std::max<std::size_t>(options.minObservations, 20)) continue;
      out.push_back(analyzePair(inputs[i].symbol, inputs[j].symbol, la, lb, options.maxLag));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const PairStats& x, const PairStats& y) { return x.score > y.score; });
  return out;
}

}  // namespace meridian::strategy
