#include "core/bus/SpscQueue.h"

#include <QtTest>

#include <thread>

using meridian::bus::SpscQueue;

class tst_SpscQueue : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void fullAndEmpty() {
    SpscQueue<int> q(3);
    QVERIFY(q.capacity() >= 3);
    QVERIFY(q.empty());
    QVERIFY(!q.tryPop().has_value());
    std::size_t pushed = 0;
    while (q.tryPush(int(pushed))) ++pushed;
    QCOMPARE(pushed, q.capacity());
    QCOMPARE(*q.tryPop(), 0);
    QVERIFY(q.tryPush(99));
  }
  void orderedTransferAcrossThreads() {
    SpscQueue<std::uint64_t> q(1024);
    constexpr std::uint64_t N = 2'000'000;
    std::thread producer([&] {
      for (std::uint64_t i = 0; i < N; ++i)
        while (!q.tryPush(i)) std::this_thread::yield();
    });
    std::uint64_t expected = 0, sum = 0;
    bool inOrder = true;
    while (expected < N) {
      if (auto v = q.tryPop()) {
        inOrder &= (*v == expected);
        sum += *v;
        ++expected;
      } else {
        std::this_thread::yield();
      }
    }
    producer.join();
    QVERIFY(inOrder);
    QCOMPARE(sum, N * (N - 1) / 2);
  }
};

QTEST_APPLESS_MAIN(tst_SpscQueue)
#include "tst_SpscQueue.moc"
