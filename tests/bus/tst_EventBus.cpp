// The bus and its two lanes: typed and pattern subscriptions, the coalescing lane (latest per topic, counted),
// the lossless lane (never drops; commands refused at the sender, all or nothing, when a receiver is full or no one
// listens), delivery order, notifier and shutdown, and a quote flood that loses no command.
#include "core/bus/EventBus.h"
#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"

#include <QtTest>

#include <atomic>
#include <limits>
#include <thread>

using namespace meridian;
using namespace meridian::bus;
using contract::BarClosed;
using contract::CancelOrder;
using contract::OrderFilled;
using contract::OrderUpdated;
using contract::QuoteUpdated;
using contract::SubmitOrder;

namespace {

QuoteUpdated quote(const char* symbol, double last) {
  domain::Quote q;
  q.symbol = symbol;
  q.last = last;
  return QuoteUpdated{q};
}

SubmitOrder submit(int i) {
  SubmitOrder s;
  s.correlationId = "C-" + std::to_string(i);
  s.order.clientOrderId = "MRD-" + std::to_string(i);
  return s;
}

}  // namespace

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

  void typedSubscriptionsFollowOneTypeOrOneKey() {
    EventBus bus;
    auto orders = std::make_shared<Mailbox>("orders");
    auto aapl = std::make_shared<Mailbox>("aapl bars");
    auto everything = std::make_shared<Mailbox>("all");
    bus.subscribe<OrderUpdated>(orders);
    bus.subscribe<BarClosed>(aapl, "AAPL");
    bus.subscribe(">", everything);
    domain::Order o;
    o.clientOrderId = "MRD-1";
    o.quantity = 100;
    bus.publish(OrderUpdated{o, "C-1"});
    bus.publish(BarClosed{"AAPL", "sim", {}});
    bus.publish(BarClosed{"MSFT", "sim", {}});
    std::vector<Envelope> got;
    QCOMPARE(orders->drain(got), std::size_t(1));
    QCOMPARE(got[0].topic, std::string("exec.order.MRD-1"));  // the topic comes from the contract
    const auto* ev = got[0].as<OrderUpdated>();
    QVERIFY(ev);
    QCOMPARE(ev->order.quantity, 100.0);
    QCOMPARE(ev->correlationId, std::string("C-1"));
    QVERIFY(got[0].as<BarClosed>() == nullptr);  // typed access checks the type
    got.clear();
    QCOMPARE(aapl->drain(got), std::size_t(1));
    QCOMPARE(got[0].as<BarClosed>()->symbol, std::string("AAPL"));
    QCOMPARE(everything->size(), std::size_t(3));
    QCOMPARE(bus.published(), std::uint64_t(3));
  }

  void oneMailboxGetsAMessageOnceThoughSeveralSubscriptionsMatch() {
    EventBus bus;
    auto mb = std::make_shared<Mailbox>("mb");
    bus.subscribe<BarClosed>(mb);
    bus.subscribe<BarClosed>(mb, "AAPL");
    bus.subscribe("md.>", mb);
    bus.publish(BarClosed{"AAPL", "sim", {}});
    QCOMPARE(mb->size(), std::size_t(1));
  }

  void dispatcherRoutesByType() {
    EventBus bus;
    auto mb = std::make_shared<Mailbox>("mb");
    bus.subscribe(">", mb);
    bus.publish(BarClosed{"A", "sim", {}});
    bus.publish(OrderFilled{});
    bus.publish(BarClosed{"B", "sim", {}});
    Dispatcher d;
    std::vector<std::string> bars;
    d.on<BarClosed>([&](const BarClosed& b) { bars.push_back(b.symbol); });
    std::vector<Envelope> got;
    mb->drain(got);
    int unhandled = 0;
    for (const auto& e : got) unhandled += d.dispatch(e) ? 0 : 1;
    QCOMPARE(bars, (std::vector<std::string>{"A", "B"}));
    QCOMPARE(unhandled, 1);
  }

  void unsubscribeAndExpiredMailboxes() {
    EventBus bus;
    auto a = std::make_shared<Mailbox>("a");
    const auto id = bus.subscribe(">", a);
    {
      auto gone = std::make_shared<Mailbox>("gone");
      bus.subscribe(">", gone);
    }  // mailbox destroyed: publish must not crash
    bus.publishRaw("x", 1);
    bus.unsubscribe(id);
    bus.publishRaw("x", 2);
    QCOMPARE(a->size(), std::size_t(1));
  }

  void coalescingLaneKeepsTheLatestPerTopicAndCountsTheRest() {
    EventBus bus;
    auto mb = std::make_shared<Mailbox>("quotes");
    bus.subscribe<QuoteUpdated>(mb);
    for (int i = 1; i <= 100; ++i) {
      bus.publish(quote("AAPL", i));
      bus.publish(quote("MSFT", 1000 + i));
    }
    bus.publish(quote("NVDA", 5));
    QCOMPARE(mb->size(), std::size_t(3));
    std::vector<Envelope> got;
    mb->drain(got);
    QCOMPARE(got.size(), std::size_t(3));
    // The newest value of each topic, in the order those newest values arrived.
    QCOMPARE(got[0].as<QuoteUpdated>()->quote.symbol, std::string("AAPL"));
    QCOMPARE(got[0].as<QuoteUpdated>()->quote.last, 100.0);
    QCOMPARE(got[1].as<QuoteUpdated>()->quote.last, 1100.0);
    QCOMPARE(got[2].as<QuoteUpdated>()->quote.last, 5.0);
    QCOMPARE(mb->stats().coalesced, std::uint64_t(2 * 99));
    // Drained: the next quote starts a fresh slot.
    bus.publish(quote("AAPL", 101));
    got.clear();
    mb->drain(got);
    QCOMPARE(got.size(), std::size_t(1));
    QCOMPARE(got[0].as<QuoteUpdated>()->quote.last, 101.0);
  }

  void bothLanesDrainInArrivalOrderAndAnEventIsNeverDropped() {
    EventBus bus;
    auto mb = std::make_shared<Mailbox>("execution", 8);
    bus.subscribe<QuoteUpdated>(mb);
    bus.subscribe<OrderFilled>(mb);
    bus.publish(quote("AAPL", 1));
    for (int i = 0; i < 20; ++i) {  // beyond the lane's capacity: events are still queued
      domain::Fill f;
      f.fillId = "F-" + std::to_string(i);
      f.symbol = "AAPL";
      bus.publish(OrderFilled{f});
    }
    bus.publish(quote("AAPL", 2));  // replaces the first quote, and arrives last
    bus.publish(quote("MSFT", 3));
    std::vector<Envelope> got;
    mb->drain(got);
    QCOMPARE(got.size(), std::size_t(22));
    for (int i = 0; i < 20; ++i) QCOMPARE(got[i].as<OrderFilled>()->fill.fillId, "F-" + std::to_string(i));
    QCOMPARE(got[20].as<QuoteUpdated>()->quote.last, 2.0);  // the coalesced quote at its newest value's arrival
    QCOMPARE(got[21].as<QuoteUpdated>()->quote.last, 3.0);
    QCOMPARE(mb->stats().losslessPeak, std::size_t(20));
    QCOMPARE(mb->stats().refused, std::uint64_t(0));
  }

  void boundedDrainKeepsTheRestInOrder() {
    EventBus bus;
    auto mb = std::make_shared<Mailbox>("mb");
    bus.subscribe<QuoteUpdated>(mb);
    for (const char* s : {"A", "B", "C", "D"}) bus.publish(quote(s, 1));
    std::vector<Envelope> got;
    QCOMPARE(mb->drain(got, 3), std::size_t(3));
    bus.publish(quote("B", 2));  // B was already handed out: a new slot
    bus.publish(quote("D", 3));  // D still waits: replaced, and now newer than B
    QCOMPARE(mb->drain(got), std::size_t(2));
    QCOMPARE(got[3].as<QuoteUpdated>()->quote.symbol, std::string("B"));
    QCOMPARE(got[4].as<QuoteUpdated>()->quote.symbol, std::string("D"));
    QCOMPARE(got[4].as<QuoteUpdated>()->quote.last, 3.0);
  }

  void aCommandIsRefusedAtTheSenderWhenAReceiverIsFull() {
    EventBus bus;
    auto execution = std::make_shared<Mailbox>("execution", 3);
    auto audit = std::make_shared<Mailbox>("audit");
    bus.subscribe<SubmitOrder>(execution);
    bus.subscribe("cmd.>", audit);
    for (int i = 0; i < 3; ++i) QVERIFY(bus.send(submit(i)).ok());
    const Status refused = bus.send(submit(3));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, std::string("bus.refused"));
    QVERIFY2(refused.error().message.find("execution queue is full") != std::string::npos,
             refused.error().message.c_str());
    QCOMPARE(execution->stats().refused, std::uint64_t(1));
    // All or nothing: the refused command reached no one.
    QCOMPARE(execution->size(), std::size_t(3));
    QCOMPARE(audit->size(), std::size_t(3));
    // Once the receiver catches up, commands flow again.
    std::vector<Envelope> got;
    execution->drain(got);
    QVERIFY(bus.send(submit(4)).ok());
    QCOMPARE(execution->size(), std::size_t(1));
  }

  void aCommandNobodyHandlesIsRefusedNotLost() {
    EventBus bus;
    const Status s = bus.send(CancelOrder{"C-1", "MRD-1"});
    QVERIFY(!s.ok());
    QVERIFY2(s.error().message.find("cancel_order not sent") != std::string::npos, s.error().message.c_str());
    auto closed = std::make_shared<Mailbox>("stopped");
    bus.subscribe<CancelOrder>(closed);
    closed->close();  // a stopped service takes nothing
    QVERIFY(!bus.send(CancelOrder{"C-2", "MRD-1"}).ok());
  }

  // A relayed command's deadline reaches every receiver with the command; a command of this process has none.
  void aCommandCarriesItsDeadlineToEveryReceiver() {
    EventBus bus;
    auto a = std::make_shared<Mailbox>("a");
    auto b = std::make_shared<Mailbox>("b");
    bus.subscribe<SubmitOrder>(a);
    bus.subscribe("cmd.>", b);
    QVERIFY(bus.send(submit(1), 5'000).ok());
    QVERIFY(bus.send(submit(2)).ok());
    for (const auto& mb : {a, b}) {
      std::vector<Envelope> got;
      mb->drain(got);
      QCOMPARE(got.size(), std::size_t(2));
      QCOMPARE(got[0].deadline, std::int64_t(5'000));
      QVERIFY(got[0].pastDeadline(5'001) && !got[0].pastDeadline(5'000));
      QCOMPARE(got[1].deadline, std::int64_t(0));
      QVERIFY(!got[1].pastDeadline(std::numeric_limits<std::int64_t>::max()));  // no deadline: never late
    }
  }

  void notifierFiresOnEmptyToNonEmptyOnly() {
    EventBus bus;
    auto mb = std::make_shared<Mailbox>("mb");
    std::atomic<int> wakes{0};
    mb->setNotifier([&] { ++wakes; });
    bus.subscribe(">", mb);
    bus.publishRaw("a", 1);
    bus.publishRaw("a", 2);
    bus.publish(quote("AAPL", 1));
    QCOMPARE(wakes.load(), 1);
    std::vector<Envelope> got;
    mb->drain(got);
    bus.publish(quote("AAPL", 2));
    QCOMPARE(wakes.load(), 2);
  }

  void publishAllIsPublishingInOrderWithOneWakeUpPerMailbox() {
    EventBus bus;
    auto all = std::make_shared<Mailbox>("all");
    auto aapl = std::make_shared<Mailbox>("aapl");
    auto none = std::make_shared<Mailbox>("none");
    std::atomic<int> allWakes{0}, aaplWakes{0}, noneWakes{0};
    all->setNotifier([&] { ++allWakes; });
    aapl->setNotifier([&] { ++aaplWakes; });
    none->setNotifier([&] { ++noneWakes; });
    bus.subscribe<QuoteUpdated>(all);
    bus.subscribe(">", all);  // a second matching subscription: still once per message
    bus.subscribe<QuoteUpdated>(aapl, "AAPL");
    bus.subscribe<QuoteUpdated>(none, "NVDA");
    std::vector<std::shared_ptr<const QuoteUpdated>> burst;
    for (int i = 1; i <= 10; ++i) {
      burst.push_back(std::make_shared<const QuoteUpdated>(quote("AAPL", i)));
      burst.push_back(std::make_shared<const QuoteUpdated>(quote("MSFT", 100 + i)));
    }
    const std::uint64_t before = bus.published();
    bus.publishAll(burst);
    QCOMPARE(bus.published(), before + burst.size());
    QCOMPARE(allWakes.load(), 1);
    QCOMPARE(aaplWakes.load(), 1);
    QCOMPARE(noneWakes.load(), 0);
    QCOMPARE(none->size(), std::size_t(0));
    // Exactly as if published one by one: the latest per symbol, the rest counted as coalesced, sequence in order.
    std::vector<Envelope> got;
    all->drain(got);
    QCOMPARE(got.size(), std::size_t(2));
    QCOMPARE(got[0].as<QuoteUpdated>()->quote.last, 10.0);
    QCOMPARE(got[1].as<QuoteUpdated>()->quote.last, 110.0);
    QCOMPARE(got[0].topic, std::string("md.quote.AAPL"));
    QCOMPARE(got[1].seq, got[0].seq + 1);
    QCOMPARE(got[1].seq, before + burst.size());
    QCOMPARE(all->stats().coalesced, std::uint64_t(18));
    got.clear();
    aapl->drain(got);
    QCOMPARE(got.size(), std::size_t(1));
    QCOMPARE(got[0].as<QuoteUpdated>()->quote.last, 10.0);
    QCOMPARE(aapl->stats().coalesced, std::uint64_t(9));
    // Nothing to publish: nothing happens.
    bus.publishAll(std::vector<std::shared_ptr<const QuoteUpdated>>{});
    QCOMPARE(bus.published(), before + burst.size());
    QCOMPARE(allWakes.load(), 1);
  }

  void manyPublishersOneConsumerKeepsPerPublisherOrder() {
    EventBus bus;
    auto mb = std::make_shared<Mailbox>("mb");
    bus.subscribe("t.*", mb);
    constexpr int kThreads = 4, kPer = 20'000;
    std::vector<std::thread> ts;
    for (int t = 0; t < kThreads; ++t)
      ts.emplace_back([&bus, t] {
        const std::string topic = "t." + std::to_string(t);
        for (int i = 0; i < kPer; ++i) bus.publishRaw(topic, i);
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
  }

  // A consumer busy 2 ms per batch, a feed publishing quotes as fast as it can on 20 symbols (far above 50k/s), and
  // a sender of 2000 orders and cancels spread over the flood: every command arrives once, in order; only quotes
  // were coalesced.
  void aQuoteFloodLosesNoCommand() {
    EventBus bus;
    auto mb = std::make_shared<Mailbox>("execution");
    bus.subscribe<QuoteUpdated>(mb);
    bus.subscribe<SubmitOrder>(mb);
    bus.subscribe<CancelOrder>(mb);
    std::atomic<bool> flooding{true};
    std::atomic<std::uint64_t> quotes{0};
    std::thread feed([&] {
      static const char* kSymbols[] = {"AAPL", "MSFT", "NVDA", "AMZN", "GOOG", "META", "TSLA", "ORCL", "KO", "PEP",
                                       "XOM", "CVX", "JPM", "BAC", "WMT", "HD", "DIS", "NFLX", "INTC", "AMD"};
      for (std::uint64_t i = 0; flooding.load(); ++i) {
        bus.publish(quote(kSymbols[i % 20], double(i)));
        quotes.fetch_add(1, std::memory_order_relaxed);
      }
    });
    constexpr int kCommands = 2000;
    std::atomic<int> sendFailures{0};
    std::thread sender([&] {
      for (int i = 0; i < kCommands; ++i) {
        if (!bus.send(submit(i)).ok()) ++sendFailures;
        if (!bus.send(CancelOrder{"X-" + std::to_string(i), "MRD-" + std::to_string(i)}).ok()) ++sendFailures;
        if (i % 10 == 9) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
    int submits = 0, cancels = 0;
    bool inOrder = true;
    std::vector<Envelope> batch;
    const auto start = std::chrono::steady_clock::now();
    const auto deadline = start + std::chrono::seconds(60);
    while ((submits < kCommands || cancels < kCommands) && std::chrono::steady_clock::now() < deadline) {
      if (!mb->waitNonEmpty(std::chrono::milliseconds(50))) continue;
      batch.clear();
      mb->drain(batch, 4096);
      for (const auto& e : batch) {
        if (const auto* s = e.as<SubmitOrder>()) inOrder &= s->correlationId == "C-" + std::to_string(submits++);
        if (const auto* c = e.as<CancelOrder>()) inOrder &= c->correlationId == "X-" + std::to_string(cancels++);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));  // a busy consumer
    }
    sender.join();
    flooding = false;
    feed.join();
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    QCOMPARE(sendFailures.load(), 0);
    QCOMPARE(submits, kCommands);
    QCOMPARE(cancels, kCommands);
    QVERIFY(inOrder);
    const MailboxStats stats = mb->stats();
    QCOMPARE(stats.refused, std::uint64_t(0));
    QVERIFY(stats.coalesced > 0);  // the flood was real: quotes were replaced while the consumer slept
    qInfo("flood: %.0f quotes/s for %.2f s, %llu coalesced, %d + %d commands delivered", double(quotes.load()) / seconds,
          seconds, static_cast<unsigned long long>(stats.coalesced), submits, cancels);
  }

  void mailboxStatsListEveryLiveMailboxOnce() {
    EventBus bus;
    auto a = std::make_shared<Mailbox>("a");
    auto b = std::make_shared<Mailbox>("b");
    bus.subscribe<QuoteUpdated>(a);
    bus.subscribe<BarClosed>(a);
    bus.subscribe<QuoteUpdated>(b);
    bus.publish(quote("X", 1));
    bus.publish(quote("X", 2));
    const auto stats = bus.mailboxStats();
    QCOMPARE(stats.size(), std::size_t(2));
    QCOMPARE(stats[0].name, std::string("a"));
    QCOMPARE(stats[0].coalesced, std::uint64_t(1));
    QCOMPARE(stats[1].coalescing, std::size_t(1));
  }

  void closedMailboxWakesWaiter() {
    auto mb = std::make_shared<Mailbox>("mb");
    std::thread t([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      mb->close();
    });
    QVERIFY(!mb->waitNonEmpty(std::chrono::seconds(10)));
    t.join();
    mb->push(Envelope{});
    QCOMPARE(mb->size(), std::size_t(0));
    QVERIFY(!mb->tryPush(Envelope{}));
  }
};

QTEST_APPLESS_MAIN(tst_EventBus)
#include "tst_EventBus.moc"
