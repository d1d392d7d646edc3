#pragma once
// Yahoo Finance chart API v8: GET {base}/v8/finance/chart/{symbol}?period1=S&period2=E&interval=1d|1h|15m|5m|1m
// (period2 is exclusive). No API key.
//
// Response: {"chart":{"result":[{"meta":{...,"gmtoffset":-18000,"exchangeTimezoneName":"America/New_York"},
//   "timestamp":[...], "indicators":{"quote":[{"open":[],"high":[],"low":[],"close":[],"volume":[]}],
//   "adjclose":[{"adjclose":[]}]}}],"error":null}}; errors {"chart":{"result":null,"error":{"code","description"}}}.
// Entries may be null (no trade): such bars are skipped. Arrays of different lengths -> Error "parse".
//
// Sources: "yahoo" = the chart's quote arrays (Yahoo split-adjusts them, no dividend adjustment);
// "yahoo_adjusted" = OHLC scaled by adjclose/close (splits and dividends; daily only — Yahoo sends no adjclose
// for intraday, whose prices are used as sent: "yahoo_adjusted_1h"). Daily bars are re-keyed to 09:30 ET of the
// exchange-local date (Timeframe.h). Intraday requests are split into windows Yahoo accepts (1m: 7 days,
// 5m/15m: 60 days, 1h: 180 days); all windows must succeed. Yahoo keeps 1m bars for about 30 days and 5m/15m bars
// for the last 60 days only (older windows come back empty or as a chart error).
#include "core/marketdata/HttpClient.h"
#include "core/marketdata/IMarketDataProvider.h"

#include <QJsonObject>
#include <QUrl>

#include <memory>

namespace meridian::marketdata {

class YahooProvider final : public IMarketDataProvider {
 public:
  struct Options {
    QUrl baseUrl = QUrl(QStringLiteral("https://query1.finance.yahoo.com"));
    bool adjusted = false;
    HttpOptions http = defaultHttpOptions();
    double ratePerMinute = 60.0;            // unofficial API: be polite
    double burst = 5.0;
    std::shared_ptr<RateLimiter> limiter;   // overrides ratePerMinute/burst when set (share across instances)
  };
  static HttpOptions defaultHttpOptions();
  // The symbol as Yahoo spells it: US share classes take a dash ("BRK.B" -> "BRK-B", "BF.B" -> "BF-B"); anything
  // else is sent as given. Bars are returned (and stored) under the caller's symbol.
  static std::string vendorSymbol(std::string_view symbol);  // browser-like User-Agent (Yahoo rejects unknown agents)

  YahooProvider();
  explicit YahooProvider(Options options);

  std::string_view name() const override { return "yahoo"; }
  bool adjusted() const override { return m_options.adjusted; }
  bool supports(Timeframe) const override { return true; }
  Result<std::vector<domain::Bar>> fetchBars(std::string_view symbol, Timestamp from, Timestamp to,
                                             Timeframe tf) override;

  // Parses one chart response (exposed for tests). Bars in document order, daily bars re-keyed.
  static Result<std::vector<domain::Bar>> parseChart(const QJsonObject& root, Timeframe tf, bool adjusted);

 private:
  Result<std::vector<domain::Bar>> fetchWindow(std::string_view symbol, Timestamp from, Timestamp to, Timeframe tf);

  Options m_options;
  HttpClient m_http;
};

}  // namespace meridian::marketdata
