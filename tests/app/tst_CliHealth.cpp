// `meridian-cli health` against a real Redis: the serving process's heartbeat must be present, signed with this
// deployment's relay.key and fresh for an attach / serve configuration to be healthy. The test plays the server by
// writing the heartbeat key itself.
#include "core/common/Clock.h"
#include "core/contract/Wire.h"
#include "core/relay/Heartbeat.h"
#include "core/storage/redis/RedisCache.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include "../support/CliRun.h"

using namespace meridian;

class tst_CliHealth : public QObject {
  Q_OBJECT
  QTemporaryDir m_home;
  std::string m_redisUrl;
  std::string m_ns;
  std::unique_ptr<storage::RedisCache> m_cache;
  static constexpr const char* kKey = "tst-cli-health-relay-key";

  struct Health {
    int code = -1;
    QJsonObject server;  // the server component
    bool ok = false;
    QString err;
  };
  Health health(const QString& mode, const QString& relayKey = kKey) {
    QProcessEnvironment env;
    env.insert("MERIDIAN_RUNTIME_MODE", mode);
    env.insert("MERIDIAN_REDIS_URL", QString::fromStdString(m_redisUrl));
    env.insert("MERIDIAN_REDIS_NAMESPACE", QString::fromStdString(m_ns));
    if (!relayKey.isEmpty()) env.insert("MERIDIAN_RELAY_KEY", relayKey);
    const auto r = testsupport::runCli(m_home, {"health", "--json", "--no-network"}, env, 60'000);
    Health h;
    h.code = r.code;
    h.err = r.err;
    const QJsonObject root = QJsonDocument::fromJson(r.out.toUtf8()).object();
    h.ok = root.value("ok").toBool(false);
    for (const auto& v : root.value("components").toArray())
      if (v.toObject().value("kind") == "server") h.server = v.toObject();
    return h;
  }
  void writeBeat(domain::Timestamp ts, const std::string& key) {
    const std::string beat =
        contract::encodeHeartbeat({"tst-server:1:x", ts, contract::TradingMode{true, false, "paper", ""}, {}}, key);
    QVERIFY(m_cache->setValue(relay::serverKey(m_ns), beat, std::chrono::seconds(60)).ok());
  }

 private Q_SLOTS:
  void initTestCase() {
    m_redisUrl = qEnvironmentVariable("MERIDIAN_TEST_REDIS_URL").toStdString();
    if (m_redisUrl.empty()) {
      if (qEnvironmentVariable("MERIDIAN_REQUIRE_SERVERS") == "1")
        QFAIL("MERIDIAN_TEST_REDIS_URL not set but MERIDIAN_REQUIRE_SERVERS=1");
      QSKIP("set MERIDIAN_TEST_REDIS_URL (see tests/run-all.sh)");
    }
    QVERIFY(m_home.isValid());
    m_ns = "meridian_test_health_" + std::to_string(QCoreApplication::applicationPid()) + "_" +
           std::to_string(QRandomGenerator::global()->generate());
    m_cache = std::make_unique<storage::RedisCache>(m_redisUrl);
    QVERIFY(m_cache->ping().ok());
  }
  void init() { QVERIFY(m_cache->deleteKey(relay::serverKey(m_ns)).ok()); }

  void noServerFailsWhenAttached() {
    const Health h = health("attach");
    QCOMPARE(h.code, 1);
    QVERIFY(!h.ok);
    QCOMPARE(h.server.value("state").toString(), QString("down"));
    QVERIFY(h.server.value("required").toBool());
    QVERIFY2(h.server.value("detail").toString().contains("no heartbeat"), qPrintable(h.server.value("detail").toString()));
  }
  // The case: the serve process is dead and health ran in its configuration.
  void noServerFailsInTheServeConfiguration() {
    const Health h = health("serve");
    QCOMPARE(h.code, 1);
    QCOMPARE(h.server.value("state").toString(), QString("down"));
  }
  void aFreshSignedHeartbeatIsHealthy() {
    writeBeat(common::RealClock().now(), kKey);
    const Health h = health("attach");
    QVERIFY2(h.code == 0, qPrintable(QJsonDocument(h.server).toJson() + h.err));
    QVERIFY(h.ok);
    QCOMPARE(h.server.value("state").toString(), QString("ok"));
    QVERIFY(h.server.value("detail").toString().contains("tst-server:1:x"));
    writeBeat(common::RealClock().now(), kKey);
    QCOMPARE(health("serve").code, 0);
  }
  void aStaleHeartbeatFails() {
    writeBeat(common::RealClock().now() - 30 * domain::kNanosPerSecond, kKey);
    const Health h = health("attach");
    QCOMPARE(h.code, 1);
    QCOMPARE(h.server.value("state").toString(), QString("down"));
    QVERIFY2(h.server.value("detail").toString().contains("ms old"), qPrintable(h.server.value("detail").toString()));
  }
  void anUnsignedHeartbeatFails() {
    writeBeat(common::RealClock().now(), "");
    const Health h = health("attach");
    QCOMPARE(h.code, 1);
    QVERIFY(h.server.value("detail").toString().contains("not signed with this deployment's relay key"));
  }
  void aHeartbeatForgedWithAnotherKeyFails() {
    writeBeat(common::RealClock().now(), "somebody-elses-key");
    QCOMPARE(health("attach").code, 1);
  }
  void withoutARelayKeyNothingCanBeVerified() {
    writeBeat(common::RealClock().now(), kKey);
    const Health h = health("attach", QString());
    QCOMPARE(h.code, 1);
    QVERIFY(h.server.value("detail").toString().contains("relay.key is not set"));
  }
  // Standalone with Redis: a server on the namespace is shown, but none is needed.
  void standaloneDoesNotNeedAServer() {
    const Health none = health("standalone");
    QCOMPARE(none.code, 0);
    QCOMPARE(none.server.value("state").toString(), QString("disabled"));
    QCOMPARE(none.server.value("required").toBool(true), false);
    writeBeat(common::RealClock().now() - 30 * domain::kNanosPerSecond, kKey);
    const Health stale = health("standalone");
    QCOMPARE(stale.code, 0);  // shown as down, but optional here
    QCOMPARE(stale.server.value("state").toString(), QString("down"));
  }
  void cleanupTestCase() {
    if (m_cache) (void)m_cache->deleteKey(relay::serverKey(m_ns));
  }
};

QTEST_GUILESS_MAIN(tst_CliHealth)
#include "tst_CliHealth.moc"
