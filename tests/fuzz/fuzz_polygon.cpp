// libFuzzer target: Polygon parsers. Selector byte: bits 0-1 timeframe for parseAggregates, bit 2 parse as ticker
// details instead; vendorMessage runs on every input (error bodies are vendor JSON too).
#include "core/marketdata/polygon/PolygonProvider.h"
#include "tests/fuzz/FuzzCommon.h"

#include <QJsonDocument>

using namespace meridian;
using marketdata::PolygonProvider;
using domain::Timeframe;

MERIDIAN_FUZZ_INIT

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::uint8_t sel = fuzz::selector(data, size);
  const QByteArray body = fuzz::payload(data, size);
  (void)PolygonProvider::vendorMessage(body);
  const QJsonObject obj = QJsonDocument::fromJson(body).object();
  if (sel & 4) {
    auto f = PolygonProvider::parseTickerDetails(obj, QStringLiteral("FUZZ"), "ticker details");
    if (!f) MERIDIAN_FUZZ_CHECK(!f.error().message.empty());
    return 0;
  }
  const Timeframe tf = (sel & 3) == 0 ? Timeframe::Minute1 : (sel & 3) == 1 ? Timeframe::Hour1 : Timeframe::Day1;
  auto bars = PolygonProvider::parseAggregates(obj, tf, "aggregates");
  if (!bars) MERIDIAN_FUZZ_CHECK(!bars.error().message.empty());
  return 0;
}
