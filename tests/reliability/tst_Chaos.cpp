// Chaos: `meridian-cli serve` on its own PostgreSQL and password-protected Redis, with the simulated feed, two live
// strategies trading on the paper broker and a stream of manual orders (market, and limits that rest and fill
// later), while this test injects faults in a bounded, seeded random loop (>= 20 faults in <= 4 minutes):
//   * PostgreSQL stopped (crash: pg_ctl stop -m immediate) for 5-20 s, then started again;
//   * Redis killed and restarted (empty, same port);
//   * serve SIGKILLed at a random moment, or right after the venue wrote a fill to its book (the window between a
//     broker fill and its journal write), and started again.
// After each fault (once the system is back) and at the end it checks, on the journal in PostgreSQL and the paper
// venue's own book:
//   - every fill the venue made is in the journal exactly once, and the journal has no fill the venue did not make;
//   - no client order id was executed twice: per order, the venue's fills and the journal's fills add up to at most
//     its quantity, and the journal's filled quantity is the sum of its fills;
//   - positions equal the sum of fills per symbol and per strategy;
//   - each live strategy's saved position equals its journaled fills;
//   - health told the truth: `meridian-cli health` fails while PostgreSQL is down and while serve is dead, and
//     passes when everything is back;
//   - after a Redis restart the relay's snapshot keys are written again.
// It prints what it did (faults by kind, fills, orders, kills that landed between a fill and its journal write)
// and the violations, which must be 0.
// PostgreSQL / Redis binaries missing: skipped, or a failure when MERIDIAN_REQUIRE_SERVERS=1.
#include "PrivateServers.h"

#include "core/common/DurableLog.h"
#include "core/contract/Message.h"
#include "core/contract/Orders.h"

#include <pqxx/pqxx>

#include "tests/support/RequireServers.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <fmt/format.h>

#include <cmath>
#include <functional>
#include <map>
#include <set>

using namespace meridian;
using testsupport::PrivatePostgres;
using testsupport::PrivateRedis;

namespace Chaos_test {  // named: the test class uses its types (-Wsubobject-linkage)

constexpr const char* kRelayKey = "chaos-relay-key-0123456789abcdef";
constexpr const char* kRedisPassword = "chaos-redis-password";
constexpr const char* kNamespace = "chaos";
constexpr double kEps = 1e-6;

bool waitUntil(const std::function<bool()>& pred, int ms, int stepMs = 50) {
  QElapsedTimer t;
  t.start();
  while (!pred()) {
    if (t.elapsed() > ms) return false;
    QThread::msleep(stepMs);
  }
  return true;
}

struct VenueFill {
  std::string order;
  std::string symbol;
  std::string strategy;
  double signedQty = 0.0;
};

// What the paper venue's book says it did (accumulated over the run: the book forgets at each start what the
// journal already has, so it is read before every restart).
struct Venue {
  std::map<std::string, VenueFill> fills;           // by fill id
  std::map<std::string, double> orderQuantity;      // client order id -> quantity armed
  std::map<std::string, int> arms;                  // client order id -> arm records

  void read(const std::string& path) {
    auto records = common::DurableLog::read(path);
    QVERIFY2(records.ok(), records.ok() ? "" : records.error().message.c_str());
    for (const auto& r : *records) {
      const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(r)).object();
      const QString t = o.value("t").toString();
      if (t == "fill") {
        const QJsonObject f = o.value("fill").toObject();
        VenueFill v;
        v.order = f.value("client_order_id").toString().toStdString();
        v.symbol = f.value("symbol").toString().toStdString();
        v.strategy = f.value("strategy_id").toString().toStdString();
        v.signedQty = f.value("quantity").toDouble() * (f.value("side").toString() == "sell" ? -1.0 : 1.0);
        fills.emplace(f.value("fill_id").toString().toStdString(), v);
      } else if (t == "arm" || t == "replace") {
        const QJsonObject ord = o.value("order").toObject();
        const std::string id = ord.value("client_order_id").toString().toStdString();
        if (!seenArm.insert(r).second) continue;  // the same record read again
        orderQuantity[id] = ord.value("quantity").toDouble();
        ++arms[id];
      }
    }
  }
  std::set<std::string> seenArm;
};

// The journal as one consistent snapshot (REPEATABLE READ).
struct Journal {
  struct Fill {
    std::string order, symbol, strategy;
    double signedQty = 0.0;
  };
  std::map<std::string, Fill> fills;
  struct Order {
    double quantity = 0.0, filled = 0.0;
    std::string status, strategy;
  };
  std::map<std::string, Order> orders;
  std::map<std::pair<std::string, std::string>, double> positions;  // (symbol, strategy) -> quantity
  std::map<std::string, std::string> strategyState;                 // strategy id -> state JSON

  bool load(const std::string& uri, std::string* error) {
    try {
      pqxx::connection c{uri};
      pqxx::work w{c};
      w.exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
      for (const auto& row : w.exec("SELECT fill_id, client_order_id, symbol, side, quantity, strategy_id FROM execution.fills")) {
        Fill f{row[1].c_str(), row[2].c_str(), row[5].c_str(), row[4].as<double>() * (std::string(row[3].c_str()) == "sell" ? -1 : 1)};
        fills.emplace(row[0].c_str(), f);
      }
      for (const auto& row : w.exec("SELECT client_order_id, quantity, filled_quantity, status, strategy_id FROM execution.orders"))
        orders.emplace(row[0].c_str(), Order{row[1].as<double>(), row[2].as<double>(), row[3].c_str(), row[4].c_str()});
      for (const auto& row : w.exec("SELECT symbol, strategy_id, quantity FROM execution.positions"))
        positions[{row[0].c_str(), row[1].c_str()}] = row[2].as<double>();
      for (const auto& row : w.exec("SELECT strategy_id, state::text FROM strategy_engine.strategy_state"))
        strategyState[row[0].c_str()] = row[1].c_str();
      w.commit();
      return true;
    } catch (const std::exception& e) {
      if (error) *error = e.what();
      return false;
    }
  }
};

}  // namespace Chaos_test
using namespace Chaos_test;

class tst_Chaos : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  std::unique_ptr<PrivatePostgres> m_pg;
  std::unique_ptr<PrivateRedis> m_redis;
  std::string m_uri;
  QProcess m_serve;
  QByteArray m_serveOut;
  QRandomGenerator m_rng{20261206};
  Venue m_venue;
  std::uint64_t m_orderSeq = 0;
  std::map<std::string, double> m_lastPrice;  // symbol -> last fill price (for limit orders)

  // Counts for the report.
  std::map<std::string, int> m_faults;
  int m_violations = 0;
  int m_killsInFillWindow = 0;
  int m_manualOrders = 0;
  int m_checks = 0;
  int m_healthChecks = 0;
  int m_strategiesSaved = 0;
  QStringList m_violationText;

  QString bookPath() const { return m_dir.filePath("paper.book"); }
  QString spoolPath() const { return m_dir.filePath("journal.spool"); }

  // Settings in an INI as an operator writes them; the secrets (relay key, Redis password) in the environment.
  QString writeIni() const {
    const QString path = m_dir.filePath("serve.ini");
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly)) return {};
    QString ini;
    ini += "[runtime]\nmode=serve\n";  // also what `meridian-cli health` checks: a serving configuration
    ini += "[db]\nbackend=postgres\npg_uri=" + QString::fromStdString(m_uri) + "\n";
    ini += QString("[redis]\nurl=%1\nnamespace=%2\nmirror=false\n").arg(QString::fromStdString(m_redis->url()), kNamespace);
    ini += "[log]\ndir=" + m_dir.filePath("logs") + "\n";
    ini += "[paper]\nbook_path=" + bookPath() + "\n";
    ini += "[journal]\nspool_path=" + spoolPath() + "\n";
    // A minute of simulated market per wall-clock second: the 1-minute strategies trade every few seconds.
    // The feed at 60x stores its bars (~500 bar upserts a second) and seeds history on first start, as it does by
    // default: both go through the bar writer's own connection, so they never delay a journal write.
    ini += "[market]\nsim_speed=60\nsim_ticks_per_second=400\n";
    ini += "[strategy]\nlive=\"sma_cross:AAPL;sma_cross:MSFT\"\ntrade=true\ntimeframe=1m\nsize=10\nhistory_days=0\n"
           "sma_cross.fast=2\nsma_cross.slow=4\n";
    // No job may reach the network: a universe without data, no retries.
    ini += "[universe]\nsymbols=\"ZZQA1,ZZQA2\"\n[jobs]\npair_discovery.retries=0\n";
    f.write(ini.toUtf8());
    return path;
  }

  QProcessEnvironment env() const {
    auto env = QProcessEnvironment::systemEnvironment();
    for (const auto& k : env.keys())
      if (k.startsWith("MERIDIAN_") || k.startsWith("APCA_") || k == "POLYGON_API_KEY" || k == "REDISCLI_AUTH") env.remove(k);
    env.insert("XDG_DATA_HOME", m_dir.filePath("data"));
    env.insert("MERIDIAN_REDIS_URL_PASSWORD", kRedisPassword);
    env.insert("MERIDIAN_RELAY_KEY", kRelayKey);
    return env;
  }
  QStringList withConfig(const QStringList& args) const { return QStringList{"--config", m_dir.filePath("serve.ini")} + args; }

  bool startServe(QString* why) {
    m_serveOut.clear();
    m_serve.setProcessEnvironment(env());
    m_serve.setStandardErrorFile(m_dir.filePath("serve.err"), QIODevice::Append);
    m_serve.start(QStringLiteral(MERIDIAN_CLI_PATH), withConfig({"serve", "--stdin-commands"}));
    if (!m_serve.waitForStarted(5000)) {
      *why = m_serve.errorString();
      return false;
    }
    QElapsedTimer t;
    t.start();
    while (!m_serveOut.contains("ready instance=") && t.elapsed() < 30000 && m_serve.state() == QProcess::Running) {
      m_serve.waitForReadyRead(100);
      m_serveOut += m_serve.readAllStandardOutput();
    }
    if (!m_serveOut.contains("ready instance=")) {
      *why = QString::fromUtf8(serveLog());
      m_serve.kill();
      m_serve.waitForFinished(5000);
      return false;
    }
    return true;
  }
  void killServe() {
    m_serve.kill();  // SIGKILL
    m_serve.waitForFinished(5000);
  }
  QByteArray serveLog(qsizetype tail = 6000) const {
    QFile f(m_dir.filePath("serve.err"));
    return f.open(QIODevice::ReadOnly) ? f.readAll().right(tail) : QByteArray("(no log)");
  }
  void pumpServe() {
    if (m_serve.state() == QProcess::Running) m_serveOut += m_serve.readAllStandardOutput();
    if (m_serveOut.size() > 1'000'000) m_serveOut = m_serveOut.right(100'000);
  }

  // `meridian-cli health` with serve's settings: exit code 0 = healthy.
  int health(QByteArray* out = nullptr) {
    QProcess p;
    p.setProcessEnvironment(env());
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(QStringLiteral(MERIDIAN_CLI_PATH), withConfig({"health", "--json", "--timeout", "2000"}));
    p.waitForFinished(30000);
    if (out) *out = p.readAll();
    ++m_healthChecks;
    return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
  }

  void violation(const QString& what) {
    ++m_violations;
    if (m_violationText.size() < 40) m_violationText << what;
    qWarning("VIOLATION: %s", qPrintable(what));
  }

  // One manual order through serve's stdin: a market order, or a limit a little away from the last fill price so
  // that it rests and fills later (perhaps while the journal is down).
  void submitManualOrder() {
    if (m_serve.state() != QProcess::Running) return;
    static const char* kSymbols[] = {"AAPL", "MSFT", "NVDA", "SPY"};
    const std::string symbol = kSymbols[m_rng.bounded(4)];
    domain::Order o;
    o.clientOrderId = fmt::format("CHAOS-{}-{}", QCoreApplication::applicationPid(), ++m_orderSeq);
    o.symbol = symbol;
    o.side = m_rng.bounded(2) ? domain::Side::Buy : domain::Side::Sell;
    o.quantity = 1 + m_rng.bounded(20);
    o.tif = domain::TimeInForce::Gtc;
    auto last = m_lastPrice.find(symbol);
    if (last != m_lastPrice.end() && m_rng.bounded(2)) {
      o.type = domain::OrderType::Limit;
      const double away = 0.0005 * (1 + m_rng.bounded(4));  // 5 to 20 bp through the last price
      o.limitPrice = std::round(last->second * (o.side == domain::Side::Buy ? 1.0 - away : 1.0 + away) * 100.0) / 100.0;
    } else {
      o.type = domain::OrderType::Market;
    }
    QJsonObject line;
    constexpr std::string_view kind = contract::Spec<contract::SubmitOrder>::wire;
    line.insert("kind", QString::fromUtf8(kind.data(), static_cast<qsizetype>(kind.size())));
    line.insert("body", contract::Spec<contract::SubmitOrder>::encode(contract::SubmitOrder{"chaos-" + o.clientOrderId, o}));
    m_serve.write(QJsonDocument(line).toJson(QJsonDocument::Compact) + "\n");
    m_serve.waitForBytesWritten(1000);  // no event loop runs here: flush the pipe now
    ++m_manualOrders;
  }

  // Lets the system run for `ms`, placing a manual order every ~300 ms.
  void trade(int ms) {
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms) {
      submitManualOrder();
      QThread::msleep(150 + m_rng.bounded(300));
      pumpServe();
    }
  }

  // Checks the invariants once the system is back: serve running, PostgreSQL up, spool drained.
  void checkInvariants(const char* after) {
    ++m_checks;
    m_venue.read(bookPath().toStdString());
    Journal j;
    std::string error;
    // The journal catches up with the venue (spool drain, restart reconciliation): every venue fill read so far.
    const bool caughtUp = waitUntil(
        [&] {
          j = Journal{};
          if (!j.load(m_uri, &error)) return false;
          for (const auto& [id, f] : m_venue.fills)
            if (!j.fills.count(id)) return false;
          return true;
        },
        20000, 200);
    if (!caughtUp) {
      int missing = 0;
      for (const auto& [id, f] : m_venue.fills) missing += j.fills.count(id) ? 0 : 1;
      violation(QString("after %1: %2 venue fill(s) not in the journal after 20 s (%3)").arg(after).arg(missing).arg(QString::fromStdString(error)));
    }
    m_venue.read(bookPath().toStdString());  // fills made since the journal snapshot count too
    for (const auto& [id, f] : j.fills)
      if (!m_venue.fills.count(id)) violation(QString("after %1: journal fill %2 was never made by the venue").arg(after, QString::fromStdString(id)));
    // Per order: the journal's filled quantity is the sum of its fills, and never more than the order.
    std::map<std::string, double> journalFilled, venueFilled;
    for (const auto& [id, f] : j.fills) journalFilled[f.order] += std::abs(f.signedQty);
    for (const auto& [id, f] : m_venue.fills) venueFilled[f.order] += std::abs(f.signedQty);
    for (const auto& [id, o] : j.orders) {
      const double filled = journalFilled.count(id) ? journalFilled[id] : 0.0;
      if (std::abs(filled - o.filled) > kEps)
        violation(QString("after %1: order %2 says %3 filled, its fills add up to %4").arg(after, QString::fromStdString(id)).arg(o.filled).arg(filled));
      if (filled > o.quantity + kEps)
        violation(QString("after %1: order %2 executed beyond its quantity (%3 of %4)").arg(after, QString::fromStdString(id)).arg(filled).arg(o.quantity));
    }
    for (const auto& [id, qty] : venueFilled) {
      auto q = m_venue.orderQuantity.find(id);
      if (q != m_venue.orderQuantity.end() && qty > q->second + kEps)
        violation(QString("after %1: the venue executed order %2 twice (%3 of %4)").arg(after, QString::fromStdString(id)).arg(qty).arg(q->second));
    }
    for (const auto& [id, n] : m_venue.arms)
      if (n > 1) violation(QString("after %1: order %2 was armed %3 times at the venue").arg(after, QString::fromStdString(id)).arg(n));
    // Positions = sum of fills, per symbol and strategy.
    std::map<std::pair<std::string, std::string>, double> sum;
    for (const auto& [id, f] : j.fills) sum[{f.symbol, f.strategy}] += f.signedQty;
    for (const auto& [key, qty] : sum) {
      const double pos = j.positions.count(key) ? j.positions[key] : 0.0;
      if (std::abs(pos - qty) > kEps)
        violation(QString("after %1: position %2/%3 is %4, its fills add up to %5").arg(after, QString::fromStdString(key.first), QString::fromStdString(key.second)).arg(pos).arg(qty));
    }
    for (const auto& [key, pos] : j.positions)
      if (!sum.count(key) && std::abs(pos) > kEps)
        violation(QString("after %1: position %2/%3 is %4 without a fill").arg(after, QString::fromStdString(key.first), QString::fromStdString(key.second)).arg(pos));
    // Each live strategy's saved position catches up with its journaled fills within seconds.
    QStringList mismatches = strategyMismatches(j, after);
    if (!mismatches.isEmpty())
      waitUntil(
          [&] {
            Journal now;
            if (!now.load(m_uri, nullptr)) return false;
            mismatches = strategyMismatches(now, after);
            return mismatches.isEmpty();
          },
          15000, 250);
    for (const auto& m : mismatches) violation(m);
    refreshPrices();  // for the next limit orders
  }

  // Each live strategy's saved position equals its journaled fills (strategy id "live:<instance>").
  // The saved state follows the fills (the runner saves after it hears of one): mismatches of one snapshot.
  QStringList strategyMismatches(const Journal& j, const char* after) {
    QStringList out;
    std::map<std::string, std::map<std::string, double>> fillsByStrategy;  // strategy -> symbol -> qty
    for (const auto& [id, f] : j.fills)
      if (f.strategy.rfind("live:", 0) == 0) fillsByStrategy[f.strategy][f.symbol] += f.signedQty;
    for (const auto& [strategy, state] : j.strategyState) {
      // live::StrategyState v1: one slot per symbol with what the instance holds ("filled").
      const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(state)).object();
      for (const QJsonValue& v : o.value("slots").toArray()) {
        const QJsonObject slot = v.toObject();
        const std::string symbol = slot.value("symbol").toString().toStdString();
        const double saved = slot.value("filled").toDouble();
        const double journaled = fillsByStrategy[strategy][symbol];
        if (std::abs(saved - journaled) > kEps)
          out << QString("after %1: strategy %2 holds %3 %4 by its saved state, %5 by its journaled fills")
                     .arg(after, QString::fromStdString(strategy)).arg(saved).arg(QString::fromStdString(symbol)).arg(journaled);
      }
    }
    m_strategiesSaved = std::max<int>(m_strategiesSaved, static_cast<int>(j.strategyState.size()));
    return out;
  }

  void refreshPrices() {
    try {
      pqxx::connection c{m_uri};
      pqxx::nontransaction n{c};
      for (const auto& row : n.exec("SELECT DISTINCT ON (symbol) symbol, price FROM execution.fills ORDER BY symbol, ts DESC"))
        m_lastPrice[row[0].c_str()] = row[1].as<double>();
    } catch (const std::exception&) {
    }
  }

  // Health must pass once everything is back (it may take a heartbeat or two).
  void expectHealthy(const char* after) {
    QByteArray out;
    if (!waitUntil([&] { return health(&out) == 0; }, 20000, 500))
      violation(QString("after %1: health still fails with everything up: %2").arg(after, QString::fromUtf8(out.right(800))));
  }

  // ---- Faults -----------------------------------------------------------------------------------------------

  void postgresOutage() {
    const int seconds = 5 + m_rng.bounded(16);
    QString err;
    QVERIFY2(m_pg->killImmediate(&err), qPrintable(err));
    ++m_faults["postgres_down"];
    trade(1000);
    QByteArray out;
    if (health(&out) == 0) violation(QString("health said ok while PostgreSQL was down: %1").arg(QString::fromUtf8(out.right(800))));
    trade(seconds * 1000 - 1000);
    QVERIFY2(m_pg->start(&err), qPrintable(err));
    trade(500);
  }

  void redisRestart() {
    QString err;
    QVERIFY2(m_redis->kill(&err), qPrintable(err));
    ++m_faults["redis_restart"];
    trade(300 + m_rng.bounded(1500));
    QVERIFY2(m_redis->start(&err), qPrintable(err));
    // The relay writes its snapshot keys again (a GUI attaching now sees the working orders and the state).
    const QString stateKey = QString("%1:relay:state").arg(kNamespace);
    if (!waitUntil([&] { return m_redis->cli({"HLEN", stateKey}).toInt() > 0; }, 15000, 200))
      violation("the relay's snapshot keys stayed empty after a Redis restart");
  }

  // SIGKILL at a random moment, or (inFillWindow) as soon as the venue's book has a new fill.
  void killServe(bool inFillWindow) {
    ++m_faults[inFillWindow ? "serve_kill_after_fill" : "serve_kill"];
    if (inFillWindow) {
      const std::string book = bookPath().toStdString();
      const auto fillsNow = [&] {
        auto r = common::DurableLog::read(book);
        std::size_t n = 0;
        if (r.ok())
          for (const auto& rec : *r) n += rec.find("\"t\":\"fill\"") != std::string::npos;
        return n;
      };
      const std::size_t before = fillsNow();
      const qint64 size = QFileInfo(bookPath()).size();
      QElapsedTimer t;
      t.start();
      while (t.elapsed() < 8000) {
        if (t.elapsed() % 300 < 2) submitManualOrder();
        if (QFileInfo(bookPath()).size() != size && fillsNow() > before) break;
        QThread::usleep(200);
      }
    } else {
      trade(m_rng.bounded(2000));
    }
    killServe();
    // What the venue did before it died; how much of it the journal missed at that moment.
    m_venue.read(bookPath().toStdString());
    Journal j;
    if (j.load(m_uri, nullptr)) {
      int missing = 0;
      for (const auto& [id, f] : m_venue.fills) missing += j.fills.count(id) ? 0 : 1;
      if (missing > 0) ++m_killsInFillWindow;
    }
    // Serve is dead: health must say so (once its heartbeat is older than the health check's limit).
    QByteArray out;
    if (waitUntil([&] { return health(&out) != 0; }, 20000, 1000) == false)
      violation(QString("health said ok with serve dead: %1").arg(QString::fromUtf8(out.right(800))));
    QString why;
    QVERIFY2(startServe(&why), qPrintable(why));
  }

 private Q_SLOTS:
  void initTestCase() {
    if (PrivatePostgres::binDir().isEmpty() || PrivateRedis::serverPath().isEmpty())
      MERIDIAN_SKIP_OR_FAIL("PostgreSQL and redis-server are needed (apt-get install postgresql redis-server)");
    QVERIFY(m_dir.isValid());
    if (qEnvironmentVariable("MERIDIAN_TEST_CHAOS_KEEP") == "1") {  // keep serve.err, the book, the logs
      m_dir.setAutoRemove(false);
      qInfo("chaos: files kept in %s", qPrintable(m_dir.path()));
    }
    m_pg = std::make_unique<PrivatePostgres>();
    QString err;
    QVERIFY2(m_pg->init(&err), qPrintable(err));
    {
      pqxx::connection c{m_pg->uri()};
      pqxx::nontransaction n{c};
      n.exec("CREATE DATABASE meridian_chaos");
    }
    m_uri = m_pg->uri("meridian_chaos");
    m_redis = std::make_unique<PrivateRedis>();
    m_redis->setPassword(kRedisPassword);
    QVERIFY2(m_redis->start(&err), qPrintable(err));
    QVERIFY(!writeIni().isEmpty());
    QVERIFY2(startServe(&err), qPrintable(err));
  }

  void cleanupTestCase() {
    if (m_serve.state() == QProcess::Running) {
      m_serve.terminate();
      if (!m_serve.waitForFinished(15000)) killServe();
    }
  }

  void faultsLoseNothingAndExecuteNothingTwice() {
    QElapsedTimer total;
    total.start();
    trade(4000);
    checkInvariants("start");
    expectHealthy("start");
    // A shuffled plan: 5 PostgreSQL outages, 7 Redis restarts, 5 random kills, 5 kills right after a fill.
    std::vector<int> plan;
    for (int i = 0; i < 5; ++i) plan.push_back(0);
    for (int i = 0; i < 7; ++i) plan.push_back(1);
    for (int i = 0; i < 5; ++i) plan.push_back(2);
    for (int i = 0; i < 5; ++i) plan.push_back(3);
    for (std::size_t i = plan.size() - 1; i > 0; --i) std::swap(plan[i], plan[m_rng.bounded(static_cast<quint32>(i + 1))]);
    int injected = 0;
    for (int fault : plan) {
      if (total.elapsed() > 210'000) break;  // the bound: at most 4 minutes with the final checks
      switch (fault) {
        case 0: postgresOutage(); break;
        case 1: redisRestart(); break;
        case 2: killServe(false); break;
        default: killServe(true); break;
      }
      ++injected;
      trade(500);
      const char* names[] = {"postgres outage", "redis restart", "serve kill", "serve kill after a fill"};
      checkInvariants(names[fault]);
      if (fault != 1) expectHealthy(names[fault]);
    }
    trade(2000);
    checkInvariants("the end");
    expectHealthy("the end");

    int strategyFills = 0;
    for (const auto& [id, f] : m_venue.fills) strategyFills += f.strategy.rfind("live:", 0) == 0;
    std::set<std::string> orders;
    for (const auto& [id, f] : m_venue.fills) orders.insert(f.order);
    const QString report =
        QString("chaos: %1 faults in %2 s (postgres down %3, redis restarts %4, serve kills %5 + %6 right after a fill, "
                "%7 of the kills with fills the journal did not have yet); %8 fills (%9 by the live strategies) on %10 "
                "orders, %11 manual orders sent; %12 invariant checks, %13 health checks; violations = %14")
            .arg(injected)
            .arg(total.elapsed() / 1000)
            .arg(m_faults["postgres_down"])
            .arg(m_faults["redis_restart"])
            .arg(m_faults["serve_kill"])
            .arg(m_faults["serve_kill_after_fill"])
            .arg(m_killsInFillWindow)
            .arg(m_venue.fills.size())
            .arg(strategyFills)
            .arg(orders.size())
            .arg(m_manualOrders)
            .arg(m_checks)
            .arg(m_healthChecks)
            .arg(m_violations);
    std::fprintf(stdout, "%s\n", qPrintable(report));
    for (const auto& v : m_violationText) std::fprintf(stdout, "  %s\n", qPrintable(v));
    QVERIFY2(injected >= 20, qPrintable(report));
    QVERIFY2(m_venue.fills.size() >= 50, qPrintable(report));
    QVERIFY2(strategyFills > 0, qPrintable(report));
    QVERIFY2(m_violations == 0, qPrintable(report + "\n" + m_violationText.join('\n') + "\n" + serveLog()));
  }
};

QTEST_GUILESS_MAIN(tst_Chaos)
#include "tst_Chaos.moc"
