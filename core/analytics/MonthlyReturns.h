#pragma once
// Monthly returns table (for a year x month heatmap): return of month m = last equity of m / last equity of the
// previous month (the initial value for the first month) - 1. Months are calendar months of the UTC timestamp
// (for US daily bars stamped at the 09:30 ET open this is the exchange date's month).
#include "core/analytics/Metrics.h"

#include <span>
#include <vector>

namespace meridian::analytics {

struct MonthlyReturn {
  int year = 0;
  int month = 0;  // 1..12
  double value = 0.0;
  friend bool operator==(const MonthlyReturn&, const MonthlyReturn&) = default;
};

std::vector<MonthlyReturn> monthlyReturns(double initialValue, std::span<const EquityPoint> curve);

// Civil (proleptic Gregorian) date of a UTC timestamp.
struct CivilDate {
  int year = 1970;
  int month = 1;
  int day = 1;
};
CivilDate civilDateUtc(domain::Timestamp ts);

}  // namespace meridian::analytics
