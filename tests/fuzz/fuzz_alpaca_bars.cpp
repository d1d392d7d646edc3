// libFuzzer target: Alpaca market-data parsers (bars page, error body). Selector byte: bits 0-1 timeframe.
#include "core/marketdata/alpaca/AlpacaProvider.h"
#include "core/time/TimeZones.h"
#include "tests/fuzz/FuzzCommon.h"

#include <QJsonDocument>

using namespace meridian;
using marketdata::AlpacaProvider;
using domain::Timeframe;

MERIDIAN_FUZZ_INIT

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::uint8_t sel = fuzz::selector(data, size);
  const QByteArray body = fuzz::payload(data, size);
  (void)AlpacaProvider::vendorMessage(body);
  const Timeframe tf = (sel & 3) == 0 ? Timeframe::Minute1 : (sel & 3) == 1 ? Timeframe::Hour1 : Timeframe::Day1;
  auto bars = AlpacaProvider::parseBars(QJsonDocument::fromJson(body).object(), tf, "bars");
  if (!bars) {
    MERIDIAN_FUZZ_CHECK(!bars.error().message.empty());
    return 0;
  }
  for (const domain::Bar& b : *bars) MERIDIAN_FUZZ_CHECK(b.ts != time::kInvalidTimestamp);
  return 0;
}
