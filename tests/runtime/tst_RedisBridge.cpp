// Integration: bus events mirrored to a real Redis (the README test command starts one), and Redis absent.
#include "core/runtime/RedisBridge.h"

#include "core/bus/Events.h"
#include "core/storage/Codec.h"
#include "core/storage/redis/RedisSubscriber.h"

#include <QtTest>

#include <mutex>

using namespace meridian;

class tst_RedisBridge : public QObject {
  Q_OBJECT
  std::string m_url;

 private Q_SLOTS:
  void initTestCase() {
    m_url = qEnvironmentVariable("MERIDIAN_TEST_REDIS_URL").toStdString();
    if (m_url.empty() && qEnvironmentVariable("MERIDIAN_REQUIRE_SERVERS") == "1")
      QFAIL("MERIDIAN_TEST_REDIS_URL is not set but MERIDIAN_REQUIRE_SERVERS=1");
  }

  void ordersBarsAndQuotesReachRedis() {
    if (m_url.empty()) QSKIP("set MERIDIAN_TEST_REDIS_URL or run the README test command (tests/run-all.sh)");
    std::mutex mutex;
    std::vector<std::pair<std::string, std::string>> received;
    storage::RedisSubscriber sub(m_url, [&](const std::string& ch, const std::string& payload) {
      std::lock_guard lock(mutex);
      received.emplace_back(ch, payload);
    });
    QVERIFY(sub.start({}, {"exec.order.*", "md.bar.*"}).ok());
    QVERIFY(sub.waitUntilSubscribed(std::chrono::milliseconds(5000)));

    bus::EventBus bus;
    runtime::RedisBridge bridge(m_url, bus);
    bridge.start();
    domain::Order o;
    o.clientOrderId = "MRD-bridge-1";
    o.symbol = "ORCL";
    o.quantity = 42;
    o.status = domain::OrderStatus::Accepted;
    bus.publish(bus::topics::order(o.clientOrderId), bus::OrderUpdated{o, "C-1"});
    domain::Bar bar{1'700'000'000'000'000'000, 10, 11, 9, 10.5, 1000};
    bus.publish(bus::topics::bar("ORCL"), bus::BarClosed{"ORCL", "sim", bar});
    for (int i = 1; i <= 500; ++i) {
      domain::Quote q{"ORCL", i, 10.0 + i * 0.01, 10.02 + i * 0.01};
      bus.publish(bus::topics::quote("ORCL"), bus::QuoteUpdated{q});
    }
    QTRY_COMPARE_WITH_TIMEOUT([&] { std::lock_guard l(mutex); return received.size(); }(), std::size_t(2), 5000);
    bridge.stop();

    std::lock_guard lock(mutex);
    auto order = storage::decodeOrderEvent(received[0].second);
    QCOMPARE(received[0].first, std::string("exec.order.MRD-bridge-1"));
    QVERIFY(order.ok());
    QCOMPARE(order.value().quantity, 42.0);
    auto barEv = storage::decodeBarEvent(received[1].second);
    QVERIFY(barEv.ok());
    QVERIFY(barEv.value().bar == bar);

    storage::RedisCache cache(m_url);
    auto latest = cache.getLatestQuote("ORCL");
    QVERIFY(latest.ok() && latest.value().has_value());
    QCOMPARE(latest.value()->ts, domain::Timestamp(500));  // coalesced, but the last quote always lands
    QVERIFY(bridge.failed() == 0);
  }

  void redisAbsentDoesNotDisturbTheBus() {
    bus::EventBus bus;
    auto other = std::make_shared<bus::Mailbox>();
    bus.subscribe(">", other);
    runtime::RedisBridge bridge("redis://127.0.0.1:1", bus);
    bridge.start();
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < 1000; ++i) {
      domain::Order o;
      o.clientOrderId = "MRD-" + std::to_string(i);
      bus.publish(bus::topics::order(o.clientOrderId), bus::OrderUpdated{o, {}});
    }
    QVERIFY(t.elapsed() < 1000);  // publishing never waits on Redis
    QCOMPARE(other->size(), std::size_t(1000));
    QTRY_VERIFY_WITH_TIMEOUT(!bridge.healthy(), 5000);
    bridge.stop();
    QVERIFY(bridge.failed() > 0);
  }
};

QTEST_GUILESS_MAIN(tst_RedisBridge)
#include "tst_RedisBridge.moc"
