// Reliability: Redis goes down while the application trades. A full runtime::Kernel (simulated market, paper
// broker, SQLite journal) mirrors quotes / bars / orders to a private redis-server this test starts; the server is
// SIGKILLed while quotes and orders flow. The kernel keeps working: market orders still fill and are journaled,
// the Redis health turns down, and after Redis restarts (empty, same port) the mirroring resumes by itself: a
// fresh md:quote:<SYM> hash appears and the health is ok again.
// redis-server missing: skipped, or a failure when MERIDIAN_REQUIRE_SERVERS=1.
#include "PrivateServers.h"

#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "core/contract/System.h"
#include "core/execution/ExecutionService.h"
#include "core/jobs/HealthMonitor.h"
#include "core/runtime/Kernel.h"
#include "core/storage/redis/RedisCache.h"

#include <QTemporaryDir>
#include "TestPrinters.h"

#include <QtTest>

#include <functional>

using namespace meridian;
using testsupport::PrivateRedis;

namespace {

bool waitUntil(const std::function<bool()>& pred, int ms) {
  QElapsedTimer t;
  t.start();
  while (!pred()) {
    if (t.elapsed() > ms) return false;
    QThread::msleep(25);
  }
  return true;
}

}  // namespace

class tst_RedisOutage : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;

  // The Redis component of the newest health snapshot after a fresh check.
  static contract::HealthState redisHealth(runtime::Kernel& k, bus::Mailbox& health, std::string* detail = nullptr) {
    std::vector<bus::Envelope> old;
    health.drain(old);  // only a snapshot probed from now on counts
    k.health()->checkNow();
    contract::HealthState state = contract::HealthState::Unknown;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 5000) {
      std::vector<bus::Envelope> got;
      if (health.waitNonEmpty(std::chrono::milliseconds(50))) health.drain(got);
      bool seen = false;
      for (const auto& e : got)
        if (const auto* snap = e.as<contract::HealthSnapshot>())
          for (const auto& c : snap->components)
            if (c.kind == "cache") {
              state = c.state;
              seen = true;
              if (detail) *detail = c.detail;
            }
      if (seen) return state;
    }
    return state;
  }

 private Q_SLOTS:
  void initTestCase() {
    if (PrivateRedis::serverPath().isEmpty()) {
      if (testsupport::serversRequired()) QFAIL("MERIDIAN_REQUIRE_SERVERS=1 but redis-server is not installed");
      QSKIP("redis-server not installed (apt-get install redis-server)");
    }
  }

  void kernelKeepsTradingWhileRedisIsDownAndMirroringResumes() {
    PrivateRedis redis;
    QString error;
    QVERIFY2(redis.start(&error), qPrintable(error));

    common::Config cfg;
    cfg.set("db.backend", "sqlite");
    cfg.set("db.sqlite_path", m_dir.filePath("redis-outage.sqlite"));
    cfg.set("market.feed", "simulated");
    cfg.set("market.sim_ticks_per_second", "300");
    cfg.set("redis.url", QString::fromStdString(redis.url()));
    runtime::Kernel k(cfg);
    auto fills = std::make_shared<bus::Mailbox>();
    auto health = std::make_shared<bus::Mailbox>();
    k.bus().subscribe("exec.fill.>", fills);
    k.bus().subscribe<contract::HealthSnapshot>(health);
    QVERIFY(k.start().ok());

    storage::RedisOptions ro;
    ro.backoffInitial = std::chrono::milliseconds(10);
    ro.backoffMax = std::chrono::milliseconds(50);
    storage::RedisCache probe(redis.url(), ro);
    auto quoteUpdatedTs = [&]() -> std::int64_t {
      auto h = probe.hashGetAll(storage::RedisCache::quoteKey("AAPL"));
      if (!h.ok()) return -1;
      for (const auto& [f, v] : h.value())
        if (f == "updated_ts") return std::stoll(v);
      return 0;
    };
    QVERIFY2(waitUntil([&] { return quoteUpdatedTs() > 0; }, 10'000), "no AAPL quote mirrored to Redis");
    ECOMPARE(redisHealth(k, *health), contract::HealthState::Ok);

    // Redis dies while quotes flow.
    QVERIFY2(redis.kill(&error), qPrintable(error));
    QCOMPARE(quoteUpdatedTs(), std::int64_t(-1));

    // Orders keep working: submitted, filled against the simulated market, journaled.
    std::vector<std::string> ids;
    for (int i = 0; i < 3; ++i) {
      domain::Order o;
      o.clientOrderId = "MRD-REDIS-" + std::to_string(i);
      o.symbol = "AAPL";
      o.side = domain::Side::Buy;
      o.quantity = 5;
      ids.push_back(o.clientOrderId);
      QVERIFY(k.bus().send(contract::SubmitOrder{"C-redis-" + std::to_string(i), o}).ok());
    }
    std::vector<bus::Envelope> got;
    QElapsedTimer t;
    t.start();
    while (got.size() < 3 && t.elapsed() < 10'000)
      if (fills->waitNonEmpty(std::chrono::milliseconds(50))) fills->drain(got);
    QCOMPARE(got.size(), std::size_t(3));
    for (const auto& id : ids) {
      auto stored = k.storage().call([id](storage::IStorage& s) { return s.loadOrder(id); }).get();
      QVERIFY(stored.ok() && stored.value());
      ECOMPARE(stored.value()->status, domain::OrderStatus::Filled);
      auto f = k.storage().call([id](storage::IStorage& s) { return s.loadFills(id, 0); }).get();
      QVERIFY(f.ok());
      QCOMPARE(f.value().size(), std::size_t(1));
    }
    double position = 0;
    k.execution()->runOnThread([&](execution::ExecutionService& s) { position = s.positionBook().positionQty("AAPL"); });
    QCOMPARE(position, 15.0);

    std::string detail;
    ECOMPARE(redisHealth(k, *health, &detail), contract::HealthState::Down);
    QVERIFY2(detail.find("unreachable") != std::string::npos, detail.c_str());
    ECOMPARE(redisHealth(k, *health), contract::HealthState::Down);  // stays down while Redis is away

    // Redis restarts empty on the same port (nothing saved): any quote hash there now was written by the bridge
    // after it reconnected.
    const std::int64_t restartNs = common::RealClock().now();
    QVERIFY2(redis.start(&error), qPrintable(error));
    QVERIFY2(waitUntil([&] { return quoteUpdatedTs() >= restartNs; }, 20'000),
             "mirroring did not resume within 20 s after Redis came back");
    QVERIFY(waitUntil([&] { return redisHealth(k, *health) == contract::HealthState::Ok; }, 5'000));
    k.stop();
  }
};

QTEST_GUILESS_MAIN(tst_RedisOutage)
#include "tst_RedisOutage.moc"
