// libFuzzer target: YahooProvider::parseChart (chart v8 JSON). Selector byte: bits 0-1 timeframe (1m/1h/1d),
// bit 2 adjusted. Invariant on success: no bar with an invalid timestamp.
#include "core/marketdata/yahoo/YahooProvider.h"
#include "core/time/TimeZones.h"
#include "tests/fuzz/FuzzCommon.h"

#include <QJsonDocument>

using namespace meridian;
using domain::Timeframe;

MERIDIAN_FUZZ_INIT

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::uint8_t sel = fuzz::selector(data, size);
  const Timeframe tf = (sel & 3) == 0 ? Timeframe::Minute1 : (sel & 3) == 1 ? Timeframe::Hour1 : Timeframe::Day1;
  const QJsonDocument doc = QJsonDocument::fromJson(fuzz::payload(data, size));
  auto bars = marketdata::YahooProvider::parseChart(doc.object(), tf, (sel & 4) != 0);
  if (!bars) {
    MERIDIAN_FUZZ_CHECK(!bars.error().message.empty());
    return 0;
  }
  for (const domain::Bar& b : *bars) MERIDIAN_FUZZ_CHECK(b.ts != time::kInvalidTimestamp);
  return 0;
}
