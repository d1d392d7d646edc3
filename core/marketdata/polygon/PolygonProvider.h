#pragma once
// Polygon.io REST: aggregates v2 and ticker reference v3. API key from Config (POLYGON_API_KEY) sent as the
// apiKey query parameter (registered with common::registerSecret, never logged).
//
// Bars: GET {base}/v2/aggs/ticker/{T}/range/{1|5|15}/{minute|hour|day}/{from}/{to}?adjusted=&sort=asc&limit=50000
//   -> {"ticker","adjusted","results":[{"o","h","l","c","v","vw","t"(ms),"n"}],"status":"OK"|"DELAYED",
//       "resultsCount","next_url","request_id"}.
//   Polygon's to is inclusive: daily requests use exchange dates (from's date .. (to-1ns)'s date), intraday
//   requests millisecond bounds; bars are then filtered to [from, to). Daily t (midnight ET) is re-keyed to
//   09:30 ET. Paging follows next_url (re-based onto the configured base URL, apiKey re-attached, so the key is
//   only ever sent to the configured host); a failed page fails the whole fetch.
// Errors: {"status":"NOT_AUTHORIZED"|"ERROR","request_id","message"|"error"} ->
//   "polygon: 403 Forbidden: NOT_AUTHORIZED: <message> (request_id ...)".
// Fundamentals: GET {base}/v3/reference/tickers/{T} -> results {name, market_cap, sic_description, homepage_url,
//   description, total_employees, share_class_shares_outstanding, primary_exchange, type, active, delisted_utc}.
// Rate: free tier allows 5 calls/min; default 4/min, burst 1 (configurable: polygon.rate_per_min).
#include "core/marketdata/HttpClient.h"
#include "core/marketdata/IMarketDataProvider.h"

#include <QJsonObject>
#include <QUrl>

#include <memory>
#include <string>

namespace meridian::marketdata {

class PolygonProvider final : public IMarketDataProvider {
 public:
  struct Options {
    QUrl baseUrl = QUrl(QStringLiteral("https://api.polygon.io"));
    std::string apiKey;
    bool adjusted = false;
    int limit = 50'000;                     // results per page (Polygon max)
    int maxPages = 10'000;                  // safety stop for a looping next_url
    HttpOptions http;
    double ratePerMinute = 4.0;
    double burst = 1.0;
    std::shared_ptr<RateLimiter> limiter;   // overrides ratePerMinute/burst when set
  };

  explicit PolygonProvider(Options options);

  std::string_view name() const override { return "polygon"; }
  bool adjusted() const override { return m_options.adjusted; }
  bool supports(Timeframe) const override { return true; }
  Result<std::vector<domain::Bar>> fetchBars(std::string_view symbol, Timestamp from, Timestamp to,
                                             Timeframe tf) override;
  Result<Fundamentals> fetchFundamentals(std::string_view symbol) override;

  // "NOT_AUTHORIZED: You are not entitled ... (request_id abc)" from an error body; empty if not Polygon JSON.
  static std::string vendorMessage(const QByteArray& body);

  // Pure parsers of one response (exposed for tests and tests/fuzz); `what` names the response in errors.
  // Bars of one aggregates page in document order (absent or null results: none), daily bars re-keyed to 09:30 ET,
  // not filtered to a range. A t outside the Timestamp range (1677..2262) is a parse error.
  static Result<std::vector<domain::Bar>> parseAggregates(const QJsonObject& page, Timeframe tf,
                                                          const std::string& what);
  // Ticker details (v3/reference/tickers/{T}); `symbol` is used when the body names no ticker.
  static Result<Fundamentals> parseTickerDetails(const QJsonObject& body, const QString& symbol,
                                                 const std::string& what);

 private:
  QUrl withKey(QUrl url) const;
  Result<QJsonObject> getJson(const QUrl& url, const std::string& what);

  Options m_options;
  HttpClient m_http;
};

}  // namespace meridian::marketdata
