#pragma once
// Builds a provider adapter from Config (the only place that reads provider settings and credentials).
//
// Keys (all optional; secrets from the environment only, see Config):
//   yahoo.base_url      https://query1.finance.yahoo.com   yahoo.rate_per_min   60
//   polygon.base_url    https://api.polygon.io             polygon.rate_per_min 4     polygon.burst 1
//   polygon.api_key     (POLYGON_API_KEY)
//   alpaca.data_url     https://data.alpaca.markets        alpaca.rate_per_min  200   alpaca.feed iex
//   alpaca.key_id / alpaca.secret_key (APCA_API_KEY_ID / APCA_API_SECRET_KEY)
//   <vendor>.adjusted   false
//   http.timeout_ms 20000, http.max_attempts 5, http.backoff_ms 500, http.max_retry_after_s 120
#include "core/common/Config.h"
#include "core/common/Clock.h"
#include "core/common/Result.h"
#include "core/marketdata/IMarketDataProvider.h"

#include <QString>

#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace meridian::marketdata {

struct ProviderOverrides {
  QString baseUrl;                  // e.g. --base-url (tests, proxies); empty = config / default
  std::optional<bool> adjusted;     // --adjusted
  std::optional<double> ratePerMinute;
  const common::IClock* clock = nullptr;  // the caller's clock for rate-limit windows; null = the system clock
};

// "yahoo" | "polygon" | "alpaca". Errors: "config" for an unknown name, missing credentials or a bad URL.
Result<std::unique_ptr<IMarketDataProvider>> makeProvider(std::string_view name, const common::Config& config,
                                                          const ProviderOverrides& overrides = {});
std::vector<std::string_view> providerNames();

}  // namespace meridian::marketdata
