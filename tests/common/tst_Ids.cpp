#include "core/common/Ids.h"

#include <QtTest>

#include <set>
#include <thread>
#include <vector>

class tst_Ids : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void uniqueAcrossThreads() {
    std::vector<std::vector<std::string>> per(4);
    std::vector<std::thread> threads;
    for (auto& v : per)
      threads.emplace_back([&v] {
        for (int i = 0; i < 5000; ++i) v.push_back(meridian::common::newClientOrderId());
      });
    for (auto& t : threads) t.join();
    std::set<std::string> all;
    for (auto& v : per) all.insert(v.begin(), v.end());
    QCOMPARE(all.size(), std::size_t(20000));
  }
  void formatFitsBrokerLimit() {
    const std::string id = meridian::common::newClientOrderId();
    QVERIFY(id.rfind("MRD-", 0) == 0);
    QVERIFY(id.size() <= 48);
    QCOMPARE(id.size(), std::size_t(4 + 8 + 1 + 8));
  }
};

QTEST_APPLESS_MAIN(tst_Ids)
#include "tst_Ids.moc"
