#include "core/storage/BarBatch.h"

#include "core/storage/Records.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace meridian::storage::detail {

std::string formatTs(domain::Timestamp ts) {
  using namespace std::chrono;
  const sys_time<nanoseconds> tp{nanoseconds{ts}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss<nanoseconds> hms{tp - day};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:09}Z", int(ymd.year()), unsigned(ymd.month()),
                     unsigned(ymd.day()), hms.hours().count(), hms.minutes().count(), hms.seconds().count(),
                     hms.subseconds().count());
}

std::string barProblem(const domain::Bar& b) {
  if (!std::isfinite(b.open) || !std::isfinite(b.high) || !std::isfinite(b.low) || !std::isfinite(b.close) ||
      !std::isfinite(b.volume) || !std::isfinite(b.vwap))
    return "non-finite value";
  if (!(b.open > 0.0 && b.high > 0.0 && b.low > 0.0 && b.close > 0.0))
    return fmt::format("prices must be > 0 (o={} h={} l={} c={})", b.open, b.high, b.low, b.close);
  if (b.low > std::min(b.open, b.close))
    return fmt::format("low {} > min(open {}, close {})", b.low, b.open, b.close);
  if (b.high < std::max(b.open, b.close))
    return fmt::format("high {} < max(open {}, close {})", b.high, b.open, b.close);
  if (b.volume < 0.0) return fmt::format("volume {} < 0", b.volume);
  if (!domain::isSane(b)) return "fails domain::isSane";
  return {};
}

Result<BarBatch> prepareBarBatch(std::string_view symbol, std::string_view source,
                                 std::span<const domain::Bar> bars) {
  if (symbol.empty() || source.empty())
    return makeError(errc::kInvalid, "bar batch rejected: symbol and source must not be empty");
  for (const auto& b : bars) {
    if (auto problem = barProblem(b); !problem.empty())
      return makeError(errc::kInvalid,
                       fmt::format("bar batch rejected, nothing written: {} ({}) bar at ts={} ({}): {}", symbol,
                                   source, b.ts, formatTs(b.ts), problem));
  }
  BarBatch batch;
  const bool increasing =
      std::adjacent_find(bars.begin(), bars.end(), [](const auto& a, const auto& b) { return a.ts >= b.ts; }) ==
      bars.end();
  if (increasing) {
    batch.bars = bars;
    return batch;
  }
  batch.owned.assign(bars.begin(), bars.end());
  // Stable sort keeps input order among equal ts; keep the last of each run.
  std::stable_sort(batch.owned.begin(), batch.owned.end(),
                   [](const domain::Bar& a, const domain::Bar& b) { return a.ts < b.ts; });
  std::vector<domain::Bar> unique;
  unique.reserve(batch.owned.size());
  for (const auto& b : batch.owned) {
    if (!unique.empty() && unique.back().ts == b.ts)
      unique.back() = b;
    else
      unique.push_back(b);
  }
  batch.owned = std::move(unique);
  batch.bars = batch.owned;
  return batch;
}

}  // namespace meridian::storage::detail
