#include "core/marketdata/ProviderFactory.h"

#include "core/common/Redact.h"
#include "core/marketdata/alpaca/AlpacaProvider.h"
#include "core/marketdata/polygon/PolygonProvider.h"
#include "core/marketdata/yahoo/YahooProvider.h"

#include <fmt/format.h>

namespace meridian::marketdata {
namespace {

HttpOptions httpFrom(const common::Config& c, const ProviderOverrides& ov, HttpOptions o) {
  if (ov.clock) o.clock = ov.clock;
  o.timeout = std::chrono::milliseconds(c.intValue("http.timeout_ms", int(o.timeout.count())));
  o.maxAttempts = c.intValue("http.max_attempts", o.maxAttempts);
  o.backoffBase = std::chrono::milliseconds(c.intValue("http.backoff_ms", int(o.backoffBase.count())));
  o.maxRetryAfter = std::chrono::seconds(c.intValue("http.max_retry_after_s", int(o.maxRetryAfter.count() / 1000)));
  return o;
}

Result<QUrl> urlFrom(const common::Config& c, const QString& key, const QString& override, const QUrl& fallback) {
  const QString text = !override.isEmpty() ? override : c.value(key);
  if (text.isEmpty()) return fallback;
  const QUrl url(text, QUrl::StrictMode);
  if (!url.isValid() || (url.scheme() != "http" && url.scheme() != "https") || url.host().isEmpty())
    return makeError("config", fmt::format("{}: '{}' is not an http(s) URL", key.toStdString(),
                                           common::redact(text.toStdString())));
  return url;
}

}  // namespace

std::vector<std::string_view> providerNames() { return {"yahoo", "polygon", "alpaca"}; }

Result<std::unique_ptr<IMarketDataProvider>> makeProvider(std::string_view name, const common::Config& config,
                                                          const ProviderOverrides& ov) {
  const QString vendor = QString::fromUtf8(name.data(), qsizetype(name.size())).toLower();
  const bool adjusted = ov.adjusted.value_or(config.boolValue(vendor + ".adjusted", false));
  if (vendor == "yahoo") {
    YahooProvider::Options o;
    auto url = urlFrom(config, "yahoo.base_url", ov.baseUrl, o.baseUrl);
    if (!url) return url.error();
    o.baseUrl = *url;
    o.adjusted = adjusted;
    o.http = httpFrom(config, ov, o.http);
    o.ratePerMinute = ov.ratePerMinute.value_or(config.doubleValue("yahoo.rate_per_min", o.ratePerMinute));
    return std::unique_ptr<IMarketDataProvider>(std::make_unique<YahooProvider>(std::move(o)));
  }
  if (vendor == "polygon") {
    PolygonProvider::Options o;
    auto url = urlFrom(config, "polygon.base_url", ov.baseUrl, o.baseUrl);
    if (!url) return url.error();
    o.baseUrl = *url;
    o.apiKey = config.value("polygon.api_key").trimmed().toStdString();
    if (o.apiKey.empty())
      return makeError("config", "polygon: no API key configured: set POLYGON_API_KEY (polygon.api_key)");
    o.adjusted = adjusted;
    o.http = httpFrom(config, ov, o.http);
    o.ratePerMinute = ov.ratePerMinute.value_or(config.doubleValue("polygon.rate_per_min", o.ratePerMinute));
    o.burst = config.doubleValue("polygon.burst", o.burst);
    return std::unique_ptr<IMarketDataProvider>(std::make_unique<PolygonProvider>(std::move(o)));
  }
  if (vendor == "alpaca") {
    AlpacaProvider::Options o;
    auto url = urlFrom(config, "alpaca.data_url", ov.baseUrl, o.baseUrl);
    if (!url) return url.error();
    o.baseUrl = *url;
    o.keyId = config.value("alpaca.key_id").trimmed().toStdString();
    o.secretKey = config.value("alpaca.secret_key").trimmed().toStdString();
    if (o.keyId.empty() || o.secretKey.empty())
      return makeError("config", "alpaca: no API credentials configured: set APCA_API_KEY_ID and APCA_API_SECRET_KEY");
    o.adjusted = adjusted;
    o.feed = config.value("alpaca.feed", QString::fromStdString(o.feed)).toStdString();
    o.http = httpFrom(config, ov, o.http);
    o.ratePerMinute = ov.ratePerMinute.value_or(config.doubleValue("alpaca.rate_per_min", o.ratePerMinute));
    return std::unique_ptr<IMarketDataProvider>(std::make_unique<AlpacaProvider>(std::move(o)));
  }
  return makeError("config", fmt::format("unknown market data provider '{}' (choose yahoo, polygon or alpaca)", name));
}

}  // namespace meridian::marketdata
