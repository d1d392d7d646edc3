// Integration: bus events mirrored to a real Redis (the README test command starts one), and Redis absent.
#include "core/runtime/RedisBridge.h"

#include "core/bus/Events.h"
#include "core/storage/Codec.h"
#include "core/storage/redis/RedisSubscriber.h"

#include "core/execution/ExecutionEvents.h"
#include "core/jobs/JobEvents.h"
#include "core/runtime/RelayCodec.h"
#include "core/runtime/TradingMode.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QtTest>

#include <mutex>

using namespace meridian;

namespace {

// Drains a mailbox into a vector on demand (test thread).
struct Sink {
  Sink(bus::EventBus& b, const char* pattern) : mailbox(std::make_shared<bus::Mailbox>()) { b.subscribe(pattern, mailbox); }
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

// Re-encodes the first envelope of type T that `publish` puts on a fresh bus, then decodes it onto another bus.
template <class T>
std::shared_ptr<const T> relayThrough(const std::string& topic, T value, std::string* kind = nullptr) {
  bus::EventBus in;
  auto box = std::make_shared<bus::Mailbox>();
  in.subscribe(">", box);
  in.publish<T>(topic, std::move(value));
  std::vector<bus::Envelope> got;
  box->drain(got);
  if (got.size() != 1) return nullptr;
  auto enc = runtime::relay::encode(got[0]);
  if (!enc) return nullptr;
  if (kind) *kind = enc->kind;
  // Through the wire format, as a peer would see it.
  auto msg = storage::decodeRelayMessage(storage::encodeRelayMessage({"peer:1:1", 1, enc->kind, 1, enc->body}));
  if (!msg.ok()) return nullptr;
  auto dec = runtime::relay::decode(msg->kind, msg->body);
  if (!dec.ok()) return nullptr;
  bus::EventBus out;
  auto outBox = std::make_shared<bus::Mailbox>();
  out.subscribe(">", outBox);
  dec->publish(out);
  got.clear();
  outBox->drain(got);
  return got.size() == 1 ? got[0].share<T>() : nullptr;
}

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

}  // namespace


class tst_RedisBridge : public QObject {
  Q_OBJECT
  std::string m_url;

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
    runtime::RedisBridge bridge(m_url, bus);
    QVERIFY(bridge.start().ok());
    domain::Order o;
    o.clientOrderId = "MRD-bridge-1";
    o.symbol = "ORCL";
    o.quantity = 42;
    o.status = domain::OrderStatus::Accepted;
    bus.publish(bus::topics::order(o.clientOrderId), bus::OrderUpdated{o, "C-1"});
    domain::Bar bar{1'700'000'000'000'000'000, 10, 11, 9, 10.5, 1000};
    bus.publish(bus::topics::bar("ORCL"), bus::BarClosed{"ORCL", "sim", bar});
    for (int i = 1; i <= 500; ++i) {
      domain::Quote q{"ORCL", i, 10.0 + i * 0.01, 10.02 + i * 0.01};
      bus.publish(bus::topics::quote("ORCL"), bus::QuoteUpdated{q});
    }
    QTRY_COMPARE_WITH_TIMEOUT([&] { std::lock_guard l(mutex); return received.size(); }(), std::size_t(2), 5000);
    bridge.stop();

    std::lock_guard lock(mutex);
    auto order = storage::decodeOrderEvent(received[0].second);
    QCOMPARE(received[0].first, std::string("exec.order.MRD-bridge-1"));
    QVERIFY(order.ok());
    QCOMPARE(order.value().quantity, 42.0);
    auto barEv = storage::decodeBarEvent(received[1].second);
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
    runtime::RedisBridge bridge("redis://127.0.0.1:1", bus);
    QVERIFY(bridge.start().ok());
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < 1000; ++i) {
      domain::Order o;
      o.clientOrderId = "MRD-" + std::to_string(i);
      bus.publish(bus::topics::order(o.clientOrderId), bus::OrderUpdated{o, {}});
    }
    QVERIFY(t.elapsed() < 1000);  // publishing never waits on Redis
    QCOMPARE(other->size(), std::size_t(1000));
    QTRY_VERIFY_WITH_TIMEOUT(!bridge.healthy(), 5000);
    bridge.stop();
    QVERIFY(bridge.failed() > 0);
  }

  void relayCodecRoundTripsEveryRelayedType() {
    using namespace runtime::relay;
    std::string kind;
    domain::Order o;
    o.clientOrderId = "MRD-1";
    o.symbol = "AAPL";
    o.quantity = 5;
    o.status = domain::OrderStatus::PartiallyFilled;
    auto ou = relayThrough(bus::topics::order("MRD-1"), bus::OrderUpdated{o, "C-9"}, &kind);
    QVERIFY(ou && ou->order == o && ou->correlationId == "C-9");
    QCOMPARE(kind, std::string(kinds::kOrderUpdated));
    domain::Fill f{"F-1", "MRD-1", "AAPL", domain::Side::Buy, 2, 190.5, 0.1, 77, "s"};
    auto of = relayThrough(bus::topics::fill("AAPL"), bus::OrderFilled{f});
    QVERIFY(of && of->fill == f);
    bus::PositionsSnapshot ps{{domain::Position{"AAPL", "", 2, 190.5, 0, 191, 5}}, 6};
    auto ps2 = relayThrough(bus::topics::kPositions, ps);
    QVERIFY(ps2 && ps2->positions == ps.positions && ps2->asOf == 6);
    execution::AccountSnapshot a{"paper", 1, 2, 3, 4, 5, 6, 7, 8, 9};
    auto a2 = relayThrough(execution::topics::kAccount, a);
    QVERIFY(a2 && a2->equity == 2 && a2->peakEquity == 8 && a2->asOf == 9 && a2->broker == "paper");
    auto rs = relayThrough(execution::topics::kRiskState, execution::RiskStateChanged{true, false, "panic", "", 3});
    QVERIFY(rs && rs->killSwitch && !rs->circuitBreaker && rs->killSwitchReason == "panic");
    auto rr = relayThrough(execution::topics::kRiskRejected, execution::RiskRejected{"C-1", "MRD-2", "max_qty", "too big"});
    QVERIFY(rr && rr->rule == "max_qty" && rr->correlationId == "C-1");
    auto cr = relayThrough(execution::topics::kCommandRejected, bus::CommandRejected{"C-2", "no"});
    QVERIFY(cr && cr->correlationId == "C-2" && cr->reason == "no");
    auto q = relayThrough(bus::topics::quote("SPY"), bus::QuoteUpdated{domain::Quote{"SPY", 1, 2, 3, 4, 5, 6, 7}});
    QVERIFY(q && q->quote.ask == 3 && q->quote.lastSize == 7);
    auto b = relayThrough(bus::topics::bar("SPY"), bus::BarClosed{"SPY", "sim", domain::Bar{1, 2, 3, 1, 2, 10}});
    QVERIFY(b && b->bar == (domain::Bar{1, 2, 3, 1, 2, 10}) && b->source == "sim");
    // Commands.
    auto so = relayThrough(execution::topics::kSubmit, bus::SubmitOrder{"C-3", o}, &kind);
    QVERIFY(so && so->order == o && so->correlationId == "C-3");
    QVERIFY(isCommandKind(kind));
    auto co = relayThrough(execution::topics::kCancel, bus::CancelOrder{"C-4", "*"});
    QVERIFY(co && co->clientOrderId == "*");
    auto br = relayThrough(execution::topics::kSubmitBracket, execution::SubmitBracket{"C-5", o, o, o});
    QVERIFY(br && br->takeProfit == o);
    auto oco = relayThrough(execution::topics::kSubmitOco, execution::SubmitOco{"C-6", o, o});
    QVERIFY(oco && oco->second == o);
    auto rp = relayThrough(execution::topics::kReplace, execution::ReplaceOrder{"C-7", "MRD-1", 3, 10.5, 0, ""});
    QVERIFY(rp && rp->limitPrice == 10.5 && rp->quantity == 3);
    auto ks = relayThrough(execution::topics::kKillSwitch, execution::EngageKillSwitch{"C-8", "manual"});
    QVERIFY(ks && ks->reason == "manual");
    QVERIFY(relayThrough(execution::topics::kResetKillSwitch, execution::ResetKillSwitch{"C-9"}));
    QVERIFY(relayThrough(execution::topics::kResetCircuitBreaker, execution::ResetCircuitBreaker{"C-10"}));
    auto rj = relayThrough(jobs::topics::kRunNow, jobs::RunJobNow{"C-11", "pair_discovery"}, &kind);
    QVERIFY(rj && rj->correlationId == "C-11" && rj->jobName == "pair_discovery");
    QCOMPARE(kind, std::string(kinds::kRunJob));
    QVERIFY(isCommandKind(kind));
    // A command without a correlation id could never be answered: rejected.
    QJsonObject body;
    body.insert("client_order_id", "MRD-1");
    QVERIFY(!decode(kinds::kCancelOrder, body).ok());
    QVERIFY(!decode("no_such_kind", body).ok());
  }

  // The Jobs dock's snapshot crosses the process boundary field for field (it is also the late joiner's state).
  void relayCodecRoundTripsTheJobsSnapshot() {
    using namespace runtime::relay;
    jobs::JobsSnapshot snap;
    jobs::JobState a;
    a.name = "pair_discovery";
    a.description = "Weekly pairs";
    a.schedule = "weekly Sun 18:00";
    a.configured = true;
    a.enabled = false;
    a.nextRun = 1'700'000'000'123'456'789;
    a.running = true;
    a.attempt = 2;
    a.retries = 3;
    a.retryDelayMs = 60'000;
    a.timeoutMs = 3'600'000;
    a.lastStatus = "retrying";
    a.lastStarted = 11;
    a.lastFinished = 12;
    a.lastMessage = "only 0 of 2 symbols have stored daily bars — \"quoted\"";
    jobs::JobState b;
    b.name = "strategy_cycle";
    b.notConfiguredReason = "strategy.live is empty";
    snap.jobs = {a, b};
    storage::JobRunRecord finished{7, "pair_discovery", 100, 200, "failed", 1, "no data"};
    storage::JobRunRecord running{8, "db_backup", 300, std::nullopt, "running", 1, ""};
    snap.history = {running, finished};
    snap.asOf = 42;
    std::string kind;
    auto got = relayThrough(jobs::topics::kSnapshot, snap, &kind);
    QVERIFY(got);
    QCOMPARE(kind, std::string(kinds::kJobs));
    QVERIFY(isStateKind(kind) && !isCommandKind(kind));
    QCOMPARE(got->jobs.size(), std::size_t(2));
    const auto& ga = got->jobs[0];
    QVERIFY(ga.name == a.name && ga.description == a.description && ga.schedule == a.schedule);
    QVERIFY(ga.configured && !ga.enabled && ga.running && ga.nextRun == a.nextRun);
    QVERIFY(ga.attempt == 2 && ga.retries == 3 && ga.retryDelayMs == 60'000 && ga.timeoutMs == 3'600'000);
    QVERIFY(ga.lastStatus == "retrying" && ga.lastStarted == 11 && ga.lastFinished == 12);
    QCOMPARE(ga.lastMessage, a.lastMessage);
    QVERIFY(!got->jobs[1].configured && got->jobs[1].enabled);
    QCOMPARE(got->jobs[1].notConfiguredReason, b.notConfiguredReason);
    QVERIFY(got->history == snap.history);  // including the unfinished run's missing finished_ts
    QCOMPARE(got->asOf, domain::Timestamp(42));

    // Schema violations are refused, not half-applied.
    QJsonObject body;
    body.insert("jobs", QJsonArray{QJsonObject{{"name", ""}, {"configured", true}}});
    body.insert("history", QJsonArray{});
    QVERIFY(!decode(kinds::kJobs, body).ok());  // a job without a name
    body.insert("jobs", QJsonArray{});
    body.insert("history", QJsonArray{QJsonObject{{"job_name", "x"}, {"started_ts", "soon"}, {"status", "failed"}}});
    QVERIFY(!decode(kinds::kJobs, body).ok());  // started_ts not a number
    body.remove("history");
    QVERIFY(!decode(kinds::kJobs, body).ok());
    // run_job needs a correlation id and a job name.
    QVERIFY(!decode(kinds::kRunJob, QJsonObject{{"job_name", "db_backup"}}).ok());
    auto empty = decode(kinds::kRunJob, QJsonObject{{"correlation_id", "C-1"}, {"job_name", ""}});
    QVERIFY(!empty.ok());
    QVERIFY(QString::fromStdString(empty.error().message).contains("job_name"));
  }

  void heartbeatCarriesTheTradingMode() {
    using namespace runtime::relay;
    runtime::TradingMode live{true, true, "alpaca", ""};
    auto d = decodeHeartbeat(encodeHeartbeat({"srv:1:2", 77, live}));
    QVERIFY(d.ok());
    QCOMPARE(d->origin, std::string("srv:1:2"));
    QCOMPARE(d->ts, std::int64_t(77));
    QVERIFY(d->mode.known && d->mode.live);
    QCOMPARE(d->mode.broker, std::string("alpaca"));
    QCOMPARE(d->mode.origin, std::string("srv:1:2"));
    QCOMPARE(std::string(d->mode.label()), std::string("LIVE"));
    auto p = decodeHeartbeat(encodeHeartbeat({"srv:1:2", 78, runtime::TradingMode{true, false, "paper", ""}}));
    QVERIFY(p.ok() && p->mode.known && !p->mode.live && p->mode.broker == "paper");
    // A server that does not announce a mode (older build, or not started yet): unknown, never "paper".
    auto old = decodeHeartbeat(R"({"origin":"srv:1:2","ts":5})");
    QVERIFY(old.ok() && !old->mode.known);
    QCOMPARE(std::string(old->mode.label()), std::string("UNKNOWN"));
    QVERIFY(!decodeHeartbeat(R"({"origin":"srv:1:2","trading_mode":"maybe"})").ok());
    QVERIFY(!decodeHeartbeat(R"({"ts":5})").ok());
    QVERIFY(!decodeHeartbeat("not json").ok());
  }

  // Serve and attach bridges on one Redis: the attached side reports the server's mode, announces it on its bus
  // when it first shows and when it changes, and keeps it while the server is away.
  void attachedBridgeFollowsTheServersTradingMode() {
    if (m_url.empty()) QSKIP("set MERIDIAN_TEST_REDIS_URL or run the README test command (tests/run-all.sh)");
    const std::string ns = "tst_redisbridge_mode_" + std::to_string(QCoreApplication::applicationPid());
    bus::EventBus serverBus, attachBus;
    runtime::RelayOptions so;
    so.role = runtime::RelayRole::Serve;
    so.ns = ns;
    so.mirror = false;
    so.heartbeatInterval = std::chrono::milliseconds(100);
    runtime::RelayOptions ao = so;
    ao.role = runtime::RelayRole::Attach;
    Sink modes(attachBus, runtime::topics::kTradingMode);
    runtime::RedisBridge attached(m_url, attachBus, ao);
    QVERIFY(attached.start().ok() && attached.startInbound().ok());
    attached.setTradingMode(runtime::TradingMode{true, false, "paper", ""});  // ignored: not its own to set
    QVERIFY(!attached.tradingMode().known);
    {
      runtime::RedisBridge server(m_url, serverBus, so);
      server.setTradingMode(runtime::TradingMode{true, true, "alpaca", ""});
      QVERIFY(server.start().ok() && server.startInbound().ok());
      QTRY_VERIFY_WITH_TIMEOUT(attached.tradingMode().known, 5000);
      QVERIFY(attached.tradingMode().live);
      QCOMPARE(attached.tradingMode().broker, std::string("alpaca"));
      QCOMPARE(attached.tradingMode().origin, server.instanceId());
      QTRY_COMPARE_WITH_TIMEOUT(modes.all<runtime::TradingMode>().size(), std::size_t(1), 3000);
      QVERIFY(modes.all<runtime::TradingMode>().back().live);
      QThread::msleep(350);  // more heartbeats with the same mode: no further announcement
      QCOMPARE(modes.all<runtime::TradingMode>().size(), std::size_t(1));
      server.setTradingMode(runtime::TradingMode{true, false, "paper", ""});
      QTRY_COMPARE_WITH_TIMEOUT(modes.all<runtime::TradingMode>().size(), std::size_t(2), 3000);
      QVERIFY(!attached.tradingMode().live);
      QCOMPARE(attached.tradingMode().broker, std::string("paper"));
      server.stop();  // deletes the heartbeat key
    }
    QTRY_VERIFY_WITH_TIMEOUT(!attached.serverAlive(), 3000);
    QVERIFY(attached.tradingMode().known);  // the last known mode stays
    QCOMPARE(modes.all<runtime::TradingMode>().size(), std::size_t(2));
    attached.stop();
  }

  // A job command from an attached process when no server listens: answered locally at once, by correlation id.
  void jobCommandWithoutAServerIsRejectedAtOnce() {
    if (m_url.empty()) QSKIP("set MERIDIAN_TEST_REDIS_URL or run the README test command (tests/run-all.sh)");
    bus::EventBus attachBus;
    runtime::RelayOptions ao;
    ao.role = runtime::RelayRole::Attach;
    ao.ns = "tst_redisbridge_noserver_" + std::to_string(QCoreApplication::applicationPid());
    runtime::RedisBridge attached(m_url, attachBus, ao);
    QVERIFY(attached.start().ok() && attached.startInbound().ok());
    Sink rejects(attachBus, "sys.command.>");
    attachBus.publish<jobs::RunJobNow>(jobs::topics::kRunNow, jobs::RunJobNow{"C-job-1", "db_backup"});
    QTRY_VERIFY_WITH_TIMEOUT(!rejects.all<bus::CommandRejected>().empty(), 2000);
    const auto r = rejects.all<bus::CommandRejected>().front();
    QCOMPARE(r.correlationId, std::string("C-job-1"));
    QVERIFY2(r.reason.find("no serving process") != std::string::npos, r.reason.c_str());
    QCOMPARE(attached.stats().undelivered, std::uint64_t(1));
    attached.stop();
  }

  // Serve and attach bridges on two buses through a private Redis that goes away and comes back.
  void relaySurvivesARedisOutage() {
    if (QStandardPaths::findExecutable("redis-server").isEmpty()) QSKIP("redis-server not installed");
    PrivateRedis redis;
    QVERIFY(redis.start());
    storage::RedisOptions fast;
    fast.backoffMax = std::chrono::milliseconds(500);  // reconnect quickly in the test
    bus::EventBus serverBus, attachBus;
    runtime::RelayOptions so;
    so.role = runtime::RelayRole::Serve;
    so.ns = "outage";
    so.mirror = false;
    runtime::RedisBridge server(redis.url(), serverBus, so, fast);
    runtime::RelayOptions ao = so;
    ao.role = runtime::RelayRole::Attach;
    runtime::RedisBridge attached(redis.url(), attachBus, ao, fast);
    QVERIFY(server.start().ok() && server.startInbound().ok());
    QVERIFY(attached.start().ok() && attached.startInbound().ok());
    QVERIFY(server.instanceId() != attached.instanceId());
    QTRY_VERIFY_WITH_TIMEOUT(attached.healthy() && attached.serverAlive() && server.healthy(), 5000);

    Sink serverCommands(serverBus, "cmd.>");
    Sink attachedEvents(attachBus, "exec.>");
    Sink attachedRejects(attachBus, "sys.>");
    auto roundTrip = [&](const std::string& corr) {
      attachBus.publish<bus::CancelOrder>(execution::topics::kCancel, bus::CancelOrder{corr, "MRD-x"});
      for (int i = 0; i < 100; ++i) {
        for (const auto& c : serverCommands.all<bus::CancelOrder>())
          if (c.correlationId == corr) {
            // Stand-in for the execution service: answer with an event carrying the correlation id.
            domain::Order o;
            o.clientOrderId = "MRD-x";
            o.symbol = "AAPL";
            o.status = domain::OrderStatus::Cancelled;
            serverBus.publish(bus::topics::order("MRD-x"), bus::OrderUpdated{o, corr});
            for (int j = 0; j < 100; ++j) {
              for (const auto& u : attachedEvents.all<bus::OrderUpdated>())
                if (u.correlationId == corr) return true;
              QThread::msleep(20);
            }
            return false;
          }
        QThread::msleep(20);
      }
      return false;
    };
    QVERIFY(roundTrip("C-before"));

    redis.stop();
    QTRY_VERIFY_WITH_TIMEOUT(!attached.healthy(), 5000);
    // Both sides keep running; a command during the outage is answered locally, not lost silently.
    attachBus.publish<bus::CancelOrder>(execution::topics::kCancel, bus::CancelOrder{"C-during", "MRD-x"});
    QTRY_VERIFY_WITH_TIMEOUT(
        !attachedRejects.all<bus::CommandRejected>().empty() &&
            attachedRejects.all<bus::CommandRejected>().back().correlationId == "C-during",
        5000);
    QVERIFY(attached.stats().undelivered >= 1);
    serverBus.publish(bus::topics::order("MRD-y"), bus::OrderUpdated{domain::Order{}, ""});  // must not block

    QVERIFY(redis.start());  // same port
    QTRY_VERIFY_WITH_TIMEOUT(attached.healthy() && server.healthy(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(attached.serverAlive(), 5000);
    QVERIFY(roundTrip("C-after"));
    QCOMPARE(attached.stats().echoes + server.stats().echoes, std::uint64_t(0));
    attached.stop();
    server.stop();
  }
};

QTEST_GUILESS_MAIN(tst_RedisBridge)
#include "tst_RedisBridge.moc"
