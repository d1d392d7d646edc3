// HistoryService's fills and orders history ("cmd.md.fills_history" -> "md.fills_history.<corr>", the same for
// orders_history): fills journaled in a SQLite
// file come back over the bus newest first with the limit respected; the read goes through the service's own
// connection, so it is answered while the storage thread (the order journal) is busy; the storage-thread path gives
// the same fills; a bad request and a stopped storage are answered with a clear error, never left unanswered.
// SQLite always; the main case also on PostgreSQL when MERIDIAN_TEST_PG_URI is set (skipped otherwise, failed when
// MERIDIAN_REQUIRE_SERVERS=1), in a database of its own that is dropped afterwards.
#include "core/common/Logging.h"
#include "core/contract/History.h"
#include "core/history/HistoryService.h"
#include "core/storage/StorageService.h"

#include "../support/OptionalScratchPg.h"
#include "../support/RequireServers.h"

#include <QTemporaryDir>
#include <QtTest>

#include <chrono>
#include <future>
#include <map>
#include <optional>

using namespace meridian;
using namespace meridian::contract;
using namespace meridian::history;
using storage::StorageService;

namespace {

constexpr domain::Timestamp kT0 = 1'700'000'000'000'000'000;  // 2023-11-14, ns

domain::Order order(int i) {
  domain::Order o;
  o.clientOrderId = "MRD-FH-" + std::to_string(i);
  o.symbol = i % 2 ? "AAPL" : "MSFT";
  o.side = i % 3 ? domain::Side::Buy : domain::Side::Sell;
  o.quantity = 10 + i;
  o.status = domain::OrderStatus::Filled;
  o.createdTs = o.updatedTs = kT0 + i * domain::kNanosPerMinute;
  return o;
}

// Fill i of order i, at minute i: journaled in a shuffled order so the answer's order comes from the query.
domain::Fill fill(int i) {
  const domain::Order o = order(i);
  domain::Fill f;
  f.fillId = "FILL-" + std::to_string(1000 + i);
  f.clientOrderId = o.clientOrderId;
  f.symbol = o.symbol;
  f.side = o.side;
  f.quantity = o.quantity;
  f.price = 100.0 + i * 0.25;
  f.commission = 0.01 * i;
  f.ts = kT0 + i * domain::kNanosPerMinute + 1'000;
  f.strategyId = "manual";
  return f;
}

// The answers of type A published on the bus (from the service's worker thread), kept by correlation id.
template <class A = FillsHistoryLoaded>
class Answers {
 public:
  explicit Answers(bus::EventBus& bus) : m_mailbox(std::make_shared<bus::Mailbox>()) { bus.subscribe<A>(m_mailbox); }
  std::optional<A> await(const std::string& corr,
                                          std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<bus::Envelope> batch;
    for (;;) {
      if (auto it = m_received.find(corr); it != m_received.end()) return it->second;
      if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
      if (!m_mailbox->waitNonEmpty(std::chrono::milliseconds(50))) continue;
      batch.clear();
      m_mailbox->drain(batch);
      for (const auto& e : batch)
        if (const auto* a = e.as<A>()) m_received.emplace(a->correlationId, *a);
    }
  }

 private:
  std::shared_ptr<bus::Mailbox> m_mailbox;
  std::map<std::string, A> m_received;
};

}  // namespace

class tst_HistoryService : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  static constexpr int kFills = 40;
  std::unique_ptr<testsupport::OptionalScratchPg> m_pg;

  storage::StorageConfig sqlite(const QString& name) const {
    storage::StorageConfig c;
    c.backend = "sqlite";
    c.sqlitePath = m_dir.filePath(name).toStdString();
    return c;
  }

  static storage::StorageRunner runnerOf(StorageService& storage) {
    return [&storage](const storage::StorageTask& task) {
      storage.call([&task](storage::IStorage& s) { task(s); }).get();
    };
  }

  // Journals kFills orders with one fill each, in a shuffled order.
  static void journal(StorageService& storage) {
    for (int k = 0; k < kFills; ++k) {
      const int i = (k * 17) % kFills;  // 17 is coprime with 40: every i once
      QVERIFY(storage.call([i](storage::IStorage& s) { return s.journalOrder(order(i)).ok(); }).get());
      QVERIFY(storage.call([i](storage::IStorage& s) { return s.recordFill(fill(i)).valueOr(false); }).get());
    }
  }

  static void verifyNewestFirst(const std::vector<domain::Fill>& fills, std::size_t expected) {
    QCOMPARE(fills.size(), expected);
    for (std::size_t k = 0; k < fills.size(); ++k) QCOMPARE(fills[k], fill(kFills - 1 - static_cast<int>(k)));
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    common::initLogging(common::LogOptions{});
    m_pg = std::make_unique<testsupport::OptionalScratchPg>("meridian_fills_history");
  }

  void cleanupTestCase() { m_pg.reset(); }

  void answersNewestFirstWithTheLimitOnItsOwnConnection_data() {
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << "sqlite";
    QTest::newRow("postgres") << "postgres";
  }

  void answersNewestFirstWithTheLimitOnItsOwnConnection() {
    QFETCH(QString, backend);
    if (m_pg->skip(backend)) MERIDIAN_SKIP_OR_FAIL("PostgreSQL part: set MERIDIAN_TEST_PG_URI");
    storage::StorageConfig cfg = sqlite("fills.sqlite");
    if (backend == QLatin1String("postgres")) {
      cfg = storage::StorageConfig{};
      cfg.backend = "postgres";
      cfg.pgUri = m_pg->uri();
    }
    StorageService storage(cfg);
    QVERIFY(storage.start().ok());
    journal(storage);
    if (QTest::currentTestFailed()) return;

    bus::EventBus bus;
    Answers answers(bus);
    HistoryService::Options options;
    options.reader = cfg;
    HistoryService history(bus, runnerOf(storage), options);
    history.start();

    // Hold the storage thread (the order journal) for as long as the test wants: the answer must not need it.
    std::promise<void> release;
    std::shared_future<void> released = release.get_future().share();
    std::promise<void> holding;
    storage.post([released, &holding](storage::IStorage&) {
      holding.set_value();
      released.wait();
    });
    holding.get_future().wait();

    QVERIFY(bus.send(RequestFillsHistory{"fh-1", 25}).ok());
    const auto limited = answers.await("fh-1");
    release.set_value();  // before any QVERIFY can return early
    QVERIFY2(limited, "no answer while the storage thread was busy: the read did not use the own connection");
    QVERIFY2(limited->ok(), limited->error.c_str());
    QCOMPARE(limited->limit, std::size_t(25));
    verifyNewestFirst(*limited->fills, 25);
    QCOMPARE(history.readerReads(), std::uint64_t(1));

    // A limit above the journal's size gives every fill.
    QVERIFY(bus.send(RequestFillsHistory{"fh-2", 10'000}).ok());
    const auto all = answers.await("fh-2");
    QVERIFY(all && all->ok());
    verifyNewestFirst(*all->fills, kFills);
    QCOMPARE(history.fillsServed(), std::uint64_t(2));

    // The storage-thread path (in-memory databases, no own connection) reads the same fills.
    const FillsHistoryLoaded direct = history.loadFills(RequestFillsHistory{"fh-3", 7});
    QVERIFY2(direct.ok(), direct.error.c_str());
    verifyNewestFirst(*direct.fills, 7);

    // The journaled orders, newest first, as the Orders blotter of a window that starts (or attaches) later asks.
    Answers<OrdersHistoryLoaded> orderAnswers(bus);
    QVERIFY(bus.send(RequestOrdersHistory{"oh-1", 5}).ok());
    const auto orders = orderAnswers.await("oh-1");
    QVERIFY(orders);
    QVERIFY2(orders->ok(), orders->error.c_str());
    QCOMPARE(orders->orders->size(), std::size_t(5));
    for (std::size_t k = 0; k < 5; ++k) {
      const domain::Order want = order(kFills - 1 - static_cast<int>(k));
      QCOMPARE(orders->orders->at(k).clientOrderId, want.clientOrderId);
      QCOMPARE(orders->orders->at(k).quantity, want.quantity);
      QCOMPARE(orders->orders->at(k).createdTs, want.createdTs);
    }
    QCOMPARE(history.ordersServed(), std::uint64_t(1));
    const OrdersHistoryLoaded none = history.loadOrders(RequestOrdersHistory{"oh-0", 0});
    QVERIFY(!none.ok());
    QVERIFY2(none.error.find("without a limit") != std::string::npos, none.error.c_str());

    history.stop();
    storage.stop();
  }

  void badRequestIsAnsweredAndKeepsTheConnection() {
    const auto cfg = sqlite("bad.sqlite");
    StorageService storage(cfg);
    QVERIFY(storage.start().ok());
    journal(storage);
    if (QTest::currentTestFailed()) return;
    bus::EventBus bus;
    Answers answers(bus);
    HistoryService::Options options;
    options.reader = cfg;
    HistoryService history(bus, runnerOf(storage), options);
    // Published before start(): waits in the service's mailbox, as the UI's start-up request does.
    QVERIFY(bus.send(RequestFillsHistory{"zero", 0}).ok());
    QVERIFY(bus.send(RequestFillsHistory{"after", 3}).ok());
    history.start();

    const auto zero = answers.await("zero");
    QVERIFY(zero);
    QVERIFY(!zero->ok());
    QVERIFY2(zero->error.find("without a limit") != std::string::npos, zero->error.c_str());
    QVERIFY(zero->fills->empty());
    const auto after = answers.await("after");
    QVERIFY(after && after->ok());
    verifyNewestFirst(*after->fills, 3);
    QCOMPARE(history.readerReads(), std::uint64_t(1));  // the bad request neither read nor dropped the connection
    history.stop();
    storage.stop();
  }

  void storageDownIsAnErrorAnswer() {
    StorageService storage(sqlite("down.sqlite"));  // never started; no own connection configured
    bus::EventBus bus;
    Answers answers(bus);
    HistoryService history(bus, runnerOf(storage));
    history.start();
    QVERIFY(bus.send(RequestFillsHistory{"down", 10}).ok());
    const auto down = answers.await("down");
    QVERIFY(down);
    QVERIFY(!down->ok());
    QVERIFY2(down->error.find("cannot read fills history") != std::string::npos &&
                 down->error.find("not running") != std::string::npos,
             down->error.c_str());
    QCOMPARE(history.readerReads(), std::uint64_t(0));
    history.stop();
  }

  void emptyJournalIsAnEmptyAnswer() {
    const auto cfg = sqlite("empty.sqlite");
    StorageService storage(cfg);
    QVERIFY(storage.start().ok());
    bus::EventBus bus;
    Answers answers(bus);
    HistoryService::Options options;
    options.reader = cfg;
    HistoryService history(bus, runnerOf(storage), options);
    history.start();
    QVERIFY(bus.send(RequestFillsHistory{"empty", 10}).ok());
    const auto empty = answers.await("empty");
    QVERIFY(empty);
    QVERIFY2(empty->ok(), empty->error.c_str());
    QVERIFY(empty->fills->empty());
    history.stop();
    storage.stop();
  }
};

QTEST_GUILESS_MAIN(tst_HistoryService)
#include "tst_HistoryService.moc"
