#pragma once
// A screener cell as CSV exports write it (the Screener dock's Export, `meridian-cli screen --csv`): text columns as
// the table shows them, numbers at full precision (the shortest text that reads back to the same double; the table
// rounds for display only), "" when unknown.
#include <fmt/core.h>

#include <string>

#include "core/screener/Screener.h"

namespace meridian::screener {

inline std::string exportText(const SymbolMetrics& m, Column c) {
  switch (c) {
    case Column::Symbol:
    case Column::Sector:
    case Column::Cross:
    case Column::LastDate: return cellText(m, c);
    default: {
      const auto v = columnValue(m, c);
      return v ? fmt::format("{}", *v) : std::string();
    }
  }
}

}  // namespace meridian::screener
