#pragma once
// Bar series fed to the backtest engine. The engine reads SeriesView (non-owning), so walk-forward windows and
// optimizer runs slice one loaded series without copying it.
#include "core/common/Result.h"
#include "core/domain/Types.h"

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::backtest {

struct BarSeries {
  std::string symbol;
  std::vector<domain::Bar> bars;  // ascending ts
};

struct SeriesView {
  std::string_view symbol;
  std::span<const domain::Bar> bars;
};

std::vector<SeriesView> views(std::span<const BarSeries> series);
// Bars [begin, end) of every view.
std::vector<SeriesView> slice(std::span<const SeriesView> series, std::size_t begin, std::size_t end);

// Keeps only the timestamps present in every series (inner join), so they can run in one engine.
// Errors when the intersection is empty.
Result<std::vector<BarSeries>> alignSeries(std::vector<BarSeries> series);

// OK when all views have the same length and identical timestamps (what BacktestEngine requires).
Status checkAligned(std::span<const SeriesView> series);

}  // namespace meridian::backtest
