// YahooProvider against a local HTTP server serving Yahoo chart v8 JSON (documented shape): daily and hourly
// bars, adjusted / unadjusted, null rows, exclusive end, vendor errors, 429 + Retry-After, 5xx retry, truncated
// bodies, timeouts and all-or-nothing windows.
#include "LocalHttpServer.h"

#include "core/marketdata/yahoo/YahooProvider.h"
#include "core/time/TimeZones.h"

#include <QElapsedTimer>
#include <QtTest>

using namespace meridian;
using namespace meridian::marketdata;
using meridian::testing::CannedResponse;
using meridian::testing::LocalHttpServer;
using meridian::testing::json;

namespace {

constexpr qint64 kJan2 = 1704205800;  // 2024-01-02 09:30 ET
constexpr qint64 kDay = 86400;
const QString kPath = QStringLiteral("/v8/finance/chart/AAPL");

const QByteArray kDaily = R"({"chart":{"result":[{"meta":{"currency":"USD","symbol":"AAPL","exchangeName":"NMS",
"instrumentType":"EQUITY","firstTradeDate":345479400,"regularMarketTime":1704747601,"gmtoffset":-18000,
"timezone":"EST","exchangeTimezoneName":"America/New_York","regularMarketPrice":185.56,"chartPreviousClose":192.53,
"priceHint":2,"dataGranularity":"1d","range":""},
"timestamp":[1704205800,1704292200,1704378600,1704465000,1704724200],
"indicators":{"quote":[{"open":[187.15,184.22,null,181.99,182.09],"high":[188.44,185.88,null,182.76,185.6],
"low":[183.89,183.43,null,180.17,181.5],"close":[185.64,184.25,null,181.18,185.56],
"volume":[82488700,58414500,null,62303300,59144500]}],
"adjclose":[{"adjclose":[184.53,183.15,null,180.1,184.45]}]}}],"error":null}})";

const QByteArray kNotFound =
    R"({"chart":{"result":null,"error":{"code":"Not Found","description":"No data found, symbol may be delisted"}}})";

// n intraday bars `step` seconds apart (default: hourly).
QByteArray hourly(qint64 firstTs, int n, qint64 step = 3600) {
  QByteArray ts, o, h, l, c, v;
  for (int i = 0; i < n; ++i) {
    const char* sep = i ? "," : "";
    ts += sep + QByteArray::number(firstTs + i * step);
    o += sep + QByteArray::number(100.0 + i);
    h += sep + QByteArray::number(101.5 + i);
    l += sep + QByteArray::number(99.5 + i);
    c += sep + QByteArray::number(100.5 + i);
    v += sep + QByteArray::number(1000 * (i + 1));
  }
  return R"({"chart":{"result":[{"meta":{"symbol":"AAPL","gmtoffset":-18000,"exchangeTimezoneName":"America/New_York",
"dataGranularity":"1h"},"timestamp":[)" +
         ts + R"(],"indicators":{"quote":[{"open":[)" + o + "],\"high\":[" + h + "],\"low\":[" + l + "],\"close\":[" +
         c + "],\"volume\":[" + v + "]}]}}],\"error\":null}}";
}

domain::Timestamp at(qint64 secs) { return domain::fromSeconds(secs); }

}  // namespace

class tst_YahooProvider : public QObject {
  Q_OBJECT

  std::unique_ptr<LocalHttpServer> m_server;

  YahooProvider provider(bool adjusted = false, int maxAttempts = 3, int timeoutMs = 3000) {
    YahooProvider::Options o;
    o.baseUrl = m_server->baseUrl();
    o.adjusted = adjusted;
    o.http.maxAttempts = maxAttempts;
    o.http.backoffBase = std::chrono::milliseconds(10);
    o.http.timeout = std::chrono::milliseconds(timeoutMs);
    o.ratePerMinute = 0;  // unlimited in tests
    return YahooProvider(o);
  }

 private Q_SLOTS:
  void init() {
    m_server = std::make_unique<LocalHttpServer>();
    QVERIFY(m_server->port() != 0);
  }
  void cleanup() { m_server.reset(); }

  void dailyUnadjusted() {
    m_server->route(kPath, {json(200, kDaily)});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", at(kJan2), at(kJan2 + 7 * kDay), Timeframe::Day1);
    QVERIFY2(bars.ok(), bars.ok() ? "" : bars.error().message.c_str());
    QCOMPARE(bars->size(), std::size_t(4));  // the null row (2024-01-04) is skipped
    const auto& b0 = bars->at(0);
    QCOMPARE(b0.ts, time::TimeZones::fromExchange(QDate(2024, 1, 2), QTime(9, 30)));
    QCOMPARE(b0.open, 187.15);
    QCOMPARE(b0.high, 188.44);
    QCOMPARE(b0.low, 183.89);
    QCOMPARE(b0.close, 185.64);
    QCOMPARE(b0.volume, 82488700.0);
    QCOMPARE(bars->at(2).ts, time::TimeZones::fromExchange(QDate(2024, 1, 5), QTime(9, 30)));
    QCOMPARE(bars->at(3).close, 185.56);
    QCOMPARE(p.source(Timeframe::Day1), std::string("yahoo"));

    const auto reqs = m_server->requests();
    QCOMPARE(reqs.size(), std::size_t(1));
    QCOMPARE(reqs[0].query.queryItemValue("interval"), QString("1d"));
    QVERIFY(reqs[0].query.hasQueryItem("period1"));
    QVERIFY(reqs[0].query.hasQueryItem("period2"));
    QVERIFY(reqs[0].header("User-Agent").contains("Meridian"));
  }

  // Yahoo writes share classes with a dash: BRK.B is requested as BRK-B; the bars are the caller's (BRK.B).
  void shareClassesAreRequestedWithADash() {
    m_server->route("/v8/finance/chart/BRK-B", {json(200, kDaily)});
    auto p = provider();
    auto bars = p.fetchBars("BRK.B", at(kJan2), at(kJan2 + 7 * kDay), Timeframe::Day1);
    QVERIFY2(bars.ok(), bars.ok() ? "" : bars.error().message.c_str());
    QCOMPARE(bars->size(), std::size_t(4));
    QCOMPARE(m_server->requestCount("/v8/finance/chart/BRK-B"), 1);
    QCOMPARE(YahooProvider::vendorSymbol("BRK.B"), std::string("BRK-B"));
    QCOMPARE(YahooProvider::vendorSymbol("BF.B"), std::string("BF-B"));
    QCOMPARE(YahooProvider::vendorSymbol("AAPL"), std::string("AAPL"));
    QCOMPARE(YahooProvider::vendorSymbol("BRK-B"), std::string("BRK-B"));
    QCOMPARE(YahooProvider::vendorSymbol("^GSPC"), std::string("^GSPC"));
  }

  void dailyAdjusted() {
    m_server->route(kPath, {json(200, kDaily)});
    auto p = provider(true);
    QCOMPARE(p.source(Timeframe::Day1), std::string("yahoo_adjusted"));
    QCOMPARE(p.source(Timeframe::Hour1), std::string("yahoo_adjusted_1h"));
    auto bars = p.fetchBars("AAPL", at(kJan2), at(kJan2 + 7 * kDay), Timeframe::Day1);
    QVERIFY(bars.ok());
    QCOMPARE(bars->size(), std::size_t(4));
    const double f = 184.53 / 185.64;
    QCOMPARE(bars->at(0).close, 184.53);
    QVERIFY(qFuzzyCompare(bars->at(0).open, 187.15 * f));
    QVERIFY(qFuzzyCompare(bars->at(0).high, 188.44 * f));
    QVERIFY(qFuzzyCompare(bars->at(0).low, 183.89 * f));
    QCOMPARE(bars->at(0).volume, 82488700.0);
  }

  void endIsExclusive() {
    m_server->route(kPath, {json(200, kDaily)});
    auto p = provider();
    // [Jan 3 09:30, Jan 5 09:30): Jan 3 only (Jan 4 is null, Jan 5 is the exclusive end)
    auto bars = p.fetchBars("AAPL", at(kJan2 + kDay), at(kJan2 + 3 * kDay), Timeframe::Day1);
    QVERIFY(bars.ok());
    QCOMPARE(bars->size(), std::size_t(1));
    QCOMPARE(bars->at(0).close, 184.25);
  }

  void hourlyBarsKeepTheirOpenTime() {
    m_server->route(kPath, {json(200, hourly(kJan2, 7))});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", at(kJan2), at(kJan2 + kDay), Timeframe::Hour1);
    QVERIFY(bars.ok());
    QCOMPARE(bars->size(), std::size_t(7));
    QCOMPARE(bars->at(1).ts, at(kJan2 + 3600));  // 10:30 ET
    QCOMPARE(m_server->requests().at(0).query.queryItemValue("interval"), QString("1h"));
  }

  // 5m / 15m: interval=5m / 15m, at most 60 days per request (Yahoo's limit for 2m..90m), bars at their open.
  void fiveAndFifteenMinuteIntervals_data() {
    QTest::addColumn<int>("minutes");
    QTest::newRow("5m") << 5;
    QTest::newRow("15m") << 15;
  }
  void fiveAndFifteenMinuteIntervals() {
    QFETCH(int, minutes);
    const Timeframe tf = minutes == 5 ? Timeframe::Minute5 : Timeframe::Minute15;
    m_server->route(kPath, {json(200, hourly(kJan2, 6, minutes * 60))});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", at(kJan2), at(kJan2 + 100 * kDay), tf);
    QVERIFY(bars.ok());
    QCOMPARE(bars->size(), std::size_t(6));
    QCOMPARE(bars->at(1).ts, at(kJan2 + minutes * 60));
    const auto reqs = m_server->requests();
    QCOMPARE(reqs.size(), qsizetype(2));  // 100 days = 60 + 40
    for (const auto& r : reqs) QCOMPARE(r.query.queryItemValue("interval"), QString::number(minutes) + "m");
    QCOMPARE(reqs[0].query.queryItemValue("period1").toLongLong(), kJan2);
    QCOMPARE(reqs[0].query.queryItemValue("period2").toLongLong(), kJan2 + 60 * kDay);
    QCOMPARE(reqs[1].query.queryItemValue("period1").toLongLong(), kJan2 + 60 * kDay);
    QCOMPARE(reqs[1].query.queryItemValue("period2").toLongLong(), kJan2 + 100 * kDay);
    QCOMPARE(p.source(tf), "yahoo_" + std::to_string(minutes) + "m");
  }

  void emptyRange() {
    m_server->route(kPath, {json(200, R"({"chart":{"result":[{"meta":{"symbol":"AAPL"},"indicators":{"quote":[{}]}}],"error":null}})")});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", at(kJan2), at(kJan2 + kDay), Timeframe::Day1);
    QVERIFY(bars.ok());
    QVERIFY(bars->empty());
  }

  void notFoundUsesVendorMessage() {
    m_server->route(kPath, {json(404, kNotFound)});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", at(kJan2), at(kJan2 + kDay), Timeframe::Day1);
    QVERIFY(!bars.ok());
    QCOMPARE(bars.error().code, std::string("http.404"));
    QVERIFY2(bars.error().message.find("yahoo: 404 Not Found: Not Found: No data found") != std::string::npos,
             bars.error().message.c_str());
    QCOMPARE(m_server->requestCount(), 1);  // 4xx is not retried
  }

  void retriesAfter429WithRetryAfter() {
    m_server->route(kPath, {json(429, "Too Many Requests", {{"Retry-After", "1"}}), json(200, kDaily)});
    auto p = provider();
    QElapsedTimer timer;
    timer.start();
    auto bars = p.fetchBars("AAPL", at(kJan2), at(kJan2 + 7 * kDay), Timeframe::Day1);
    QVERIFY2(bars.ok(), bars.ok() ? "" : bars.error().message.c_str());
    QCOMPARE(bars->size(), std::size_t(4));
    QCOMPARE(m_server->requestCount(), 2);
    QVERIFY2(timer.elapsed() >= 950, qPrintable(QString::number(timer.elapsed())));
  }

  void retriesServerErrors() {
    m_server->route(kPath, {json(500, "oops"), json(503, "busy"), json(200, kDaily)});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", at(kJan2), at(kJan2 + 7 * kDay), Timeframe::Day1);
    QVERIFY2(bars.ok(), bars.ok() ? "" : bars.error().message.c_str());
    QCOMPARE(m_server->requestCount(), 3);
  }

  void serverErrorsExhaustRetries() {
    m_server->route(kPath, {json(502, "<html>bad gateway</html>", {})});
    auto p = provider(false, 2);
    auto bars = p.fetchBars("AAPL", at(kJan2), at(kJan2 + kDay), Timeframe::Day1);
    QVERIFY(!bars.ok());
    QCOMPARE(bars.error().code, std::string("http.502"));
    QVERIFY(bars.error().message.find("bad gateway") != std::string::npos);
    QCOMPARE(m_server->requestCount(), 2);
  }

  void truncatedJsonIsAParseError() {
    m_server->route(kPath, {json(200, kDaily.left(kDaily.size() / 2))});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", at(kJan2), at(kJan2 + kDay), Timeframe::Day1);
    QVERIFY(!bars.ok());
    QCOMPARE(bars.error().code, std::string("parse"));
  }

  void connectionCutMidBodyFails() {
    CannedResponse cut = json(200, kDaily);
    cut.truncateAfter = 100;  // Content-Length promises the whole body
    m_server->route(kPath, {cut});
    auto p = provider(false, 2);
    auto bars = p.fetchBars("AAPL", at(kJan2), at(kJan2 + kDay), Timeframe::Day1);
    QVERIFY(!bars.ok());
    QVERIFY2(bars.error().code == "http.network" || bars.error().code == "parse", bars.error().code.c_str());
  }

  void mismatchedArraysAreAParseError() {
    QByteArray bad = kDaily;
    bad.replace("\"volume\":[82488700,", "\"volume\":[");
    m_server->route(kPath, {json(200, bad)});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", at(kJan2), at(kJan2 + kDay), Timeframe::Day1);
    QVERIFY(!bars.ok());
    QCOMPARE(bars.error().code, std::string("parse"));
    QVERIFY(bars.error().message.find("volume") != std::string::npos);
  }

  void timeoutIsRetriedThenReported() {
    CannedResponse slow = json(200, kDaily);
    slow.delayMs = 1500;
    m_server->route(kPath, {slow});
    auto p = provider(false, 2, 300);
    auto bars = p.fetchBars("AAPL", at(kJan2), at(kJan2 + kDay), Timeframe::Day1);
    QVERIFY(!bars.ok());
    QCOMPARE(bars.error().code, std::string("http.timeout"));
    QCOMPARE(m_server->requestCount(), 2);
  }

  void windowFailureReturnsNothing() {
    // 400 days of 1h bars = 3 windows of <= 180 days; the second window fails -> error, no bars.
    m_server->route(kPath, {json(200, hourly(kJan2, 7)), json(500, "down")});
    auto p = provider(false, 2);
    auto bars = p.fetchBars("AAPL", at(kJan2), at(kJan2 + 400 * kDay), Timeframe::Hour1);
    QVERIFY(!bars.ok());
    QCOMPARE(bars.error().code, std::string("http.500"));
    QCOMPARE(m_server->requestCount(), 3);  // window 1 + two attempts at window 2
  }

  void windowsAreStitched() {
    m_server->route(kPath, {json(200, hourly(kJan2, 7))});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", at(kJan2), at(kJan2 + 400 * kDay), Timeframe::Hour1);
    QVERIFY(bars.ok());
    QCOMPARE(m_server->requestCount(), 3);
    // the canned window repeats: every window returns the same 7 bars (only the first window's range has them)
    QCOMPARE(bars->size(), std::size_t(7));
  }
};

QTEST_GUILESS_MAIN(tst_YahooProvider)
#include "tst_YahooProvider.moc"
