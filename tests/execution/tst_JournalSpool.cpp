// JournalSpool against a real SQLite journal behind a switch that makes it unavailable (as a stopped server is):
// events written during an outage are spooled to disk, in order, and reach the database when it is back; a
// crash leaves them for the next start; replaying an event the database already took changes nothing; nothing
// overtakes a spooled event; new orders are refused (transient) while events wait; an event the database refuses
// for good is set aside instead of blocking the rest; a spool of another database or a damaged one is refused.
#include "core/execution/JournalSpool.h"
#include "core/storage/Records.h"
#include "core/storage/sqlite/SqliteStorage.h"
#include "tests/support/SwitchableJournal.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QtTest>

using namespace meridian;
using execution::JournalSpool;
using execution::SpoolOptions;
using storage::JournalBatch;
using S = domain::OrderStatus;

namespace {

using testsupport::SwitchableJournal;

domain::Order order(const std::string& id, S status, double filled = 0, domain::Timestamp ts = 1'000) {
  domain::Order o;
  o.clientOrderId = id;
  o.symbol = "AAPL";
  o.side = domain::Side::Buy;
  o.type = domain::OrderType::Limit;
  o.limitPrice = 100;
  o.quantity = 10;
  o.status = status;
  o.filledQuantity = filled;
  o.avgFillPrice = filled > 0 ? 100 : 0;
  o.createdTs = 1'000;
  o.updatedTs = ts;
  o.strategyId = "live:s1";
  return o;
}

domain::Fill fill(const std::string& id, const std::string& order, double qty, domain::Timestamp ts) {
  domain::Fill f;
  f.fillId = id;
  f.clientOrderId = order;
  f.symbol = "AAPL";
  f.side = domain::Side::Buy;
  f.quantity = qty;
  f.price = 100;
  f.ts = ts;
  f.strategyId = "live:s1";
  return f;
}

domain::Position position(double qty, domain::Timestamp ts) {
  domain::Position p;
  p.symbol = "AAPL";
  p.strategyId = "live:s1";
  p.quantity = qty;
  p.avgCost = 100;
  p.updatedTs = ts;
  return p;
}

// The two fills of order A as the execution service journals them.
JournalBatch firstFill() { return {{order("A", S::PartiallyFilled, 4, 2'000)}, {fill("PF-A-1", "A", 4, 2'000)}, {position(4, 2'000)}}; }
JournalBatch secondFill() { return {{order("A", S::Filled, 10, 3'000)}, {fill("PF-A-2", "A", 6, 3'000)}, {position(10, 3'000)}}; }

}  // namespace

class tst_JournalSpool : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  std::unique_ptr<storage::SqliteStorage> m_db;
  SwitchableJournal::Switch m_switch;
  std::unique_ptr<SwitchableJournal> m_journal;
  int m_n = 0;
  std::string m_spoolPath;

  SpoolOptions options(std::chrono::milliseconds retry = std::chrono::milliseconds(0)) const {
    return SpoolOptions{m_spoolPath, "sqlite:test", retry};
  }
  std::shared_ptr<JournalSpool> openSpool(std::chrono::milliseconds retry = std::chrono::milliseconds(0)) {
    auto s = JournalSpool::open(options(retry));
    if (!s.ok()) qFatal("spool: %s", s.error().message.c_str());
    return std::move(s).value();
  }
  double journaledPosition() {
    auto p = m_db->loadPositions();
    return p.ok() && !p->empty() ? p->front().quantity : 0.0;
  }
  std::size_t journaledFills() { return m_db->loadFills("", 0).value().size(); }
  bool spoolFileExists() const { return QFileInfo::exists(QString::fromStdString(m_spoolPath)); }

 private Q_SLOTS:
  void init() {
    ++m_n;
    m_db = std::make_unique<storage::SqliteStorage>(m_dir.filePath(QString("j%1.sqlite").arg(m_n)).toStdString());
    QVERIFY(m_db->open().ok());
    m_journal = std::make_unique<SwitchableJournal>(*m_db, m_switch);
    m_switch.down = false;
    m_switch.failAfterCommit = false;
    m_spoolPath = m_dir.filePath(QString("j%1.spool").arg(m_n)).toStdString();
    QVERIFY(m_db->journalOrder(order("A", S::Accepted)).ok());
  }

  void writesGoStraightToTheJournalWhenItIsUp() {
    auto spool = openSpool();
    QVERIFY(spool->write(*m_journal, firstFill()).ok());
    QCOMPARE(spool->pending(), std::size_t(0));
    QVERIFY(!spoolFileExists());
    QCOMPARE(journaledFills(), std::size_t(1));
  }

  void anOutageIsSpooledToDiskAndDrainedInOrder() {
    auto spool = openSpool(std::chrono::hours(1));
    m_switch.down = true;
    QVERIFY(spool->write(*m_journal, firstFill()).ok());  // counts as journaled
    QVERIFY(spool->write(*m_journal, secondFill()).ok());
    QCOMPARE(spool->pending(), std::size_t(2));
    QVERIFY(spoolFileExists());
    QCOMPARE(journaledFills(), std::size_t(0));
    QVERIFY(m_db->loadOrder("A").value()->status == S::Accepted);
    const auto st = spool->status();
    QCOMPARE(st.spooled, std::uint64_t(2));
    QVERIFY2(st.lastError.find("the database is down") != std::string::npos, st.lastError.c_str());
    QVERIFY(st.oldestTs > 0);

    QVERIFY(!spool->drain(*m_journal, true).ok());  // still down: nothing lost, nothing reordered
    QCOMPARE(spool->pending(), std::size_t(2));
    m_switch.down = false;
    QVERIFY(spool->drain(*m_journal, true).ok());
    QCOMPARE(spool->pending(), std::size_t(0));
    QVERIFY(!spoolFileExists());
    QCOMPARE(journaledFills(), std::size_t(2));
    QCOMPARE(journaledPosition(), 10.0);
    QVERIFY(m_db->loadOrder("A").value()->status == S::Filled);
    QCOMPARE(spool->status().drained, std::uint64_t(2));
  }

  void aCrashLeavesTheSpoolForTheNextStart() {
    {
      auto spool = openSpool();
      m_switch.down = true;
      QVERIFY(spool->write(*m_journal, firstFill()).ok());
      QVERIFY(spool->write(*m_journal, secondFill()).ok());
    }  // the process dies here
    m_switch.down = false;
    auto spool = openSpool();
    QCOMPARE(spool->pending(), std::size_t(2));
    QVERIFY(spool->drain(*m_journal, true).ok());
    QCOMPARE(journaledFills(), std::size_t(2));
    QCOMPARE(journaledPosition(), 10.0);
  }

  void replayingWhatTheDatabaseAlreadyTookChangesNothing() {
    auto spool = openSpool();
    m_switch.failAfterCommit = true;  // both land, neither answer arrives
    QVERIFY(spool->write(*m_journal, firstFill()).ok());
    QVERIFY(spool->write(*m_journal, secondFill()).ok());
    QCOMPARE(spool->pending(), std::size_t(2));
    m_switch.failAfterCommit = false;
    QVERIFY(spool->drain(*m_journal, true).ok());
    QCOMPARE(journaledFills(), std::size_t(2));  // not 4
    QCOMPARE(journaledPosition(), 10.0);
    QCOMPARE(m_db->loadOrder("A").value()->filledQuantity, 10.0);
  }

  void nothingOvertakesASpooledEvent() {
    auto spool = openSpool(std::chrono::hours(1));  // no retry before the forced drain
    m_switch.down = true;
    QVERIFY(spool->write(*m_journal, firstFill()).ok());
    m_switch.down = false;
    const int before = m_switch.batches.load();
    QVERIFY(spool->write(*m_journal, secondFill()).ok());  // the database is back, but an older event waits
    QCOMPARE(m_switch.batches.load(), before);                   // so this one was not written directly
    QCOMPARE(spool->pending(), std::size_t(2));
    QCOMPARE(journaledPosition(), 0.0);
    QVERIFY(spool->drain(*m_journal, true).ok());
    QCOMPARE(journaledPosition(), 10.0);  // second after first
  }

  void newOrdersAreRefusedWhileEventsWait() {
    auto spool = openSpool(std::chrono::hours(1));
    m_switch.down = true;
    const Status direct = spool->admit(*m_journal, {{order("N1", S::PendingSubmit)}, {}, {}});
    QVERIFY(!direct.ok());
    QCOMPARE(direct.error().code, std::string(storage::errc::kUnavailable));
    QVERIFY2(direct.error().message.find("order journal is unavailable") != std::string::npos, direct.error().message.c_str());
    QVERIFY(spool->write(*m_journal, firstFill()).ok());
    const Status waiting = spool->admit(*m_journal, {{order("N2", S::PendingSubmit)}, {}, {}});
    QVERIFY(!waiting.ok());  // still down: the spool could not be drained first
    QVERIFY2(waiting.error().message.find("1 event(s) wait in the spool") != std::string::npos, waiting.error().message.c_str());
    QVERIFY(!m_db->loadOrder("N2").value().has_value());
    m_switch.down = false;
    // Back: the admission drains the spool first (without waiting for the retry interval of an hour), then writes.
    QVERIFY(spool->admit(*m_journal, {{order("N2", S::PendingSubmit)}, {}, {}}).ok());
    QCOMPARE(spool->pending(), std::size_t(0));
    QCOMPARE(journaledFills(), std::size_t(1));
    QVERIFY(m_db->loadOrder("N2").value()->status == S::PendingSubmit);
  }

  void anEventRefusedForGoodIsSetAside() {
    auto spool = openSpool();
    m_switch.down = true;
    // A fill of an order the journal never had (foreign key): no retry will ever make the database take it.
    QVERIFY(spool->write(*m_journal, {{}, {fill("PF-GHOST-1", "GHOST", 1, 1'500)}, {}}).ok());
    QVERIFY(spool->write(*m_journal, firstFill()).ok());
    m_switch.down = false;
    QVERIFY(spool->drain(*m_journal, true).ok());
    QCOMPARE(spool->pending(), std::size_t(0));
    QCOMPARE(journaledFills(), std::size_t(1));  // the good one got through
    QCOMPARE(spool->status().refused, std::uint64_t(1));
    std::vector<std::string> refused;
    auto kept = common::DurableLog::open(m_spoolPath + ".refused", refused);
    QVERIFY(kept.ok());
    QCOMPARE(refused.size(), std::size_t(1));
    QVERIFY(refused[0].find("PF-GHOST-1") != std::string::npos);
  }

  void aSpoolOfAnotherDatabaseIsNeverReplayed() {
    {
      auto spool = openSpool();
      m_switch.down = true;
      QVERIFY(spool->write(*m_journal, firstFill()).ok());
    }
    auto other = JournalSpool::open(SpoolOptions{m_spoolPath, "postgres:postgresql://elsewhere/db", {}});
    QVERIFY(!other.ok());
    QVERIFY2(other.error().message.find("'sqlite:test'") != std::string::npos, other.error().message.c_str());
    QVERIFY(spoolFileExists());  // left alone
  }

  void recordsRoundTrip() {
    const JournalBatch b = secondFill();
    std::string db;
    domain::Timestamp ts = 0;
    auto back = JournalSpool::decode(JournalSpool::encode(b, "sqlite:x", 42), &db, &ts);
    QVERIFY(back.ok());
    QVERIFY(*back == b);
    QCOMPARE(db, std::string("sqlite:x"));
    QCOMPARE(ts, domain::Timestamp(42));
    QVERIFY(!JournalSpool::decode(R"({"type":"journal_batch","v":1,"orders":{}})").ok());
    QVERIFY(!JournalSpool::decode("not json").ok());
  }
};

QTEST_GUILESS_MAIN(tst_JournalSpool)
#include "tst_JournalSpool.moc"
