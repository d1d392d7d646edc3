#include "core/marketdata/IMarketDataProvider.h"

#include <fmt/format.h>

namespace meridian::marketdata {

Result<Fundamentals> IMarketDataProvider::fetchFundamentals(std::string_view symbol) {
  return makeError("unsupported",
                   fmt::format("{}: company info / key statistics are not available from this provider ({})", name(),
                               symbol));
}

}  // namespace meridian::marketdata
