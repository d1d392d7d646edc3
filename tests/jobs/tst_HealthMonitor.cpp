// HealthMonitor: probes -> component states; market data -> freshness (stale only while the market is open).
#include <QtTest>

#include <atomic>

#include "core/bus/EventBus.h"
#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "core/contract/System.h"
#include "core/common/Clock.h"
#include "core/jobs/HealthMonitor.h"
#include "core/time/TimeZones.h"

using namespace meridian;

namespace {
domain::Timestamp et(int y, int mo, int d, int h, int mi) {
  return time::TimeZones::fromExchange(QDate(y, mo, d), QTime(h, mi));
}
}  // namespace

class tst_HealthMonitor : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void componentsAndFreshness() {
    common::SimulatedClock clock(et(2026, 1, 6, 10, 0));  // market open
    bus::EventBus bus;
    auto out = std::make_shared<bus::Mailbox>();
    bus.subscribe<contract::HealthSnapshot>(out);
    jobs::HealthMonitor monitor(clock, bus);
    monitor.addProbe("Database", "db", jobs::HealthMonitor::makeProbe([] { return Status{}; }, "sqlite ok"));
    monitor.addProbe("Broker (paper)", "broker", jobs::HealthMonitor::makeProbe([] {
                       return Status{makeError("broker.down", "connection refused password=hunter22")};
                     }));
    monitor.addDisabled("Redis", "cache", "redis.url is not set");

    contract::BarClosed bar;
    bar.symbol = "AAPL";
    bar.source = "alpaca";
    bar.bar.ts = et(2026, 1, 6, 9, 59);
    bus.publish(bar);
    contract::QuoteUpdated q;
    q.quote.symbol = "MSFT";
    q.quote.ts = et(2026, 1, 6, 9, 59);
    bus.publish(q);

    auto snap = monitor.runOnce();
    QVERIFY(snap->marketOpen);
    QCOMPARE(snap->components.size(), std::size_t(3));
    QCOMPARE(snap->components[0].name, std::string("Database"));
    QVERIFY(snap->components[0].state == contract::HealthState::Ok);
    QCOMPARE(snap->components[0].detail, std::string("sqlite ok"));
    QVERIFY(snap->components[0].latencyMs >= 0.0);
    QVERIFY(snap->components[1].state == contract::HealthState::Down);
    QVERIFY(QString::fromStdString(snap->components[1].detail).contains(QStringLiteral("connection refused")));
    QVERIFY(!QString::fromStdString(snap->components[1].detail).contains(QStringLiteral("hunter22")));  // redacted
    QVERIFY(snap->components[2].state == contract::HealthState::Disabled);
    QCOMPARE(snap->freshness.size(), std::size_t(2));
    QCOMPARE(snap->freshness[0].symbol, std::string("AAPL"));
    QCOMPARE(snap->freshness[0].kind, std::string("bar"));
    QCOMPARE(snap->freshness[0].source, std::string("alpaca"));
    QCOMPARE(snap->freshness[0].lastDataTs, et(2026, 1, 6, 9, 59));
    QVERIFY(!snap->freshness[0].stale);
    QTRY_VERIFY(out->size() >= 1);  // published on sys.health

    // Four minutes without data while open: stale. After the close: not stale (nothing is expected).
    clock.advance(4 * domain::kNanosPerMinute);
    snap = monitor.runOnce();
    QVERIFY(snap->freshness[0].stale);
    const domain::Timestamp since = snap->components[1].sinceTs;
    clock.set(et(2026, 1, 6, 17, 0));
    snap = monitor.runOnce();
    QVERIFY(!snap->marketOpen);
    QVERIFY(!snap->freshness[0].stale);
    QCOMPARE(snap->components[1].sinceTs, since);  // still down since the first check
  }

  void threadPublishesPeriodically() {
    common::RealClock clock;
    bus::EventBus bus;
    auto out = std::make_shared<bus::Mailbox>();
    bus.subscribe<contract::HealthSnapshot>(out);
    jobs::HealthMonitor::Options o;
    o.interval = std::chrono::milliseconds(20);
    jobs::HealthMonitor monitor(clock, bus, o);
    monitor.addProbe("Database", "db", jobs::HealthMonitor::makeProbe([] { return Status{}; }));
    monitor.start();
    // Snapshots coalesce (latest wins): count what arrived, delivered or replaced.
    QTRY_VERIFY_WITH_TIMEOUT(out->size() + out->stats().coalesced >= 3, 2000);
    monitor.stop();
    QVERIFY(monitor.snapshot());
  }

  // An attached process's link to its server changed: the monitor probes and publishes at once, not on its period
  // (an hour here), so the Ops panel shows "server down" when the banner does.
  void aServerLinkChangeIsProbedAtOnce() {
    common::RealClock clock;
    bus::EventBus bus;
    auto out = std::make_shared<bus::Mailbox>();
    bus.subscribe<contract::HealthSnapshot>(out);
    jobs::HealthMonitor::Options o;
    o.interval = std::chrono::hours(1);
    jobs::HealthMonitor monitor(clock, bus, o);
    std::atomic<int> probes{0};
    std::atomic<bool> serverUp{true};
    monitor.addProbe("Server", "relay", [&] {
      ++probes;
      contract::ComponentHealth h;
      h.state = serverUp ? contract::HealthState::Ok : contract::HealthState::Down;
      return h;
    });
    monitor.start();
    QTRY_COMPARE_WITH_TIMEOUT(probes.load(), 1, 2000);  // the first snapshot, at start
    std::vector<bus::Envelope> seen;
    QTRY_VERIFY_WITH_TIMEOUT((out->drain(seen), !seen.empty()), 2000);
    serverUp = false;
    bus.publish(contract::ServerLinkState{contract::ServerLink::NotResponding, "no heartbeat for 2.1 s", 1, 1, 0});
    QTRY_COMPARE_WITH_TIMEOUT(probes.load(), 2, 2000);
    QTRY_VERIFY_WITH_TIMEOUT((out->drain(seen), seen.back().as<contract::HealthSnapshot>()->components.front().state ==
                                                    contract::HealthState::Down),
                             2000);
    monitor.stop();
  }
};

QTEST_GUILESS_MAIN(tst_HealthMonitor)
#include "tst_HealthMonitor.moc"
