#include "core/contract/Reports.h"

#include <fmt/format.h>

namespace meridian::contract {

std::string pnlReportCsv(const PnlReport& report) {
  std::string out = "granularity,period,strategy,symbol,pnl,realized,fees,fills,position\n";
  const auto rows = [&](const char* granularity, const std::vector<PnlRow>& list) {
    for (const PnlRow& r : list)
      out += fmt::format("{},{},{},{},{:.17g},{:.17g},{:.17g},{},{:.17g}\n", granularity, r.period, r.strategy,
                         r.symbol, r.pnl, r.realized, r.fees, r.fills, r.position);
  };
  rows("day", report.daily);
  rows("week", report.weekly);
  rows("month", report.monthly);
  return out;
}

}  // namespace meridian::contract
