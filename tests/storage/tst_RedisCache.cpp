// Integration tests for RedisCache / RedisSubscriber against a real Redis server.
//
// MERIDIAN_TEST_REDIS_URL points at the server, e.g. redis://127.0.0.1:56379. Keys and channels are prefixed
// with a per-run tag so concurrent runs never interfere. Unset: the server tests skip (or fail when
// MERIDIAN_REQUIRE_SERVERS=1); the "Redis absent" tests always run.
#include "core/contract/Wire.h"
#include "core/storage/Records.h"
#include "core/storage/redis/RedisCache.h"
#include "core/storage/redis/RedisSubscriber.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QtTest>

#include <fmt/format.h>

#include <mutex>

using namespace meridian;
using namespace meridian::storage;
using namespace meridian::contract;
using namespace std::chrono_literals;

// QSKIP / QFAIL only leave the function they are written in, so this must be a macro.
#define REQUIRE_SERVER()                                                                                       \
  do {                                                                                                         \
    if (m_url.empty()) {                                                                                       \
      if (qEnvironmentVariable("MERIDIAN_REQUIRE_SERVERS") == QLatin1String("1"))                              \
        QFAIL("MERIDIAN_TEST_REDIS_URL is not set but MERIDIAN_REQUIRE_SERVERS=1: set MERIDIAN_TEST_REDIS_URL "  \
              "(e.g. redis://127.0.0.1:56379) or run the README test command");                                \
      QSKIP("Redis integration test skipped: set MERIDIAN_TEST_REDIS_URL or run the README test command");    \
    }                                                                                                          \
  } while (false)

class tst_RedisCache : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    m_url = qEnvironmentVariable("MERIDIAN_TEST_REDIS_URL").toStdString();
    m_tag = fmt::format("t{}_{:06x}", QCoreApplication::applicationPid(),
                        QRandomGenerator::global()->generate() & 0xffffff);
  }

  // --- always run: no server needed -----------------------------------------------------------------------
  void absentServerFailsFastWithBackoff() {
    RedisCache cache("redis://:hunter2secret@127.0.0.1:1");
    QElapsedTimer timer;
    timer.start();
    auto first = cache.getLatestQuote("AAPL");
    QVERIFY(!first.ok());
    QCOMPARE(first.error().code, std::string(errc::kRedisUnavailable));
    QVERIFY2(first.error().message.find("hunter2secret") == std::string::npos, first.error().message.c_str());
    // Inside the back-off window: no network attempt at all.
    for (int i = 0; i < 100; ++i) QCOMPARE(cache.publish("x", "y").error().code, std::string(errc::kRedisUnavailable));
    QVERIFY(cache.setLatestQuote(domain::Quote{"AAPL", 1, 1, 1, 1, 1, 1, 1}, 1).error().code == errc::kRedisUnavailable);
    QVERIFY2(timer.elapsed() < 1'000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY(!cache.isConnected());
    QCOMPARE(cache.redactedUrl(), std::string("redis://:***@127.0.0.1:1/0"));
  }

  void unroutableHostRespectsConnectTimeout() {
    RedisOptions o;
    o.connectTimeout = 200ms;
    RedisCache cache("redis://10.255.255.1:6379", o);  // blackholed address: the connect times out
    QElapsedTimer timer;
    timer.start();
    QCOMPARE(cache.ping().error().code, std::string(errc::kRedisUnavailable));
    QVERIFY2(timer.elapsed() < 1'500, qPrintable(QString::number(timer.elapsed())));
  }

  void invalidUrlIsAnError() {
    RedisCache cache("http://localhost");
    QCOMPARE(cache.ping().error().code, std::string(errc::kInvalid));
    RedisSubscriber sub("redis://host:notaport", [](const std::string&, const std::string&) {});
    QCOMPARE(sub.start({"a"}, {}).error().code, std::string(errc::kInvalid));
    auto ep = parseRedisUrl("redis://user:pw@[::1]:6380/2");
    QVERIFY(ep.ok());
    QCOMPARE(ep->host, std::string("::1"));
    QCOMPARE(ep->port, 6380);
    QCOMPARE(ep->db, 2);
    QCOMPARE(ep->password, std::string("pw"));
  }

  void subscriberWithoutServerStopsPromptly() {
    RedisSubscriber sub("redis://127.0.0.1:1", [](const std::string&, const std::string&) {});
    QVERIFY(sub.start({}, {"md.bar.*"}).ok());
    QVERIFY(!sub.waitUntilSubscribed(300ms));
    QElapsedTimer timer;
    timer.start();
    sub.stop();
    QVERIFY(timer.elapsed() < 1'000);
    QVERIFY(!sub.isRunning());
  }

  // --- real server ----------------------------------------------------------------------------------------
  void quoteRoundTrip() {
    REQUIRE_SERVER();
    RedisCache cache(m_url);
    QVERIFY(cache.ping().ok());
    const domain::Quote q{m_tag + "AAPL", 1'704'205'800'123'456'789, 187.31, 187.33, 300, 500, 187.32, 0.1 + 0.2};
    QVERIFY(cache.setLatestQuote(q, 1'704'205'800'200'000'000).ok());
    auto back = cache.getLatestQuote(q.symbol);
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
    QVERIFY(back->has_value());
    QVERIFY(**back == q);  // exact doubles and ns timestamp
    auto missing = cache.getLatestQuote(m_tag + "NOPE");
    QVERIFY(missing.ok());
    QVERIFY(!missing->has_value());
  }

  void patternSubscriptionReceivesPublishedMessages() {
    REQUIRE_SERVER();
    std::mutex mutex;
    std::vector<std::pair<std::string, std::string>> received;
    RedisSubscriber sub(m_url, [&](const std::string& channel, const std::string& payload) {
      std::lock_guard lock(mutex);
      received.emplace_back(channel, payload);
    });
    const std::string barPattern = m_tag + ".md.bar.*";
    const std::string orderChannelName = m_tag + "." + orderChannel("MRD-1");
    QVERIFY(sub.start({orderChannelName}, {barPattern}).ok());
    QVERIFY(sub.waitUntilSubscribed(2s));

    RedisCache pub(m_url);
    BarEvent e{"AAPL", "polygon", domain::Bar{1'704'205'800'000'000'000, 1, 2, 0.5, 1.5, 100, 1.25, 7}};
    const std::string barChannelName = m_tag + "." + barChannel("AAPL");
    auto receivers = pub.publish(barChannelName, contract::encodeBarEvent(e));
    QVERIFY(receivers.ok());
    QCOMPARE(*receivers, std::int64_t(1));
    domain::Order o;
    o.clientOrderId = "MRD-1";
    o.symbol = "AAPL";
    QVERIFY(pub.publish(orderChannelName, contract::encodeOrderEvent(o)).ok());
    QCOMPARE(pub.publish(m_tag + ".other", "ignored").value(), std::int64_t(0));

    QTRY_COMPARE_WITH_TIMEOUT(
        [&] {
          std::lock_guard lock(mutex);
          return received.size();
        }(),
        std::size_t(2), 3000);
    std::lock_guard lock(mutex);
    QCOMPARE(received[0].first, barChannelName);
    auto decoded = decodeBarEvent(received[0].second);
    QVERIFY(decoded.ok());
    QVERIFY(*decoded == e);
    QCOMPARE(received[1].first, orderChannelName);
    QVERIFY(decodeOrderEvent(received[1].second).value() == o);
  }

  void subscriberStopsPromptlyWhileIdle() {
    REQUIRE_SERVER();
    RedisSubscriber sub(m_url, [](const std::string&, const std::string&) {});
    QVERIFY(sub.start({m_tag + ".idle"}, {}).ok());
    QVERIFY(sub.waitUntilSubscribed(2s));
    QElapsedTimer timer;
    timer.start();
    sub.stop();
    QVERIFY(timer.elapsed() < 1'000);
    sub.stop();  // idempotent
  }

 private:
  std::string m_url;
  std::string m_tag;
};

QTEST_GUILESS_MAIN(tst_RedisCache)
#include "tst_RedisCache.moc"
