#include "core/storage/StorageService.h"

#include <QTemporaryDir>
#include <QtTest>

#include <thread>

using namespace meridian;
using namespace meridian::storage;

class tst_StorageService : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  storage::StorageConfig sqlite(const QString& name) {
    storage::StorageConfig c;
    c.backend = "sqlite";
    c.sqlitePath = m_dir.filePath(name).toStdString();
    return c;
  }

 private Q_SLOTS:
  void tasksRunOnTheStorageThreadInOrder() {
    StorageService svc(sqlite("a.sqlite"));
    QVERIFY(svc.start().ok());
    const auto caller = std::this_thread::get_id();
    std::vector<int> order;
    std::thread::id worker;
    for (int i = 0; i < 100; ++i)
      svc.post([&order, &worker, i](storage::IStorage&) {
        order.push_back(i);
        worker = std::this_thread::get_id();
      });
    const std::string backend = svc.call([](storage::IStorage& s) { return std::string(s.backendName()); }).get();
    QCOMPARE(backend, std::string("sqlite"));
    QCOMPARE(order.size(), std::size_t(100));
    QVERIFY(std::is_sorted(order.begin(), order.end()));
    QVERIFY(worker != caller);
  }

  void stopDrainsPendingWrites() {
    const auto cfg = sqlite("b.sqlite");
    {
      StorageService svc(cfg);
      QVERIFY(svc.start().ok());
      for (int i = 0; i < 50; ++i) {
        domain::Order o;
        o.clientOrderId = "MRD-" + std::to_string(i);
        o.symbol = "AAPL";
        o.quantity = 1 + i;
        svc.post([o](storage::IStorage& s) { QVERIFY(s.journalOrder(o).ok()); });
      }
      svc.stop();  // everything posted before stop must be written
      QVERIFY(!svc.running());
    }
    StorageService again(cfg);
    QVERIFY(again.start().ok());
    auto orders = again.call([](storage::IStorage& s) { return s.loadOrders(1000); }).get();
    QVERIFY(orders.ok());
    QCOMPARE(orders.value().size(), std::size_t(50));
  }

  void startFailsClearlyForBadBackendAndBadPath() {
    storage::StorageConfig bad;
    bad.backend = "oracle";
    StorageService svc(bad);
    Status s = svc.start();
    QVERIFY(!s.ok());
    QVERIFY2(QString::fromStdString(s.error().message).contains("oracle"), s.error().message.c_str());
    QVERIFY(!svc.running());

    storage::StorageConfig c;
    c.backend = "sqlite";
    c.sqlitePath = "/proc/meridian-cannot-write-here/db.sqlite";
    StorageService denied(c);
    QVERIFY(!denied.start().ok());
  }

  void createsMissingDataDirectory() {
    StorageService svc(sqlite("first/run/meridian.sqlite"));
    QVERIFY(svc.start().ok());
    QVERIFY(QFileInfo::exists(m_dir.filePath("first/run/meridian.sqlite")));
  }

  void postAfterStopIsRejectedNotLost() {
    StorageService svc(sqlite("c.sqlite"));
    QVERIFY(svc.start().ok());
    svc.stop();
    auto f = svc.call([](storage::IStorage&) { return 1; });
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, f.get());
  }
};

QTEST_GUILESS_MAIN(tst_StorageService)
#include "tst_StorageService.moc"
