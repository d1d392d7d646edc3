#include "core/analytics/MonthlyReturns.h"

namespace meridian::analytics {

CivilDate civilDateUtc(domain::Timestamp ts) {
  // Howard Hinnant's civil_from_days.
  std::int64_t days = ts / domain::kNanosPerDay;
  if (ts % domain::kNanosPerDay < 0) --days;
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return {int(y), int(m), int(d)};
}

std::vector<MonthlyReturn> monthlyReturns(double initialValue, std::span<const EquityPoint> curve) {
  std::vector<MonthlyReturn> out;
  double base = initialValue;
  double last = initialValue;
  int curY = 0, curM = 0;
  for (const auto& p : curve) {
    const CivilDate d = civilDateUtc(p.ts);
    if (d.year != curY || d.month != curM) {
      if (curY != 0) {
        out.push_back({curY, curM, base != 0.0 ? last / base - 1.0 : 0.0});
        base = last;
      }
      curY = d.year;
      curM = d.month;
    }
    last = p.equity;
  }
  if (curY != 0) out.push_back({curY, curM, base != 0.0 ? last / base - 1.0 : 0.0});
  return out;
}

}  // namespace meridian::analytics
