// Reliability: the process crashes in the middle of an order. A child process (OrderChild.cpp: the production
// StorageService + ExecutionService + AlpacaBroker) journals a limit order and is SIGKILLed before the venue's
// acknowledgement reaches it. A restart on the same SQLite journal replays it against the fake Alpaca venue
// (FakeAlpacaVenue, Alpaca's documented JSON):
//  - the POST reached the venue (its reply was held back): found by client_order_id and adopted, not re-sent;
//  - the POST never left (venue unreachable when the child died): looked up, missing, submitted exactly once;
//  - the same, but older than broker.restart_resubmit_max_age_s: expired with the reason, never sent.
#include "FakeAlpacaVenue.h"
#include "TestPrinters.h"
#include "VenueExecution.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

using namespace meridian;
using testsupport::FakeAlpacaVenue;
using testsupport::waitUntil;
using S = domain::OrderStatus;

class tst_CrashMidOrder : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  bus::EventBus m_bus;

  // Starts the child; returns once `ready` holds (or fails the test). The child is killed by the caller.
  void runChild(QProcess& child, const QString& db, const QUrl& venue, const std::string& id) {
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QStringLiteral(MERIDIAN_ORDER_CHILD), {db, venue.toString(), QString::fromStdString(id)});
    QVERIFY2(child.waitForStarted(10'000), qPrintable(child.errorString()));
  }
  static bool waitForLine(QProcess& child, const QByteArray& line, int ms = 15'000) {
    QByteArray out;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms && child.state() == QProcess::Running) {
      child.waitForReadyRead(100);
      out += child.readAllStandardOutput();
      if (out.contains(line)) return true;
    }
    return false;
  }
  static void crash(QProcess& child) {
    child.kill();  // SIGKILL: no destructor, no flush, no goodbye
    QVERIFY(child.waitForFinished(5'000));
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);
  }

  struct Restarted {
    std::unique_ptr<storage::StorageService> storage;
    std::unique_ptr<execution::ExecutionService> service;
    ~Restarted() {
      if (service) service->stop();
      if (storage) storage->stop();
    }
    S status(const std::string& id) { return testsupport::omsStatus(*service, id); }
    domain::Order journal(const std::string& id) { return testsupport::journaledOrder(*storage, id); }
  };
  // The "restart": storage and execution on the same database, broker against the venue.
  void restart(Restarted& r, const QString& db, const QUrl& venue, domain::Timestamp maxAge) {
    std::string error;
    r.storage = testsupport::startSqliteStorage(db, &error);
    QVERIFY2(r.storage, error.c_str());
    execution::AlpacaConfig broker = testsupport::venueBrokerConfig(venue);
    broker.http.timeoutMs = 2000;
    broker.restartResubmitMaxAge = maxAge;
    r.service = testsupport::startVenueExecution(m_bus, *r.storage, broker, &error);
    QVERIFY2(r.service, error.c_str());
  }
  domain::Order journaledBeforeRestart(const QString& db, const std::string& id) {
    auto s = testsupport::startSqliteStorage(db);
    if (!s) return {};
    const domain::Order o = testsupport::journaledOrder(*s, id);
    s->stop();
    return o;
  }

 private Q_SLOTS:
  void postReachedTheVenueButNotTheAck() {
    FakeAlpacaVenue venue;
    venue.setPostReplyDelay(60'000);  // the venue has the order; the child dies waiting for the answer
    const QString db = m_dir.filePath("crash-a.sqlite");
    const std::string id = "MRD-CRASH-A";
    QProcess child;
    runChild(child, db, venue.baseUrl(), id);
    QVERIFY2(waitUntil([&] { return venue.postsFor(id) == 1; }, 15'000), "the child never sent its order");
    crash(child);
    ECOMPARE(journaledBeforeRestart(db, id).status, S::PendingSubmit);  // journaled before it was sent
    venue.setPostReplyDelay(0);

    Restarted r;
    restart(r, db, venue.baseUrl(), 120 * domain::kNanosPerSecond);
    QVERIFY2(waitUntil([&] { return r.status(id) == S::Accepted; }), "the order was not adopted by client order id");
    QVERIFY(waitUntil([&] { return !r.journal(id).brokerOrderId.empty(); }));
    ECOMPARE(r.journal(id).status, S::Accepted);
    QCOMPARE(venue.postsFor(id), 1);  // never submitted twice
    QCOMPARE(venue.orderCount(), 1);
    // And it keeps being tracked: a venue fill reaches the journal once.
    QVERIFY(venue.fill(id, 7, 99.9));
    QVERIFY(waitUntil([&] { return r.journal(id).status == S::Filled; }));
    // Barrier: further poll passes answered, handled and journaled; a second booking of the fill would be in.
    QVERIFY(testsupport::settleVenue(*r.service, *r.storage));
    auto fills = r.storage->call([id](storage::IStorage& s) { return s.loadFills(id, 0); }).get();
    QCOMPARE(fills.value().size(), std::size_t(1));
  }

  void postNeverLeftIsSubmittedOnce() {
    FakeAlpacaVenue venue;
    venue.goAway();  // the child's POST is refused; it dies with the order journaled and unsent
    const QString db = m_dir.filePath("crash-b.sqlite");
    const std::string id = "MRD-CRASH-B";
    QProcess child;
    runChild(child, db, venue.baseUrl(), id);
    QVERIFY2(waitForLine(child, "journaled " + QByteArray::fromStdString(id)), "the child never journaled its order");
    QThread::msleep(200);
    crash(child);
    ECOMPARE(journaledBeforeRestart(db, id).status, S::PendingSubmit);
    QVERIFY(venue.bringUp());
    QCOMPARE(venue.postsFor(id), 0);

    Restarted r;
    restart(r, db, venue.baseUrl(), 120 * domain::kNanosPerSecond);
    QVERIFY2(waitUntil([&] { return r.status(id) == S::Accepted; }), "the unsent order was not submitted");
    // Barrier: further poll passes answered and handled: still exactly one submission.
    QVERIFY(testsupport::settleVenue(*r.service, *r.storage));
    QCOMPARE(venue.postsFor(id), 1);
    QCOMPARE(venue.orderCount(), 1);
    QVERIFY(waitUntil([&] { return r.journal(id).status == S::Accepted; }));
  }

  void staleUnsentOrderIsExpiredNotSent() {
    FakeAlpacaVenue venue;
    venue.goAway();
    const QString db = m_dir.filePath("crash-c.sqlite");
    const std::string id = "MRD-CRASH-C";
    QProcess child;
    runChild(child, db, venue.baseUrl(), id);
    QVERIFY2(waitForLine(child, "journaled " + QByteArray::fromStdString(id)), "the child never journaled its order");
    crash(child);
    QVERIFY(venue.bringUp());

    Restarted r;
    restart(r, db, venue.baseUrl(), 0);  // broker.restart_resubmit_max_age_s = 0: never resubmit after a restart
    QVERIFY(waitUntil([&] { return r.journal(id).status == S::Expired; }));
    const std::string reason = r.journal(id).rejectReason;
    QVERIFY2(reason.find("not found at Alpaca after a restart") != std::string::npos, reason.c_str());
    QVERIFY2(reason.find("not sent") != std::string::npos, reason.c_str());
    // Barrier: further requests answered and handled: the expired order is never POSTed.
    QVERIFY(testsupport::settleVenue(*r.service, *r.storage));
    QCOMPARE(venue.postsFor(id), 0);
    QCOMPARE(venue.orderCount(), 0);
  }
};

QTEST_GUILESS_MAIN(tst_CrashMidOrder)
#include "tst_CrashMidOrder.moc"
