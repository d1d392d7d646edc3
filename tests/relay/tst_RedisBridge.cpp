// Integration: bus events mirrored to a real Redis (the README test command starts one), and Redis absent.
#include "core/relay/RedisBridge.h"

#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "core/contract/Wire.h"
#include "core/storage/redis/RedisSubscriber.h"

#include "core/contract/Jobs.h"
#include "core/contract/Risk.h"
#include "core/contract/System.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QtTest>

#include <QElapsedTimer>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include "tests/support/ChannelTap.h"
#include "tests/support/RequireServers.h"

#include <mutex>
#include <thread>

using namespace meridian;

namespace RedisBridge_test {  // named: the test class uses its types (-Wsubobject-linkage)

const char* const kRelayKey = "tst-redisbridge relay key";

// Drains a mailbox into a vector on demand (test thread).
struct Sink {
  Sink(bus::EventBus& b, const char* pattern) : mailbox(std::make_shared<bus::Mailbox>("sink")) {
    b.subscribe(pattern, mailbox);
  }
  template <class T>
  std::vector<T> all() {
    mailbox->drain(seen);
    std::vector<T> out;
    for (const auto& e : seen)
      if (const auto* x = e.as<T>()) out.push_back(*x);
    return out;
  }
  std::shared_ptr<bus::Mailbox> mailbox;
  std::vector<bus::Envelope> seen;
};

// A private redis-server on a free port that the test can stop and restart (Redis outage).
class PrivateRedis {
 public:
  bool start() {
    if (m_port == 0) {
      QTcpServer probe;
      if (!probe.listen(QHostAddress::LocalHost, 0)) return false;
      m_port = probe.serverPort();
    }
    m_proc.start(QStandardPaths::findExecutable("redis-server"),
                 {"--port", QString::number(m_port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"});
    if (!m_proc.waitForStarted(3000)) return false;
    storage::RedisCache probe(url());
    for (int i = 0; i < 50; ++i) {
      if (probe.ping().ok()) return true;
      QThread::msleep(50);
    }
    return false;
  }
  void stop() {
    m_proc.kill();
    m_proc.waitForFinished(3000);
  }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(m_port); }
  ~PrivateRedis() { stop(); }

 private:
  QProcess m_proc;
  quint16 m_port = 0;
};

// A serving process's heartbeat, written by the test like a server does (signed, every 200 ms) until stop():
// after stop() the key stays (its TTL) with a beat that no longer changes, like a server stopped by SIGSTOP.
class FakeHeartbeat {
 public:
  FakeHeartbeat(std::string url, std::string ns, const common::IClock& clock)
      : m_cache(std::move(url)), m_ns(std::move(ns)), m_clock(clock) {}
  ~FakeHeartbeat() { stop(); }
  void start() {
    stop();
    m_running = true;
    m_thread = std::thread([this] {
      while (m_running) {
        const std::string beat = contract::encodeHeartbeat({"fake-server", m_clock.now(), {}, {}}, kRelayKey);
        (void)m_cache.setValue(relay::serverKey(m_ns), beat, std::chrono::milliseconds(5000));
        std::unique_lock lock(m_mutex);
        m_cv.wait_for(lock, std::chrono::milliseconds(200), [this] { return !m_running.load(); });
      }
    });
  }
  void stop() {
    {
      std::lock_guard lock(m_mutex);
      m_running = false;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) m_thread.join();
  }

 private:
  storage::RedisCache m_cache;
  std::string m_ns;
  const common::IClock& m_clock;
  std::atomic<bool> m_running{false};
  std::mutex m_mutex;
  std::condition_variable m_cv;
  std::thread m_thread;
};

contract::SubmitOrder marketOrder(const std::string& corr) {
  domain::Order o;
  o.clientOrderId = "MRD-" + corr;
  o.symbol = "AAPL";
  o.type = domain::OrderType::Market;
  o.quantity = 1;
  return {corr, o};
}

}  // namespace RedisBridge_test
using namespace RedisBridge_test;


class tst_RedisBridge : public QObject {
  Q_OBJECT
  std::string m_url;
  common::RealClock m_clock;

 private Q_SLOTS:
  void initTestCase() {
    m_url = qEnvironmentVariable("MERIDIAN_TEST_REDIS_URL").toStdString();
    if (m_url.empty() && qEnvironmentVariable("MERIDIAN_REQUIRE_SERVERS") == "1")
      QFAIL("MERIDIAN_TEST_REDIS_URL is not set but MERIDIAN_REQUIRE_SERVERS=1");
  }

  void ordersBarsAndQuotesReachRedis() {
    if (m_url.empty()) QSKIP("set MERIDIAN_TEST_REDIS_URL or run the README test command (tests/run-all.sh)");
    std::mutex mutex;
    std::vector<std::pair<std::string, std::string>> received;
    storage::RedisSubscriber sub(m_url, [&](const std::string& ch, const std::string& payload) {
      std::lock_guard lock(mutex);
      received.emplace_back(ch, payload);
    });
    QVERIFY(sub.start({}, {"exec.order.*", "md.bar.*"}).ok());
    QVERIFY(sub.waitUntilSubscribed(std::chrono::milliseconds(5000)));

    bus::EventBus bus;
    relay::RedisBridge bridge(m_url, bus, m_clock);
    QVERIFY(bridge.start().ok());
    domain::Order o;
    o.clientOrderId = "MRD-bridge-1";
    o.symbol = "ORCL";
    o.quantity = 42;
    o.status = domain::OrderStatus::Accepted;
    bus.publish(contract::OrderUpdated{o, "C-1"});
    domain::Bar bar{1'700'000'000'000'000'000, 10, 11, 9, 10.5, 1000};
    bus.publish(contract::BarClosed{"ORCL", "sim", bar});
    for (int i = 1; i <= 500; ++i) {
      domain::Quote q{"ORCL", i, 10.0 + i * 0.01, 10.02 + i * 0.01};
      bus.publish(contract::QuoteUpdated{q});
    }
    QTRY_COMPARE_WITH_TIMEOUT([&] { std::lock_guard l(mutex); return received.size(); }(), std::size_t(2), 5000);
    bridge.stop();

    std::lock_guard lock(mutex);
    auto order = contract::decodeOrderEvent(received[0].second);
    QCOMPARE(received[0].first, std::string("exec.order.MRD-bridge-1"));
    QVERIFY(order.ok());
    QCOMPARE(order.value().quantity, 42.0);
    auto barEv = contract::decodeBarEvent(received[1].second);
    QVERIFY(barEv.ok());
    QVERIFY(barEv.value().bar == bar);

    storage::RedisCache cache(m_url);
    auto latest = cache.getLatestQuote("ORCL");
    QVERIFY(latest.ok() && latest.value().has_value());
    QCOMPARE(latest.value()->ts, domain::Timestamp(500));  // coalesced, but the last quote always lands
    QVERIFY(bridge.failed() == 0);
  }

  void redisAbsentDoesNotDisturbTheBus() {
    bus::EventBus bus;
    auto other = std::make_shared<bus::Mailbox>();
    bus.subscribe(">", other);
    relay::RedisBridge bridge("redis://127.0.0.1:1", bus, m_clock);
    QVERIFY(bridge.start().ok());
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < 1000; ++i) {
      domain::Order o;
      o.clientOrderId = "MRD-" + std::to_string(i);
      bus.publish(contract::OrderUpdated{o, {}});
    }
    QVERIFY(t.elapsed() < 1000);  // publishing never waits on Redis
    QCOMPARE(other->size(), std::size_t(1000));
    QTRY_VERIFY_WITH_TIMEOUT(!bridge.healthy(), 5000);
    bridge.stop();
    QVERIFY(bridge.failed() > 0);
  }

  // Serve and attach bridges on one Redis: the attached side reports the server's mode, announces it on its bus
  // when it first shows and when it changes, and keeps it while the server is away.
  void attachedBridgeFollowsTheServersTradingMode() {
    if (m_url.empty()) QSKIP("set MERIDIAN_TEST_REDIS_URL or run the README test command (tests/run-all.sh)");
    const std::string ns = "tst_redisbridge_mode_" + std::to_string(QCoreApplication::applicationPid());
    bus::EventBus serverBus, attachBus;
    relay::RelayOptions so;
    so.role = relay::RelayRole::Serve;
    so.ns = ns;
    so.mirror = false;
    so.key = kRelayKey;
    so.heartbeatInterval = std::chrono::milliseconds(100);
    relay::RelayOptions ao = so;
    ao.role = relay::RelayRole::Attach;
    Sink modes(attachBus, "sys.trading_mode");
    relay::RedisBridge attached(m_url, attachBus, m_clock, ao);
    QVERIFY(attached.start().ok() && attached.startInbound().ok());
    attached.setTradingMode(contract::TradingMode{true, false, "paper", ""});  // ignored: not its own to set
    QVERIFY(!attached.tradingMode().known);
    {
      relay::RedisBridge server(m_url, serverBus, m_clock, so);
      server.setTradingMode(contract::TradingMode{true, true, "alpaca", ""});
      QVERIFY(server.start().ok() && server.startInbound().ok());
      QTRY_VERIFY_WITH_TIMEOUT(attached.tradingMode().known, 5000);
      QVERIFY(attached.tradingMode().live);
      QCOMPARE(attached.tradingMode().broker, std::string("alpaca"));
      QCOMPARE(attached.tradingMode().origin, server.instanceId());
      QTRY_COMPARE_WITH_TIMEOUT(modes.all<contract::TradingMode>().size(), std::size_t(1), 3000);
      QVERIFY(modes.all<contract::TradingMode>().back().live);
      QThread::msleep(350);  // more heartbeats with the same mode: no further announcement
      QCOMPARE(modes.all<contract::TradingMode>().size(), std::size_t(1));
      server.setTradingMode(contract::TradingMode{true, false, "paper", ""});
      QTRY_COMPARE_WITH_TIMEOUT(modes.all<contract::TradingMode>().size(), std::size_t(2), 3000);
      QVERIFY(!attached.tradingMode().live);
      QCOMPARE(attached.tradingMode().broker, std::string("paper"));
      server.stop();  // deletes the heartbeat key
    }
    QTRY_VERIFY_WITH_TIMEOUT(!attached.serverAlive(), 3000);
    QVERIFY(attached.tradingMode().known);  // the last known mode stays
    QCOMPARE(modes.all<contract::TradingMode>().size(), std::size_t(2));
    attached.stop();
  }

  // A job command from an attached process when no server listens: answered locally at once, by correlation id,
  // without being sent.
  void jobCommandWithoutAServerIsRejectedAtOnce() {
    if (m_url.empty()) QSKIP("set MERIDIAN_TEST_REDIS_URL or run the README test command (tests/run-all.sh)");
    bus::EventBus attachBus;
    relay::RelayOptions ao;
    ao.role = relay::RelayRole::Attach;
    ao.ns = "tst_redisbridge_noserver_" + std::to_string(QCoreApplication::applicationPid());
    ao.key = kRelayKey;
    relay::RedisBridge attached(m_url, attachBus, m_clock, ao);
    QVERIFY(attached.start().ok() && attached.startInbound().ok());
    Sink rejects(attachBus, "sys.command.>");
    QVERIFY(attachBus.send(contract::RunJobNow{"C-job-1", "db_backup"}).ok());
    QTRY_VERIFY_WITH_TIMEOUT(!rejects.all<contract::CommandRejected>().empty(), 2000);
    const auto r = rejects.all<contract::CommandRejected>().front();
    QCOMPARE(r.correlationId, std::string("C-job-1"));
    QVERIFY2(r.reason.rfind("Not sent: server not responding", 0) == 0, r.reason.c_str());
    QCOMPARE(attached.stats().undelivered, std::uint64_t(1));
    attached.stop();
  }

  // Serve and attach bridges on two buses through a private Redis that goes away and comes back.
  void relaySurvivesARedisOutage() {
    if (QStandardPaths::findExecutable("redis-server").isEmpty()) MERIDIAN_SKIP_OR_FAIL("redis-server not installed");
    PrivateRedis redis;
    QVERIFY(redis.start());
    storage::RedisOptions fast;
    fast.backoffMax = std::chrono::milliseconds(500);  // reconnect quickly in the test
    bus::EventBus serverBus, attachBus;
    relay::RelayOptions so;
    so.role = relay::RelayRole::Serve;
    so.ns = "outage";
    so.mirror = false;
    so.key = kRelayKey;
    relay::RedisBridge server(redis.url(), serverBus, m_clock, so, fast);
    relay::RelayOptions ao = so;
    ao.role = relay::RelayRole::Attach;
    relay::RedisBridge attached(redis.url(), attachBus, m_clock, ao, fast);
    QVERIFY(server.start().ok() && server.startInbound().ok());
    QVERIFY(attached.start().ok() && attached.startInbound().ok());
    QVERIFY(server.instanceId() != attached.instanceId());
    QTRY_VERIFY_WITH_TIMEOUT(attached.healthy() && attached.serverAlive() && server.healthy(), 5000);

    Sink serverCommands(serverBus, "cmd.>");
    Sink attachedEvents(attachBus, "exec.>");
    Sink attachedRejects(attachBus, "sys.>");
    auto roundTrip = [&](const std::string& corr) {
      if (!attachBus.send(contract::CancelOrder{corr, "MRD-x"}).ok()) return false;  // the attached relay takes it
      for (int i = 0; i < 100; ++i) {
        for (const auto& c : serverCommands.all<contract::CancelOrder>())
          if (c.correlationId == corr) {
            // Stand-in for the execution service: answer with an event carrying the correlation id.
            domain::Order o;
            o.clientOrderId = "MRD-x";
            o.symbol = "AAPL";
            o.status = domain::OrderStatus::Cancelled;
            serverBus.publish(contract::OrderUpdated{o, corr});
            for (int j = 0; j < 100; ++j) {
              for (const auto& u : attachedEvents.all<contract::OrderUpdated>())
                if (u.correlationId == corr) return true;
              QThread::msleep(20);
            }
            qWarning("no event came back for %s", corr.c_str());
            return false;
          }
        QThread::msleep(20);
      }
      qWarning("command %s never reached the server (attached relay: %llu undelivered, %llu failed writes)",
               corr.c_str(), static_cast<unsigned long long>(attached.stats().undelivered),
               static_cast<unsigned long long>(attached.stats().failed));
      for (const auto& r : attachedRejects.all<contract::CommandRejected>())
        qWarning("  rejected %s: %s", r.correlationId.c_str(), r.reason.c_str());
      return false;
    };
    QVERIFY(roundTrip("C-before"));
    // State for late joiners: an open order and the risk state, in the server's hashes.
    domain::Order open;
    open.clientOrderId = "MRD-open";
    open.symbol = "MSFT";
    open.quantity = 7;
    open.status = domain::OrderStatus::Accepted;
    serverBus.publish(contract::OrderUpdated{open, "C-open"});
    serverBus.publish(contract::RiskStateChanged{true, false, "manual", "", 1});
    storage::RedisCache look(redis.url());
    auto holdsState = [&] {
      auto state = look.hashGetAll("outage:relay:state");
      auto orders = look.hashGetAll("outage:relay:orders");
      if (!state.ok() || !orders.ok()) return false;
      bool risk = false, order = false;
      for (const auto& [field, json] : *state) risk |= field == "risk_state";
      for (const auto& [field, json] : *orders) order |= field == "MRD-open";
      return risk && order;
    };
    QTRY_VERIFY_WITH_TIMEOUT(holdsState(), 5000);

    redis.stop();
    QTRY_VERIFY_WITH_TIMEOUT(!attached.healthy(), 5000);
    // Both sides keep running; a command during the outage is answered locally, not lost silently.
    QVERIFY(attachBus.send(contract::CancelOrder{"C-during", "MRD-x"}).ok());
    QTRY_VERIFY_WITH_TIMEOUT(
        !attachedRejects.all<contract::CommandRejected>().empty() &&
            attachedRejects.all<contract::CommandRejected>().back().correlationId == "C-during",
        5000);
    QVERIFY(attached.stats().undelivered >= 1);
    serverBus.publish(contract::OrderUpdated{domain::Order{}, ""});  // must not block

    QVERIFY(redis.start());  // same port, empty: the restarted Redis kept nothing
    QTRY_VERIFY_WITH_TIMEOUT(attached.healthy() && server.healthy(), 10000);
    // The server writes its state again, without waiting for the next change of it.
    QTRY_VERIFY_WITH_TIMEOUT(holdsState(), 10000);
    QVERIFY(server.stats().republished >= 1);
    QTRY_VERIFY_WITH_TIMEOUT(attached.serverAlive(), 5000);
    QVERIFY(roundTrip("C-after"));
    QCOMPARE(attached.stats().echoes + server.stats().echoes, std::uint64_t(0));
    attached.stop();
    server.stop();
  }

  // A command the server reads after its deadline (or that carries none) is answered and never handed to its bus;
  // one read in time is handed over and answered CommandAccepted. Messages are written to the channel by hand so
  // the deadline is exact.
  void commandReadAfterItsDeadlineIsAnsweredExpiredAndNotExecuted() {
    if (m_url.empty()) QSKIP("set MERIDIAN_TEST_REDIS_URL or run the README test command (tests/run-all.sh)");
    const std::string ns = "tst_redisbridge_deadline_" + std::to_string(QCoreApplication::applicationPid());
    bus::EventBus serverBus;
    relay::RelayOptions so;
    so.role = relay::RelayRole::Serve;
    so.ns = ns;
    so.mirror = false;
    so.key = kRelayKey;
    Sink commands(serverBus, "cmd.>");  // stands in for the execution service: what reaches it
    Sink answers(serverBus, "sys.command.>");
    relay::RedisBridge server(m_url, serverBus, m_clock, so);
    QVERIFY(server.start().ok() && server.startInbound().ok());
    QTRY_VERIFY_WITH_TIMEOUT(server.healthy(), 5000);

    storage::RedisCache writer(m_url);
    std::uint64_t seq = 0;
    auto send = [&](const std::string& corr, domain::Timestamp expires) {
      contract::RelayMessage m{"tst-origin", ++seq, "submit_order", m_clock.now(),
                               contract::Spec<contract::SubmitOrder>::encode(marketOrder(corr)), {}, expires};
      return writer.publish(server.commandsChannel(), contract::encodeRelayMessage(m, kRelayKey)).ok();
    };
    const domain::Timestamp now = m_clock.now();
    const domain::Timestamp freshDeadline = now + 5000 * domain::kNanosPerMilli;
    QVERIFY(send("C-late", now - 5 * domain::kNanosPerMilli));
    QVERIFY(send("C-none", 0));
    QVERIFY(send("C-fresh", freshDeadline));
    // The answers come in the order the commands were read: the in-time one last is the barrier.
    QTRY_VERIFY_WITH_TIMEOUT(!answers.all<contract::CommandAccepted>().empty(), 5000);
    QCOMPARE(answers.all<contract::CommandAccepted>().front().correlationId, std::string("C-fresh"));
    QCOMPARE(answers.all<contract::CommandAccepted>().front().by, server.instanceId());
    const auto rejected = answers.all<contract::CommandRejected>();
    QCOMPARE(rejected.size(), std::size_t(2));
    QCOMPARE(rejected[0].correlationId, std::string("C-late"));
    QVERIFY2(rejected[0].reason.rfind("Expired: the server read it ", 0) == 0, rejected[0].reason.c_str());
    QVERIFY2(rejected[0].reason.find("not executed") != std::string::npos, rejected[0].reason.c_str());
    QCOMPARE(rejected[1].correlationId, std::string("C-none"));
    QVERIFY2(rejected[1].reason.find("no deadline") != std::string::npos, rejected[1].reason.c_str());
    const auto reached = commands.all<contract::SubmitOrder>();
    QCOMPARE(reached.size(), std::size_t(1));
    QCOMPARE(reached[0].correlationId, std::string("C-fresh"));
    // It carries its deadline on the bus, for the service that executes it to check again right before acting.
    const auto reachedEnvelope = std::find_if(commands.seen.begin(), commands.seen.end(),
                                              [](const bus::Envelope& e) { return e.as<contract::SubmitOrder>(); });
    QVERIFY(reachedEnvelope != commands.seen.end());
    QCOMPARE(reachedEnvelope->deadline, freshDeadline);
    QCOMPARE(server.stats().expired, std::uint64_t(2));
    QCOMPARE(server.stats().accepted, std::uint64_t(1));
    server.stop();
  }

  // Another subscriber on the command channel (redis-cli, a dashboard) makes PUBLISH count one receiver, yet no
  // server answers: the command is not taken as delivered, and is answered "Expired" after its deadline. The
  // command carries its deadline: ts + 3 s for a market order.
  void anotherSubscriberDoesNotMakeACommandDelivered() {
    if (m_url.empty()) QSKIP("set MERIDIAN_TEST_REDIS_URL or run the README test command (tests/run-all.sh)");
    const std::string ns = "tst_redisbridge_void_" + std::to_string(QCoreApplication::applicationPid());
    FakeHeartbeat beat(m_url, ns, m_clock);
    beat.start();
    bus::EventBus attachBus;
    relay::RelayOptions ao;
    ao.role = relay::RelayRole::Attach;
    ao.ns = ns;
    ao.key = kRelayKey;
    relay::RedisBridge attached(m_url, attachBus, m_clock, ao);
    test::ChannelTap tap(m_url, attached.commandsChannel());
    QVERIFY(tap.ok);
    QVERIFY(attached.start().ok() && attached.startInbound().ok());
    QTRY_VERIFY_WITH_TIMEOUT(attached.serverAlive(), 5000);
    Sink answers(attachBus, "sys.command.>");
    QElapsedTimer sent;
    sent.start();
    QVERIFY(attachBus.send(marketOrder("C-void")).ok());
    QTRY_COMPARE_WITH_TIMEOUT(tap.all().size(), std::size_t(1), 5000);  // it was published, and received
    auto wire = contract::decodeRelayMessage(tap.all().front());
    QVERIFY(wire.ok());
    QCOMPARE(wire->expires - wire->ts, std::int64_t(3000) * domain::kNanosPerMilli);
    QVERIFY(contract::verifyRelayMessage(*wire, kRelayKey));  // the deadline is signed
    QVERIFY(answers.all<contract::CommandRejected>().empty());  // not refused: it went out
    QTRY_VERIFY_WITH_TIMEOUT(!answers.all<contract::CommandRejected>().empty(), 8000);
    const qint64 answeredAfterMs = sent.elapsed();
    const auto r = answers.all<contract::CommandRejected>().front();
    QCOMPARE(r.correlationId, std::string("C-void"));
    QVERIFY2(r.reason.rfind("Expired: the server did not answer in 4 s", 0) == 0, r.reason.c_str());
    QVERIFY2(answeredAfterMs >= 3000, qPrintable(QString::number(answeredAfterMs)));  // never before the deadline
    QCOMPARE(attached.stats().unanswered, std::uint64_t(1));
    QCOMPARE(attached.stats().undelivered, std::uint64_t(0));
    attached.stop();
    beat.stop();
  }

  // The server stops beating (SIGSTOP-like: its key stays, its beat no longer changes): within ~2 heartbeat
  // periods the attached relay publishes "server not responding" and refuses commands at once, without sending
  // them; when the beat resumes, the link is ok again and commands go out.
  void staleServerShowsAndRefusesAtOnce() {
    if (m_url.empty()) QSKIP("set MERIDIAN_TEST_REDIS_URL or run the README test command (tests/run-all.sh)");
    const std::string ns = "tst_redisbridge_stale_" + std::to_string(QCoreApplication::applicationPid());
    FakeHeartbeat beat(m_url, ns, m_clock);
    beat.start();
    bus::EventBus attachBus;
    relay::RelayOptions ao;
    ao.role = relay::RelayRole::Attach;
    ao.ns = ns;
    ao.key = kRelayKey;
    relay::RedisBridge attached(m_url, attachBus, m_clock, ao);
    test::ChannelTap tap(m_url, attached.commandsChannel());
    QVERIFY(tap.ok);
    Sink links(attachBus, "sys.server_link");
    Sink answers(attachBus, "sys.command.>");
    QVERIFY(attached.start().ok() && attached.startInbound().ok());
    auto latest = [&] {
      auto all = links.all<contract::ServerLinkState>();
      return all.empty() ? std::optional<contract::ServerLinkState>() : all.back();
    };
    QTRY_VERIFY_WITH_TIMEOUT(latest() && latest()->ok(), 5000);
    QVERIFY(attached.serverAlive());

    QElapsedTimer stopped;
    beat.stop();
    stopped.start();
    QTRY_VERIFY_WITH_TIMEOUT(latest() && latest()->state == contract::ServerLink::NotResponding, 3000);
    qInfo("server not responding shown %lld ms after its last heartbeat write stopped (period 1000 ms)",
          static_cast<long long>(stopped.elapsed()));
    QVERIFY2(latest()->detail.find("no heartbeat for") != std::string::npos, latest()->detail.c_str());
    QVERIFY(latest()->lastBeat > 0);
    QVERIFY(!attached.serverAlive());

    QVERIFY(attachBus.send(marketOrder("C-refused")).ok());
    QTRY_VERIFY_WITH_TIMEOUT(!answers.all<contract::CommandRejected>().empty(), 1000);
    const auto r = answers.all<contract::CommandRejected>().front();
    QCOMPARE(r.correlationId, std::string("C-refused"));
    QVERIFY2(r.reason.rfind("Not sent: server not responding", 0) == 0, r.reason.c_str());
    // Barrier: a marker published after the refusal reaches the tap; the refused command never did.
    storage::RedisCache writer(m_url);
    QVERIFY(writer.publish(attached.commandsChannel(), "marker").ok());
    QTRY_COMPARE_WITH_TIMEOUT(tap.all().size(), std::size_t(1), 5000);
    QCOMPARE(tap.all().front(), std::string("marker"));
    QCOMPARE(attached.stats().undelivered, std::uint64_t(1));

    beat.start();
    QTRY_VERIFY_WITH_TIMEOUT(latest() && latest()->ok(), 5000);
    QVERIFY(attached.serverAlive());
    QVERIFY(attachBus.send(marketOrder("C-after")).ok());
    QTRY_COMPARE_WITH_TIMEOUT(tap.all().size(), std::size_t(2), 5000);  // sent again once the server is back
    attached.stop();
    beat.stop();
  }
};

QTEST_GUILESS_MAIN(tst_RedisBridge)
#include "tst_RedisBridge.moc"
