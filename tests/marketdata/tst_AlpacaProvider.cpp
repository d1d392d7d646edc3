// AlpacaProvider against a local HTTP server serving Alpaca market data v2 bars JSON: header auth, page_token
// paging, vendor errors, 429 + Retry-After, 5xx retry, failure mid-paging, truncated bodies, null bars, and the
// credentials never reaching the logs.
#include "LocalHttpServer.h"

#include "core/common/Logging.h"
#include "core/marketdata/alpaca/AlpacaProvider.h"
#include "core/time/TimeZones.h"

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QtTest>

using namespace meridian;
using namespace meridian::marketdata;
using meridian::testing::CannedResponse;
using meridian::testing::LocalHttpServer;
using meridian::testing::json;

namespace {

const std::string kKeyId = "AKTESTKEYID0123456789";
const std::string kSecret = "sEcReT/alpaca+test+value+0123456789abcd";
const QString kPath = QStringLiteral("/v2/stocks/AAPL/bars");

domain::Timestamp open930(int y, int m, int d) { return time::TimeZones::fromExchange(QDate(y, m, d), QTime(9, 30)); }

QByteArray page(const QByteArray& bars, const QByteArray& next) {
  return R"({"bars":[)" + bars + R"(],"symbol":"AAPL","next_page_token":)" + (next.isEmpty() ? "null" : "\"" + next + "\"") + "}";
}

const QByteArray kPage1 =
    page(R"({"t":"2024-01-02T05:00:00Z","o":187.15,"h":188.44,"l":183.885,"c":185.64,"v":82488700,"n":1008871,"vw":185.9465},)"
         R"({"t":"2024-01-03T05:00:00Z","o":184.22,"h":185.88,"l":183.43,"c":184.25,"v":58414500,"n":656853,"vw":184.3226})",
         "QUFQTHxEfDIwMjQtMDEtMDRUMDU6MDA6MDBa");
const QByteArray kPage2 =
    page(R"({"t":"2024-01-04T05:00:00Z","o":182.15,"h":183.0872,"l":180.88,"c":181.91,"v":58037000,"n":712524,"vw":182.2},)"
         R"({"t":"2024-01-05T05:00:00Z","o":181.99,"h":182.76,"l":180.17,"c":181.18,"v":62303300,"n":682399,"vw":181.5})",
         "QUFQTHxEfDIwMjQtMDEtMDhUMDU6MDA6MDBa");
const QByteArray kPage3 =
    page(R"({"t":"2024-01-08T05:00:00Z","o":182.09,"h":185.6,"l":181.5,"c":185.56,"v":59144500,"n":669999,"vw":184.1})", {});

}  // namespace

class tst_AlpacaProvider : public QObject {
  Q_OBJECT

  std::unique_ptr<LocalHttpServer> m_server;
  std::shared_ptr<common::InAppLogBuffer> m_logs;
  std::uint64_t m_logSeq = 0;

  AlpacaProvider provider(int maxAttempts = 3) {
    AlpacaProvider::Options o;
    o.baseUrl = m_server->baseUrl();
    o.keyId = kKeyId;
    o.secretKey = kSecret;
    o.http.maxAttempts = maxAttempts;
    o.http.backoffBase = std::chrono::milliseconds(10);
    o.http.timeout = std::chrono::milliseconds(3000);
    o.ratePerMinute = 0;
    return AlpacaProvider(o);
  }

 private Q_SLOTS:
  // The test server itself (shared by the adapter tests): a body is read by Content-Length even when it arrives
  // in pieces, is recorded, and never leaks into the next request on the connection; the listener can be closed
  // (connection refused) and re-opened on the same port.
  void localServerReadsBodiesByContentLength() {
    LocalHttpServer server;
    server.route("/v2/echo", {json(200, R"({"ok":true})")});
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(s.waitForConnected(2000));
    s.write("POST /v2/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\nhello");
    QVERIFY(s.waitForBytesWritten(2000));
    QTest::qWait(100);
    QCOMPARE(server.requestCount(), 0);  // still waiting for the rest of the body
    s.write(" worldGET /not-a-request");  // bytes past Content-Length are not part of this body
    QVERIFY(s.waitForBytesWritten(2000));
    QVERIFY(s.waitForReadyRead(2000));
    QVERIFY(s.readAll().startsWith("HTTP/1.1 200"));
    QCOMPARE(server.requestCount(), 1);
    QCOMPARE(server.requests()[0].method, QByteArray("POST"));
    QCOMPARE(server.requests()[0].body, QByteArray("hello world"));

    server.stopListening();
    QVERIFY(!server.listening());
    QTcpSocket refused;
    refused.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(!refused.waitForConnected(1000));
    QVERIFY(server.resumeListening());
    QTcpSocket again;
    again.connectToHost(QHostAddress::LocalHost, server.port());
    QVERIFY(again.waitForConnected(2000));
    again.write("GET /v2/echo HTTP/1.1\r\nHost: x\r\n\r\n");
    QVERIFY(again.waitForReadyRead(2000));
    QCOMPARE(server.requestCount("/v2/echo"), 2);
    QVERIFY(server.requests()[1].body.isEmpty());
  }

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
    std::vector<common::LogRecord> records;
    m_logSeq = m_logs->recordsSince(m_logSeq, records);
    for (const auto& r : records) {
      QVERIFY2(r.message.find(kKeyId) == std::string::npos, r.message.c_str());
      QVERIFY2(r.message.find(kSecret) == std::string::npos, r.message.c_str());
    }
    m_server.reset();
  }

  void pagesWithHeaderAuth() {
    m_server->route(kPath, {json(200, kPage1), json(200, kPage2), json(200, kPage3)});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY2(bars.ok(), bars.ok() ? "" : bars.error().message.c_str());
    QCOMPARE(bars->size(), std::size_t(5));
    const auto& b0 = bars->at(0);
    QCOMPARE(b0.ts, open930(2024, 1, 2));
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
    for (const auto& r : reqs) {
      QCOMPARE(r.header("APCA-API-KEY-ID"), QByteArray::fromStdString(kKeyId));
      QCOMPARE(r.header("APCA-API-SECRET-KEY"), QByteArray::fromStdString(kSecret));
      QVERIFY(!r.target.contains(QByteArray::fromStdString(kKeyId)));  // never in the URL
      QCOMPARE(r.query.queryItemValue("timeframe"), QString("1Day"));
      QCOMPARE(r.query.queryItemValue("start"), QString("2024-01-02"));
      // The close of the last date's session (16:00 EST) as RFC 3339: a bare "2024-01-08" means midnight UTC to
      // Alpaca, before that day's bar (stamped 05:00Z).
      QCOMPARE(r.query.queryItemValue("end"), QString("2024-01-08T21:00:00Z"));
      QCOMPARE(r.query.queryItemValue("adjustment"), QString("raw"));
      QCOMPARE(r.query.queryItemValue("feed"), QString("iex"));
    }
    QVERIFY(!reqs[0].query.hasQueryItem("page_token"));
    QCOMPARE(reqs[1].query.queryItemValue("page_token"), QString("QUFQTHxEfDIwMjQtMDEtMDRUMDU6MDA6MDBa"));
    QCOMPARE(reqs[2].query.queryItemValue("page_token"), QString("QUFQTHxEfDIwMjQtMDEtMDhUMDU6MDA6MDBa"));
  }

  void intradayUsesRfc3339Bounds() {
    m_server->route(kPath, {json(200, page(R"({"t":"2024-01-02T14:30:00Z","o":187.15,"h":187.3,"l":187.0,"c":187.2,"v":1000,"n":12,"vw":187.1})", {}))});
    AlpacaProvider::Options o;
    o.baseUrl = m_server->baseUrl();
    o.keyId = kKeyId;
    o.secretKey = kSecret;
    o.adjusted = true;
    o.ratePerMinute = 0;
    AlpacaProvider p(o);
    const auto from = open930(2024, 1, 2);
    auto bars = p.fetchBars("AAPL", from, from + domain::kNanosPerHour, Timeframe::Minute1);
    QVERIFY(bars.ok());
    QCOMPARE(bars->size(), std::size_t(1));
    QCOMPARE(bars->at(0).ts, from);
    const auto r = m_server->requests().at(0);
    QCOMPARE(r.query.queryItemValue("timeframe"), QString("1Min"));
    QCOMPARE(r.query.queryItemValue("start"), QString("2024-01-02T14:30:00Z"));
    QCOMPARE(r.query.queryItemValue("end"), QString("2024-01-02T15:29:59Z"));
    QCOMPARE(r.query.queryItemValue("adjustment"), QString("all"));
    QCOMPARE(p.source(Timeframe::Minute1), std::string("alpaca_adjusted_1m"));
  }

  // 5m / 15m: timeframe=5Min / 15Min.
  void fiveAndFifteenMinuteTimeframes_data() {
    QTest::addColumn<int>("minutes");
    QTest::newRow("5m") << 5;
    QTest::newRow("15m") << 15;
  }
  void fiveAndFifteenMinuteTimeframes() {
    QFETCH(int, minutes);
    const Timeframe tf = minutes == 5 ? Timeframe::Minute5 : Timeframe::Minute15;
    m_server->route(kPath, {json(200, page(R"({"t":"2024-01-02T14:30:00Z","o":187.15,"h":187.3,"l":187.0,"c":187.2,"v":1000,"n":12,"vw":187.1})", {}))});
    auto p = provider();
    const auto from = open930(2024, 1, 2);
    auto bars = p.fetchBars("AAPL", from, from + domain::kNanosPerHour, tf);
    QVERIFY(bars.ok());
    QCOMPARE(bars->size(), std::size_t(1));
    QCOMPARE(bars->at(0).ts, from);
    const auto r = m_server->requests().at(0);
    QCOMPARE(r.query.queryItemValue("timeframe"), QString::number(minutes) + "Min");
    QCOMPARE(r.query.queryItemValue("start"), QString("2024-01-02T14:30:00Z"));
    QCOMPARE(r.query.queryItemValue("end"), QString("2024-01-02T15:29:59Z"));
    QCOMPARE(p.source(tf), "alpaca_" + std::to_string(minutes) + "m");
  }

  void nullBarsIsEmpty() {
    m_server->route(kPath, {json(200, R"({"bars":null,"symbol":"AAPL","next_page_token":null})")});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY(bars.ok());
    QVERIFY(bars->empty());
  }

  void forbiddenUsesVendorMessage() {
    m_server->route(kPath, {json(403, R"({"message":"forbidden."})")});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY(!bars.ok());
    QCOMPARE(bars.error().code, std::string("http.403"));
    QCOMPARE(bars.error().message, std::string("alpaca: 403 Forbidden: forbidden."));
  }

  void invalidParameterWithCode() {
    m_server->route(kPath, {json(422, R"({"code":42210000,"message":"invalid start"})")});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY(!bars.ok());
    QCOMPARE(bars.error().code, std::string("http.422"));
    QVERIFY2(bars.error().message.find("invalid start (code 42210000)") != std::string::npos, bars.error().message.c_str());
    QCOMPARE(m_server->requestCount(), 1);
  }

  void tooManyRequestsHonoursRetryAfter() {
    m_server->route(kPath, {json(429, R"({"message":"too many requests."})", {{"Retry-After", "1"}}), json(200, kPage3)});
    auto p = provider();
    QElapsedTimer timer;
    timer.start();
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY2(bars.ok(), bars.ok() ? "" : bars.error().message.c_str());
    QCOMPARE(bars->size(), std::size_t(1));
    QCOMPARE(m_server->requestCount(), 2);
    QVERIFY(timer.elapsed() >= 950);
  }

  // Alpaca documents X-RateLimit-Limit/-Remaining/-Reset (Unix seconds) on every response: a 429 without
  // Retry-After waits until the reset (the test backoff is 10 ms, so the wait can only come from the header).
  void tooManyRequestsWithoutRetryAfterWaitsForTheReset() {
    const QByteArray reset = QByteArray::number(QDateTime::currentSecsSinceEpoch() + 2);
    m_server->route(kPath, {json(429, R"({"message":"too many requests."})",
                                 {{"X-RateLimit-Limit", "200"}, {"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", reset}}),
                            json(200, kPage3)});
    auto p = provider();
    QElapsedTimer timer;
    timer.start();
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY2(bars.ok(), bars.ok() ? "" : bars.error().message.c_str());
    QCOMPARE(m_server->requestCount(), 2);
    QVERIFY2(timer.elapsed() >= 1000, qPrintable(QString::number(timer.elapsed())));  // reset is 1-2 s away
    QVERIFY(QDateTime::currentSecsSinceEpoch() >= reset.toLongLong());
  }
  // Pacing before a 429: the first page says nothing is left until the reset, so the next page waits for it.
  void paginationIsPacedByRemaining() {
    const QByteArray reset = QByteArray::number(QDateTime::currentSecsSinceEpoch() + 2);
    m_server->route(kPath, {json(200, kPage1,
                                 {{"X-RateLimit-Limit", "200"}, {"X-RateLimit-Remaining", "0"}, {"X-RateLimit-Reset", reset}}),
                            json(200, kPage2, {{"X-RateLimit-Limit", "200"}, {"X-RateLimit-Remaining", "150"}}),
                            json(200, kPage3)});
    auto p = provider();
    QElapsedTimer timer;
    timer.start();
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY2(bars.ok(), bars.ok() ? "" : bars.error().message.c_str());
    QCOMPARE(m_server->requestCount(), 3);
    QVERIFY2(timer.elapsed() >= 1000, qPrintable(QString::number(timer.elapsed())));
  }

  void serverErrorThenSuccess() {
    m_server->route(kPath, {json(500, R"({"message":"internal server error"})"), json(200, kPage3)});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY(bars.ok());
    QCOMPARE(m_server->requestCount(), 2);
  }

  void failureMidPagingReturnsNothing() {
    m_server->route(kPath, {json(200, kPage1), json(200, kPage2), json(500, R"({"message":"internal server error"})")});
    auto p = provider(2);
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY(!bars.ok());
    QCOMPARE(bars.error().code, std::string("http.500"));
    QCOMPARE(m_server->requestCount(), 4);  // pages 1, 2, then page 3 twice
  }

  void truncatedBodyIsAParseError() {
    m_server->route(kPath, {json(200, kPage1), json(200, kPage2.left(kPage2.size() - 20))});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY(!bars.ok());
    QCOMPARE(bars.error().code, std::string("parse"));
  }

  void badTimestampIsAParseError() {
    m_server->route(kPath, {json(200, page(R"({"t":"yesterday","o":1,"h":1,"l":1,"c":1,"v":1})", {}))});
    auto p = provider();
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY(!bars.ok());
    QCOMPARE(bars.error().code, std::string("parse"));
  }

  void missingCredentials() {
    AlpacaProvider::Options o;
    o.baseUrl = m_server->baseUrl();
    AlpacaProvider p(o);
    auto bars = p.fetchBars("AAPL", open930(2024, 1, 2), open930(2024, 1, 9), Timeframe::Day1);
    QVERIFY(!bars.ok());
    QCOMPARE(bars.error().code, std::string("config"));
    QVERIFY(!p.fetchFundamentals("AAPL").ok());
  }
};

QTEST_GUILESS_MAIN(tst_AlpacaProvider)
#include "tst_AlpacaProvider.moc"
