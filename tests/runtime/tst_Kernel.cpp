#include "core/runtime/Kernel.h"

#include "core/bus/Events.h"
#include "core/common/Logging.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace meridian;

class tst_Kernel : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  common::Config config(const QString& file) {
    common::Config c;
    c.set("db.backend", "sqlite");
    c.set("db.sqlite_path", m_dir.filePath(file));
    return c;
  }
  static std::vector<bus::Envelope> waitFor(bus::Mailbox& mb, std::size_t n) {
    std::vector<bus::Envelope> got;
    QElapsedTimer t;
    t.start();
    while (got.size() < n && t.elapsed() < 5000)
      if (mb.waitNonEmpty(std::chrono::milliseconds(50))) mb.drain(got);
    return got;
  }

 private Q_SLOTS:
  void submitIsJournaledBeforeTheUiHearsOfIt() {
    const auto cfg = config("k1.sqlite");
    runtime::Kernel k(cfg);
    auto events = std::make_shared<bus::Mailbox>();
    k.bus().subscribe("exec.order.*", events);
    QVERIFY(k.start().ok());
    domain::Order o;
    o.clientOrderId = "MRD-test-1";
    o.symbol = "MSFT";
    o.quantity = 10;
    k.bus().publish("cmd.order.submit", bus::SubmitOrder{"C-9", o});
    auto got = waitFor(*events, 1);
    QCOMPARE(got.size(), std::size_t(1));
    const auto* upd = got[0].as<bus::OrderUpdated>();
    QVERIFY(upd);
    QCOMPARE(upd->correlationId, std::string("C-9"));
    QVERIFY(upd->order.status == domain::OrderStatus::Rejected);
    QVERIFY(!upd->order.rejectReason.empty());
    // The event is published after the journal write: the journal already has it.
    auto stored = k.storage().call([](storage::IStorage& s) { return s.loadOrder("MRD-test-1"); }).get();
    QVERIFY(stored.ok() && stored.value().has_value());
    QCOMPARE(stored.value()->symbol, std::string("MSFT"));
    k.stop();
  }

  void startRepublishesJournaledOpenOrdersAndPositions() {
    const auto cfg = config("k2.sqlite");
    {
      runtime::StorageService seed(runtime::storageConfigFrom(cfg));
      QVERIFY(seed.start().ok());
      domain::Order open;
      open.clientOrderId = "MRD-open";
      open.symbol = "NVDA";
      open.quantity = 5;
      open.status = domain::OrderStatus::Accepted;
      domain::Order done = open;
      done.clientOrderId = "MRD-done";
      done.status = domain::OrderStatus::Filled;
      domain::Position p{"NVDA", "", 5, 100.0};
      seed.call([&](storage::IStorage& s) {
            QVERIFY(s.journalOrder(open).ok());
            QVERIFY(s.journalOrder(done).ok());
            QVERIFY(s.savePosition(p).ok());
          })
          .get();
    }
    runtime::Kernel k(cfg);
    auto events = std::make_shared<bus::Mailbox>();
    k.bus().subscribe("exec.>", events);
    QVERIFY(k.start().ok());
    auto got = waitFor(*events, 2);
    QCOMPARE(got.size(), std::size_t(2));
    const auto* order = got[0].as<bus::OrderUpdated>();
    QVERIFY(order);
    QCOMPARE(order->order.clientOrderId, std::string("MRD-open"));
    const auto* pos = got[1].as<bus::PositionsSnapshot>();
    QVERIFY(pos);
    QCOMPARE(pos->positions.size(), std::size_t(1));
    QCOMPARE(pos->positions[0].avgCost, 100.0);
  }

  void warningsArePersistedToTheLogsTable() {
    common::initLogging(common::LogOptions{});
    runtime::Kernel k(config("k3.sqlite"));
    QVERIFY(k.start().ok());
    common::logger("test")->info("info line stays out of the database");
    common::logger("test")->error("disk almost full on /data");
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
          auto rows = k.storage().call([](storage::IStorage& s) { return s.recentLogs(100); }).get();
          if (!rows.ok()) return false;
          for (const auto& r : rows.value())
            if (r.message == "disk almost full on /data" && r.level == "error" && r.logger == "test") return true;
          return false;
        }(),
        5000);
    auto rows = k.storage().call([](storage::IStorage& s) { return s.recentLogs(100); }).get();
    for (const auto& r : rows.value()) QVERIFY(r.message != "info line stays out of the database");
    k.stop();
    common::shutdownLogging();
  }

  void unopenableDatabaseFailsStartClearly() {
    common::Config c;
    c.set("db.backend", "postgres");
    c.set("db.pg_uri", "postgresql://meridian:pw-not-logged@127.0.0.1:1/none?connect_timeout=2");
    runtime::Kernel k(c);
    Status s = k.start();
    QVERIFY(!s.ok());
    QVERIFY2(s.error().message.find("pw-not-logged") == std::string::npos, s.error().message.c_str());
    k.stop();  // harmless after a failed start
  }
};

QTEST_GUILESS_MAIN(tst_Kernel)
#include "tst_Kernel.moc"
