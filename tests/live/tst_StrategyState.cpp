// Live strategy state that survives a restart (core/live/StrategyState.h, StrategyRunner "State"), end to end on the
// bus: real daily ORCL bars (MERIDIAN_SHARED_DATA), SQLite in a temp dir through storage::StorageService, and the
// production ExecutionService with the paper broker (journal before broker, fills journaled before they are
// announced). Every scenario uses the same oracle: a LiveStrategyHost fed like the runner tells at which bar J the
// strategy buys (target 100) and at which later bar M it sells (target 0), with no decision in between — so "nothing
// is submitted after the restart" is proven by the first order after the restart being that sell, at M.
//   (a) clean stop, restart: no new order; filled = the journal's fills; the shadow book holds the position again;
//   (b) abrupt end: only the state saved before the buy was sent survives (the fill landed in the journal later);
//   (c) the buy is still open in the journal at the restart: adopted, filled later, never doubled;
//   (d) a transient rejection (journal write failed, broker unavailable) is re-evaluated on the next bar; a risk
//       rejection is held until the next signal;
// plus the state codec and the rejection classification.
#include "core/backtest/BarSeriesLoader.h"
#include "core/common/Clock.h"
#include "core/common/Logging.h"
#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Risk.h"
#include "core/contract/Strategy.h"
#include "core/execution/ExecutionService.h"
#include "core/execution/paper/PaperBroker.h"
#include "core/live/LiveStrategyHost.h"
#include "core/live/StrategyRunner.h"
#include "core/live/StrategyState.h"
#include "core/storage/StorageService.h"
#include "tests/support/SwitchableJournal.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <atomic>
#include <functional>

using namespace meridian;
using live::LiveStrategySpec;
using live::RejectionKind;
using live::SavedInstance;
using live::StrategyRunner;
using S = domain::OrderStatus;

namespace strategy_state_test {  // named: the test class holds its types (-Wsubobject-linkage)

constexpr const char* kStrategyId = "live:sma_cross:ORCL";

// The ExecutionService's journal port on the storage thread; while `down`, every journal write fails (a database
// outage as the execution thread sees it: a new order's journal acknowledgement says the journal is unavailable).
class FlakyJournal final : public execution::IJournalQueue {
 public:
  explicit FlakyJournal(storage::StorageService& s) : m_storage(s) {}
  void post(Task task) override {
    m_storage.post([task = std::move(task), sw = m_switch](storage::IStorage& s) {
      testsupport::SwitchableJournal journal(s, *sw);
      task(journal);
    });
  }
  std::atomic<bool>& down() { return m_switch->down; }

 private:
  std::shared_ptr<testsupport::SwitchableJournal::Switch> m_switch = std::make_shared<testsupport::SwitchableJournal::Switch>();
  storage::StorageService& m_storage;
};

// The paper broker, except that while `down` it refuses new orders as a disconnected venue adapter would.
class SwitchableBroker final : public execution::IBroker {
 public:
  explicit SwitchableBroker(std::shared_ptr<common::SimulatedClock> clock) : m_inner(paperConfig(), std::move(clock)) {
    m_inner.setSink([this](execution::BrokerEvent e) { report(std::move(e)); });
  }
  std::string_view name() const override { return "paper"; }
  void submit(const domain::Order& o) override {
    if (!down->load()) return m_inner.submit(o);
    execution::BrokerEvent e;
    e.kind = execution::BrokerEvent::Kind::Rejected;
    e.clientOrderId = o.clientOrderId;
    e.reason = "broker unavailable: not connected";
    report(std::move(e));
  }
  void cancel(const domain::Order& o) override { m_inner.cancel(o); }
  void replace(const domain::Order& a, const domain::Order& b) override { m_inner.replace(a, b); }
  void reconcile(const std::vector<domain::Order>& open) override { m_inner.reconcile(open); }
  void restoreAccount(double cash, const std::vector<domain::Position>& p) override { m_inner.restoreAccount(cash, p); }
  void requestOpenOrders(execution::BrokerAnswer<std::vector<domain::Order>> d) override {
    m_inner.requestOpenOrders(std::move(d));
  }
  void requestOrder(const std::string& id, execution::BrokerAnswer<std::optional<domain::Order>> d) override {
    m_inner.requestOrder(id, std::move(d));
  }
  void requestAccount(execution::BrokerAnswer<execution::AccountInfo> d) override { m_inner.requestAccount(std::move(d)); }
  void requestPositions(execution::BrokerAnswer<std::vector<domain::Position>> d) override {
    m_inner.requestPositions(std::move(d));
  }
  void onQuote(const domain::Quote& q) override { m_inner.onQuote(q); }
  void onBar(std::string_view s, const domain::Bar& b) override { m_inner.onBar(s, b); }
  void poll(domain::Timestamp t) override { m_inner.poll(t); }

  std::shared_ptr<std::atomic<bool>> down = std::make_shared<std::atomic<bool>>(false);

 private:
  static execution::PaperBrokerConfig paperConfig() {
    execution::PaperBrokerConfig c;
    c.expireDayOrders = false;  // the simulated clock jumps a day per bar: a market order must live to the next open
    return c;
  }
  execution::PaperBroker m_inner;
};

struct Intent {
  std::size_t bar = 0;
  domain::Side side = domain::Side::Buy;
  double quantity = 0.0;
  double target = 0.0;
};

}  // namespace strategy_state_test
using namespace strategy_state_test;

class tst_StrategyState : public QObject {
  Q_OBJECT

  backtest::BarSeries m_orcl;
  strategy::ParamSet m_params;
  std::size_t K = 0;  // bars [0, K) are stored history; the runner trades from K
  std::size_t J = 0;  // the strategy buys 100 on bar J (filled at J+1's open)
  std::size_t M = 0;  // ... and sells them on bar M; no decision in between

  // Per test.
  std::unique_ptr<QTemporaryDir> m_dir;
  std::shared_ptr<common::SimulatedClock> m_clock;
  std::unique_ptr<bus::EventBus> m_bus;
  std::unique_ptr<storage::StorageService> m_storage;
  std::shared_ptr<FlakyJournal> m_journal;
  SwitchableBroker* m_broker = nullptr;
  std::unique_ptr<execution::ExecutionService> m_exec;
  std::shared_ptr<bus::Mailbox> m_events;
  std::vector<bus::Envelope> m_seen;
  std::shared_ptr<common::InAppLogBuffer> m_logs;
  std::uint64_t m_logSeq = 0;  // records of earlier tests are not looked at

  // True once a log record of this test contains `needle`.
  bool logged(std::string_view needle) const {
    std::vector<common::LogRecord> records;
    m_logs->recordsSince(m_logSeq, records);
    return std::any_of(records.begin(), records.end(),
                       [&](const common::LogRecord& r) { return r.message.find(needle) != std::string::npos; });
  }

  void startExecution(double maxOrderQty = 10'000) {
    execution::ExecutionConfig cfg;
    cfg.limits.enforceTradingHours = false;  // daily bars, simulated clock
    cfg.limits.maxOrderQty = maxOrderQty;
    auto broker = std::make_unique<SwitchableBroker>(m_clock);
    m_broker = broker.get();
    m_exec = std::make_unique<execution::ExecutionService>(*m_bus, m_journal, std::move(broker), cfg, m_clock);
    QVERIFY(m_exec->start().ok());
  }

  std::unique_ptr<StrategyRunner> startRunner() {
    LiveStrategySpec spec{"sma_cross", {"ORCL"}, m_params};
    live::StrategyRunnerOptions opt;
    opt.trade = true;
    opt.historyDays = 40 * 365;
    auto runner = std::make_unique<StrategyRunner>(*m_bus, std::vector<LiveStrategySpec>{spec}, opt, m_storage.get(),
                                                   *m_clock);
    if (!runner->start().ok() || !runner->waitUntilWarm(std::chrono::seconds(30))) return nullptr;
    return runner;
  }

  // Bar t closes: stored (as the daily ingest would) and published.
  void feed(std::size_t t) {
    const domain::Bar b = m_orcl.bars[t];
    m_clock->set(b.ts + domain::kNanosPerHour);
    auto n = m_storage->call([b](storage::IStorage& s) {
      return s.upsertBars("ORCL", "csv", std::span<const domain::Bar>(&b, 1));
    }).get();
    QVERIFY(n.ok());
    m_bus->publish(contract::BarClosed{"ORCL", "csv", b});
  }
  void feed(std::size_t from, std::size_t to) {  // inclusive
    for (std::size_t t = from; t <= to; ++t) feed(t);
  }

  // Index in m_seen of the first envelope at or after `from` matching pred (waits up to 10 s); -1 on timeout.
  long waitFor(std::size_t from, const std::function<bool(const bus::Envelope&)>& pred) {
    QElapsedTimer t;
    t.start();
    for (std::size_t i = from;;) {
      for (; i < m_seen.size(); ++i)
        if (pred(m_seen[i])) return long(i);
      if (t.elapsed() > 10'000) return -1;
      if (m_events->waitNonEmpty(std::chrono::milliseconds(20))) m_events->drain(m_seen);
    }
  }
  long waitSubmit(std::size_t from) {
    return waitFor(from, [](const bus::Envelope& e) { return e.as<contract::SubmitOrder>() != nullptr; });
  }
  long waitOrder(std::size_t from, const std::string& id, S status) {
    return waitFor(from, [&](const bus::Envelope& e) {
      const auto* u = e.as<contract::OrderUpdated>();
      return u && u->order.clientOrderId == id && u->order.status == status;
    });
  }
  const contract::SubmitOrder& submitAt(long i) { return *m_seen.at(std::size_t(i)).as<contract::SubmitOrder>(); }
  // Everything delivered so far; the index after it.
  std::size_t now() {
    m_events->drain(m_seen);
    return m_seen.size();
  }
  std::size_t count(std::size_t from, std::size_t to, const std::function<bool(const bus::Envelope&)>& pred) const {
    std::size_t n = 0;
    for (std::size_t i = from; i < to && i < m_seen.size(); ++i) n += pred(m_seen[i]);
    return n;
  }
  static bool isSubmit(const bus::Envelope& e) { return e.as<contract::SubmitOrder>() != nullptr; }

  // The journal's net position of the strategy in ORCL (its fills, signed).
  double journalHeld() {
    auto fills = m_storage->call([](storage::IStorage& s) { return s.loadStrategyFills(kStrategyId); }).get();
    if (!fills.ok()) return -1e300;
    double q = 0;
    for (const auto& f : *fills) q += f.side == domain::Side::Buy ? f.quantity : -f.quantity;
    return q;
  }

  // Runner 1 trades from K up to the buy on bar J; returns the buy's index in m_seen (checked: buy 100).
  long tradeToTheBuy() {
    const std::size_t from = now();
    feed(K, J);
    const long buy = waitSubmit(from);
    if (buy < 0) return -1;
    const auto& o = submitAt(buy).order;
    if (o.side != domain::Side::Buy || o.quantity != 100.0 || o.strategyId != kStrategyId) return -1;
    return buy;
  }

  // After a restart: bars firstBar..M produce exactly one order, the sell of the 100 held, on bar M.
  void expectOnlyTheSellAtM(std::size_t from, std::size_t firstBar = 0) {
    feed(firstBar ? firstBar : J + 2, M);
    const long sell = waitSubmit(from);
    QVERIFY2(sell >= 0, "the sell at M never came");
    const auto& o = submitAt(sell).order;
    QVERIFY2(o.side == domain::Side::Sell, "the first order after the restart must be the sell at M");
    QCOMPARE(o.quantity, 100.0);
    // Its signal names bar M: nothing was decided (or submitted) on an earlier bar.
    const long sig = waitFor(from, [](const bus::Envelope& e) { return e.as<contract::SignalGenerated>() != nullptr; });
    QVERIFY(sig >= 0);
    QCOMPARE(m_seen[std::size_t(sig)].as<contract::SignalGenerated>()->ts, m_orcl.bars[M].ts);
    QCOMPARE(m_seen[std::size_t(sig)].as<contract::SignalGenerated>()->targetQuantity, 0.0);
    QCOMPARE(count(from, std::size_t(sell), isSubmit), std::size_t(0));
  }

 private Q_SLOTS:
  void initTestCase() {
    common::LogOptions logs;
    logs.console = qEnvironmentVariableIsSet("MERIDIAN_TEST_LOG");  // the runner's story on stderr when asked
    m_logs = common::initLogging(logs);
    auto s = backtest::loadYahooCsv(std::string(MERIDIAN_SHARED_DATA) + "/orcl-1995-2014.csv", "ORCL");
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    m_orcl = std::move(s).value();
    const auto& registry = strategy::StrategyRegistry::builtin();
    const std::pair<std::string, double> p[] = {{"fast", 10}, {"slow", 30}};
    m_params = *registry.resolve("sma_cross", p);
    // The oracle: the strategy stepped like the runner steps it (orders refused before K).
    K = 300;
    live::LiveStrategyHost oracle(std::move(registry.create("sma_cross", m_params)).value(), {"ORCL"});
    std::vector<Intent> intents;
    for (std::size_t t = 0; t < m_orcl.bars.size() && intents.size() < 2; ++t)
      for (const auto& i : oracle.step(std::span<const domain::Bar>(&m_orcl.bars[t], 1), t >= K))
        intents.push_back({t, i.side, i.quantity, i.targetPosition});
    QCOMPARE(intents.size(), std::size_t(2));
    J = intents[0].bar;
    M = intents[1].bar;
    QVERIFY(intents[0].side == domain::Side::Buy && intents[0].quantity == 100 && intents[0].target == 100);
    QVERIFY(intents[1].side == domain::Side::Sell && intents[1].quantity == 100 && intents[1].target == 0);
    QVERIFY2(M >= J + 3, "the scenario needs bars between the buy's fill and the sell");
    qInfo("ORCL sma_cross 10/30 from bar %zu: buy 100 on bar %zu, sell 100 on bar %zu", K, J, M);
  }

  void init() {
    std::vector<common::LogRecord> earlier;
    m_logSeq = m_logs->recordsSince(m_logSeq, earlier);
    m_dir = std::make_unique<QTemporaryDir>();
    m_clock = std::make_shared<common::SimulatedClock>(m_orcl.bars[K - 1].ts + domain::kNanosPerHour);
    m_bus = std::make_unique<bus::EventBus>();
    storage::StorageConfig sc;
    sc.backend = "sqlite";
    sc.sqlitePath = m_dir->filePath("live.sqlite").toStdString();
    m_storage = std::make_unique<storage::StorageService>(sc);
    QVERIFY(m_storage->start().ok());
    auto n = m_storage->call([this](storage::IStorage& s) {
      return s.upsertBars("ORCL", "csv", std::span<const domain::Bar>(m_orcl.bars.data(), K));
    }).get();
    QVERIFY(n.ok());
    m_journal = std::make_shared<FlakyJournal>(*m_storage);
    m_events = std::make_shared<bus::Mailbox>();
    m_seen.clear();
    m_bus->subscribe<contract::SubmitOrder>(m_events);
    m_bus->subscribe<contract::OrderUpdated>(m_events);
    m_bus->subscribe<contract::CommandRejected>(m_events);
    m_bus->subscribe<contract::RiskRejected>(m_events);
    m_bus->subscribe("strat.signal.>", m_events);
  }

  void cleanup() {
    if (m_exec) m_exec->stop();
    m_exec.reset();
    if (m_storage) m_storage->stop();
    m_storage.reset();
    m_events->close();
    m_bus.reset();
    m_dir.reset();
  }

  // (a) SIGTERM path: StrategyRunner::stop, then a new runner on the same database.
  void cleanStopThenRestartSubmitsNothingNew() {
    startExecution();
    auto r1 = startRunner();
    QVERIFY(r1);
    const long buy = tradeToTheBuy();
    QVERIFY2(buy >= 0, "runner 1 must buy 100 on bar J and nothing before");
    const std::string id = submitAt(buy).order.clientOrderId;
    QVERIFY(waitOrder(std::size_t(buy), id, S::Accepted) >= 0);
    feed(J + 1);  // the paper broker fills the market order on the next bar
    QVERIFY(waitOrder(std::size_t(buy), id, S::Filled) >= 0);
    QTRY_COMPARE(r1->status().at(0).filled.at(0), 100.0);
    r1->stop();
    r1.reset();
    QCOMPARE(journalHeld(), 100.0);

    const std::size_t restart = now();
    auto r2 = startRunner();
    QVERIFY(r2);
    const auto st = r2->status().at(0);
    QVERIFY(st.restored);
    QCOMPARE(st.filled.at(0), journalHeld());
    QCOMPARE(st.targets.at(0), 100.0);
    QCOMPARE(st.workingOrders, std::size_t(0));
    QCOMPARE(st.warmupBars, J + 2);
    QCOMPARE(st.positions.at(0), 100.0);  // the shadow book holds it again: the strategy's next decision is a sell
    // ... because the warm-up replayed the bars it traded on, not because the check after it had to correct it.
    QVERIFY(logged("replayed as traded before the restart"));
    QVERIFY(!logged("the shadow book is set to the target"));
    expectOnlyTheSellAtM(restart);

    // And the sell closes exactly what the journal holds.
    const long sell = waitSubmit(restart);
    QVERIFY(waitOrder(restart, submitAt(sell).order.clientOrderId, S::Accepted) >= 0);
    feed(M + 1);
    QVERIFY(waitOrder(restart, submitAt(sell).order.clientOrderId, S::Filled) >= 0);
    QTRY_COMPARE(r2->status().at(0).filled.at(0), 0.0);
    QCOMPARE(journalHeld(), 0.0);
    r2->stop();
  }

  // Paused in the Strategy Monitor, stopped, restarted: the instance comes back paused (saved with its state), its
  // snapshot says so with the journal's position, and the sell signal at M is not traded.
  void pausedSurvivesRestart() {
    startExecution();
    auto statusBox = std::make_shared<bus::Mailbox>();
    m_bus->subscribe<contract::StrategiesSnapshot>(statusBox);
    auto r1 = startRunner();
    QVERIFY(r1);
    const long buy = tradeToTheBuy();
    QVERIFY(buy >= 0);
    const std::string id = submitAt(buy).order.clientOrderId;
    QVERIFY(waitOrder(std::size_t(buy), id, S::Accepted) >= 0);
    feed(J + 1);
    QVERIFY(waitOrder(std::size_t(buy), id, S::Filled) >= 0);
    QTRY_COMPARE(r1->status().at(0).filled.at(0), 100.0);
    QVERIFY(m_bus->send(contract::ControlStrategy{"C-P", "sma_cross:ORCL", contract::StrategyAction::Pause}).ok());
    std::atomic<bool> cancel{false};
    QVERIFY(r1->runCycle(cancel).ok());  // barrier: the pause was handled (and its state posted) before this
    r1->stop();
    r1.reset();

    const auto latest = [&]() {
      std::vector<bus::Envelope> got;
      statusBox->drain(got);
      contract::StrategiesSnapshot last;
      for (const auto& e : got)
        if (const auto* s = e.as<contract::StrategiesSnapshot>()) last = *s;
      return last;
    };
    latest();
    const std::size_t restart = now();
    auto r2 = startRunner();
    QVERIFY(r2);
    QVERIFY(r2->runCycle(cancel).ok());
    auto snap = latest();
    QCOMPARE(snap.instances.size(), std::size_t(1));
    QCOMPARE(snap.instances[0].state, std::string("paused"));
    QVERIFY(snap.instances[0].paused);
    QCOMPARE(snap.instances[0].legs.at(0).position, 100.0);
    QCOMPARE(snap.instances[0].legs.at(0).avgCost, m_orcl.bars[J + 1].open);  // the paper fill at J+1's open
    feed(J + 2, M);
    const long sig = waitFor(restart, [&](const bus::Envelope& e) {
      const auto* g = e.as<contract::SignalGenerated>();
      return g && g->ts == m_orcl.bars[M].ts;
    });
    QVERIFY2(sig >= 0, "the sell signal at M never came");
    QVERIFY(m_seen[std::size_t(sig)].as<contract::SignalGenerated>()->reason.find("paused: not traded") !=
            std::string::npos);
    QVERIFY(r2->runCycle(cancel).ok());
    QCOMPARE(count(restart, now(), isSubmit), std::size_t(0));
    QCOMPARE(journalHeld(), 100.0);
    r2->stop();
  }

  // (b) An abrupt end: the process dies right after sending the buy; only what was saved along the way survives
  // (the state saved before the send), while the order still fills and reaches the journal.
  void abruptEndRestartsFromTheJournal() {
    startExecution();
    auto r1 = startRunner();
    QVERIFY(r1);
    const long buy = tradeToTheBuy();
    QVERIFY2(buy >= 0, "runner 1 must buy 100 on bar J and nothing before");
    const std::string id = submitAt(buy).order.clientOrderId;
    // What a kill right now leaves in strategy_state: saved before the order was sent, so it names the order.
    auto snap = m_storage->call([](storage::IStorage& s) { return s.loadStrategyState(kStrategyId); }).get();
    QVERIFY(snap.ok() && snap->has_value());
    const storage::StrategyStateRecord killed = **snap;
    auto decoded = live::decodeSavedInstance(killed.stateJson);
    QVERIFY2(decoded.ok(), decoded.ok() ? "" : decoded.error().message.c_str());
    QCOMPARE(decoded->lastBarTs, m_orcl.bars[J].ts);
    QCOMPARE(decoded->tradingSinceTs, m_orcl.bars[K].ts);
    QCOMPARE(decoded->slots.size(), std::size_t(1));
    QCOMPARE(decoded->slots[0].target, 100.0);
    QCOMPARE(decoded->slots[0].filled, 0.0);
    QCOMPARE(decoded->slots[0].orders.size(), std::size_t(1));
    QCOMPARE(decoded->slots[0].orders[0].clientOrderId, id);

    QVERIFY(waitOrder(std::size_t(buy), id, S::Accepted) >= 0);
    feed(J + 1);
    QVERIFY(waitOrder(std::size_t(buy), id, S::Filled) >= 0);
    QTRY_COMPARE(r1->status().at(0).filled.at(0), 100.0);
    r1->stop();
    r1.reset();
    // Nothing the runner saved after the send survives.
    QVERIFY(m_storage->call([killed](storage::IStorage& s) { return s.saveStrategyState(killed); }).get().ok());
    QCOMPARE(journalHeld(), 100.0);

    const std::size_t restart = now();
    auto r2 = startRunner();
    QVERIFY(r2);
    const auto st = r2->status().at(0);
    QCOMPARE(st.filled.at(0), 100.0);  // the journal's fills, not the saved 0
    QTRY_VERIFY(logged("the saved state says 0 filled, the journal's fills say 100: the journal is right"));
    QCOMPARE(st.targets.at(0), 100.0);
    QCOMPARE(st.workingOrders, std::size_t(0));  // the saved working order ended (filled) while it was down
    QCOMPARE(st.positions.at(0), 100.0);
    expectOnlyTheSellAtM(restart);
    r2->stop();
  }

  // The saved state is unreadable (here: written by a newer build): the journal alone says what is held, the target
  // is that position, and the shadow book is put on it after the warm-up (no replay possible).
  void unreadableStateRebuildsFromTheJournalAlone() {
    startExecution();
    auto r1 = startRunner();
    QVERIFY(r1);
    const long buy = tradeToTheBuy();
    QVERIFY2(buy >= 0, "runner 1 must buy 100 on bar J and nothing before");
    const std::string id = submitAt(buy).order.clientOrderId;
    QVERIFY(waitOrder(std::size_t(buy), id, S::Accepted) >= 0);
    feed(J + 1);
    QVERIFY(waitOrder(std::size_t(buy), id, S::Filled) >= 0);
    QTRY_COMPARE(r1->status().at(0).filled.at(0), 100.0);
    r1->stop();
    r1.reset();
    const storage::StrategyStateRecord newer{kStrategyId, "{}", R"({"v":99})", 0};
    QVERIFY(m_storage->call([newer](storage::IStorage& s) { return s.saveStrategyState(newer); }).get().ok());

    const std::size_t restart = now();
    auto r2 = startRunner();
    QVERIFY(r2);
    const auto st = r2->status().at(0);
    QCOMPARE(st.filled.at(0), 100.0);
    QCOMPARE(st.targets.at(0), 100.0);
    QCOMPARE(st.positions.at(0), 100.0);
    QVERIFY(logged("saved state ignored"));
    QVERIFY(logged("the shadow book is set to the target"));
    expectOnlyTheSellAtM(restart);
    r2->stop();
  }

  // The saved state names a working order the journal does not know: runner 1 died right after sending it. Kept as
  // working (no second order) until the next bar asks the journal again: still unknown, it was never sent and the
  // target is traded then; journaled meanwhile (the command was still on its way), it is simply followed.
  void orderUnknownToTheJournalAtRestart_data() {
    QTest::addColumn<bool>("arrivesLate");
    QTest::newRow("never journaled") << false;
    QTest::newRow("journaled after the restart") << true;
  }
  void orderUnknownToTheJournalAtRestart() {
    QFETCH(bool, arrivesLate);
    startExecution();
    feed(K, J);  // the bars runner 1 saw, stored
    SavedInstance killed;
    killed.instance = "sma_cross:ORCL";
    killed.strategy = "sma_cross";
    killed.symbols = {"ORCL"};
    killed.tradingSinceTs = m_orcl.bars[K].ts;
    killed.lastBarTs = m_orcl.bars[J].ts;
    killed.slots = {{"ORCL", 100.0, 0.0, false, false, {{"MRD-GHOST", "C-GHOST", domain::Side::Buy, 0.0}}}};
    const storage::StrategyStateRecord rec{kStrategyId, m_params.toJson(), live::encodeSavedInstance(killed), 0};
    QVERIFY(m_storage->call([rec](storage::IStorage& s) { return s.saveStrategyState(rec); }).get().ok());

    auto r2 = startRunner();
    QVERIFY(r2);
    QCOMPARE(r2->status().at(0).workingOrders, std::size_t(1));
    QVERIFY(logged("order MRD-GHOST for ORCL is not in the journal yet"));
    if (arrivesLate) {
      domain::Order ghost;
      ghost.clientOrderId = "MRD-GHOST";
      ghost.symbol = "ORCL";
      ghost.side = domain::Side::Buy;
      ghost.quantity = 100;
      ghost.strategyId = kStrategyId;
      const std::size_t sent = now();
      QVERIFY(m_bus->send(contract::SubmitOrder{"C-GHOST", ghost}).ok());
      QVERIFY(waitOrder(sent, "MRD-GHOST", S::Accepted) >= 0);
    }
    const std::size_t from = now();
    feed(J + 1);
    if (arrivesLate) {
      QVERIFY(waitOrder(from, "MRD-GHOST", S::Filled) >= 0);
      QTRY_COMPARE(r2->status().at(0).filled.at(0), 100.0);
      expectOnlyTheSellAtM(from);
    } else {
      const long buy = waitSubmit(from);
      QVERIFY2(buy >= 0, "the order the journal never had must be replaced on the next bar");
      const auto& o = submitAt(buy).order;
      QVERIFY(o.side == domain::Side::Buy && o.quantity == 100.0 && o.clientOrderId != "MRD-GHOST");
      QVERIFY(logged("never sent"));
      QVERIFY(waitOrder(std::size_t(buy), o.clientOrderId, S::Accepted) >= 0);
      feed(J + 2);
      QVERIFY(waitOrder(std::size_t(buy), o.clientOrderId, S::Filled) >= 0);
      QTRY_COMPARE(r2->status().at(0).filled.at(0), 100.0);
      expectOnlyTheSellAtM(std::size_t(buy) + 1, J + 3);
    }
    QCOMPARE(journalHeld(), 100.0);
    r2->stop();
  }

  // (c) The buy is still open in the journal when the runner restarts: adopted as working, never sent twice.
  void openOrderIsAdoptedNotDoubled() {
    startExecution();
    auto r1 = startRunner();
    QVERIFY(r1);
    const long buy = tradeToTheBuy();
    QVERIFY2(buy >= 0, "runner 1 must buy 100 on bar J and nothing before");
    const std::string id = submitAt(buy).order.clientOrderId;
    QVERIFY(waitOrder(std::size_t(buy), id, S::Accepted) >= 0);  // open in the journal
    r1->stop();
    r1.reset();

    const std::size_t restart = now();
    auto r2 = startRunner();
    QVERIFY(r2);
    auto st = r2->status().at(0);
    QCOMPARE(st.workingOrders, std::size_t(1));
    QTRY_VERIFY(logged("adopted order " + id));
    QCOMPARE(st.filled.at(0), 0.0);
    QCOMPARE(st.targets.at(0), 100.0);
    feed(J + 1);  // the adopted order fills now
    QVERIFY(waitOrder(restart, id, S::Filled) >= 0);
    QTRY_COMPARE(r2->status().at(0).filled.at(0), 100.0);
    QCOMPARE(r2->status().at(0).workingOrders, std::size_t(0));
    QCOMPARE(journalHeld(), 100.0);
    expectOnlyTheSellAtM(restart);
    r2->stop();
  }

  // (d) Transient rejections come back on the next bar; a risk rejection does not.
  void transientRejectionIsRetriedOnTheNextBar_data() {
    QTest::addColumn<QString>("outage");
    QTest::newRow("journal write failed") << "journal";
    QTest::newRow("broker unavailable") << "broker";
  }
  void transientRejectionIsRetriedOnTheNextBar() {
    QFETCH(QString, outage);
    startExecution();
    auto& down = outage == "journal" ? m_journal->down() : *m_broker->down;
    down = true;
    auto r1 = startRunner();
    QVERIFY(r1);
    const long first = tradeToTheBuy();
    QVERIFY2(first >= 0, "the runner must try to buy 100 on bar J");
    const std::string id1 = submitAt(first).order.clientOrderId;
    QVERIFY(waitOrder(std::size_t(first), id1, S::Rejected) >= 0);
    // Barrier: a strategy_cycle request queued behind the rejection (no new stored bars: it steps nothing). Had the
    // runner retried at once, that order would be here by the time the cycle answers.
    std::atomic<bool> cancel{false};
    auto cycle = r1->runCycle(cancel);
    QVERIFY(cycle.ok());
    QCOMPARE(cycle->newBars, std::size_t(0));
    const std::size_t afterReject = now();
    QCOMPARE(count(std::size_t(first) + 1, afterReject, isSubmit), std::size_t(0));
    QCOMPARE(r1->status().at(0).targets.at(0), 100.0);
    QTRY_VERIFY(logged("(transient): re-evaluated on the next bar"));

    down = false;
    feed(J + 1);  // the next bar re-evaluates the target: 100 wanted, 0 filled, nothing working
    const long retry = waitSubmit(afterReject);
    QVERIFY2(retry >= 0, "the transient rejection was not retried on the next bar");
    const auto& o = submitAt(retry).order;
    QVERIFY(o.side == domain::Side::Buy);
    QCOMPARE(o.quantity, 100.0);
    QVERIFY(o.clientOrderId != id1);
    QVERIFY(waitOrder(std::size_t(retry), o.clientOrderId, S::Accepted) >= 0);
    feed(J + 2);
    QVERIFY(waitOrder(std::size_t(retry), o.clientOrderId, S::Filled) >= 0);
    QTRY_COMPARE(r1->status().at(0).filled.at(0), 100.0);
    QCOMPARE(journalHeld(), 100.0);
    QCOMPARE(count(std::size_t(first), now(), isSubmit), std::size_t(2));
    r1->stop();
  }

  void riskRejectionIsHeldUntilTheNextSignal() {
    startExecution(/*maxOrderQty=*/50);
    auto r1 = startRunner();
    QVERIFY(r1);
    const long first = tradeToTheBuy();
    QVERIFY2(first >= 0, "the runner must try to buy 100 on bar J");
    const long risk = waitFor(std::size_t(first), [](const bus::Envelope& e) {
      const auto* r = e.as<contract::RiskRejected>();
      return r && r->rule == "max_order_qty";
    });
    QVERIFY(risk >= 0);
    std::atomic<bool> cancel{false};
    QVERIFY(r1->runCycle(cancel).ok());  // barrier, as above
    QTRY_VERIFY(logged("(definitive)"));
    QTRY_VERIFY(logged("target 100 (filled 0) is not retried until the strategy sets a new one"));

    // Bars up to the strategy's next signal (the sell at M, target 0): no retry of the refused buy on the way.
    const std::size_t from = now();
    feed(J + 1, M);
    const long sig = waitFor(from, [](const bus::Envelope& e) { return e.as<contract::SignalGenerated>() != nullptr; });
    QVERIFY(sig >= 0);
    QCOMPARE(m_seen[std::size_t(sig)].as<contract::SignalGenerated>()->ts, m_orcl.bars[M].ts);
    QCOMPARE(count(std::size_t(first) + 1, now(), isSubmit), std::size_t(0));
    // The new target (flat) is what the account holds: still nothing to send.
    QTRY_COMPARE(r1->status().at(0).targets.at(0), 0.0);
    QCOMPARE(r1->status().at(0).filled.at(0), 0.0);
    QCOMPARE(journalHeld(), 0.0);
    r1->stop();
  }

  void classifiesRejections() {
    // As text: the kinds print in a failure message.
    const auto classifyRejection = [](std::string_view rule, std::string_view reason) {
      const std::string_view k = live::toString(live::classifyRejection(rule, reason));
      return QString::fromUtf8(k.data(), qsizetype(k.size()));
    };
    const QString T = QStringLiteral("transient"), D = QStringLiteral("definitive");
    // The ExecutionService's rule decides when there is one.
    QCOMPARE(classifyRejection("journal", "MRD-1: not sent: the order journal write failed (db down)"), T);
    QCOMPARE(classifyRejection("max_order_qty", "quantity 100 exceeds the max order quantity 50"), D);
    QCOMPARE(classifyRejection("invalid_order", "invalid quantity 0"), D);
    QCOMPARE(classifyRejection("kill_switch", "kill switch engaged (manual)"), D);
    QCOMPARE(classifyRejection("rate_limit", "order rate limit: more than 20 orders in 1000 ms"), D);
    QCOMPARE(classifyRejection("max_position", "connection lost is not a risk reason, the rule decides"), D);
    // Otherwise the reason text.
    QCOMPARE(classifyRejection({}, "MRD-1: not sent: the order journal write failed (disk I/O error)"), T);
    QCOMPARE(classifyRejection({}, "SubmitOrder not sent: the execution queue is full; it is not keeping up"), T);
    QCOMPARE(classifyRejection({}, "SubmitOrder not sent: nothing in this process handles it"), T);
    QCOMPARE(classifyRejection({}, "broker unavailable: not connected"), T);
    QCOMPARE(classifyRejection({}, "Alpaca: Disconnected"), T);
    QCOMPARE(classifyRejection({}, "request timed out"), T);
    QCOMPARE(classifyRejection({}, "Alpaca rejected the order (HTTP 503): Service Unavailable"), T);
    QCOMPARE(classifyRejection({}, "Alpaca rejected the order (HTTP 502): bad gateway"), T);
    QCOMPARE(classifyRejection({}, "Alpaca rejected the order (HTTP 429): too many requests"), T);
    QCOMPARE(classifyRejection({}, "Alpaca rejected the order (HTTP 422): insufficient buying power"), D);
    QCOMPARE(classifyRejection({}, "Alpaca rejected the order (HTTP 403): forbidden"), D);
    QCOMPARE(classifyRejection({}, "paper: invalid order (quantity or symbol)"), D);
    QCOMPARE(classifyRejection({}, "market closed"), D);
    QCOMPARE(classifyRejection({}, ""), D);
    QVERIFY(live::classifyRejection("journal", {}) == RejectionKind::Transient);
    QVERIFY(live::classifyRejection({}, "market closed") == RejectionKind::Definitive);
  }

  void stateCodecRoundTrips() {
    SavedInstance s;
    s.instance = "pairs:KO/PEP";
    s.strategy = "pairs";
    s.symbols = {"KO", "PEP"};
    s.tradingSinceTs = 1'704'205'800'000'000'001;  // beyond a double's 53 bits: must survive exactly
    s.lastBarTs = 1'704'205'800'123'456'789;
    s.refused = {{1'704'205'800'000'000'100, 1'704'205'800'000'000'200}};
    s.slots = {{"KO", 250.5, 200.0, false, true, {{"MRD-1", "C-1", domain::Side::Buy, 20.0}}},
               {"PEP", -120.0, -120.0, true, false, {}}};
    s.paused = true;
    s.flatten = true;
    auto back = live::decodeSavedInstance(live::encodeSavedInstance(s));
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
    QVERIFY(*back == s);
    QVERIFY(back->slot("PEP") && back->slot("PEP")->hold);
    QVERIFY(!back->slot("XOM"));
    // Bars traded on: from trading_since_ts to last_bar_ts, outside the refused ranges.
    QVERIFY(!s.tradedAt(s.tradingSinceTs - 1));
    QVERIFY(s.tradedAt(s.tradingSinceTs));
    QVERIFY(!s.tradedAt(1'704'205'800'000'000'150));
    QVERIFY(s.tradedAt(1'704'205'800'000'000'201));
    QVERIFY(s.tradedAt(s.lastBarTs));
    QVERIFY(!s.tradedAt(s.lastBarTs + 1));
    QVERIFY(!SavedInstance{}.tradedAt(5));

    // Through the store and back (SQLite here; tests/storage/tst_StrategyStateStore covers PostgreSQL).
    QTemporaryDir dir;
    storage::StorageConfig sc;
    sc.backend = "sqlite";
    sc.sqlitePath = dir.filePath("codec.sqlite").toStdString();
    storage::StorageService st(sc);
    QVERIFY(st.start().ok());
    const storage::StrategyStateRecord rec{"live:" + s.instance, R"({"formation":120})", live::encodeSavedInstance(s),
                                           s.lastBarTs};
    QVERIFY(st.call([rec](storage::IStorage& x) { return x.saveStrategyState(rec); }).get().ok());
    auto loaded = st.call([](storage::IStorage& x) { return x.loadStrategyState("live:pairs:KO/PEP"); }).get();
    QVERIFY(loaded.ok() && loaded->has_value());
    auto again = live::decodeSavedInstance((*loaded)->stateJson);
    QVERIFY(again.ok());
    QVERIFY(*again == s);
    st.stop();

    // Refused: not JSON, a newer version, a missing field, a bad order.
    QVERIFY(!live::decodeSavedInstance("nope").ok());
    QVERIFY(!live::decodeSavedInstance("[]").ok());
    QVERIFY(live::decodeSavedInstance(R"({"v":2})").error().message.find("version 2") != std::string::npos);
    QVERIFY(live::decodeSavedInstance(R"({"v":1,"instance":"x","strategy":"y","symbols":[],"refused":[],"slots":[]})")
                .error()
                .message.find("trading_since_ts") != std::string::npos);
    QVERIFY(!live::decodeSavedInstance(
                 R"({"v":1,"instance":"x","strategy":"y","symbols":[],"trading_since_ts":0,"last_bar_ts":0,)"
                 R"("refused":[],"slots":[{"symbol":"A","target":1,"filled":0,"hold":false,"deferred":false,)"
                 R"("orders":[{"client_order_id":"","side":"buy","filled":0}]}]})")
                 .ok());
  }
};

QTEST_GUILESS_MAIN(tst_StrategyState)
#include "tst_StrategyState.moc"
