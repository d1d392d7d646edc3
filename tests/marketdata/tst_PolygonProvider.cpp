// PolygonProvider against a local HTTP server serving Polygon aggregates v2 / reference v3 JSON: paging via
// next_url (key re-attached, never sent elsewhere), vendor errors, 429 + Retry-After, 5xx retry, failure in the
// middle of paging (nothing returned), truncated bodies, fundamentals, and the API key never reaching the logs.
#include "LocalHttpServer.h"

#include "core/common/Logging.h"
#include "core/common/Redact.h"
#include "core/marketdata/polygon/PolygonProvider.h"
#include "core/time/TimeZones.h"

#include <QElapsedTimer>
#include <QtTest>

using namespace meridian;
using namespace meridian::marketdata;
using meridian::testing::CannedResponse;
using meridian::testing::LocalHttpServer;
using meridian::testing::json;

namespace {

// Note: moc mis-reads "//" inside raw string literals (the class then silently gets no moc output), so URLs in the
// JSON fixtures use the JSON escape "\/" ("https:\/\/..."), which decodes to the same text.
const std::string kKey = "PK_TEST_SECRET_9f8e7d6c5b";
const QString kPage1 = QStringLiteral("/v2/aggs/ticker/AAPL/range/1/day/2024-01-02/2024-01-08");
const QString kPage2 = QStringLiteral("/v2/aggs/ticker/AAPL/range/1/day/1704344400000/1704776400000");
const QString kPage3 = QStringLiteral("/v2/aggs/ticker/AAPL/range/1/day/1704430800001/1704776400000");

domain::Timestamp open930(int y, int m, int d) { return time::TimeZones::fromExchange(QDate(y, m, d), QTime(9, 30)); }

QByteArray page(const QByteArray& results, const QString& nextUrl) {
  QByteArray out = R"({"ticker":"AAPL","queryCount":2,"resultsCount":2,"adjusted":false,"results":[)" + results +
                   R"(],"status":"OK","request_id":"6a7e466379af0a71039d60cc78e72282","count":2)";
  if (!nextUrl.isEmpty()) out += R"(,"next_url":")" + nextUrl.toUtf8() + "\"";
  return out + "}";
}

const QByteArray kBarsJan2Jan3 =
    R"({"v":82488700,"vw":185.9465,"o":187.15,"c":185.64,"h":188.44,"l":183.885,"t":1704171600000,"n":1008871},)"
    R"({"v":58414500,"vw":184.3226,"o":184.22,"c":184.25,"h":185.88,"l":183.43,"t":1704258000000,"n":656853})";
const QByteArray kBarsJan4Jan5 =
    R"({"v":58037000,"vw":182.2,"o":182.15,"c":181.91,"h":183.0872,"l":180.88,"t":1704344400000,"n":712524},)"
    R"({"v":62303300,"vw":181.5,"o":181.99,"c":181.18,"h":182.76,"l":180.17,"t":1704430800000,"n":682399})";
const QByteArray kBarsJan8 =
    R"({"v":59144500,"vw":184.1,"o":182.09,"c":185.56,"h":185.6,"l":181.5,"t":1704690000000,"n":669999})";

}  // namespace

class tst_PolygonProvider : public QObject {
  Q_OBJECT

  std::unique_ptr<LocalHttpServer> m_server;
  std::shared_ptr<common::InAppLogBuffer> m_logs;
  std::uint64_t m_logSeq = 0;

  PolygonProvider provider(int maxAttempts = 3, double ratePerMinute = 0) {
    PolygonProvider::Options o;
    o.baseUrl = m_server->baseUrl();
    o.apiKey = kKey;
    o.http.maxAttempts = maxAttempts;
    o.http.backoffBase = std::chrono::milliseconds(10);
    o.http.timeout = std::chrono::milliseconds(3000);
    o.ratePerMinute = ratePerMinute;
    return PolygonProvider(o);
  }
  QString url(const QString& path, const QString& cursor) const {
    return m_server->baseUrl().toString() + path + "?cursor=" + cursor;
  }
  void routeThreePages(std::vector<CannedResponse> third) {
    m_server->route(kPage1, {json(200, page(kBarsJan2Jan3, url(kPage2, "YXA9Mg")))});
    m_server->route(kPage2, {json(200, page(kBarsJan4Jan5, url(kPage3, "YXA9NA")))});
    m_server->route(kPage3, std::move(third));
  }
  void verifyKeyNeverLogged() {
    std::vector<common::LogRecord> records;
    m_logSeq = m_logs->recordsSince(m_logSeq, records);
    for (const auto& r : records) QVERIFY2(r.message.find(kKey) == std::string::npos, r.message.c_str());
  }

 private Q_SLOTS:
  void initTestCase() {
    common::LogOptions lo;
    lo.level = "debug";
    m_logs = common::initLogging(lo);
  }
  void init() {
    m_server = std::make_unique<LocalHttpServer>();
    QVERIFY(m_server->port() != 0);
  }
  void cleanup() {
    verifyKeyNeverLogged();
    m_server.reset();
  }

  void defaultsMatchTheFreeTier() {
    PolygonProvider::Options o;
    QCOMPARE(o.ratePerMinute, 4.0);  // free tier allows 5/min
    QCOMPARE(o.burst, 1.0);
    QCOMPARE(o.baseUrl.toString(), QString("https://api.polygon.io"));
  }

  void pagesFollowNextUrl() {
    routeThreePages({json(200, page(kBarsJan8, {}))});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY2(bars.ok(), bars.ok() ? "" : bars.error().message.c_str());
    QCOMPARE(bars->size(), std::size_t(5));
    const auto& b0 = bars->at(0);
    QCOMPARE(b0.ts, open930(2024, 1, 2));  // t = midnight ET, re-keyed to the 09:30 open
    QCOMPARE(b0.open, 187.15);
    QCOMPARE(b0.high, 188.44);
    QCOMPARE(b0.low, 183.885);
    QCOMPARE(b0.close, 185.64);
    QCOMPARE(b0.volume, 82488700.0);
    QCOMPARE(b0.vwap, 185.9465);
    QCOMPARE(b0.trades, std::int64_t(1008871));
    QCOMPARE(bars->at(4).ts, open930(2024, 1, 8));

    const auto reqs = m_server->requests();
    QCOMPARE(reqs.size(), std::size_t(3));
    QCOMPARE(reqs[0].path, kPage1);
    QCOMPARE(reqs[0].query.queryItemValue("adjusted"), QString("false"));
    QCOMPARE(reqs[0].query.queryItemValue("sort"), QString("asc"));
    QCOMPARE(reqs[0].query.queryItemValue("limit"), QString("50000"));
    for (const auto& r : reqs) QCOMPARE(r.query.queryItemValue("apiKey"), QString::fromStdString(kKey));
    QCOMPARE(reqs[1].query.queryItemValue("cursor"), QString("YXA9Mg"));
    QCOMPARE(reqs[2].query.queryItemValue("cursor"), QString("YXA9NA"));
  }

  void nextUrlIsRebasedOntoTheConfiguredHost() {
    // A next_url naming another host must not receive the key: the adapter re-bases it onto base_url.
    m_server->route(kPage1, {json(200, page(kBarsJan2Jan3, "https://evil.example.com" + kPage3 + "?cursor=Zm9v"))});
    m_server->route(kPage3, {json(200, page(kBarsJan8, {}))});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY2(bars.ok(), bars.ok() ? "" : bars.error().message.c_str());
    QCOMPARE(bars->size(), std::size_t(3));
    QCOMPARE(m_server->requestCount(kPage3), 1);
  }

  void failureMidPagingReturnsNothing() {
    routeThreePages({json(500, R"({"status":"ERROR","request_id":"r3","error":"internal error"})")});
    auto p = provider(2);
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY(!bars.ok());
    QCOMPARE(bars.error().code, std::string("http.500"));
    QVERIFY2(bars.error().message.find("polygon: 500") != std::string::npos, bars.error().message.c_str());
    QCOMPARE(m_server->requestCount(kPage3), 2);  // retried once, then the whole fetch fails
  }

  void notAuthorizedUsesVendorMessage() {
    m_server->route(kPage1, {json(403, R"({"status":"NOT_AUTHORIZED","request_id":"a1b2c3","message":"You are not entitled to this data. Please upgrade your plan at https:\/\/polygon.io\/pricing"})")});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY(!bars.ok());
    QCOMPARE(bars.error().code, std::string("http.403"));
    QVERIFY2(bars.error().message.starts_with("polygon: 403 Forbidden: NOT_AUTHORIZED: You are not entitled"),
             bars.error().message.c_str());
    QVERIFY(bars.error().message.find("request_id a1b2c3") != std::string::npos);
    QVERIFY(bars.error().message.find(kKey) == std::string::npos);
    QCOMPARE(m_server->requestCount(), 1);
  }

  void tooManyRequestsHonoursRetryAfter() {
    m_server->route(kPage1, {json(429,
                                  R"({"status":"ERROR","request_id":"x","error":"You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue. https:\/\/polygon.io\/pricing"})",
                                  {{"Retry-After", "1"}}),
                             json(200, page(kBarsJan2Jan3, {}))});
    auto p = provider();
    QElapsedTimer timer;
    timer.start();
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY2(bars.ok(), bars.ok() ? "" : bars.error().message.c_str());
    QCOMPARE(bars->size(), std::size_t(2));
    QCOMPARE(m_server->requestCount(), 2);
    QVERIFY(timer.elapsed() >= 950);
  }

  void tooManyRequestsExhausted() {
    m_server->route(kPage1, {json(429, R"({"status":"ERROR","request_id":"x","error":"You've exceeded the maximum requests per minute"})",
                                  {{"Retry-After", "0"}})});
    auto p = provider(2);
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY(!bars.ok());
    QCOMPARE(bars.error().code, std::string("http.429"));
    QVERIFY2(bars.error().message.find("exceeded the maximum requests") != std::string::npos, bars.error().message.c_str());
  }

  void serverErrorThenSuccess() {
    m_server->route(kPage1, {json(503, "Service Unavailable"), json(200, page(kBarsJan2Jan3, {}))});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY(bars.ok());
    QCOMPARE(bars->size(), std::size_t(2));
    QCOMPARE(m_server->requestCount(), 2);
  }

  void truncatedBodyIsAParseError() {
    const QByteArray full = page(kBarsJan2Jan3, {});
    m_server->route(kPage1, {json(200, full.left(full.size() - 40))});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY(!bars.ok());
    QCOMPARE(bars.error().code, std::string("parse"));
  }

  void truncatedOnPageTwoReturnsNothing() {
    const QByteArray full = page(kBarsJan4Jan5, {});
    m_server->route(kPage1, {json(200, page(kBarsJan2Jan3, url(kPage2, "YXA9Mg")))});
    m_server->route(kPage2, {json(200, full.left(30))});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY(!bars.ok());
    QCOMPARE(bars.error().code, std::string("parse"));
  }

  void minuteBarsUseMillisecondBounds() {
    const domain::Timestamp from = open930(2024, 1, 2);
    const QString path = QStringLiteral("/v2/aggs/ticker/AAPL/range/1/minute/%1/%2")
                             .arg(domain::toMillis(from))
                             .arg(domain::toMillis(from + 2 * domain::kNanosPerMinute) - 1);
    m_server->route(path, {json(200, page(QByteArray(R"({"v":100,"vw":187.1,"o":187.15,"c":187.2,"h":187.3,"l":187.0,"t":)") +
                                              QByteArray::number(domain::toMillis(from)) + ",\"n\":3}",
                                          {}))});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", from, from + 2 * domain::kNanosPerMinute, Timeframe::Minute1);
    QVERIFY2(bars.ok(), bars.ok() ? "" : bars.error().message.c_str());
    QCOMPARE(bars->size(), std::size_t(1));
    QCOMPARE(bars->at(0).ts, from);
    QCOMPARE(p.source(Timeframe::Minute1), std::string("polygon_1m"));
    // Polygon's adjusted bars are split-adjusted only: their tag says so (Yahoo's and Alpaca's include dividends).
    QCOMPARE(marketdata::sourceName("polygon", true, Timeframe::Day1), std::string("polygon_split_adjusted"));
    QCOMPARE(marketdata::sourceName("yahoo", true, Timeframe::Day1), std::string("yahoo_adjusted"));
    QCOMPARE(marketdata::sourceName("alpaca", true, Timeframe::Hour1), std::string("alpaca_adjusted_1h"));
    QCOMPARE(marketdata::sourceName("yahoo", false, Timeframe::Minute5), std::string("yahoo_5m"));
    QCOMPARE(marketdata::sourceName("csv", true, Timeframe::Minute15), std::string("csv_adjusted_15m"));
    for (Timeframe tf : domain::kAllTimeframes)
      for (bool adjusted : {false, true})
        QVERIFY(marketdata::timeframeOfSource(marketdata::sourceName("polygon", adjusted, tf)) == tf);
    QVERIFY(marketdata::timeframeOfSource("csv15m") == Timeframe::Day1);  // no separator: not a timeframe tag
    QCOMPARE(marketdata::adjustmentOfSource("polygon_split_adjusted_1m"), std::string_view("split-adjusted (no dividends)"));
    QCOMPARE(marketdata::adjustmentOfSource("yahoo_adjusted"), std::string_view("split- and dividend-adjusted"));
    QCOMPARE(marketdata::adjustmentOfSource("polygon"), std::string_view("unadjusted"));
  }

  // 5m / 15m: range/5/minute and range/15/minute with millisecond bounds.
  void fiveAndFifteenMinuteRanges_data() {
    QTest::addColumn<int>("minutes");
    QTest::newRow("5m") << 5;
    QTest::newRow("15m") << 15;
  }
  void fiveAndFifteenMinuteRanges() {
    QFETCH(int, minutes);
    const Timeframe tf = minutes == 5 ? Timeframe::Minute5 : Timeframe::Minute15;
    const domain::Timestamp from = open930(2024, 1, 2), to = from + domain::kNanosPerHour;
    const QString path = QStringLiteral("/v2/aggs/ticker/AAPL/range/%1/minute/%2/%3")
                             .arg(minutes)
                             .arg(domain::toMillis(from))
                             .arg(domain::toMillis(to) - 1);
    const domain::Timestamp second = from + minutes * domain::kNanosPerMinute;
    m_server->route(path, {json(200, page(R"({"v":100,"vw":187.1,"o":187.15,"c":187.2,"h":187.3,"l":187.0,"t":)" +
                                              QByteArray::number(domain::toMillis(from)) +
                                              R"(,"n":3},{"v":50,"vw":187.2,"o":187.2,"c":187.25,"h":187.3,"l":187.1,"t":)" +
                                              QByteArray::number(domain::toMillis(second)) + ",\"n\":2}",
                                          {}))});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", from, to, tf);
    QVERIFY2(bars.ok(), bars.ok() ? "" : bars.error().message.c_str());
    QCOMPARE(bars->size(), std::size_t(2));
    QCOMPARE(bars->at(0).ts, from);
    QCOMPARE(bars->at(1).ts, second);
    QCOMPARE(m_server->requests().size(), qsizetype(1));
    QCOMPARE(m_server->requests().at(0).path, path);
    QCOMPARE(p.source(tf), "polygon_" + std::to_string(minutes) + "m");
  }

  void fundamentals() {
    m_server->route("/v3/reference/tickers/AAPL", {json(200, R"({"request_id":"31d59dda","results":{"ticker":"AAPL",
"name":"Apple Inc.","market":"stocks","locale":"us","primary_exchange":"XNAS","type":"CS","active":true,
"currency_name":"usd","cik":"0000320193","market_cap":2771126040150,"description":"Apple designs a wide variety of consumer electronic devices.",
"sic_code":"3571","sic_description":"ELECTRONIC COMPUTERS","homepage_url":"https:\/\/www.apple.com","total_employees":154000,
"list_date":"1980-12-12","share_class_shares_outstanding":16406400000,"weighted_shares_outstanding":16334371000,
"round_lot":100},"status":"OK"})")});
    auto p = provider();
    auto f = p.fetchFundamentals("AAPL");
    QVERIFY2(f.ok(), f.ok() ? "" : f.error().message.c_str());
    QCOMPARE(f->symbol.instrument.symbol, std::string("AAPL"));
    QCOMPARE(f->symbol.instrument.name, std::string("Apple Inc."));
    QCOMPARE(f->symbol.instrument.exchange, std::string("NASDAQ"));
    QVERIFY(f->symbol.instrument.active);
    QVERIFY(!f->symbol.delistedTs);
    QCOMPARE(f->company.industry, std::string("ELECTRONIC COMPUTERS"));
    QCOMPARE(f->company.website, std::string("https://www.apple.com"));
    QCOMPARE(f->company.country, std::string("US"));
    QCOMPARE(*f->company.employees, std::int64_t(154000));
    QCOMPARE(*f->statistics.marketCap, 2771126040150.0);
    QCOMPARE(*f->statistics.sharesOutstanding, 16406400000.0);
    QCOMPARE(m_server->requests().at(0).query.queryItemValue("apiKey"), QString::fromStdString(kKey));
  }

  void delistedTicker() {
    m_server->route("/v3/reference/tickers/TWTR", {json(200, R"({"results":{"ticker":"TWTR","name":"Twitter, Inc.",
"active":false,"delisted_utc":"2022-11-08T05:00:00Z","primary_exchange":"XNYS","type":"CS","locale":"us"},"status":"OK","request_id":"r"})")});
    auto p = provider();
    auto f = p.fetchFundamentals("TWTR");
    QVERIFY(f.ok());
    QVERIFY(!f->symbol.instrument.active);
    QVERIFY(f->symbol.delistedTs.has_value());
    QCOMPARE(*f->symbol.delistedTs, domain::fromSeconds(1667883600));
    QCOMPARE(f->symbol.instrument.exchange, std::string("NYSE"));
  }

  void missingKeyIsAConfigError() {
    PolygonProvider::Options o;
    o.baseUrl = m_server->baseUrl();
    PolygonProvider p(o);
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY(!bars.ok());
    QCOMPARE(bars.error().code, std::string("config"));
    QCOMPARE(m_server->requestCount(), 0);
  }

  void rateLimiterSpacesCalls() {
    // 120/min with burst 1 = one call every 0.5 s: 3 pages take >= 1 s.
    routeThreePages({json(200, page(kBarsJan8, {}))});
    auto p = provider(3, 120.0);
    QElapsedTimer timer;
    timer.start();
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY(bars.ok());
    QVERIFY2(timer.elapsed() >= 950, qPrintable(QString::number(timer.elapsed())));
  }
};

QTEST_GUILESS_MAIN(tst_PolygonProvider)
#include "tst_PolygonProvider.moc"
