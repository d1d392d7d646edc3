#include "core/marketdata/VendorBarFields.h"

#include <cmath>
#include <cstdint>

namespace meridian::marketdata {

const char* missingOhlcField(const QJsonObject& row) {
  for (const char* k : {"o", "h", "l", "c"})
    if (!row.value(QLatin1String(k)).isDouble()) return k;
  return nullptr;
}

bool readOhlcvFields(const QJsonObject& row, domain::Bar& bar) {
  const double n = row.value("n").toDouble(0.0);
  if (!(std::abs(n) <= 9.0e18)) return false;
  bar.open = row.value("o").toDouble();
  bar.high = row.value("h").toDouble();
  bar.low = row.value("l").toDouble();
  bar.close = row.value("c").toDouble();
  bar.volume = row.value("v").toDouble(0.0);
  bar.vwap = row.value("vw").toDouble(0.0);
  bar.trades = std::int64_t(n);
  return true;
}

}  // namespace meridian::marketdata
