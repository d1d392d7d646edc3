// ExecutionService end to end on the bus with a temp-file SQLite journal (storage::StorageService) and the paper
// broker: journal before broker, fills -> positions, risk rejects reported, restart reconciliation (nothing lost
// or doubled), kill switch, bracket, OCO, cancel/replace, cancelling held and not-yet-sent orders, overfills,
// circuit breaker.
#include "core/common/LatencyHistogram.h"
#include "core/execution/ExecutionService.h"
#include "core/execution/paper/PaperBroker.h"
#include "core/storage/Records.h"
#include "core/storage/StorageService.h"
#include "tests/support/SwitchableJournal.h"

#include <QDateTime>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>
#include <map>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

using namespace meridian;
using execution::BrokerEvent;
using S = domain::OrderStatus;

namespace ExecutionService_test {  // named: the test class uses its types (-Wsubobject-linkage)

domain::Timestamp utc(const char* iso) {
  return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch() * domain::kNanosPerMilli;
}
const domain::Timestamp kOpen = utc("2024-03-05T15:00:00Z");

class Journal final : public execution::IJournalQueue {
 public:
  using Switch = testsupport::SwitchableJournal::Switch;
  // The storage thread's journal; the test can switch it off like a database that went away.
  explicit Journal(storage::StorageService& s, std::shared_ptr<Switch> sw = std::make_shared<Switch>())
      : m_s(s), m_switch(std::move(sw)) {}
  void post(Task t) override {
    m_s.post([t = std::move(t), sw = m_switch](storage::IStorage& st) {
      testsupport::SwitchableJournal j(st, *sw);
      t(j);
    });
  }

 private:
  storage::StorageService& m_s;
  std::shared_ptr<Switch> m_switch;
};

// Paper broker that records, at the moment of each submit, what the journal holds for the order.
class RecordingBroker final : public execution::IBroker {
 public:
  RecordingBroker(storage::StorageService& storage, std::shared_ptr<common::SimulatedClock> clock,
                  execution::PaperBrokerConfig config = {})
      : m_storage(storage), m_inner(config, std::move(clock)) {
    m_inner.setSink([this](BrokerEvent e) { report(std::move(e)); });
    if (Status s = m_inner.openBook(); !s.ok()) throw std::runtime_error(s.error().message);
  }
  std::string_view name() const override { return "paper"; }
  void submit(const domain::Order& o) override {
    auto stored = m_storage.call([id = o.clientOrderId](storage::IStorage& s) { return s.loadOrder(id); }).get();
    journaledAtSubmit.push_back(stored.ok() && stored.value() ? std::string(domain::toString(stored.value()->status))
                                                              : std::string("missing"));
    submitted.push_back(o.clientOrderId);
    m_inner.submit(o);
  }
  void cancel(const domain::Order& o) override { m_inner.cancel(o); }
  void replace(const domain::Order& a, const domain::Order& b) override { m_inner.replace(a, b); }
  void reconcile(const std::vector<domain::Order>& open) override {
    reconciled += open.size();
    m_inner.reconcile(open);
  }
  void requestOpenOrders(execution::BrokerAnswer<std::vector<domain::Order>> done) override {
    m_inner.requestOpenOrders(std::move(done));
  }
  void requestOrder(const std::string& id, execution::BrokerAnswer<std::optional<domain::Order>> done) override {
    m_inner.requestOrder(id, std::move(done));
  }
  void requestAccount(execution::BrokerAnswer<execution::AccountInfo> done) override {
    m_inner.requestAccount(std::move(done));
  }
  void requestPositions(execution::BrokerAnswer<std::vector<domain::Position>> done) override {
    m_inner.requestPositions(std::move(done));
  }
  void onQuote(const domain::Quote& q) override { m_inner.onQuote(q); }
  void onBar(std::string_view s, const domain::Bar& b) override { m_inner.onBar(s, b); }
  void poll(domain::Timestamp t) override { m_inner.poll(t); }

  std::vector<std::string> journaledAtSubmit;
  std::vector<std::string> submitted;
  std::size_t reconciled = 0;
  execution::PaperBroker& inner() { return m_inner; }

 private:
  storage::StorageService& m_storage;
  execution::PaperBroker m_inner;
};

// A venue that reports from its own thread, as Alpaca's worker does: calls only record, and the test delivers the
// outcomes from its thread when it chooses.
class RemoteBroker final : public execution::IBroker {
 public:
  std::string_view name() const override { return "remote"; }
  void submit(const domain::Order& o) override {
    std::lock_guard lock(m_mutex);
    m_submitted.push_back(o.clientOrderId);
  }
  void cancel(const domain::Order&) override {}
  void replace(const domain::Order&, const domain::Order&) override {}
  void reconcile(const std::vector<domain::Order>& open) override {
    std::lock_guard lock(m_mutex);
    m_reconciling = open;  // the outcome follows through deliver()
  }
  void requestOpenOrders(execution::BrokerAnswer<std::vector<domain::Order>> done) override { done(unsupported()); }
  void requestOrder(const std::string&, execution::BrokerAnswer<std::optional<domain::Order>> done) override {
    done(unsupported());
  }
  void requestAccount(execution::BrokerAnswer<execution::AccountInfo> done) override { done(unsupported()); }
  void requestPositions(execution::BrokerAnswer<std::vector<domain::Position>> done) override { done(unsupported()); }

  // Reports `e` on the calling thread (not the execution thread).
  void deliver(BrokerEvent e) { report(std::move(e)); }
  std::vector<std::string> submitted() const {
    std::lock_guard lock(m_mutex);
    return m_submitted;
  }
  std::vector<domain::Order> reconciling() const {
    std::lock_guard lock(m_mutex);
    return m_reconciling;
  }

 private:
  static Error unsupported() { return makeError("test", "not supported by the test broker"); }
  mutable std::mutex m_mutex;
  std::vector<std::string> m_submitted;
  std::vector<domain::Order> m_reconciling;
};

domain::Order order(const std::string& id, domain::Side side, double qty, domain::OrderType type = domain::OrderType::Market,
                    double limit = 0, double stop = 0) {
  domain::Order o;
  o.clientOrderId = id;
  o.symbol = "AAPL";
  o.side = side;
  o.quantity = qty;
  o.type = type;
  o.limitPrice = limit;
  o.stopPrice = stop;
  o.tif = domain::TimeInForce::Gtc;
  return o;
}

contract::ReplaceOrder replaceOrder(const std::string& corr, const std::string& id, const std::string& newId, double qty,
                                   double limit) {
  return {.correlationId = corr, .clientOrderId = id, .quantity = qty, .limitPrice = limit, .newClientOrderId = newId};
}

// A fill the venue reports for `id` (execution `execId`).
BrokerEvent venueFill(const std::string& id, const std::string& venueId, const std::string& execId, double qty, double px) {
  BrokerEvent e;
  e.kind = BrokerEvent::Kind::Fill;
  e.clientOrderId = id;
  e.brokerOrderId = venueId;
  e.fill = domain::Fill{execId, id, "AAPL", domain::Side::Buy, qty, px, 0, kOpen, {}};
  return e;
}

contract::QuoteUpdated quote(double bid, double ask, domain::Timestamp ts = kOpen) {
  contract::QuoteUpdated q;
  q.quote.symbol = "AAPL";
  q.quote.bid = bid;
  q.quote.ask = ask;
  q.quote.last = 0.5 * (bid + ask);
  q.quote.ts = ts;
  return q;
}

}  // namespace ExecutionService_test
using namespace ExecutionService_test;

class tst_ExecutionService : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  bus::EventBus m_bus;
  std::unique_ptr<storage::StorageService> m_storage;
  std::shared_ptr<common::SimulatedClock> m_clock;
  std::shared_ptr<bus::Mailbox> m_events;
  std::vector<bus::Envelope> m_seen;
  RecordingBroker* m_broker = nullptr;
  std::unique_ptr<execution::ExecutionService> m_service;
  int m_db = 0;

  void openStorage() {
    storage::StorageConfig c;
    c.sqlitePath = m_dir.filePath(QStringLiteral("exec%1.sqlite").arg(++m_db)).toStdString();
    m_storage = std::make_unique<storage::StorageService>(c);
    QVERIFY(m_storage->start().ok());
  }
  std::shared_ptr<Journal::Switch> m_journalSwitch = std::make_shared<Journal::Switch>();
  void startService(execution::ExecutionConfig cfg = {}, execution::PaperBrokerConfig venue = {}) {
    auto broker = std::make_unique<RecordingBroker>(*m_storage, m_clock, venue);
    m_broker = broker.get();
    m_service = std::make_unique<execution::ExecutionService>(m_bus, std::make_shared<Journal>(*m_storage, m_journalSwitch),
                                                              std::move(broker), cfg, m_clock);
    QVERIFY(m_service->start().ok());
  }
  // The application's set-up: a spool file and a venue book beside this test's database.
  std::pair<execution::ExecutionConfig, execution::PaperBrokerConfig> durableSetup() {
    execution::ExecutionConfig cfg;
    cfg.spool.path = m_dir.filePath(QStringLiteral("exec%1.spool").arg(m_db)).toStdString();
    cfg.spool.database = "sqlite:test";
    cfg.spool.retryInterval = std::chrono::milliseconds(100);
    execution::PaperBrokerConfig venue;
    venue.bookPath = m_dir.filePath(QStringLiteral("exec%1.book").arg(m_db)).toStdString();
    return {cfg, venue};
  }
  std::size_t storedFills(const std::string& id) {
    return m_storage->call([id](storage::IStorage& s) { return s.loadFills(id, 0); }).get().value().size();
  }
  double storedPosition() {
    auto p = m_storage->call([](storage::IStorage& s) { return s.loadPositions(); }).get().value();
    return p.empty() ? 0.0 : p.front().quantity;
  }
  // Waits until pred matches an envelope seen since the last clear; returns it (nullptr on timeout).
  const bus::Envelope* waitFor(const std::function<bool(const bus::Envelope&)>& pred, int ms = 5000) {
    QElapsedTimer t;
    t.start();
    std::size_t checked = 0;
    while (true) {
      for (; checked < m_seen.size(); ++checked)
        if (pred(m_seen[checked])) return &m_seen[checked];
      if (t.elapsed() > ms) return nullptr;
      if (m_events->waitNonEmpty(std::chrono::milliseconds(20))) m_events->drain(m_seen);
    }
  }
  const contract::OrderUpdated* waitOrder(const std::string& id, S status) {
    const auto* e = waitFor([&](const bus::Envelope& e) {
      const auto* u = e.as<contract::OrderUpdated>();
      return u && u->order.clientOrderId == id && u->order.status == status;
    });
    return e ? e->as<contract::OrderUpdated>() : nullptr;
  }
  domain::Order stored(const std::string& id) {
    auto r = m_storage->call([id](storage::IStorage& s) { return s.loadOrder(id); }).get();
    return r.ok() && r.value() ? *r.value() : domain::Order{};
  }
  void sync() {
    m_service->runOnThread([](execution::ExecutionService&) {});
  }
  // Holds the storage thread (a slow or hung database) until the returned promise is set: returns once it is held.
  std::promise<void> holdStorageThread() {
    std::promise<void> release;
    auto entered = std::make_shared<std::promise<void>>();
    std::shared_future<void> gate = release.get_future().share();
    m_storage->post([gate, entered](storage::IStorage&) {
      entered->set_value();
      gate.wait();
    });
    entered->get_future().wait();
    return release;
  }

 private Q_SLOTS:
  void init() {
    m_journalSwitch->down.store(false);
    m_clock = std::make_shared<common::SimulatedClock>(kOpen);
    m_events = std::make_shared<bus::Mailbox>();
    m_seen.clear();
    for (const char* p : {"exec.>", "risk.>", "sys.>"}) m_bus.subscribe(p, m_events);
    openStorage();
  }
  void cleanup() {
    if (m_service) m_service->stop();
    m_service.reset();
    if (m_storage) m_storage->stop();
    m_events->close();
  }

  void quoteToRiskLatencyIsTimedOnlyForStampedQuotes() {
    startService();
    const auto& latency = m_service->quoteLatency();
    m_bus.publish(quote(99.9, 100.1));  // unstamped: not timed
    double marked = 0;
    m_service->runOnThread([&](execution::ExecutionService&) {});  // the quote arrived before this barrier
    QCOMPARE(latency.count(), std::uint64_t(0));
    // Stamped 3 ms in the past: the recorded time is at least that, and no more than the time since the stamp.
    auto stamped = quote(100.0, 100.2);
    const std::int64_t stamp = common::LatencyHistogram::steadyNowNs() - 3'000'000;
    stamped.publishedNs = stamp;
    m_bus.publish(stamped);
    m_service->runOnThread([&](execution::ExecutionService& s) { marked = s.positionBook().lastPrice("AAPL"); });
    const std::int64_t bound = common::LatencyHistogram::steadyNowNs() - stamp;
    QCOMPARE(latency.count(), std::uint64_t(1));
    QCOMPARE(marked, 100.1);  // applied: the book was marked at the quote's price before the time was taken
    QVERIFY2(latency.maxNs() >= 3'000'000 && latency.maxNs() <= bound, qPrintable(QString::number(latency.maxNs())));
    QCOMPARE(latency.percentileNs(0.99), latency.maxNs());  // capped at the largest value recorded
  }

  void latencyHistogramPercentiles() {
    common::LatencyHistogram h;
    QCOMPARE(h.percentileNs(0.5), std::int64_t(0));
    for (int i = 0; i < 98; ++i) h.record(1'500);  // 1.5 us -> bucket [1, 2) us
    h.record(900'000);                            // 0.9 ms
    h.record(50'000'000);                         // 50 ms -> a 100 us bucket
    h.record(-5);                                 // a clock step backwards counts as 0
    QCOMPARE(h.count(), std::uint64_t(101));
    QCOMPARE(h.percentileNs(0.50), std::int64_t(2'000));  // upper edge of its bucket
    QCOMPARE(h.percentileNs(0.98), std::int64_t(2'000));
    QCOMPARE(h.percentileNs(0.99), std::int64_t(901'000));
    QCOMPARE(h.percentileNs(1.0), std::int64_t(50'000'000));  // capped at the max
    QCOMPARE(h.maxNs(), std::int64_t(50'000'000));
    h.record(300'000'000'000);  // beyond the last edge: the overflow bucket, reported as the max
    QCOMPARE(h.percentileNs(1.0), std::int64_t(300'000'000'000));
    QCOMPARE(common::LatencyHistogram::bucketOf(common::LatencyHistogram::kFineEndNs),
             common::LatencyHistogram::kFine);
  }

  void submitIsJournaledBeforeTheBrokerThenFillsBecomePositions() {
    startService();
    m_bus.publish(quote(99.9, 100.1));
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-1", order("MRD-A", domain::Side::Buy, 10)}).ok());
    const auto* pending = waitOrder("MRD-A", S::PendingSubmit);
    QVERIFY(pending);
    QCOMPARE(pending->correlationId, std::string("C-1"));
    QVERIFY(waitOrder("MRD-A", S::Accepted));
    QCOMPARE(m_broker->journaledAtSubmit, (std::vector<std::string>{"pending_submit"}));
    m_bus.publish(quote(100.0, 100.2));
    const auto* filled = waitOrder("MRD-A", S::Filled);
    QVERIFY(filled);
    QCOMPARE(filled->order.avgFillPrice, 100.2);
    QVERIFY(waitFor([](const bus::Envelope& e) {
      const auto* f = e.as<contract::OrderFilled>();
      return f && f->fill.quantity == 10 && e.topic == "exec.fill.AAPL";
    }));
    QVERIFY(waitFor([](const bus::Envelope& e) {
      const auto* p = e.as<contract::PositionsSnapshot>();
      return p && p->positions.size() == 1 && p->positions[0].quantity == 10 && p->positions[0].avgCost == 100.2;
    }));
    // The journal has everything by the time the events are out.
    QVERIFY(stored("MRD-A").status == S::Filled);
    auto fills = m_storage->call([](storage::IStorage& s) { return s.loadFills("MRD-A", 0); }).get();
    QCOMPARE(fills.value().size(), std::size_t(1));
    auto pos = m_storage->call([](storage::IStorage& s) { return s.loadPositions(); }).get();
    QCOMPARE(pos.value().size(), std::size_t(1));
    QCOMPARE(pos.value()[0].quantity, 10.0);
    // Account snapshot.
    const auto* acct = waitFor([](const bus::Envelope& e) { return e.as<contract::AccountSnapshot>() != nullptr; });
    QVERIFY(acct);
  }

  void riskRejectIsJournaledAndReportedWithTheReason() {
    startService();
    m_bus.publish(quote(99.9, 100.1));
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-2", order("MRD-BIG", domain::Side::Buy, 20'000)}).ok());
    const auto* rej = waitOrder("MRD-BIG", S::Rejected);
    QVERIFY(rej);
    QCOMPARE(rej->correlationId, std::string("C-2"));
    QVERIFY2(rej->order.rejectReason.find("max order quantity") != std::string::npos, rej->order.rejectReason.c_str());
    const auto* rr = waitFor([](const bus::Envelope& e) { return e.as<contract::RiskRejected>() != nullptr; });
    QVERIFY(rr);
    QCOMPARE(rr->as<contract::RiskRejected>()->rule, std::string("max_order_qty"));
    QCOMPARE(rr->as<contract::RiskRejected>()->correlationId, std::string("C-2"));
    const auto* cr = waitFor([](const bus::Envelope& e) { return e.as<contract::CommandRejected>() != nullptr; });
    QVERIFY(cr);
    QCOMPARE(cr->as<contract::CommandRejected>()->correlationId, std::string("C-2"));
    QVERIFY(m_broker->submitted.empty());
    const auto s = stored("MRD-BIG");
    QVERIFY(s.status == S::Rejected);
    QCOMPARE(s.rejectReason, rej->order.rejectReason);
  }

  void restartReconcilesNothingLostOrDoubled() {
    // A crash right after journaling: the order is pending_submit in the journal, the venue never saw it.
    auto o = order("MRD-R", domain::Side::Buy, 10, domain::OrderType::Limit, 50.0);
    o.status = S::PendingSubmit;
    o.createdTs = o.updatedTs = kOpen - 1000;
    QVERIFY(m_storage->call([o](storage::IStorage& s) { return s.journalOrder(o); }).get().ok());

    startService();
    sync();
    QCOMPARE(m_broker->reconciled, std::size_t(1));
    m_service->runOnThread([](execution::ExecutionService& s) {
      auto& paper = static_cast<RecordingBroker&>(s.broker()).inner();
      QCOMPARE(paper.submissions(), std::uint64_t(1));
      QCOMPARE(paper.workingCount(), std::size_t(1));
    });
    QVERIFY(waitOrder("MRD-R", S::Accepted));
    // The same id submitted again: refused as a duplicate, nothing new at the venue.
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-dup", order("MRD-R", domain::Side::Buy, 10, domain::OrderType::Limit, 50.0)}).ok());
    QVERIFY(waitFor([](const bus::Envelope& e) {
      const auto* c = e.as<contract::CommandRejected>();
      return c && c->correlationId == "C-dup" && c->reason.find("duplicate") != std::string::npos;
    }));
    QVERIFY(m_broker->submitted.empty());
    sync();
    QVERIFY(stored("MRD-R").status == S::Accepted);

    // Restart again: the accepted order is re-armed once at the (new) simulated venue.
    m_service->stop();
    m_service.reset();
    startService();
    sync();
    m_service->runOnThread([](execution::ExecutionService& s) {
      auto& paper = static_cast<RecordingBroker&>(s.broker()).inner();
      QCOMPARE(paper.submissions(), std::uint64_t(1));
      QCOMPARE(s.orders().workingIds().size(), std::size_t(1));
    });
    auto all = m_storage->call([](storage::IStorage& s) { return s.loadOrders(0); }).get();
    QCOMPARE(all.value().size(), std::size_t(1));
    // And it still fills exactly once.
    m_bus.publish(quote(49.0, 49.5));
    QVERIFY(waitOrder("MRD-R", S::Filled));
    sync();
    auto fills = m_storage->call([](storage::IStorage& s) { return s.loadFills("MRD-R", 0); }).get();
    QCOMPARE(fills.value().size(), std::size_t(1));
  }

  void aFillDuringAJournalOutageIsSpooledAndExecutedOnceAcrossARestart() {
    auto [cfg, venue] = durableSetup();
    startService(cfg, venue);
    m_bus.publish(quote(100.1, 100.3));
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-L", order("MRD-L", domain::Side::Buy, 10, domain::OrderType::Limit, 100.0)}).ok());
    QVERIFY(waitOrder("MRD-L", S::Accepted));
    sync();

    m_journalSwitch->down.store(true);  // the database goes away; the order fills at the venue meanwhile
    m_bus.publish(quote(99.8, 99.9));
    QVERIFY(waitOrder("MRD-L", S::Filled));
    sync();
    QVERIFY(stored("MRD-L").status == S::Accepted);  // not in the database...
    QCOMPARE(storedFills("MRD-L"), std::size_t(0));
    QVERIFY(QTest::qWaitFor([&] { return m_service->spoolStatus().pending == 1; }, 2000));  // ...but on disk
    const auto health = m_service->journalHealth();
    QVERIFY(health.state == contract::HealthState::Degraded);
    QVERIFY2(health.detail.find("1 event(s) spooled") != std::string::npos, health.detail.c_str());

    // A new order while the journal is down is refused (transient), never sent.
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-N", order("MRD-N", domain::Side::Buy, 5)}).ok());
    const auto* refused = waitOrder("MRD-N", S::Rejected);
    QVERIFY(refused);
    QVERIFY2(refused->order.rejectReason.find("order journal is unavailable") != std::string::npos,
             refused->order.rejectReason.c_str());
    QVERIFY(std::find(m_broker->submitted.begin(), m_broker->submitted.end(), "MRD-N") == m_broker->submitted.end());
    // Nobody heard of it as pending: the pending_submit update is published only after the journal took it.
    for (const auto& e : m_seen)
      if (const auto* u = e.as<contract::OrderUpdated>(); u && u->order.clientOrderId == "MRD-N")
        QVERIFY2(u->order.status != S::PendingSubmit, "pending_submit published although the journal refused the write");

    // The process stops with the database still down; it comes back before the next start.
    m_service->stop();
    m_service.reset();
    m_journalSwitch->down.store(false);
    startService(cfg, venue);  // drains the spool before loading the journal
    sync();
    QVERIFY(stored("MRD-L").status == S::Filled);
    QCOMPARE(storedFills("MRD-L"), std::size_t(1));
    QCOMPARE(storedPosition(), 10.0);
    QVERIFY(stored("MRD-N").status == S::Rejected);  // its rejection was spooled too
    m_service->runOnThread([](execution::ExecutionService& s) {
      auto& paper = static_cast<RecordingBroker&>(s.broker()).inner();
      QCOMPARE(paper.submissions(), std::uint64_t(0));  // nothing re-armed: the fill is known
      QCOMPARE(paper.workingCount(), std::size_t(0));
      QCOMPARE(s.positionBook().positionQty("AAPL"), 10.0);
    });
    QVERIFY(m_service->journalHealth().state == contract::HealthState::Ok);
    QVERIFY(!QFileInfo::exists(QString::fromStdString(cfg.spool.path)));
  }

  void theSpoolDrainsOnItsOwnWhenTheDatabaseComesBack() {
    auto [cfg, venue] = durableSetup();
    startService(cfg, venue);
    m_bus.publish(quote(100.1, 100.3));
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-D", order("MRD-D", domain::Side::Buy, 10, domain::OrderType::Limit, 100.0)}).ok());
    QVERIFY(waitOrder("MRD-D", S::Accepted));
    sync();
    m_journalSwitch->down.store(true);
    m_bus.publish(quote(99.8, 99.9));
    QVERIFY(waitOrder("MRD-D", S::Filled));
    QVERIFY(QTest::qWaitFor([&] { return m_service->spoolStatus().pending == 1; }, 2000));
    m_journalSwitch->down.store(false);
    // No new event needed: the execution thread's timer retries (retry interval 100 ms here, 1 s by default).
    QVERIFY(QTest::qWaitFor([&] { return m_service->spoolStatus().pending == 0; }, 5000));
    QCOMPARE(storedFills("MRD-D"), std::size_t(1));
    QCOMPARE(storedPosition(), 10.0);
    QCOMPARE(m_service->spoolStatus().drained, std::uint64_t(1));
  }

  void brokerEventsFromAnotherThreadAndCommandsAfterReconciliation() {
    // The journal says MRD-V works at the venue; while we were down it filled there.
    auto v = order("MRD-V", domain::Side::Buy, 10, domain::OrderType::Limit, 50.0);
    v.status = S::Accepted;
    v.brokerOrderId = "V-1";
    v.createdTs = v.updatedTs = kOpen - 1000;
    QVERIFY(m_storage->call([v](storage::IStorage& s) { return s.journalOrder(v); }).get().ok());
    auto broker = std::make_unique<RemoteBroker>();
    RemoteBroker* remote = broker.get();
    m_service = std::make_unique<execution::ExecutionService>(m_bus, std::make_shared<Journal>(*m_storage),
                                                              std::move(broker), execution::ExecutionConfig{}, m_clock);
    QVERIFY(m_service->start().ok());
    m_bus.publish(quote(49.9, 50.1));
    QVERIFY(waitOrder("MRD-V", S::Accepted));  // the restored state, published at start
    QCOMPARE(remote->reconciling().size(), std::size_t(1));

    // A command during the reconciliation waits for it; the rest of the thread does not: runOnThread, queued after
    // the command, answers, and the command has not been handled.
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-N", order("MRD-N", domain::Side::Sell, 10, domain::OrderType::Limit, 50.0)}).ok());
    bool known = true;
    m_service->runOnThread([&](execution::ExecutionService& s) { known = s.orders().find("MRD-N") != nullptr; });
    QVERIFY(!known);

    // The venue's answer arrives from another thread: the fill it found, then the end of the reconciliation.
    remote->deliver(venueFill("MRD-V", "V-1", "V-1@10", 10, 50.0));
    QVERIFY(waitOrder("MRD-V", S::Filled));
    QVERIFY(remote->submitted().empty());
    BrokerEvent done;
    done.kind = BrokerEvent::Kind::Reconciled;
    remote->deliver(done);

    // Now the held command runs, after the reconciliation's fill is in the book.
    QVERIFY(waitOrder("MRD-N", S::PendingSubmit));
    QTRY_VERIFY_WITH_TIMEOUT(remote->submitted() == std::vector<std::string>{"MRD-N"}, 5000);
    double position = 0;
    m_service->runOnThread([&](execution::ExecutionService& s) { position = s.positionBook().positionQty("AAPL"); });
    QCOMPARE(position, 10.0);
    auto fills = m_storage->call([](storage::IStorage& s) { return s.loadFills("MRD-V", 0); }).get();
    QCOMPARE(fills.value().size(), std::size_t(1));
  }

  void killSwitchCancelsEverythingAndBlocksUntilReset() {
    startService();
    m_bus.publish(quote(99.9, 100.1));
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-k1", order("MRD-K1", domain::Side::Buy, 5, domain::OrderType::Limit, 98)}).ok());
    QVERIFY(waitOrder("MRD-K1", S::Accepted));
    QVERIFY(m_bus.send(contract::EngageKillSwitch{"C-kill", "hotkey"}).ok());
    QVERIFY(waitOrder("MRD-K1", S::Cancelled));
    QVERIFY(waitFor([](const bus::Envelope& e) {
      const auto* s = e.as<contract::RiskStateChanged>();
      return s && s->killSwitch;
    }));
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-k2", order("MRD-K2", domain::Side::Buy, 1, domain::OrderType::Limit, 99)}).ok());
    const auto* blocked = waitOrder("MRD-K2", S::Rejected);
    QVERIFY(blocked);
    QVERIFY(blocked->order.rejectReason.find("kill switch") != std::string::npos);
    QVERIFY(m_bus.send(contract::ResetKillSwitch{"C-r"}).ok());
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-k3", order("MRD-K3", domain::Side::Buy, 1, domain::OrderType::Limit, 99)}).ok());
    QVERIFY(waitOrder("MRD-K3", S::Accepted));
    QCOMPARE(m_broker->submitted, (std::vector<std::string>{"MRD-K1", "MRD-K3"}));
    sync();
    QVERIFY(stored("MRD-K1").status == S::Cancelled);
  }

  // Settings > Save: the running engine takes new limits at once; a bad value changes nothing and says why.
  void riskLimitsChangeWhileRunning() {
    startService();
    m_bus.publish(quote(99.9, 100.1));
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-l1", order("MRD-L1", domain::Side::Buy, 50)}).ok());
    QVERIFY(waitOrder("MRD-L1", S::Accepted));
    QVERIFY(m_bus.send(contract::SetRiskLimits{"C-bad", {{"risk.max_order_qty", "40"}, {"risk.price_band_pct", "7"}}}).ok());
    const auto* bad = waitFor([](const bus::Envelope& e) {
      const auto* r = e.as<contract::CommandRejected>();
      return r && r->correlationId == "C-bad";
    });
    QVERIFY(bad);
    QCOMPARE(bad->as<contract::CommandRejected>()->reason,
             std::string("risk limits not changed: risk.price_band_pct: 7 is a fraction, at most 1"));
    QVERIFY(m_bus.send(contract::SetRiskLimits{"C-set", {{"risk.max_order_qty", "40"}}}).ok());
    const auto* applied = waitFor([](const bus::Envelope& e) { return e.as<contract::RiskLimitsApplied>() != nullptr; });
    QVERIFY(applied);
    QCOMPARE(applied->as<contract::RiskLimitsApplied>()->correlationId, std::string("C-set"));
    QCOMPARE(applied->as<contract::RiskLimitsApplied>()->summary, std::string("risk.max_order_qty=40"));
    // The rejected command changed nothing: the first limit in force after it is 40, not the band of 7.
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-l2", order("MRD-L2", domain::Side::Buy, 50)}).ok());
    const auto* rej = waitOrder("MRD-L2", S::Rejected);
    QVERIFY(rej);
    QVERIFY2(rej->order.rejectReason.find("max order quantity 40") != std::string::npos, rej->order.rejectReason.c_str());
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-l3", order("MRD-L3", domain::Side::Buy, 40)}).ok());
    QVERIFY(waitOrder("MRD-L3", S::Accepted));
    QCOMPARE(m_broker->submitted, (std::vector<std::string>{"MRD-L1", "MRD-L3"}));
  }

  void bracketOnThePaperBroker() {
    startService();
    m_bus.publish(quote(99.9, 100.1));
    contract::SubmitBracket b;
    b.correlationId = "C-b";
    b.entry = order("MRD-E", domain::Side::Buy, 10);
    b.takeProfit = order("MRD-TP", domain::Side::Sell, 10, domain::OrderType::Limit, 104);
    b.stopLoss = order("MRD-SL", domain::Side::Sell, 10, domain::OrderType::Stop, 0, 97);
    QVERIFY(m_bus.send(b).ok());
    QVERIFY(waitOrder("MRD-E", S::Accepted));
    QVERIFY(stored("MRD-TP").status == S::New);  // held, journaled before anything is sent
    m_bus.publish(quote(100.0, 100.2));
    QVERIFY(waitOrder("MRD-E", S::Filled));
    QVERIFY(waitOrder("MRD-TP", S::Accepted));
    QVERIFY(waitOrder("MRD-SL", S::Accepted));
    m_bus.publish(quote(104.5, 104.7));
    QVERIFY(waitOrder("MRD-TP", S::Filled));
    QVERIFY(waitOrder("MRD-SL", S::Cancelled));
    sync();
    m_service->runOnThread([](execution::ExecutionService& s) { QCOMPARE(s.positionBook().positionQty("AAPL"), 0.0); });
  }

  void ocoOneLegFillsTheOtherIsCancelled() {
    startService();
    m_bus.publish(quote(99.9, 100.1));
    QVERIFY(m_bus.send(contract::SubmitOco{"C-oco", order("MRD-O1", domain::Side::Sell, 10, domain::OrderType::Limit, 104),
                                           order("MRD-O2", domain::Side::Sell, 10, domain::OrderType::Stop, 0, 97)})
                .ok());
    QVERIFY(waitOrder("MRD-O1", S::Accepted));
    QVERIFY(waitOrder("MRD-O2", S::Accepted));
    QCOMPARE(m_broker->journaledAtSubmit, (std::vector<std::string>{"pending_submit", "pending_submit"}));
    m_bus.publish(quote(104.5, 104.7));  // the limit leg fills; the stop leg is cancelled at the venue
    QVERIFY(waitOrder("MRD-O1", S::Filled));
    QVERIFY(waitOrder("MRD-O2", S::Cancelled));
    m_bus.publish(quote(96.0, 96.2));  // through the stop: nothing more fills
    sync();
    m_service->runOnThread([](execution::ExecutionService& s) {
      QCOMPARE(s.positionBook().positionQty("AAPL"), -10.0);
      QCOMPARE(static_cast<RecordingBroker&>(s.broker()).inner().workingCount(), std::size_t(0));
    });
    QVERIFY(stored("MRD-O1").status == S::Filled);
    QVERIFY(stored("MRD-O2").status == S::Cancelled);
    QCOMPARE(storedFills("MRD-O2"), std::size_t(0));
  }

  void ocoLegRejectedByRiskRejectsTheOtherAndSendsNothing() {
    startService();
    m_bus.publish(quote(99.9, 100.1));
    // The second leg is 50 % off the last: outside the price band.
    QVERIFY(m_bus.send(contract::SubmitOco{"C-oco2", order("MRD-OK", domain::Side::Sell, 10, domain::OrderType::Limit, 104),
                                           order("MRD-FAT", domain::Side::Sell, 10, domain::OrderType::Limit, 150)})
                .ok());
    const auto* fat = waitOrder("MRD-FAT", S::Rejected);
    QVERIFY(fat);
    QVERIFY2(fat->order.rejectReason.find("away from last") != std::string::npos, fat->order.rejectReason.c_str());
    const auto* ok = waitOrder("MRD-OK", S::Rejected);
    QVERIFY(ok);
    QVERIFY2(ok->order.rejectReason.find("the other OCO leg was rejected") != std::string::npos, ok->order.rejectReason.c_str());
    sync();
    QVERIFY(m_broker->submitted.empty());
  }

  void replaceSwapsTheWorkingOrderAtTheVenue() {
    startService();
    m_bus.publish(quote(99.9, 100.1));
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-o", order("MRD-P1", domain::Side::Buy, 10, domain::OrderType::Limit, 98)}).ok());
    QVERIFY(waitOrder("MRD-P1", S::Accepted));
    QVERIFY(m_bus.send(replaceOrder("C-rep", "MRD-P1", "MRD-P2", 20, 99.5)).ok());
    const auto* replacement = waitOrder("MRD-P2", S::Accepted);
    QVERIFY(replacement);
    QCOMPARE(replacement->order.quantity, 20.0);
    QCOMPARE(replacement->order.limitPrice, 99.5);
    QVERIFY(replacement->order.side == domain::Side::Buy);
    QVERIFY(waitOrder("MRD-P1", S::Replaced));
    // An ask of 99.5 reaches the new limit only: the replacement fills, 20 shares at its limit.
    m_bus.publish(quote(99.3, 99.5));
    const auto* filled = waitOrder("MRD-P2", S::Filled);
    QVERIFY(filled);
    QCOMPARE(filled->order.filledQuantity, 20.0);
    QCOMPARE(filled->order.avgFillPrice, 99.5);
    m_bus.publish(quote(97.0, 97.5));  // through the original's limit: it is gone from the venue
    sync();
    m_service->runOnThread([](execution::ExecutionService& s) {
      QCOMPARE(s.positionBook().positionQty("AAPL"), 20.0);
      QCOMPARE(static_cast<RecordingBroker&>(s.broker()).inner().workingCount(), std::size_t(0));
    });
    QVERIFY(stored("MRD-P1").status == S::Replaced);
    QVERIFY(stored("MRD-P2").status == S::Filled);
    QCOMPARE(storedFills("MRD-P1"), std::size_t(0));

    // Replacing an order that no longer works, or with a price the risk rules refuse.
    QVERIFY(m_bus.send(replaceOrder("C-rep2", "MRD-P2", "MRD-P3", 20, 99.5)).ok());
    QVERIFY(waitFor([](const bus::Envelope& e) {
      const auto* c = e.as<contract::CommandRejected>();
      return c && c->correlationId == "C-rep2" && c->reason.find("MRD-P2 is not working") != std::string::npos;
    }));
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-o4", order("MRD-P4", domain::Side::Buy, 10, domain::OrderType::Limit, 98)}).ok());
    QVERIFY(waitOrder("MRD-P4", S::Accepted));
    QVERIFY(m_bus.send(replaceOrder("C-rep3", "MRD-P4", "MRD-P5", 0, 150)).ok());  // 0: keeps the quantity
    QVERIFY(waitOrder("MRD-P5", S::Rejected));
    sync();
    QVERIFY(stored("MRD-P4").status == S::Accepted);  // the original keeps working
    QCOMPARE(m_broker->submitted, (std::vector<std::string>{"MRD-P1", "MRD-P4"}));  // replacements go by replace()
  }

  void cancellingAHeldBracketExitNeverReachesTheVenue() {
    startService();
    m_bus.publish(quote(99.9, 100.1));
    contract::SubmitBracket b;
    b.correlationId = "C-hb";
    b.entry = order("MRD-HE", domain::Side::Buy, 10, domain::OrderType::Limit, 98);
    b.takeProfit = order("MRD-HTP", domain::Side::Sell, 10, domain::OrderType::Limit, 104);
    b.stopLoss = order("MRD-HSL", domain::Side::Sell, 10, domain::OrderType::Stop, 0, 97);
    QVERIFY(m_bus.send(b).ok());
    QVERIFY(waitOrder("MRD-HE", S::Accepted));
    QVERIFY(m_bus.send(contract::CancelOrder{"C-hc", "MRD-HTP"}).ok());  // held until the entry fills
    QVERIFY(waitOrder("MRD-HTP", S::Cancelled));
    m_bus.publish(quote(97.8, 97.9));  // the entry fills: only the stop-loss is activated
    QVERIFY(waitOrder("MRD-HE", S::Filled));
    QVERIFY(waitOrder("MRD-HSL", S::Accepted));
    sync();
    QCOMPARE(m_broker->submitted, (std::vector<std::string>{"MRD-HE", "MRD-HSL"}));
    QVERIFY(stored("MRD-HTP").status == S::Cancelled);
  }

  void cancellingAnOrderBeforeTheJournalAnswersSendsNothing() {
    startService();
    m_bus.publish(quote(99.9, 100.1));
    sync();
    // Hold the storage thread: the order is journaled (pending_submit) but not acknowledged yet.
    std::promise<void> release = holdStorageThread();
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-u", order("MRD-U", domain::Side::Buy, 10, domain::OrderType::Limit, 98)}).ok());
    QVERIFY(m_bus.send(contract::CancelOrder{"C-uc", "MRD-U"}).ok());
    S status = S::New;
    m_service->runOnThread([&](execution::ExecutionService& s) { status = s.orders().find("MRD-U")->order.status; });
    QVERIFY(status == S::Cancelled);
    release.set_value();
    QVERIFY(waitOrder("MRD-U", S::Cancelled));
    sync();
    QVERIFY(m_broker->submitted.empty());
    m_service->runOnThread([](execution::ExecutionService& s) {
      QCOMPARE(static_cast<RecordingBroker&>(s.broker()).inner().submissions(), std::uint64_t(0));
    });
    QTRY_VERIFY_WITH_TIMEOUT(stored("MRD-U").status == S::Cancelled, 5000);
  }

  // Relayed commands carry their sender's deadline (bus::Envelope::deadline). The execution thread is held (a hung
  // or backlogged thread) while they wait in its queue and the clock passes their deadline: each is answered
  // "Expired ... not executed" by correlation id and nothing reaches the broker or the journal; a local command (no
  // deadline) and a relayed one still in time, queued behind them, run as usual (the barrier).
  void relayedCommandsPastTheirDeadlineInTheQueueAreAnsweredAndNeverExecuted() {
    startService();
    m_bus.publish(quote(99.9, 100.1));
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-w", order("MRD-W", domain::Side::Buy, 5, domain::OrderType::Limit, 98)}).ok());
    QVERIFY(waitOrder("MRD-W", S::Accepted));
    std::promise<void> release, entered;
    std::shared_future<void> gate = release.get_future().share();
    std::thread holder([&] {
      m_service->runOnThread([&](execution::ExecutionService&) {
        entered.set_value();
        gate.wait();
      });
    });
    entered.get_future().wait();
    const domain::Timestamp deadline = kOpen + 3 * domain::kNanosPerSecond;
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-late", order("MRD-LATE", domain::Side::Buy, 7)}, deadline).ok());
    QVERIFY(m_bus.send(contract::SubmitBracket{"C-lb", order("MRD-LB", domain::Side::Buy, 2),
                                               order("MRD-LB-TP", domain::Side::Sell, 2, domain::OrderType::Limit, 120),
                                               order("MRD-LB-SL", domain::Side::Sell, 2, domain::OrderType::Stop, 0, 90)},
                       deadline)
                .ok());
    QVERIFY(m_bus.send(contract::CancelOrder{"C-lc", "MRD-W"}, deadline).ok());
    QVERIFY(m_bus.send(contract::EngageKillSwitch{"C-lk", "late"}, deadline).ok());
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-local", order("MRD-LOCAL", domain::Side::Buy, 1)}).ok());
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-intime", order("MRD-INTIME", domain::Side::Buy, 1)},
                       deadline + 60 * domain::kNanosPerSecond)
                .ok());
    m_clock->set(deadline + 1);  // one nanosecond late
    release.set_value();
    holder.join();
    QVERIFY(waitOrder("MRD-LOCAL", S::Accepted));
    QVERIFY(waitOrder("MRD-INTIME", S::Accepted));
    sync();
    m_events->drain(m_seen);
    std::map<std::string, std::string> answers;
    for (const auto& e : m_seen)
      if (const auto* r = e.as<contract::CommandRejected>()) answers[r->correlationId] = r->reason;
    for (const char* corr : {"C-late", "C-lb", "C-lc", "C-lk"}) {
      QVERIFY2(answers.count(corr), corr);
      const std::string& why = answers[corr];
      QVERIFY2(why.rfind("Expired: ", 0) == 0 && why.find("the execution queue") != std::string::npos &&
                   why.find("0 ms after its deadline; not executed") != std::string::npos,
               why.c_str());
    }
    QVERIFY(!answers.count("C-local") && !answers.count("C-intime"));
    // Nothing of the late ones happened: no order, no cancel, no kill switch; the venue saw only the others.
    QCOMPARE(m_broker->submitted, (std::vector<std::string>{"MRD-W", "MRD-LOCAL", "MRD-INTIME"}));
    m_service->runOnThread([](execution::ExecutionService& s) {
      QVERIFY(!s.orders().find("MRD-LATE") && !s.orders().find("MRD-LB"));
      QVERIFY(s.orders().isWorking("MRD-W"));
      QVERIFY(!s.riskEngine().killSwitchEngaged());
    });
    QVERIFY(stored("MRD-LATE").clientOrderId.empty());
    QVERIFY(stored("MRD-W").status == S::Accepted);
  }

  // The deadline travels on with the order to the moment the broker would be called: an order journaled in time
  // whose journal acknowledgement comes after its deadline (a slow database) is never sent; it ends Expired in the
  // journal and the command is answered "Expired".
  void aRelayedOrderWhoseDeadlinePassesInTheJournalIsNeverSent() {
    startService();
    m_bus.publish(quote(99.9, 100.1));
    sync();
    std::promise<void> release = holdStorageThread();
    const domain::Timestamp deadline = kOpen + 3 * domain::kNanosPerSecond;
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-j", order("MRD-J", domain::Side::Buy, 4)}, deadline).ok());
    S status = S::New;
    m_service->runOnThread([&](execution::ExecutionService& s) { status = s.orders().find("MRD-J")->order.status; });
    QVERIFY(status == S::PendingSubmit);  // read in time, risk-checked, waiting for the journal
    m_clock->set(deadline + 2 * domain::kNanosPerMilli);
    release.set_value();
    const auto* expired = waitOrder("MRD-J", S::Expired);
    QVERIFY(expired);
    QCOMPARE(expired->correlationId, std::string("C-j"));
    QVERIFY2(expired->order.rejectReason.find("the order journal held it until 2 ms after its deadline; not executed") !=
                 std::string::npos,
             expired->order.rejectReason.c_str());
    const auto* answer = waitFor([](const bus::Envelope& e) {
      const auto* r = e.as<contract::CommandRejected>();
      return r && r->correlationId == "C-j";
    });
    QVERIFY(answer);
    QVERIFY(answer->as<contract::CommandRejected>()->reason.rfind("Expired: ", 0) == 0);
    sync();
    QVERIFY(m_broker->submitted.empty());
    m_service->runOnThread([](execution::ExecutionService& s) {
      QCOMPARE(static_cast<RecordingBroker&>(s.broker()).inner().submissions(), std::uint64_t(0));
    });
    QTRY_VERIFY_WITH_TIMEOUT(stored("MRD-J").status == S::Expired, 5000);
  }

  void anOverfillCountsWhatTheVenueExecuted() {
    // The venue reports 15 shares on a 10-share order: the execution happened, so the position and the journal
    // carry 15 (the venue's truth), the order ends filled, and nothing is sent to "correct" it.
    auto broker = std::make_unique<RemoteBroker>();
    RemoteBroker* remote = broker.get();
    m_service = std::make_unique<execution::ExecutionService>(m_bus, std::make_shared<Journal>(*m_storage),
                                                              std::move(broker), execution::ExecutionConfig{}, m_clock);
    QVERIFY(m_service->start().ok());
    BrokerEvent done;
    done.kind = BrokerEvent::Kind::Reconciled;
    remote->deliver(done);
    m_bus.publish(quote(99.9, 100.1));
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-of", order("MRD-OF", domain::Side::Buy, 10, domain::OrderType::Limit, 100)}).ok());
    QTRY_VERIFY_WITH_TIMEOUT(remote->submitted() == std::vector<std::string>{"MRD-OF"}, 5000);
    remote->deliver(venueFill("MRD-OF", "V-OF", "V-OF@1", 6, 100.0));
    QVERIFY(waitOrder("MRD-OF", S::PartiallyFilled));
    const BrokerEvent fill = venueFill("MRD-OF", "V-OF", "V-OF@2", 9, 99.0);  // 4 remained
    remote->deliver(fill);
    const auto* filled = waitOrder("MRD-OF", S::Filled);
    QVERIFY(filled);
    QCOMPARE(filled->order.filledQuantity, 15.0);
    QCOMPARE(filled->order.avgFillPrice, (6 * 100.0 + 9 * 99.0) / 15.0);
    remote->deliver(fill);  // the same execution reported again: counted once
    sync();
    double position = 0;
    m_service->runOnThread([&](execution::ExecutionService& s) { position = s.positionBook().positionQty("AAPL"); });
    QCOMPARE(position, 15.0);
    QTRY_COMPARE_WITH_TIMEOUT(storedFills("MRD-OF"), std::size_t(2), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(storedPosition(), 15.0, 5000);
    QCOMPARE(remote->submitted(), std::vector<std::string>{"MRD-OF"});
  }

  void circuitBreakerTripsOnDrawdownAndNeedsReset() {
    execution::ExecutionConfig cfg;
    cfg.initialCash = 10'000;
    cfg.limits.maxDailyLossPct = 0;  // the drawdown breaker alone
    startService(cfg);
    m_bus.publish(quote(99.9, 100.1));
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-1", order("MRD-B1", domain::Side::Buy, 50)}).ok());
    QVERIFY(waitOrder("MRD-B1", S::Accepted));
    m_bus.publish(quote(100.0, 100.0));
    QVERIFY(waitOrder("MRD-B1", S::Filled));
    m_bus.publish(quote(80.0, 80.0));  // equity 9,000 < 95 % of 10,000
    // The 1 s timer checks the breaker. The clock moves on until it has (a timer tick may come between the quote's
    // publication and its handling, and then checks the old price).
    const auto tripped = [](const bus::Envelope& e) {
      const auto* s = e.as<contract::RiskStateChanged>();
      return s && s->circuitBreaker;
    };
    const bus::Envelope* trip = nullptr;
    for (int i = 0; i < 50 && !trip; ++i) {
      m_clock->advance(2 * domain::kNanosPerSecond);
      trip = waitFor(tripped, 100);
    }
    QVERIFY(trip);
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-2", order("MRD-B2", domain::Side::Buy, 1)}).ok());
    const auto* r = waitOrder("MRD-B2", S::Rejected);
    QVERIFY(r);
    QVERIFY(r->order.rejectReason.find("circuit breaker") != std::string::npos);
    QVERIFY(m_bus.send(contract::ResetCircuitBreaker{"C-3"}).ok());
    QVERIFY(m_bus.send(contract::SubmitOrder{"C-4", order("MRD-B3", domain::Side::Buy, 1)}).ok());
    QVERIFY(waitOrder("MRD-B3", S::Accepted));
  }
};

QTEST_GUILESS_MAIN(tst_ExecutionService)
#include "tst_ExecutionService.moc"
