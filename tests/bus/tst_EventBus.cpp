#include "core/bus/EventBus.h"
#include "core/bus/Events.h"

#include <QtTest>

#include <atomic>
#include <thread>

using namespace meridian::bus;
using meridian::domain::Order;

class tst_EventBus : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void topicMatching_data() {
    QTest::addColumn<QString>("pattern");
    QTest::addColumn<QString>("topic");
    QTest::addColumn<bool>("match");
    QTest::newRow("exact") << "md.bar.AAPL" << "md.bar.AAPL" << true;
    QTest::newRow("exact other") << "md.bar.AAPL" << "md.bar.MSFT" << false;
    QTest::newRow("star one segment") << "md.bar.*" << "md.bar.AAPL" << true;
    QTest::newRow("star not two") << "md.bar.*" << "md.bar.AAPL.1m" << false;
    QTest::newRow("star middle") << "md.*.AAPL" << "md.quote.AAPL" << true;
    QTest::newRow("tail") << "md.>" << "md.bar.AAPL" << true;
    QTest::newRow("tail needs one") << "md.>" << "md" << false;
    QTest::newRow("all") << ">" << "exec.order.X" << true;
    QTest::newRow("prefix is not match") << "md.bar" << "md.bar.AAPL" << false;
    QTest::newRow("longer pattern") << "md.bar.AAPL.x" << "md.bar.AAPL" << false;
    QTest::newRow("segment prefix") << "md.ba" << "md.bar" << false;
    QTest::newRow("star empty segment") << "md.*" << "md." << false;
  }
  void topicMatching() {
    QFETCH(QString, pattern);
    QFETCH(QString, topic);
    QFETCH(bool, match);
    QCOMPARE(topicMatches(pattern.toStdString(), topic.toStdString()), match);
  }

  void deliversSharedImmutablePayloadToMatchingSubscribers() {
    EventBus bus;
    auto orders = std::make_shared<Mailbox>();
    auto bars = std::make_shared<Mailbox>();
    bus.subscribe("exec.order.*", orders);
    bus.subscribe("md.bar.>", bars);
    Order o;
    o.clientOrderId = "MRD-1";
    o.quantity = 100;
    bus.publish("exec.order.MRD-1", OrderUpdated{o, "C-1"});
    bus.publish("md.bar.AAPL", BarClosed{"AAPL", "sim", {}});
    std::vector<Envelope> got;
    QCOMPARE(orders->drain(got), std::size_t(1));
    QCOMPARE(bars->size(), std::size_t(1));
    const auto* ev = got[0].as<OrderUpdated>();
    QVERIFY(ev);
    QCOMPARE(ev->order.quantity, 100.0);
    QCOMPARE(ev->correlationId, std::string("C-1"));
    QVERIFY(got[0].as<BarClosed>() == nullptr);  // typed access checks the type
    QCOMPARE(bus.published(), std::uint64_t(2));
  }

  void dispatcherRoutesByType() {
    EventBus bus;
    auto mb = std::make_shared<Mailbox>();
    bus.subscribe(">", mb);
    bus.publish("md.bar.A", BarClosed{"A", "sim", {}});
    bus.publish("exec.fill.A", OrderFilled{});
    bus.publish("md.bar.B", BarClosed{"B", "sim", {}});
    Dispatcher d;
    std::vector<std::string> bars;
    d.on<BarClosed>([&](const Envelope&, const BarClosed& b) { bars.push_back(b.symbol); });
    std::vector<Envelope> got;
    mb->drain(got);
    int unhandled = 0;
    for (const auto& e : got) unhandled += d.dispatch(e) ? 0 : 1;
    QCOMPARE(bars, (std::vector<std::string>{"A", "B"}));
    QCOMPARE(unhandled, 1);
  }

  void unsubscribeAndExpiredMailboxes() {
    EventBus bus;
    auto a = std::make_shared<Mailbox>();
    const auto id = bus.subscribe(">", a);
    {
      auto gone = std::make_shared<Mailbox>();
      bus.subscribe(">", gone);
    }  // mailbox destroyed: publish must not crash
    bus.publish("x", 1);
    bus.unsubscribe(id);
    bus.publish("x", 2);
    QCOMPARE(a->size(), std::size_t(1));
  }

  void boundedMailboxDropsOldest() {
    EventBus bus;
    auto mb = std::make_shared<Mailbox>(10);
    bus.subscribe(">", mb);
    for (int i = 0; i < 25; ++i) bus.publish("n", i);
    std::vector<Envelope> got;
    mb->drain(got);
    QCOMPARE(got.size(), std::size_t(10));
    QCOMPARE(*got.front().as<int>(), 15);
    QCOMPARE(mb->dropped(), std::uint64_t(15));
  }

  void notifierFiresOnEmptyToNonEmptyOnly() {
    EventBus bus;
    auto mb = std::make_shared<Mailbox>();
    std::atomic<int> wakes{0};
    mb->setNotifier([&] { ++wakes; });
    bus.subscribe(">", mb);
    bus.publish("a", 1);
    bus.publish("a", 2);
    QCOMPARE(wakes.load(), 1);
    std::vector<Envelope> got;
    mb->drain(got);
    bus.publish("a", 3);
    QCOMPARE(wakes.load(), 2);
  }

  void manyPublishersOneConsumerKeepsPerPublisherOrder() {
    EventBus bus;
    auto mb = std::make_shared<Mailbox>(1'000'000);
    bus.subscribe("t.*", mb);
    constexpr int kThreads = 4, kPer = 20'000;
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t)
      ts.emplace_back([&bus, t] {
        const std::string topic = "t." + std::to_string(t);
        for (int i = 0; i < kPer; ++i) bus.publish(topic, i);
      });
    std::vector<Envelope> got;
    std::thread consumer([&] {
      while (got.size() < std::size_t(kThreads * kPer))
        if (mb->waitNonEmpty(std::chrono::milliseconds(100))) mb->drain(got);
    });
    for (auto& t : ts) t.join();
    consumer.join();
    std::vector<int> next(kThreads, 0);
    bool ordered = true;
    for (const auto& e : got) {
      const int t = e.topic.back() - '0';
      ordered &= (*e.as<int>() == next[t]++);
    }
    QVERIFY(ordered);
    QCOMPARE(got.size(), std::size_t(kThreads * kPer));
    QCOMPARE(mb->dropped(), std::uint64_t(0));
  }

  void snapshotSlotKeepsOldSnapshotsAlive() {
    SnapshotSlot<PositionsSnapshot> slot;
    QVERIFY(!slot.load());
    auto s1 = std::make_shared<const PositionsSnapshot>(PositionsSnapshot{{{"AAPL"}}, 1});
    slot.store(s1);
    auto held = slot.load();
    slot.store(std::make_shared<const PositionsSnapshot>(PositionsSnapshot{{}, 2}));
    QCOMPARE(held->positions.size(), std::size_t(1));
    QCOMPARE(slot.load()->asOf, 2);
    QCOMPARE(slot.version(), std::uint64_t(2));
  }

  void closedMailboxWakesWaiter() {
    auto mb = std::make_shared<Mailbox>();
    std::thread t([&] { std::this_thread::sleep_for(std::chrono::milliseconds(20)); mb->close(); });
    QVERIFY(!mb->waitNonEmpty(std::chrono::seconds(10)));
    t.join();
    mb->push(Envelope{});
    QCOMPARE(mb->size(), std::size_t(0));
  }
};

QTEST_APPLESS_MAIN(tst_EventBus)
#include "tst_EventBus.moc"
