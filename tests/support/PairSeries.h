#pragma once
// Generated daily series for pair tests (header only): A = exp(0.5) x B^1.5 x exp(e), e an AR(1) noise with phi 0.5
// (A and B cointegrated: hedge ratio 1.5, half-life ln 2 / 0.5 = 1.39 bars), and C an independent random walk.
// Deterministic (fixed seed); bars one calendar day apart from kPairT0.
#include "core/domain/Types.h"
#include "core/storage/StorageService.h"

#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace meridian::test {

inline constexpr domain::Timestamp kPairT0 = 1'704'205'800'000'000'000;  // 2024-01-02 14:30 UTC

struct PairSeries {
  std::vector<double> a, b, c;
};

inline PairSeries generatePairSeries(std::size_t n) {
  std::mt19937_64 rng(20261206);
  std::normal_distribution<double> step(0.0, 0.01), noise(0.0, 0.01);
  PairSeries g;
  double logB = std::log(50.0), logC = std::log(80.0), e = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    logB += step(rng);
    logC += step(rng);
    e = 0.5 * e + noise(rng);
    g.b.push_back(std::exp(logB));
    g.c.push_back(std::exp(logC));
    g.a.push_back(std::exp(0.5 + 1.5 * logB + e));
  }
  return g;
}

// Bars of `closes` one `step` apart (daily by default), the first at kPairT0 + offset steps.
inline std::vector<domain::Bar> pairBars(const std::vector<double>& closes, std::size_t offset = 0,
                                         domain::Timestamp step = domain::kNanosPerDay) {
  std::vector<domain::Bar> out;
  for (std::size_t i = 0; i < closes.size(); ++i) {
    domain::Bar b;
    b.ts = kPairT0 + domain::Timestamp(i + offset) * step;
    b.open = b.high = b.low = b.close = closes[i];
    b.high += 0.01;
    b.low -= 0.01;
    b.volume = 1000;
    out.push_back(b);
  }
  return out;
}

struct StoredPair {
  bool withC = true;                          // CCC (c) too
  std::string source = "csv";                 // e.g. "csv_1h" for hourly bars
  domain::Timestamp step = domain::kNanosPerDay;
};

// Stores the legs as series AAA (a), BBB (b) and CCC (c). False when a write fails.
inline bool storePairSeries(storage::StorageService& storage, const PairSeries& g, const StoredPair& how = {}) {
  const std::pair<const char*, const std::vector<double>*> legs[] = {{"AAA", &g.a}, {"BBB", &g.b}, {"CCC", &g.c}};
  for (const auto& [name, closes] : legs) {
    if (!how.withC && closes == &g.c) continue;
    const std::string symbol = name;
    const std::vector<domain::Bar> bars = pairBars(*closes, 0, how.step);
    if (!storage.call([&](storage::IStorage& s) { return s.upsertBars(symbol, how.source, bars); }).get().ok())
      return false;
  }
  return true;
}

}  // namespace meridian::test
