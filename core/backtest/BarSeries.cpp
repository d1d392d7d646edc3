#include "core/backtest/BarSeries.h"

#include <fmt/core.h>

#include <algorithm>

namespace meridian::backtest {

std::vector<SeriesView> views(std::span<const BarSeries> series) {
  std::vector<SeriesView> v;
  v.reserve(series.size());
  for (const auto& s : series) v.push_back({s.symbol, s.bars});
  return v;
}

std::vector<SeriesView> slice(std::span<const SeriesView> series, std::size_t begin, std::size_t end) {
  std::vector<SeriesView> v;
  v.reserve(series.size());
  for (const auto& s : series) {
    const std::size_t e = std::min(end, s.bars.size());
    const std::size_t b = std::min(begin, e);
    v.push_back({s.symbol, s.bars.subspan(b, e - b)});
  }
  return v;
}

Result<std::vector<BarSeries>> alignSeries(std::vector<BarSeries> series) {
  if (series.size() <= 1) return series;
  // Timestamps common to all series.
  std::vector<domain::Timestamp> common;
  common.reserve(series[0].bars.size());
  for (const auto& b : series[0].bars) common.push_back(b.ts);
  for (std::size_t k = 1; k < series.size(); ++k) {
    std::vector<domain::Timestamp> next;
    const auto& bars = series[k].bars;
    std::size_t i = 0, j = 0;
    while (i < common.size() && j < bars.size()) {
      if (common[i] < bars[j].ts) ++i;
      else if (bars[j].ts < common[i]) ++j;
      else {
        next.push_back(common[i]);
        ++i;
        ++j;
      }
    }
    common.swap(next);
  }
  if (common.empty()) return makeError("series.align", "the series have no timestamp in common");
  for (auto& s : series) {
    std::vector<domain::Bar> kept;
    kept.reserve(common.size());
    std::size_t j = 0;
    for (const auto& b : s.bars) {
      while (j < common.size() && common[j] < b.ts) ++j;
      if (j < common.size() && common[j] == b.ts) kept.push_back(b);
    }
    s.bars.swap(kept);
  }
  return series;
}

Status checkAligned(std::span<const SeriesView> series) {
  if (series.empty()) return makeError("series.empty", "no bar series");
  const auto& first = series[0].bars;
  for (const auto& s : series.subspan(1)) {  // not the first against itself (a whole pass over a long series)
    if (s.bars.size() != first.size())
      return makeError("series.align", fmt::format("series {} has {} bars, {} has {}", s.symbol, s.bars.size(),
                                                   series[0].symbol, first.size()));
    for (std::size_t i = 0; i < first.size(); ++i)
      if (s.bars[i].ts != first[i].ts)
        return makeError("series.align", fmt::format("series {} and {} differ at bar {}", s.symbol,
                                                     series[0].symbol, i));
  }
  return {};
}

}  // namespace meridian::backtest
