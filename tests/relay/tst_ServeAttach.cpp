// Integration: the real `meridian-cli serve` binary as a child process and an attach-mode Kernel in this process,
// sharing one PostgreSQL database (created here, dropped at the end) and one Redis (a unique relay namespace).
// Covers: a command from the attached process is executed by the server and its results come back by correlation
// id (and the order is in the server's PostgreSQL journal); an order submitted in the server shows in the attached
// process; a late attacher gets the current state from the Redis snapshot; no echo (own-origin messages dropped,
// nothing duplicated); malformed relay messages are dropped and counted; serve refuses an embedded set-up.
// Jobs: the attached process sees the server's job list (live and, late, from the Redis state hash); a run-now
// from the attached process runs the job in the server, whose run history comes back; a job the server cannot
// run is refused by the server; with no server the command is refused at once. Trading mode: the attached Kernel
// reports the server's PAPER (the child process) and LIVE (an in-process serving Kernel configured for Alpaca live
// against a local endpoint that refuses connections: no order is ever sent anywhere).
#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "core/contract/Risk.h"
#include "core/contract/Jobs.h"
#include "core/contract/System.h"
#include "core/jobs/HealthMonitor.h"
#include "core/runtime/Kernel.h"
#include "core/relay/RelayCodec.h"
#include "core/contract/Wire.h"
#include "core/relay/RedisBridge.h"
#include "core/storage/redis/RedisCache.h"
#include "tests/support/PgTestUri.h"

#include <QCoreApplication>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTcpServer>
#include "core/contract/Pairs.h"
#include "core/contract/Strategy.h"

#include <QTemporaryDir>
#include <QtTest>

#include <pqxx/pqxx>

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <set>

using namespace meridian;

namespace ServeAttach_test {  // named: the test class uses its types (-Wsubobject-linkage)

// Collects what reaches the attached process's bus.
struct Recorder {
  explicit Recorder(bus::EventBus& b) : bus(b), mailbox(std::make_shared<bus::Mailbox>()) {
    for (const char* p : {"exec.>", "sys.>", "cmd.>", "risk.>"}) ids.push_back(bus.subscribe(p, mailbox));
  }
  ~Recorder() {
    for (auto id : ids) bus.unsubscribe(id);
  }
  void pump() { mailbox->drain(seen); }
  std::vector<const contract::OrderUpdated*> orderUpdates(const std::string& correlationOrId) {
    pump();
    std::vector<const contract::OrderUpdated*> out;
    for (const auto& e : seen)
      if (const auto* o = e.as<contract::OrderUpdated>())
        if (o->correlationId == correlationOrId || o->order.clientOrderId == correlationOrId) out.push_back(o);
    return out;
  }
  bool filled(const std::string& correlationId) {
    for (const auto* o : orderUpdates(correlationId))
      if (o->order.status == domain::OrderStatus::Filled) return true;
    return false;
  }
  std::shared_ptr<const contract::JobsSnapshot> latestJobs() {
    pump();
    for (auto it = seen.rbegin(); it != seen.rend(); ++it)
      if (it->as<contract::JobsSnapshot>()) return it->share<contract::JobsSnapshot>();
    return nullptr;
  }
  std::optional<contract::CommandRejected> rejection(const std::string& correlationId) {
    pump();
    for (const auto& e : seen)
      if (const auto* r = e.as<contract::CommandRejected>(); r && r->correlationId == correlationId) return *r;
    return std::nullopt;
  }
  std::vector<contract::TradingMode> tradingModes() {
    pump();
    std::vector<contract::TradingMode> out;
    for (const auto& e : seen)
      if (const auto* m = e.as<contract::TradingMode>()) out.push_back(*m);
    return out;
  }
  template <class T>
  std::size_t count() {
    pump();
    std::size_t n = 0;
    for (const auto& e : seen) n += e.as<T>() ? 1 : 0;
    return n;
  }
  bus::EventBus& bus;
  std::shared_ptr<bus::Mailbox> mailbox;
  std::vector<bus::SubscriptionId> ids;
  std::vector<bus::Envelope> seen;
};

// The deployment's relay key (MERIDIAN_RELAY_KEY of the server, relay.key of the attached kernels).
const char* const kRelayKey = "tst-serve-attach: a long random relay key 7f3a9c";

// One line on the server's stdin: the same JSON as a relay command.
const char* const kServerSubmitLine =
    R"({"kind":"submit_order","body":{"correlation_id":"C-server-1","order":{"client_order_id":"","symbol":"MSFT",)"
    R"("side":"sell","order_type":"market","tif":"day","quantity":4,"status":"new"}}})"
    "\n";

bool hasFill(Recorder& rec, const std::string& clientOrderId) {
  rec.pump();
  for (const auto& e : rec.seen)
    if (const auto* f = e.as<contract::OrderFilled>(); f && f->fill.clientOrderId == clientOrderId) return true;
  return false;
}

// The latest positions snapshot holds exactly these quantities.
bool latestPositionsAre(Recorder& rec, double aapl, double msft) {
  rec.pump();
  for (auto it = rec.seen.rbegin(); it != rec.seen.rend(); ++it)
    if (const auto* p = it->as<contract::PositionsSnapshot>()) {
      double a = 0, m = 0;
      for (const auto& pos : p->positions) {
        if (pos.symbol == "AAPL") a += pos.quantity;
        if (pos.symbol == "MSFT") m += pos.quantity;
      }
      return a == aapl && m == msft;
    }
  return false;
}

// A run of `job` in a snapshot's history that started at or after `since` and has finished.
std::optional<contract::JobRun> finishedRun(const contract::JobsSnapshot* snap, const std::string& job,
                                                 domain::Timestamp since) {
  if (!snap) return std::nullopt;
  for (const auto& run : snap->history)
    if (run.jobName == job && run.startedTs >= since && run.finishedTs) return run;
  return std::nullopt;
}

// Milliseconds until done() holds, polling every 0.5 ms (QTRY polls every 50 ms); -1 on timeout. For the
// printed latency figures only, never asserted against.
template <class F>
qint64 msUntil(F&& done, int timeoutMs) {
  QElapsedTimer t;
  t.start();
  while (!done()) {
    if (t.elapsed() >= timeoutMs) return -1;
    QCoreApplication::processEvents();
    QThread::usleep(500);
  }
  return t.elapsed();
}

domain::Timestamp wallNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void execAdmin(const std::string& uri, const std::string& sql) {
  pqxx::connection c{uri};
  pqxx::nontransaction n{c};
  n.exec(sql);
}

}  // namespace ServeAttach_test
using namespace ServeAttach_test;

class tst_ServeAttach : public QObject {
  Q_OBJECT
  std::string m_adminUri, m_redisUrl, m_dbName, m_pgUri, m_ns;
  QTemporaryDir m_dir;
  QProcess m_server;
  QByteArray m_serverOut;
  std::unique_ptr<runtime::Kernel> m_attached;
  std::unique_ptr<Recorder> m_rec;

  std::string m_serverInstance;
  std::uint64_t m_toolSeq = 0;

  common::Config attachConfig(const std::string& ns = {}) {
    common::Config c;
    c.set("runtime.mode", "attach");
    c.set("db.backend", "postgres");
    c.set("db.pg_uri", QString::fromStdString(m_pgUri));
    c.set("redis.url", QString::fromStdString(m_redisUrl));
    c.set("redis.namespace", QString::fromStdString(ns.empty() ? m_ns : ns));
    c.set("relay.key", QString::fromLatin1(kRelayKey));
    return c;
  }
  // The server's job settings: a universe without stored bars and no retries, so pair_discovery finishes at
  // once (with the scanner's own "no data" failure) without touching the network.
  QString writeServerIni() {
    const QString path = m_dir.filePath("serve.ini");
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return {};
    // Quoted: QSettings reads an unquoted a,b as a string list, which Config::applyFile turns into "".
    f.write("[universe]\nsymbols=\"ZZQA1,ZZQA2\"\n[jobs]\npair_discovery.retries=0\n");
    return path;
  }
  QProcessEnvironment serverEnv() const {
    auto env = QProcessEnvironment::systemEnvironment();
    for (const auto& k : env.keys())
      if (k.startsWith("MERIDIAN_") || k.startsWith("APCA_") || k == "POLYGON_API_KEY") env.remove(k);
    env.insert("MERIDIAN_DB_BACKEND", "postgres");
    env.insert("MERIDIAN_DB_PG_URI", QString::fromStdString(m_pgUri));
    env.insert("MERIDIAN_REDIS_URL", QString::fromStdString(m_redisUrl));
    env.insert("MERIDIAN_REDIS_NAMESPACE", QString::fromStdString(m_ns));
    env.insert("MERIDIAN_REDIS_MIRROR", "false");  // the global md.* channels are shared with other tests
    env.insert("MERIDIAN_LOG_DIR", m_dir.filePath("logs"));
    env.insert("MERIDIAN_MARKET_SIM_TICKS_PER_SECOND", "200");
    env.insert("MERIDIAN_RELAY_KEY", QString::fromLatin1(kRelayKey));
    return env;
  }
  // What a process on the command channel sends: a submit_order from `origin` with sequence `seq`, time `ts`, signed
  // with `key` (none: unsigned).
  std::string commandMessage(const std::string& origin, std::uint64_t seq, domain::Timestamp ts, const std::string& key,
                             const std::string& corr, double quantity) {
    domain::Order o;
    o.symbol = "MSFT";
    o.side = domain::Side::Buy;
    o.type = domain::OrderType::Market;
    o.quantity = quantity;
    const QJsonObject body = contract::Spec<contract::SubmitOrder>::encode(contract::SubmitOrder{corr, o});
    // With a deadline 5 s after its time, as an attached relay stamps it (a command without one is refused).
    return contract::encodeRelayMessage({origin, seq, "submit_order", ts, body, {}, ts + 5 * domain::kNanosPerSecond},
                                        key);
  }
  // Signed, fresh, but not decodable: a body that breaks its schema, a kind nobody knows.
  std::string badBody() {
    return contract::encodeRelayMessage(
        {"x:1:2", ++m_toolSeq, "order_updated", wallNs(), QJsonObject{{"order", QJsonObject{{"symbol", "X"}}}}, {}},
        kRelayKey);
  }
  std::string unknownKind() {
    return contract::encodeRelayMessage({"x:1:2", ++m_toolSeq, "launch_missiles", wallNs(), QJsonObject{}, {}},
                                        kRelayKey);
  }
  void publishCommand(const std::string& payload) {
    storage::RedisCache cache(m_redisUrl);
    auto r = cache.publish(m_ns + ".relay.commands", payload);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
  }
  // Distinct client order ids the server created for a command's correlation id.
  std::set<std::string> ordersFor(const std::string& corr) {
    std::set<std::string> ids;
    for (const auto* u : m_rec->orderUpdates(corr))
      if (u->correlationId == corr) ids.insert(u->order.clientOrderId);
    return ids;
  }
  bool waitForServerLine(const QByteArray& needle, int ms) {
    QElapsedTimer t;
    t.start();
    while (!m_serverOut.contains(needle) && t.elapsed() < ms && m_server.state() == QProcess::Running) {
      m_server.waitForReadyRead(100);
      m_serverOut += m_server.readAllStandardOutput();
    }
    return m_serverOut.contains(needle);
  }
  QByteArray serverLog(qsizetype tail = 4000) const {
    QFile f(m_dir.filePath("serve.err"));
    return f.open(QIODevice::ReadOnly) ? f.readAll().right(tail) : QByteArray("(no log)");
  }
  void publishRaw(const std::string& payload) {
    storage::RedisCache cache(m_redisUrl);
    auto r = cache.publish(m_ns + ".relay.events", payload);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
  }
  std::string orderMessage(const std::string& origin, const std::string& id) {
    domain::Order o;
    o.clientOrderId = id;
    o.symbol = "MSFT";
    o.quantity = 3;
    o.status = domain::OrderStatus::Accepted;
    o.updatedTs = 1;
    QJsonObject body;
    body.insert("order", contract::orderToJson(o));
    body.insert("correlation_id", "");
    return contract::encodeRelayMessage(
        {origin, ++m_toolSeq, std::string(contract::Spec<contract::OrderUpdated>::wire), wallNs(), body, {}}, kRelayKey);
  }

 private Q_SLOTS:
  void initTestCase() {
    m_adminUri = qEnvironmentVariable("MERIDIAN_TEST_PG_URI").toStdString();
    m_redisUrl = qEnvironmentVariable("MERIDIAN_TEST_REDIS_URL").toStdString();
    if (m_adminUri.empty() || m_redisUrl.empty()) {
      if (qEnvironmentVariable("MERIDIAN_REQUIRE_SERVERS") == "1")
        QFAIL("MERIDIAN_TEST_PG_URI / MERIDIAN_TEST_REDIS_URL not set but MERIDIAN_REQUIRE_SERVERS=1");
      QSKIP("set MERIDIAN_TEST_PG_URI and MERIDIAN_TEST_REDIS_URL (see tests/run-all.sh)");
    }
    QVERIFY(m_dir.isValid());
    {
      // The servers started with "--config none.ini" get no settings from a file (a missing --config file is an error).
      QFile none(m_dir.filePath("none.ini"));
      QVERIFY(none.open(QIODevice::WriteOnly));
      none.write("; intentionally empty: every setting comes from the environment\n");
    }
    const auto tag =
        fmt::format("{}_{:08x}", QCoreApplication::applicationPid(), QRandomGenerator::global()->generate());
    m_dbName = "meridian_test_serve_" + tag;
    m_ns = "meridian_test_serve_" + tag;
    execAdmin(m_adminUri, "CREATE DATABASE " + m_dbName);
    m_pgUri = testsupport::withDatabase(m_adminUri, m_dbName);

    m_server.setProcessEnvironment(serverEnv());
    m_server.setStandardErrorFile(m_dir.filePath("serve.err"));
    const QString ini = writeServerIni();
    QVERIFY(!ini.isEmpty());
    // The test Redis has no password: the server is told so explicitly (serveRefusesARedisWithoutAuth).
    m_server.start(QStringLiteral(MERIDIAN_CLI_PATH), {"--config", ini, "serve", "--stdin-commands", "--insecure-redis"});
    QVERIFY2(m_server.waitForStarted(5000), qPrintable(m_server.errorString()));
    QVERIFY2(waitForServerLine("ready instance=", 20000), serverLog().constData());
    {
      const qsizetype at = m_serverOut.indexOf("ready instance=") + qsizetype(sizeof("ready instance=") - 1);
      m_serverInstance = m_serverOut.mid(at, m_serverOut.indexOf('\n', at) - at).trimmed().toStdString();
      QVERIFY(!m_serverInstance.empty());
    }

    m_attached = std::make_unique<runtime::Kernel>(attachConfig());
    m_rec = std::make_unique<Recorder>(m_attached->bus());
    const Status started = m_attached->start();
    QVERIFY2(started.ok(), started.ok() ? "" : started.error().message.c_str());
    QVERIFY(m_attached->mode() == runtime::RuntimeMode::Attach);
    QVERIFY(m_attached->relay() != nullptr);
    // Nothing that trades runs in the attached process.
    QVERIFY(m_attached->execution() == nullptr);
    QVERIFY(m_attached->simulatedMarket() == nullptr);
    QVERIFY(m_attached->scheduler() == nullptr);
    QTRY_VERIFY_WITH_TIMEOUT(m_attached->relay()->healthy() && m_attached->relay()->serverAlive(), 10000);
  }

  void commandFromAttachedIsExecutedByTheServer() {
    const std::string corr = "C-attach-1";
    domain::Order o;
    o.symbol = "AAPL";
    o.side = domain::Side::Buy;
    o.type = domain::OrderType::Market;
    o.quantity = 10;
    QElapsedTimer latency;
    latency.start();
    QVERIFY(m_attached->bus().send(contract::SubmitOrder{corr, o}).ok());
    QTRY_VERIFY2_WITH_TIMEOUT(m_rec->filled(corr), serverLog().constData(), 10000);
    // A figure, not an assertion: attach -> Redis -> server (risk, journal, paper fill) -> Redis -> attach.
    qInfo("submit-to-filled round trip through the relay: %lld ms (includes the QTRY polling step)",
          static_cast<long long>(latency.elapsed()));
    const auto updates = m_rec->orderUpdates(corr);
    const std::string id = updates.back()->order.clientOrderId;
    QVERIFY(!id.empty());
    QTRY_VERIFY_WITH_TIMEOUT(hasFill(*m_rec, id), 5000);

    // In the server's PostgreSQL journal (read through the attached process's own connection to the same db).
    auto journaled = m_attached->storage().call([id](storage::IStorage& s) { return s.loadOrder(id); }).get();
    QVERIFY2(journaled.ok() && journaled->has_value(), "order not in the server's journal");
    QCOMPARE(int((*journaled)->status), int(domain::OrderStatus::Filled));
    auto fills = m_attached->storage().call([id](storage::IStorage& s) { return s.loadFills(id, 10); }).get();
    QVERIFY(fills.ok());
    QCOMPARE(fills->size(), std::size_t(1));
    QCOMPARE(fills->front().quantity, 10.0);

    // No echo: our command went out once and never came back as a command; no update arrived twice.
    QCOMPARE(m_rec->count<contract::SubmitOrder>(), std::size_t(1));
    std::set<std::pair<int, double>> distinct;
    for (const auto* u : m_rec->orderUpdates(id)) {
      QVERIFY2(distinct.emplace(int(u->order.status), u->order.filledQuantity).second, "duplicated order update");
    }
    QCOMPARE(m_attached->relay()->stats().echoes, std::uint64_t(0));
  }

  void orderSubmittedInTheServerShowsInTheAttachedProcess() {
    const QByteArray line(kServerSubmitLine);
    QCOMPARE(m_server.write(line), qint64(line.size()));
    QVERIFY2(waitForServerLine("command submit_order C-server-1", 5000), serverLog().constData());
    QTRY_VERIFY2_WITH_TIMEOUT(m_rec->filled("C-server-1"), serverLog().constData(), 10000);
    QCOMPARE(m_rec->orderUpdates("C-server-1").back()->order.symbol, std::string("MSFT"));
    // Account and positions follow too.
    QTRY_VERIFY_WITH_TIMEOUT(m_rec->count<contract::AccountSnapshot>() > 0, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(latestPositionsAre(*m_rec, 10.0, -4.0), 5000);
  }

  void lateAttacherGetsTheCurrentStateFromRedis() {
    runtime::Kernel late(attachConfig());
    Recorder rec(late.bus());
    QVERIFY(late.start().ok());
    // The positions snapshot arrives from the Redis state hash at once (or live within a second); either way the
    // late process sees the server's positions without any order being placed.
    QTRY_VERIFY_WITH_TIMEOUT(rec.count<contract::PositionsSnapshot>() > 0, 5000);
    QTRY_VERIFY_WITH_TIMEOUT(rec.count<contract::RiskStateChanged>() > 0, 5000);  // only ever sent on change
    // The job list too: the scheduler publishes only on change, so this one comes from the state hash.
    QTRY_VERIFY_WITH_TIMEOUT(rec.latestJobs() != nullptr, 5000);
    QVERIFY(!rec.latestJobs()->jobs.empty());
    storage::RedisCache cache(m_redisUrl);
    auto state = cache.hashGetAll(m_ns + ":relay:state");
    QVERIFY(state.ok());
    bool hasJobs = false;
    for (const auto& [field, json] : *state)
      if (field == contract::Spec<contract::JobsSnapshot>::wire) {
        hasJobs = true;
        qInfo("jobs state message: %zu bytes for %zu jobs and %zu runs", json.size(), rec.latestJobs()->jobs.size(),
              rec.latestJobs()->history.size());
      }
    QVERIFY2(hasJobs, "no 'jobs' field in the server's relay state hash");
    late.stop();
  }

  void attachedProcessSeesTheServersJobs() {
    QTRY_VERIFY_WITH_TIMEOUT(m_rec->latestJobs() != nullptr, 5000);
    const auto snap = m_rec->latestJobs();
    std::set<std::string> names;
    for (const auto& j : snap->jobs) names.insert(j.name);
    for (const char* expected : {"eod_ingest", "company_info", "pair_discovery", "strategy_cycle", "db_backup"})
      QVERIFY2(names.count(expected), expected);
    // The attached process runs no scheduler of its own: this list is the server's.
    QVERIFY(m_attached->scheduler() == nullptr);
    for (const auto& j : snap->jobs)
      if (j.name == "pair_discovery") {
        QVERIFY(j.configured);
        QCOMPARE(j.retries, 0);  // the server's serve.ini, not this process's configuration
      }
  }

  void runNowFromTheAttachedProcessRunsTheJobInTheServer() {
    const domain::Timestamp since = wallNs();
    const std::string corr = "C-job-run-1";
    QVERIFY(m_attached->bus().send(contract::RunJobNow{corr, "pair_discovery"}).ok());
    const qint64 ms =
        msUntil([&] { return finishedRun(m_rec->latestJobs().get(), "pair_discovery", since).has_value(); }, 10000);
    QVERIFY2(ms >= 0, serverLog().constData());
    // attach -> Redis -> server scheduler -> job worker (a failing scan) -> snapshot -> Redis -> attach.
    qInfo("run-now to finished run in the attached job history: %lld ms", static_cast<long long>(ms));
    const auto run = *finishedRun(m_rec->latestJobs().get(), "pair_discovery", since);
    // The scanner ran in the server against the server's universe and database: no bars for ZZQA1/ZZQA2.
    QCOMPARE(run.status, std::string("failed"));
    QVERIFY2(run.message.find("only 0 of 2 symbols") != std::string::npos, run.message.c_str());
    QVERIFY(!m_rec->rejection(corr));
    for (const auto& j : m_rec->latestJobs()->jobs)
      if (j.name == "pair_discovery") QCOMPARE(j.lastStatus, std::string("failed"));
    // ...and the server recorded it in its PostgreSQL job history.
    auto stored = [&] {
      auto runs =
          m_attached->storage().call([](storage::IStorage& s) { return s.listJobRuns("pair_discovery", 10); }).get();
      if (!runs.ok()) return false;
      for (const auto& r : *runs)
        if (r.startedTs >= since && r.status == "failed") return true;
      return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(stored(), 5000);
  }

  void jobTheServerCannotRunIsRefusedByTheServer() {
    const auto before = m_attached->relay()->stats();
    const std::string corr = "C-job-run-2";
    // strategy_cycle is not configured in the server (strategy.live is empty there).
    QVERIFY(m_attached->bus().send(contract::RunJobNow{corr, "strategy_cycle"}).ok());
    QTRY_VERIFY2_WITH_TIMEOUT(m_rec->rejection(corr).has_value(), serverLog().constData(), 5000);
    const std::string reason = m_rec->rejection(corr)->reason;
    QVERIFY2(reason.find("not configured") != std::string::npos, reason.c_str());
    QVERIFY(m_attached->bus().send(contract::RunJobNow{"C-job-run-3", "no_such_job"}).ok());
    QTRY_VERIFY_WITH_TIMEOUT(m_rec->rejection("C-job-run-3").has_value(), 5000);
    QVERIFY(m_rec->rejection("C-job-run-3")->reason.find("no job named 'no_such_job'") != std::string::npos);
    // Both answers came from the server, not from the local "not delivered" path.
    QCOMPARE(m_attached->relay()->stats().undelivered, before.undelivered);
  }

  // Pair Lab > Promote to Live from an attached window: StartStrategy is relayed (signed) to the server, whose
  // strategy runner handles it -- it refuses a confirmation naming another mode than its own (the server does not
  // trade: SIGNALS), answered by correlation id; with SIGNALS the instance starts there, its row comes back in the
  // relayed StrategiesSnapshot, and its promoted record is in the server's database.
  void promotionFromTheAttachedProcessRunsInTheServer() {
    auto box = std::make_shared<bus::Mailbox>("test-strategies");
    const auto sub = m_attached->bus().subscribe<contract::StrategiesSnapshot>(box);
    contract::StartStrategy cmd;
    cmd.correlationId = "C-promote-1";
    cmd.strategy = "pairs";
    cmd.symbols = {"AAPL", "MSFT"};
    cmd.mode = "PAPER";
    cmd.origin = "tst_ServeAttach";
    QVERIFY(m_attached->bus().send(cmd).ok());
    QTRY_VERIFY2_WITH_TIMEOUT(m_rec->rejection("C-promote-1").has_value(), serverLog().constData(), 10000);
    const std::string reason = m_rec->rejection("C-promote-1")->reason;
    QVERIFY2(reason.find("run SIGNALS (strategy.trade=false: no orders), the confirmation named PAPER") != std::string::npos,
             reason.c_str());

    cmd.correlationId = "C-promote-2";
    cmd.mode = "SIGNALS";
    QVERIFY(m_attached->bus().send(cmd).ok());
    std::vector<bus::Envelope> got;
    const auto listed = [&] {
      box->drain(got);
      for (const auto& e : got)
        if (const auto* s = e.as<contract::StrategiesSnapshot>())
          for (const auto& i : s->instances)
            if (i.instance == "pairs:AAPL/MSFT" && i.mode == "SIGNALS" && s->mode == "SIGNALS") return true;
      return false;
    };
    const auto why = [&] {
      QByteArray out = "snapshots:";
      for (const auto& e : got)
        if (const auto* s = e.as<contract::StrategiesSnapshot>()) {
          out += " [" + QByteArray::fromStdString(s->mode) + ":";
          for (const auto& i : s->instances) out += " " + QByteArray::fromStdString(i.instance + "/" + i.mode);
          out += "]";
        }
      if (auto r = m_rec->rejection("C-promote-2")) out += "; rejected: " + QByteArray::fromStdString(r->reason);
      for (const QByteArray& line : serverLog().split('\n'))
        if (line.contains("AAPL/MSFT") || line.contains("strateg")) out += "\n" + line;
      return out;
    };
    QTRY_VERIFY2_WITH_TIMEOUT(listed(), why().constData(), 15000);
    QVERIFY(!m_rec->rejection("C-promote-2").has_value());
    auto row = m_attached->storage().call([](storage::IStorage& s) {
      return s.loadStrategyState("promoted:pairs:AAPL/MSFT");
    }).get();
    QVERIFY2(row.ok() && row->has_value(), "no promoted record in the server's database");
    m_attached->bus().unsubscribe(sub);
  }

  // The Pair Lab's requests in an attached window are answered by its own history service, on its read connection
  // to the server's database (like the chart's history): nothing is relayed for them.
  void pairScanIsAnsweredInTheAttachedProcess() {
    auto box = std::make_shared<bus::Mailbox>("test-pairs");
    const auto sub = m_attached->bus().subscribe<contract::PairsListed>(box);
    QVERIFY(m_attached->bus().send(contract::RequestPairs{"C-pairs-attach", true, {"AAPL", "MSFT"}}).ok());
    std::vector<bus::Envelope> got;
    QTRY_VERIFY_WITH_TIMEOUT((box->drain(got), !got.empty()), 10000);
    const auto* listed = got.front().as<contract::PairsListed>();
    QVERIFY(listed);
    QCOMPARE(listed->correlationId, std::string("C-pairs-attach"));
    QVERIFY2(listed->ok(), listed->error.c_str());
    QCOMPARE(listed->pairs.size(), std::size_t(1));
    QCOMPARE(listed->pairs[0].first + "/" + listed->pairs[0].second, std::string("AAPL/MSFT"));
    m_attached->bus().unsubscribe(sub);
  }

  void jobCommandWithoutAServerIsRefusedAtOnce() {
    runtime::Kernel lonely(attachConfig(m_ns + "_noserver"));
    Recorder rec(lonely.bus());
    QVERIFY(lonely.start().ok());
    QVERIFY(!lonely.relay()->serverAlive());
    QVERIFY(lonely.bus().send(contract::RunJobNow{"C-job-lonely", "db_backup"}).ok());
    const qint64 ms = msUntil([&] { return rec.rejection("C-job-lonely").has_value(); }, 3000);
    QVERIFY(ms >= 0);
    qInfo("job command with no server refused after %lld ms", static_cast<long long>(ms));
    const std::string reason = rec.rejection("C-job-lonely")->reason;
    QVERIFY2(reason.rfind("Not sent: server not responding", 0) == 0, reason.c_str());  // nothing was published
    QVERIFY2(reason.find(m_ns + "_noserver") != std::string::npos, reason.c_str());  // says where it looked
    QCOMPARE(lonely.relay()->stats().undelivered, std::uint64_t(1));
    QVERIFY(!lonely.tradingMode().known);  // nobody to take PAPER/LIVE from
    lonely.stop();
  }

  void attachedKernelReportsTheServersPaperMode() {
    QTRY_VERIFY_WITH_TIMEOUT(m_attached->tradingMode().known, 5000);
    const auto mode = m_attached->tradingMode();
    QVERIFY(!mode.live);
    QCOMPARE(mode.broker, std::string("paper"));
    QCOMPARE(mode.origin, m_serverInstance);
    // Announced on the attached bus for the UI badge, once.
    QTRY_COMPARE_WITH_TIMEOUT(m_rec->tradingModes().size(), std::size_t(1), 3000);
    QVERIFY(!m_rec->tradingModes().front().live);
  }

  // The attached Kernel's Ops health runs the checks of `meridian-cli health`: the real server's signed heartbeat is
  // an ok, required Server row; a namespace where nothing serves is a down one.
  void attachedHealthShowsTheServer() {
    const auto serverRow = [](runtime::Kernel& k) {
      auto box = std::make_shared<bus::Mailbox>();
      const auto sub = k.bus().subscribe<contract::HealthSnapshot>(box);
      k.health()->checkNow();
      contract::ComponentHealth row;
      QElapsedTimer t;
      t.start();
      while (row.state == contract::HealthState::Unknown && t.elapsed() < 10'000) {
        std::vector<bus::Envelope> got;
        if (box->waitNonEmpty(std::chrono::milliseconds(100))) box->drain(got);
        for (const auto& e : got)
          if (const auto* snap = e.as<contract::HealthSnapshot>())
            for (const auto& c : snap->components)
              if (c.kind == "server" && c.checkedTs != 0) row = c;
      }
      k.bus().unsubscribe(sub);
      return row;
    };
    const contract::ComponentHealth alive = serverRow(*m_attached);
    QVERIFY2(alive.state == contract::HealthState::Ok, alive.detail.c_str());
    QVERIFY(alive.required);
    QVERIFY2(alive.detail.find(m_serverInstance) != std::string::npos, alive.detail.c_str());

    runtime::Kernel lonely(attachConfig(m_ns + "_nobody"));
    QVERIFY(lonely.start().ok());
    const contract::ComponentHealth none = serverRow(lonely);
    QVERIFY2(none.state == contract::HealthState::Down, none.detail.c_str());
    QVERIFY(none.detail.find("no heartbeat") != std::string::npos);
    lonely.stop();
  }

  void attachedKernelReportsLiveWhenTheServerTradesLive() {
    const std::string ns = m_ns + "_live";
    common::Config sc;
    sc.set("runtime.mode", "serve");
    sc.set("db.backend", "sqlite");  // its own journal: the child server's PostgreSQL orders are not its business
    sc.set("db.sqlite_path", m_dir.filePath("live-server.sqlite"));
    sc.set("redis.url", QString::fromStdString(m_redisUrl));
    sc.set("redis.namespace", QString::fromStdString(ns));
    sc.set("redis.mirror", "false");
    sc.set("market.feed", "none");
    sc.set("relay.key", QString::fromLatin1(kRelayKey));
    sc.set("broker.kind", "alpaca");
    sc.set("broker.alpaca_live", "true");
    sc.set("broker.alpaca_live_confirmed", "true");  // runtime source, as the GUI's confirmation sets it
    sc.set("broker.alpaca_url", "http://127.0.0.1:1");  // refuses connections: nothing can reach a real venue
    sc.set("broker.http_timeout_ms", "500");
    sc.set("alpaca.key_id", "PKTESTNOTAKEY000");
    sc.set("alpaca.secret_key", "test-secret-not-a-secret");
    runtime::Kernel server(sc);
    const Status started = server.start();
    QVERIFY2(started.ok(), started.ok() ? "" : started.error().message.c_str());
    QVERIFY(server.tradingMode().known && server.tradingMode().live);
    QCOMPARE(server.tradingMode().broker, std::string("alpaca"));

    runtime::Kernel attached(attachConfig(ns));
    Recorder rec(attached.bus());
    QVERIFY(attached.start().ok());
    QTRY_VERIFY_WITH_TIMEOUT(attached.tradingMode().known, 5000);
    QVERIFY(attached.tradingMode().live);
    QCOMPARE(attached.tradingMode().broker, std::string("alpaca"));
    QCOMPARE(attached.tradingMode().origin, server.relay()->instanceId());
    QTRY_VERIFY_WITH_TIMEOUT(!rec.tradingModes().empty(), 3000);
    QVERIFY(rec.tradingModes().back().live);
    // The attached process's own (paper) configuration does not leak into what it reports.
    QVERIFY(attached.config().value("broker.kind", "paper") == "paper");
    attached.stop();
    server.stop();
  }

  void ownOriginIsNeverActedOn() {
    const auto before = m_attached->relay()->stats();
    publishRaw(orderMessage(m_attached->relay()->instanceId(), "MRD-echo-own"));
    publishRaw(orderMessage("someone-else:1:0", "MRD-echo-foreign"));  // control: the same message, another origin
    QTRY_VERIFY_WITH_TIMEOUT(!m_rec->orderUpdates("MRD-echo-foreign").empty(), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(m_attached->relay()->stats().echoes, before.echoes + 1, 5000);
    QVERIFY(m_rec->orderUpdates("MRD-echo-own").empty());
  }

  void malformedMessagesAreDroppedAndCounted() {
    const auto before = m_attached->relay()->stats();
    publishRaw("{not json");
    publishRaw(badBody());
    publishRaw(unknownKind());
    publishRaw(orderMessage("someone-else:1:0", "MRD-after-garbage"));  // the relay still works afterwards
    QTRY_VERIFY_WITH_TIMEOUT(!m_rec->orderUpdates("MRD-after-garbage").empty(), 5000);
    const auto after = m_attached->relay()->stats();
    QCOMPARE(after.malformed, before.malformed + 3);
    m_rec->pump();
    for (const auto& e : m_rec->seen)
      if (const auto* o = e.as<contract::OrderUpdated>()) QVERIFY(o->order.symbol != "X");
  }

  // Only Meridian trades: a command that is unsigned, signed with another key, replayed or stale reaches nobody;
  // a signed, fresh one from any origin is executed once. Checked against a barrier: a later good command's fill
  // proves the server read everything published before it.
  void forgedRelayCommandsAreRefusedAndNothingIsExecuted() {
    const std::string tool = "ops-tool:1:" + std::to_string(QCoreApplication::applicationPid());
    publishCommand(commandMessage("intruder:1:1", 1, wallNs(), "", "C-forged-unsigned", 1));
    publishCommand(commandMessage("intruder:1:1", 2, wallNs(), "not the relay key", "C-forged-wrongkey", 1));
    publishCommand(commandMessage(tool, 1, wallNs() - 60 * domain::kNanosPerSecond, kRelayKey, "C-forged-stale", 1));
    const std::string good = commandMessage(tool, 5, wallNs(), kRelayKey, "C-signed-once", 2);
    publishCommand(good);
    publishCommand(good);  // replayed verbatim
    publishCommand(commandMessage(tool, 4, wallNs(), kRelayKey, "C-forged-oldseq", 1));  // an earlier sequence
    // Kill switch and job commands are commands too: an unsigned kill switch does nothing.
    {
      QJsonObject ks = contract::Spec<contract::EngageKillSwitch>::encode({"C-forged-kill", "forged"});
      publishCommand(contract::encodeRelayMessage({"intruder:1:1", 3, "kill_switch", wallNs(), ks, {}}));
      QJsonObject job = contract::Spec<contract::RunJobNow>::encode({"C-forged-job", "db_backup"});
      publishCommand(contract::encodeRelayMessage({"intruder:1:1", 4, "run_job", wallNs(), job, {}}));
    }
    publishCommand(commandMessage(tool, 6, wallNs(), kRelayKey, "C-barrier", 3));
    QTRY_VERIFY2_WITH_TIMEOUT(m_rec->filled("C-barrier"), serverLog().constData(), 10000);
    QCOMPARE(ordersFor("C-signed-once").size(), std::size_t(1));  // executed, once
    QVERIFY(m_rec->filled("C-signed-once"));
    for (const char* corr : {"C-forged-unsigned", "C-forged-wrongkey", "C-forged-stale", "C-forged-oldseq",
                             "C-forged-kill", "C-forged-job"}) {
      QVERIFY2(ordersFor(corr).empty(), corr);
      QVERIFY2(!m_rec->rejection(corr), corr);  // not even rejected: it never reached execution or the scheduler
    }
    m_rec->pump();
    for (const auto& e : m_rec->seen)
      if (const auto* r = e.as<contract::RiskStateChanged>()) QVERIFY2(!r->killSwitch, "a forged kill switch engaged");
    // Each refusal is logged once per origin and reason.
    const QByteArray log = serverLog(64 * 1024);
    QCOMPARE(log.count("refused relay message(s) from 'intruder:1:1': unsigned"), qsizetype(1));
    QVERIFY2(log.contains("refused relay message(s) from 'intruder:1:1': not signed with this deployment"), log.constData());
    QVERIFY2(log.contains(QByteArray::fromStdString("refused relay message(s) from '" + tool + "': stale")), log.constData());
    QVERIFY2(log.contains(QByteArray::fromStdString("refused relay message(s) from '" + tool + "': replayed")), log.constData());
  }

  // A heartbeat key that someone else wrote (unsigned, or with a long expiry) neither blocks a server from
  // starting nor makes an attached GUI believe a server is there.
  void aForgedHeartbeatBlocksNothing() {
    const std::string ns = m_ns + "_forged";
    storage::RedisCache cache(m_redisUrl);
    const std::string forged = contract::encodeHeartbeat({"impostor:1:1", wallNs(), contract::TradingMode{true, false, "paper", ""}, {}});
    QVERIFY(cache.setValue(ns + ":relay:server", forged, std::chrono::seconds(600)).ok());

    runtime::Kernel attached(attachConfig(ns));
    QVERIFY(attached.start().ok());
    QTest::qWait(1500);  // an attached relay reads the heartbeat once a second
    QVERIFY(!attached.relay()->serverAlive());

    QProcess p;
    auto env = serverEnv();
    env.insert("MERIDIAN_REDIS_NAMESPACE", QString::fromStdString(ns));
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral(MERIDIAN_CLI_PATH), {"--config", m_dir.filePath("none.ini"), "serve", "--insecure-redis"});
    QVERIFY(p.waitForStarted(5000));
    QByteArray out;
    QElapsedTimer t;
    t.start();
    while (!out.contains("ready instance=") && p.state() == QProcess::Running && t.elapsed() < 20000) {
      p.waitForReadyRead(200);
      out += p.readAll();
    }
    QVERIFY2(out.contains("ready instance="), out.right(3000).constData());
    QTRY_VERIFY_WITH_TIMEOUT(attached.relay()->serverAlive(), 5000);  // the real server's signed beat counts
    attached.stop();
    p.terminate();
    QVERIFY(p.waitForFinished(15000));
    (void)cache.deleteKey(ns + ":relay:server");
  }

  void serveRefusesARedisWithoutAuth() {
    QProcess p;
    p.setProcessEnvironment(serverEnv());
    p.start(QStringLiteral(MERIDIAN_CLI_PATH), {"--config", m_dir.filePath("none.ini"), "serve"});
    QVERIFY(p.waitForFinished(15000));
    QCOMPARE(p.exitCode(), 2);
    const QByteArray err = p.readAllStandardError();
    QVERIFY2(err.contains("answers clients without a password") && err.contains("--insecure-redis"), err.constData());
  }

  // A Redis with a password: serve starts without --insecure-redis, the password coming from the environment.
  void serveStartsOnARedisWithAPassword() {
    if (QStandardPaths::findExecutable("redis-server").isEmpty()) QSKIP("redis-server not installed");
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const int port = probe.serverPort();
    probe.close();
    QProcess redis;
    redis.start(QStandardPaths::findExecutable("redis-server"),
                {"--port", QString::number(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                 "--requirepass", "s3cret-pw"});
    QVERIFY(redis.waitForStarted(5000));
    const std::string url = "redis://127.0.0.1:" + std::to_string(port);
    QTRY_VERIFY_WITH_TIMEOUT(relay::redisAcceptsAnonymous(url, std::chrono::milliseconds(500)).ok(), 5000);
    QVERIFY(!*relay::redisAcceptsAnonymous(url, std::chrono::milliseconds(500)));  // it demands AUTH

    QProcess p;
    auto env = serverEnv();
    env.insert("MERIDIAN_REDIS_URL", QString::fromStdString(url));
    env.insert("MERIDIAN_REDIS_URL_PASSWORD", "s3cret-pw");
    env.insert("MERIDIAN_DB_BACKEND", "sqlite");
    env.insert("MERIDIAN_DB_SQLITE_PATH", m_dir.filePath("auth.sqlite"));
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral(MERIDIAN_CLI_PATH), {"--config", m_dir.filePath("none.ini"), "serve", "--allow-embedded"});
    QVERIFY(p.waitForStarted(5000));
    QByteArray out;
    QElapsedTimer t;
    t.start();
    while (!out.contains("ready instance=") && p.state() == QProcess::Running && t.elapsed() < 20000) {
      p.waitForReadyRead(200);
      out += p.readAll();
    }
    QVERIFY2(out.contains("ready instance="), out.right(3000).constData());
    QVERIFY2(!out.contains("s3cret-pw"), "the Redis password reached the output");
    p.terminate();
    QVERIFY(p.waitForFinished(15000));
    redis.terminate();
    redis.waitForFinished(5000);
  }

  void serveRefusesAnEmbeddedSetUp() {
    QProcess p;
    auto env = serverEnv();
    env.insert("MERIDIAN_DB_BACKEND", "sqlite");
    env.insert("MERIDIAN_DB_SQLITE_PATH", m_dir.filePath("x.sqlite"));
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(MERIDIAN_CLI_PATH), {"--config", m_dir.filePath("none.ini"), "serve"});
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitCode(), 2);
    QVERIFY(p.readAllStandardError().contains("db.backend=postgres"));
  }

  void secondServerOnTheSameNamespaceIsRefused() {
    QProcess p;
    p.setProcessEnvironment(serverEnv());
    p.start(QStringLiteral(MERIDIAN_CLI_PATH), {"--config", m_dir.filePath("none.ini"), "serve", "--insecure-redis"});
    QVERIFY(p.waitForFinished(20000));
    QCOMPARE(p.exitCode(), 1);
    const QByteArray err = p.readAllStandardError();
    QVERIFY2(err.contains("another serving process (") && err.contains("beat"), err.right(2000).constData());
    // ...and the first one is still serving.
    QTRY_VERIFY_WITH_TIMEOUT(m_attached->relay()->serverAlive(), 3000);
    QCOMPARE(m_server.state(), QProcess::Running);
  }

  void cleanupTestCase() {
    m_rec.reset();
    if (m_attached) m_attached->stop();
    m_attached.reset();
    if (m_server.state() == QProcess::Running) {
      m_server.terminate();  // SIGTERM: clean shutdown, exit 0
      const bool finished = m_server.waitForFinished(10000);
      if (!finished) m_server.kill();
      QVERIFY(finished);
      QCOMPARE(m_server.exitStatus(), QProcess::NormalExit);
      QCOMPARE(m_server.exitCode(), 0);
      m_serverOut += m_server.readAllStandardOutput();
      QVERIFY(m_serverOut.contains("stopped"));
    }
    if (!m_ns.empty()) {  // the relay's latest-state keys of every namespace used here
      storage::RedisCache cache(m_redisUrl);
      for (const std::string& ns : {m_ns, m_ns + "_live", m_ns + "_noserver", m_ns + "_forged"})
        for (const char* key : {":relay:state", ":relay:orders", ":relay:server"}) (void)cache.deleteKey(ns + key);
    }
    if (!m_dbName.empty()) {
      try {
        execAdmin(m_adminUri, "DROP DATABASE IF EXISTS " + m_dbName + " WITH (FORCE)");
      } catch (const std::exception& e) {
        qWarning("cannot drop %s: %s", m_dbName.c_str(), e.what());
      }
    }
  }
};

QTEST_GUILESS_MAIN(tst_ServeAttach)
#include "tst_ServeAttach.moc"
