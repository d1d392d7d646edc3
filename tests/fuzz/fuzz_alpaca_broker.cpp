// libFuzzer target: Alpaca trading API JSON (core/execution/alpaca/AlpacaJson). Selector byte (mod 7) picks the
// parser: order, orders, account, positions, clock, asset, error message. A parsed order is also written back
// as a replace request (the JSON writer must accept whatever the parser produced).
#include "core/execution/alpaca/AlpacaJson.h"
#include "tests/fuzz/FuzzCommon.h"

using namespace meridian;
namespace aj = meridian::execution::alpaca;

MERIDIAN_FUZZ_INIT

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const QByteArray body = fuzz::payload(data, size);
  switch (fuzz::selector(data, size) % 7) {
    case 0: {
      auto o = aj::parseOrder(body);
      if (o) (void)aj::replaceRequest(o->order);
      else MERIDIAN_FUZZ_CHECK(!o.error().message.empty());
      break;
    }
    case 1: {
      auto os = aj::parseOrders(body);
      if (!os) MERIDIAN_FUZZ_CHECK(!os.error().message.empty());
      break;
    }
    case 2: (void)aj::parseAccount(body); break;
    case 3: (void)aj::parsePositions(body); break;
    case 4: (void)aj::parseClock(body); break;
    case 5: (void)aj::parseAsset(body); break;
    default: (void)aj::errorMessage(body); break;
  }
  return 0;
}
