// Reliability: the broker goes away while orders are open. ExecutionService + AlpacaBroker against a stateful
// fake Alpaca venue (FakeAlpacaVenue on LocalHttpServer, Alpaca's documented JSON) with a SQLite journal on the
// real storage thread. While the venue is unreachable (connection refused, then 503s) one open order fills at the
// venue, a new order is submitted and another order's POST reply is lost; when the venue comes back the service
// reconciles: the fill is applied once, positions match the venue, every client_order_id was POSTed exactly once,
// and the broker connectivity went disconnected -> degraded -> connected. A restart on the same journal then
// changes nothing.
#include "FakeAlpacaVenue.h"
#include "TestPrinters.h"
#include "VenueExecution.h"

#include "core/jobs/HealthMonitor.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace meridian;
using execution::BrokerConnectivity;
using testsupport::FakeAlpacaVenue;
using testsupport::limitBuy;
using testsupport::waitUntil;
using S = domain::OrderStatus;

class tst_BrokerDisconnect : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  bus::EventBus m_bus;
  std::unique_ptr<storage::StorageService> m_storage;
  std::unique_ptr<execution::ExecutionService> m_service;

  void startService(const QUrl& url) {
    execution::AlpacaConfig broker = testsupport::venueBrokerConfig(url);
    broker.http.timeoutMs = 1500;  // outages are noticed within a few polls
    broker.http.maxAttempts = 2;
    broker.http.backoffBaseMs = 10;
    std::string error;
    m_service = testsupport::startVenueExecution(m_bus, *m_storage, broker, &error);
    QVERIFY2(m_service, error.c_str());
    testsupport::publishAaplQuote(m_bus);
  }
  S omsStatus(const std::string& id) { return testsupport::omsStatus(*m_service, id); }
  double omsPosition(const std::string& symbol) {
    double q = 0;
    m_service->runOnThread([&](execution::ExecutionService& s) { q = s.positionBook().positionQty(symbol); });
    return q;
  }
  std::vector<domain::Fill> journalFills(const std::string& id) {
    return m_storage->call([id](storage::IStorage& s) { return s.loadFills(id, 0); }).get().valueOr({});
  }
  domain::Order journalOrder(const std::string& id) { return testsupport::journaledOrder(*m_storage, id); }
  double journalPosition(const std::string& symbol) {
    double q = 0;
    for (const auto& p : m_storage->call([](storage::IStorage& s) { return s.loadPositions(); }).get().valueOr({}))
      if (p.symbol == symbol) q += p.quantity;
    return q;
  }
  BrokerConnectivity connectivity() { return m_service->brokerConnection().state; }
  // The broker component as the Kernel's health monitor reports it (probe = ExecutionService::brokerHealth).
  contract::ComponentHealth probedBroker() {
    common::RealClock clock;
    jobs::HealthMonitor monitor(clock, m_bus);
    monitor.addProbe("Broker (alpaca)", "broker", [this] { return m_service->brokerHealth(); });
    auto snap = monitor.runOnce();
    return snap && !snap->components.empty() ? snap->components[0] : contract::ComponentHealth{};
  }

 private Q_SLOTS:
  void init() {
    std::string error;
    m_storage = testsupport::startSqliteStorage(
        m_dir.filePath(QStringLiteral("broker-%1.sqlite").arg(QTest::currentTestFunction())), &error);
    QVERIFY2(m_storage, error.c_str());
  }
  void cleanup() {
    if (m_service) m_service->stop();
    m_service.reset();
    if (m_storage) m_storage->stop();
    m_storage.reset();
  }

  void disconnectDuringOpenOrdersReconciles() {
    FakeAlpacaVenue venue;
    startService(venue.baseUrl());
    for (const char* id : {"MRD-R1", "MRD-R2", "MRD-R3"})
      QVERIFY(m_bus.send(contract::SubmitOrder{std::string("C-") + id, limitBuy(id, 10, 100.0)}).ok());
    QVERIFY(waitUntil([&] { return omsStatus("MRD-R1") == S::Accepted && omsStatus("MRD-R2") == S::Accepted &&
                                   omsStatus("MRD-R3") == S::Accepted; }));
    ECOMPARE(connectivity(), BrokerConnectivity::Connected);
    QCOMPARE(venue.orderCount(), 3);

    // The venue goes away: connection refused. Polling notices.
    venue.goAway();
    QVERIFY2(waitUntil([&] { return connectivity() == BrokerConnectivity::Disconnected; }),
             "the broker never reported the disconnect");
    const auto down = m_service->brokerConnection();
    QVERIFY2(down.lastError.find("cannot reach") != std::string::npos, down.lastError.c_str());
    QVERIFY(down.sinceTs > 0);
    const auto downHealth = probedBroker();
    ECOMPARE(downHealth.state, contract::HealthState::Down);
    QVERIFY2(downHealth.detail.find("disconnected: ") == 0, downHealth.detail.c_str());

    // Meanwhile: R2 fills at the venue; a new order R4 is submitted into the outage (its POST cannot connect).
    QVERIFY(venue.fill("MRD-R2", 10, 99.75));
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-R4", limitBuy("MRD-R4", 5, 100.0)}).ok());
    QVERIFY(waitUntil([&] { return omsStatus("MRD-R4") == S::PendingSubmit; }));
    // Barrier: three more poll passes against the dead address (reported, handled and journaled), then the checks.
    QVERIFY(testsupport::settleVenue(*m_service, *m_storage));
    ECOMPARE(omsStatus("MRD-R4"), S::PendingSubmit);
    ECOMPARE(omsStatus("MRD-R2"), S::Accepted);  // the fill is not known yet
    QCOMPARE(venue.postsFor("MRD-R4"), 0);

    // It comes back answering 503 for a while: degraded, still nothing applied twice or lost.
    QVERIFY(venue.bringUp());
    venue.setUnavailable(true);
    QVERIFY2(waitUntil([&] { return connectivity() == BrokerConnectivity::Degraded; }),
             "503s did not make the broker degraded");
    QVERIFY2(m_service->brokerConnection().lastError.find("HTTP 503") != std::string::npos,
             m_service->brokerConnection().lastError.c_str());
    QCOMPARE(venue.postsFor("MRD-R4"), 0);  // looked up by client order id first: never blindly re-POSTed
    ECOMPARE(probedBroker().state, contract::HealthState::Degraded);

    // Fully back: reconciliation.
    venue.setUnavailable(false);
    QVERIFY2(waitUntil([&] { return omsStatus("MRD-R2") == S::Filled && omsStatus("MRD-R4") == S::Accepted; }),
             "the venue's fill / the pending order were not reconciled");
    QVERIFY(waitUntil([&] { return connectivity() == BrokerConnectivity::Connected; }));
    ECOMPARE(probedBroker().state, contract::HealthState::Ok);
    // A lost reply: the venue takes R5 but the answer never arrives; the next poll adopts it by client order id.
    venue.dropNextPostReply();
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-R5", limitBuy("MRD-R5", 2, 100.0)}).ok());
    QVERIFY2(waitUntil([&] { return omsStatus("MRD-R5") == S::Accepted; }), "the order with the lost reply was not adopted");

    // Barrier: more poll passes answered, handled and journaled: nothing may be applied again.
    QVERIFY(testsupport::settleVenue(*m_service, *m_storage));
    const auto fills = journalFills("MRD-R2");
    QCOMPARE(fills.size(), std::size_t(1));
    QCOMPARE(fills[0].quantity, 10.0);
    QCOMPARE(fills[0].price, 99.75);
    QVERIFY(waitUntil([&] { return journalOrder("MRD-R2").status == S::Filled; }));
    ECOMPARE(journalOrder("MRD-R4").status, S::Accepted);
    QVERIFY(!journalOrder("MRD-R4").brokerOrderId.empty());
    QCOMPARE(omsPosition("AAPL"), 10.0);
    QCOMPARE(venue.positionQty("AAPL"), 10.0);
    QVERIFY(waitUntil([&] { return journalPosition("AAPL") == 10.0; }));
    for (const char* id : {"MRD-R1", "MRD-R2", "MRD-R3", "MRD-R4", "MRD-R5"}) QCOMPARE(venue.postsFor(id), 1);
    QCOMPARE(venue.orderCount(), 5);
    ECOMPARE(omsStatus("MRD-R1"), S::Accepted);
    ECOMPARE(omsStatus("MRD-R3"), S::Accepted);

    // A restart on the same journal: every open order is found by client order id, nothing POSTed, the fill
    // not booked again.
    m_service->stop();
    m_service.reset();
    QVERIFY(venue.fill("MRD-R3", 4, 99.5));  // a partial fill while the service is down
    startService(venue.baseUrl());
    QVERIFY(waitUntil([&] { return omsStatus("MRD-R3") == S::PartiallyFilled; }));
    QVERIFY(testsupport::settleVenue(*m_service, *m_storage));
    for (const char* id : {"MRD-R1", "MRD-R2", "MRD-R3", "MRD-R4", "MRD-R5"}) QCOMPARE(venue.postsFor(id), 1);
    QCOMPARE(journalFills("MRD-R2").size(), std::size_t(1));
    QCOMPARE(journalFills("MRD-R3").size(), std::size_t(1));
    QCOMPARE(omsPosition("AAPL"), 14.0);
    QCOMPARE(venue.positionQty("AAPL"), 14.0);
    QVERIFY(waitUntil([&] { return journalPosition("AAPL") == 14.0; }));
  }
};

QTEST_GUILESS_MAIN(tst_BrokerDisconnect)
#include "tst_BrokerDisconnect.moc"
