// Reliability: a slow venue never stalls the execution thread (DESIGN.md threading rule 5). ExecutionService +
// AlpacaBroker against the fake Alpaca venue (FakeAlpacaVenue, Alpaca's documented JSON) with a SQLite journal on
// the real storage thread; the venue holds its answers to order submissions for 3 s. While order A waits there,
// order B is refused by the risk check (max order quantity) and a quote re-marks an open position in the
// AccountSnapshot; A is accepted only when the venue answers, after both. The assertions are about order (what was
// seen before A's acceptance, and A still pending when B was refused), never about how fast the machine is; the
// latencies are printed.
#include "FakeAlpacaVenue.h"
#include "TestPrinters.h"
#include "VenueExecution.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace meridian;
using testsupport::FakeAlpacaVenue;
using testsupport::limitBuy;
using testsupport::waitUntil;
using S = domain::OrderStatus;

class tst_BrokerStall : public QObject {
  Q_OBJECT

  static constexpr int kVenueDelayMs = 3000;

  QTemporaryDir m_dir;
  bus::EventBus m_bus;
  std::unique_ptr<storage::StorageService> m_storage;
  std::unique_ptr<execution::ExecutionService> m_service;

  S omsStatus(const std::string& id) { return testsupport::omsStatus(*m_service, id); }
  double omsPosition(const std::string& symbol) {
    double q = 0;
    m_service->runOnThread([&](execution::ExecutionService& s) { q = s.positionBook().positionQty(symbol); });
    return q;
  }

 private Q_SLOTS:
  void cleanup() {
    if (m_service) m_service->stop();
    m_service.reset();
    if (m_storage) m_storage->stop();
    m_storage.reset();
  }

  void slowVenueDelaysNeitherRiskChecksNorQuotes() {
    FakeAlpacaVenue venue;
    std::string error;
    m_storage = testsupport::startSqliteStorage(m_dir.filePath("stall.sqlite"), &error);
    QVERIFY2(m_storage, error.c_str());
    auto events = std::make_shared<bus::Mailbox>("test");
    m_bus.subscribe<contract::RiskRejected>(events);
    m_bus.subscribe<contract::OrderUpdated>(events);
    m_bus.subscribe<contract::AccountSnapshot>(events);

    execution::AlpacaConfig broker = testsupport::venueBrokerConfig(venue.baseUrl());
    broker.http.timeoutMs = 4 * kVenueDelayMs;  // the held answer is slow, not lost
    broker.http.maxAttempts = 1;
    execution::ExecutionConfig cfg;
    cfg.limits.maxOrderQty = 100;
    cfg.snapshotInterval = 100 * domain::kNanosPerMilli;
    m_service = testsupport::startVenueExecution(m_bus, *m_storage, broker, &error, cfg);
    QVERIFY2(m_service, error.c_str());
    testsupport::publishAaplQuote(m_bus, 100.0);

    // An open position for quotes to mark: 10 AAPL filled at the venue at 100.
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-P", limitBuy("MRD-P", 10, 100.0)}).ok());
    QVERIFY(waitUntil([&] { return omsStatus("MRD-P") == S::Accepted; }));
    QVERIFY(venue.fill("MRD-P", 10, 100.0));
    QVERIFY2(waitUntil([&] { return omsPosition("AAPL") == 10.0; }), "the venue's fill was not applied");

    // A goes to the venue, which holds its answer.
    venue.setPostReplyDelay(kVenueDelayMs);
    QElapsedTimer clock;
    clock.start();
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-A", limitBuy("MRD-A", 5, 100.0)}).ok());
    QVERIFY2(waitUntil([&] { return venue.postsFor("MRD-A") == 1; }), "A never reached the venue");
    const qint64 aAtVenue = clock.elapsed();

    // Meanwhile: a quote (AAPL 110: the position is +100 unrealized) and B, over the max order quantity.
    std::vector<bus::Envelope> before;
    events->drain(before);  // only what follows counts
    const qint64 sent = clock.elapsed();
    testsupport::publishAaplQuote(m_bus, 110.0);
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-B", limitBuy("MRD-B", 1000, 110.0)}).ok());

    qint64 bRejected = -1, quoteMarked = -1, aAccepted = -1;
    S aWhenBRejected = S::New;
    std::string rule;
    while ((aAccepted < 0 || bRejected < 0 || quoteMarked < 0) && clock.elapsed() < sent + 10 * kVenueDelayMs) {
      std::vector<bus::Envelope> got;
      if (events->waitNonEmpty(std::chrono::milliseconds(20))) events->drain(got);
      for (const auto& e : got) {
        if (const auto* r = e.as<contract::RiskRejected>(); r && r->clientOrderId == "MRD-B" && bRejected < 0) {
          bRejected = clock.elapsed();
          rule = r->rule;
          aWhenBRejected = omsStatus("MRD-A");
        } else if (const auto* a = e.as<contract::AccountSnapshot>();
                   a && quoteMarked < 0 && std::abs(a->unrealizedPnl - 100.0) < 1e-6) {
          quoteMarked = clock.elapsed();
        } else if (const auto* u = e.as<contract::OrderUpdated>();
                   u && u->order.clientOrderId == "MRD-A" && u->order.status == S::Accepted) {
          aAccepted = clock.elapsed();
        }
      }
    }
    qInfo("A at the venue after %lld ms; then, from sending the quote and B: B's risk rejection after %lld ms, the "
          "quote's mark in the AccountSnapshot after %lld ms, A accepted after %lld ms (venue holds answers %d ms)",
          aAtVenue, bRejected < 0 ? -1 : bRejected - sent, quoteMarked < 0 ? -1 : quoteMarked - sent,
          aAccepted < 0 ? -1 : aAccepted - sent, kVenueDelayMs);

    QVERIFY2(aAccepted >= 0, "A was never accepted");
    QVERIFY2(bRejected >= 0, "B's risk rejection never came");
    QCOMPARE(rule, std::string("max_order_qty"));
    QVERIFY2(quoteMarked >= 0, "no AccountSnapshot marked the position at the new quote");
    // While A waited at the venue: B was refused and the quote applied, before A's acceptance.
    QVERIFY2(bRejected < aAccepted, "B's risk check waited for A's venue answer");
    QVERIFY2(quoteMarked < aAccepted, "the quote waited for A's venue answer");
    ECOMPARE(aWhenBRejected, S::PendingSubmit);
    // A itself: submitted once, accepted when the venue answered; B never left.
    QCOMPARE(venue.postsFor("MRD-A"), 1);
    QCOMPARE(venue.postsFor("MRD-B"), 0);
    ECOMPARE(omsStatus("MRD-B"), S::Rejected);
  }
};

QTEST_GUILESS_MAIN(tst_BrokerStall)
#include "tst_BrokerStall.moc"
