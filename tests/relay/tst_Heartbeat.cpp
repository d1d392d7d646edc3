// relay::checkHeartbeat: what makes the serving process's heartbeat count as alive (for the attached relay, the
// second-server lease, the health monitor and `meridian-cli health` alike).
#include "core/relay/Heartbeat.h"

#include <QtTest>

using namespace meridian;

class tst_Heartbeat : public QObject {
  Q_OBJECT
  static constexpr domain::Timestamp kNow = 1'800'000'000LL * domain::kNanosPerSecond;
  static std::string beat(domain::Timestamp ts, const std::string& key) {
    return contract::encodeHeartbeat({"host:1:abc", ts, contract::TradingMode{true, false, "paper", ""}, {}}, key);
  }

 private Q_SLOTS:
  void aFreshSignedBeatIsAlive() {
    auto r = relay::checkHeartbeat(beat(kNow - 900 * domain::kNanosPerMilli, "k1"), "k1", kNow);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QCOMPARE(r->origin, std::string("host:1:abc"));
    QVERIFY(r->mode.known && !r->mode.live);
  }
  void whyABeatDoesNotCount_data() {
    QTest::addColumn<bool>("present");
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("code");
    QTest::newRow("absent") << false << QByteArray() << QByteArray("k1") << QByteArray("heartbeat.absent");
    QTest::newRow("garbage") << true << QByteArray("alive!") << QByteArray("k1") << QByteArray("heartbeat.malformed");
    QTest::newRow("unsigned") << true << QByteArray::fromStdString(beat(kNow, "")) << QByteArray("k1")
                              << QByteArray("heartbeat.unsigned");
    QTest::newRow("other key") << true << QByteArray::fromStdString(beat(kNow, "k2")) << QByteArray("k1")
                               << QByteArray("heartbeat.unsigned");
    QTest::newRow("no key here") << true << QByteArray::fromStdString(beat(kNow, "k1")) << QByteArray()
                                 << QByteArray("heartbeat.unsigned");
    QTest::newRow("30 s old") << true << QByteArray::fromStdString(beat(kNow - 30 * domain::kNanosPerSecond, "k1"))
                              << QByteArray("k1") << QByteArray("heartbeat.stale");
    QTest::newRow("from the future") << true
                                     << QByteArray::fromStdString(beat(kNow + 30 * domain::kNanosPerSecond, "k1"))
                                     << QByteArray("k1") << QByteArray("heartbeat.stale");
  }
  void whyABeatDoesNotCount() {
    QFETCH(bool, present);
    QFETCH(QByteArray, value);
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, code);
    const std::optional<std::string> v = present ? std::optional<std::string>(value.toStdString()) : std::nullopt;
    auto r = relay::checkHeartbeat(v, key.toStdString(), kNow);
    QVERIFY(!r.ok());
    QCOMPARE(QByteArray::fromStdString(r.error().code), code);
  }
  void theTtlIsTheLimit() {
    const auto ttl = std::chrono::duration_cast<std::chrono::nanoseconds>(relay::kHeartbeatTtl).count();
    QVERIFY(relay::checkHeartbeat(beat(kNow - ttl, "k"), "k", kNow).ok());
    QVERIFY(!relay::checkHeartbeat(beat(kNow - ttl - domain::kNanosPerMilli, "k"), "k", kNow).ok());
    QCOMPARE(relay::serverKey("ns1"), std::string("ns1:relay:server"));
  }
};

QTEST_GUILESS_MAIN(tst_Heartbeat)
#include "tst_Heartbeat.moc"
