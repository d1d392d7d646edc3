#pragma once
// Alpaca market data v2 historical bars. Credentials from Config (APCA_API_KEY_ID / APCA_API_SECRET_KEY), sent
// as the APCA-API-KEY-ID / APCA-API-SECRET-KEY headers (both registered secrets, never logged).
//
// GET {data_url}/v2/stocks/{symbol}/bars?timeframe=1Day|1Hour|15Min|5Min|1Min&start&end&limit&adjustment=raw|all&feed
//   [&page_token] -> {"bars":[{"t":"2024-01-02T05:00:00Z","o","h","l","c","v","n","vw"}]|null,"symbol",
//   "next_page_token":"..."|null}.
// end is inclusive: daily requests give start as the first exchange date and end as the RFC 3339 close of the last
// session (a bare end date means midnight UTC, which would drop that day), intraday requests RFC 3339 instants
// (to - 1 s); bars are
// then filtered to [from, to). Daily bars (t = midnight ET) are re-keyed to 09:30 ET. Paging via page_token;
// a failed page fails the whole fetch. Errors {"code":40110000,"message":"..."} -> "alpaca: 403 Forbidden: ...".
// No fundamentals (fetchFundamentals: "unsupported").
#include "core/marketdata/HttpClient.h"
#include "core/marketdata/IMarketDataProvider.h"

#include <QJsonObject>
#include <QUrl>

#include <memory>
#include <string>

namespace meridian::marketdata {

class AlpacaProvider final : public IMarketDataProvider {
 public:
  struct Options {
    QUrl baseUrl = QUrl(QStringLiteral("https://data.alpaca.markets"));
    std::string keyId;
    std::string secretKey;
    bool adjusted = false;                  // adjustment=all when true, raw otherwise
    // iex (free): the IEX exchange's own trades only, a small fraction (a few percent) of the consolidated volume,
    // so daily volumes look far lower than Yahoo's or Polygon's; sip (paid subscription): the consolidated tape.
    // Empty = the account's default.
    std::string feed = "iex";
    int limit = 10'000;                     // bars per page (Alpaca max)
    int maxPages = 10'000;
    HttpOptions http;
    double ratePerMinute = 200.0;           // free plan limit
    double burst = 10.0;
    std::shared_ptr<RateLimiter> limiter;
  };

  explicit AlpacaProvider(Options options);

  std::string_view name() const override { return "alpaca"; }
  bool adjusted() const override { return m_options.adjusted; }
  bool supports(Timeframe) const override { return true; }
  Result<std::vector<domain::Bar>> fetchBars(std::string_view symbol, Timestamp from, Timestamp to,
                                             Timeframe tf) override;

  // "message" (and "code") of an Alpaca error body; empty if not Alpaca JSON.
  static std::string vendorMessage(const QByteArray& body);

  // Bars of one bars page in document order (absent or null bars: none), daily bars re-keyed to 09:30 ET, not
  // filtered to a range; `what` names the page in errors. Pure: exposed for tests and tests/fuzz.
  static Result<std::vector<domain::Bar>> parseBars(const QJsonObject& page, Timeframe tf, const std::string& what);

 private:
  Options m_options;
  HttpClient m_http;
};

}  // namespace meridian::marketdata
