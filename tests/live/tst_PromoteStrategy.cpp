// Live instances started at run time (contract::StartStrategy, the Pair Lab's Promote to Live) in the StrategyRunner,
// on SQLite through storage::StorageService: two generated cointegrated daily series (hedge ratio 1.5) stored, a
// runner without strategy.live. The promoted pairs instance warms up on the stored bars with the parameters it was
// promoted with, is saved as "promoted:<id>" and started again by the next runner on the same database; a duplicate,
// a mode that is not the runner's, LIVE without its confirmation, bad symbols or parameters and an expired command
// are refused with a CommandRejected carrying the command's correlation id; Remove stops a flat promoted instance
// for good.
#include "core/common/Clock.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "core/live/StrategyRunner.h"
#include "core/live/StrategyState.h"
#include "core/storage/StorageService.h"
#include "core/time/TimeZones.h"
#include "tests/support/PairSeries.h"
#include "tests/support/PnlFixture.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include <atomic>
#include <cmath>

using namespace meridian;
using live::StrategyRunner;

namespace {

constexpr std::size_t kBars = 400;
constexpr const char* kId = "pairs:AAA/BBB";

contract::StartStrategy promote(std::string corr, std::string mode = "PAPER") {
  contract::StartStrategy c;
  c.correlationId = std::move(corr);
  c.strategy = "pairs";
  c.symbols = {"aaa", "bbb"};  // upper-cased by the runner
  c.params = {{"formation", 126}, {"entry_z", 2.5}};
  c.mode = std::move(mode);
  c.timeframe = "1d";
  c.origin = "Pair Lab: p 0.001, hedge 1.50";
  return c;
}

// Barrier: a strategy cycle is handled on the runner thread after everything queued before it; with no new stored
// bars it steps nothing. When it returns, every earlier command was handled and its answer published.
void settle(StrategyRunner& runner) {
  std::atomic<bool> cancel{false};
  const auto r = runner.runCycle(cancel);
  QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
  QCOMPARE(r->newBars, std::size_t(0));
}

}  // namespace

class tst_PromoteStrategy : public QObject {
  Q_OBJECT

  std::unique_ptr<QTemporaryDir> m_dir;
  std::shared_ptr<common::SimulatedClock> m_clock;
  std::unique_ptr<bus::EventBus> m_bus;
  std::unique_ptr<storage::StorageService> m_storage;
  std::shared_ptr<bus::Mailbox> m_box;
  std::vector<bus::Envelope> m_seen;

  std::unique_ptr<StrategyRunner> startRunner(bool trade = true, bool liveMoney = false, std::string liveSpec = {}) {
    live::StrategyRunnerOptions opt;
    opt.trade = trade;
    opt.liveMoney = liveMoney;
    opt.historyDays = 5 * 365;
    std::vector<live::LiveStrategySpec> specs;
    if (!liveSpec.empty()) {
      common::Config none;
      auto parsed = live::parseLiveStrategies(liveSpec, none, strategy::StrategyRegistry::builtin());
      if (!parsed) return nullptr;
      specs = std::move(parsed).value();
    }
    auto runner = std::make_unique<StrategyRunner>(*m_bus, std::move(specs), opt, m_storage.get(), *m_clock);
    if (!runner->start().ok() || !runner->waitUntilWarm(std::chrono::seconds(30))) return nullptr;
    return runner;
  }

  // The rejection answering `corr` among everything seen so far (after a settle()).
  std::optional<std::string> rejection(const std::string& corr) {
    m_box->drain(m_seen);
    for (const auto& e : m_seen)
      if (const auto* r = e.as<contract::CommandRejected>(); r && r->correlationId == corr) return r->reason;
    return std::nullopt;
  }
  std::shared_ptr<const contract::StrategiesSnapshot> lastSnapshot() {
    m_box->drain(m_seen);
    std::shared_ptr<const contract::StrategiesSnapshot> last;
    for (const auto& e : m_seen)
      if (e.as<contract::StrategiesSnapshot>()) last = e.share<contract::StrategiesSnapshot>();
    return last;
  }
  // Sends `cmd`, waits for the runner to handle it; the rejection's reason ("" when it was not rejected).
  template <class Command>
  std::string sendAndSettle(StrategyRunner& runner, const Command& cmd, std::int64_t deadline = 0) {
    if (Status s = m_bus->send(cmd, deadline); !s.ok()) return "send failed: " + s.error().message;
    settle(runner);
    return rejection(cmd.correlationId).value_or("");
  }
  const live::StrategyInstanceStatus* find(const std::vector<live::StrategyInstanceStatus>& all, const char* id) {
    for (const auto& s : all)
      if (s.id == id) return &s;
    return nullptr;
  }

 private Q_SLOTS:
  void init() {
    m_dir = std::make_unique<QTemporaryDir>();
    m_clock = std::make_shared<common::SimulatedClock>(test::kPairT0 + domain::Timestamp(kBars) * domain::kNanosPerDay);
    m_bus = std::make_unique<bus::EventBus>();
    storage::StorageConfig sc;
    sc.backend = "sqlite";
    sc.sqlitePath = m_dir->filePath("promote.sqlite").toStdString();
    m_storage = std::make_unique<storage::StorageService>(sc);
    QVERIFY(m_storage->start().ok());
    const test::PairSeries g = test::generatePairSeries(kBars);
    QVERIFY(test::storePairSeries(*m_storage, g, {.withC = false}));
    m_box = std::make_shared<bus::Mailbox>("test");
    m_bus->subscribe<contract::CommandRejected>(m_box);
    m_bus->subscribe<contract::StrategiesSnapshot>(m_box);
    m_seen.clear();
  }
  void cleanup() {
    m_storage->stop();
    m_storage.reset();
    m_bus.reset();
  }

  void promotedInstanceStartsIsRefusedTwiceAndSurvivesARestart() {
    auto runner = startRunner();
    QVERIFY(runner);
    QVERIFY(runner->status().empty());
    QCOMPARE(lastSnapshot()->mode, std::string("PAPER"));
    QCOMPARE(lastSnapshot()->timeframe, std::string("1d"));

    QCOMPARE(sendAndSettle(*runner, promote("P-1")), std::string());
    auto status = runner->status();
    QCOMPARE(status.size(), std::size_t(1));
    QCOMPARE(status[0].id, std::string(kId));
    QCOMPARE(status[0].warmupBars, kBars);  // warmed up on every stored bar
    QVERIFY2(status[0].params.find("formation=126") != std::string::npos &&
                 status[0].params.find("entry_z=2.5") != std::string::npos &&
                 status[0].params.find("exit_z=0.5") != std::string::npos,  // a default
             status[0].params.c_str());
    QCOMPARE(status[0].targets, (std::vector<double>{0.0, 0.0}));
    // The Strategy Monitor's row: PAPER, fitted on the formation window (hedge ~1.5 as generated).
    auto snap = lastSnapshot();
    QVERIFY(snap && snap->instances.size() == 1);
    const contract::StrategyInstanceState& row = snap->instances[0];
    QCOMPARE(row.instance, std::string(kId));
    QCOMPARE(row.mode, std::string("PAPER"));
    QCOMPARE(row.legs.size(), std::size_t(2));
    QCOMPARE(row.legs[1].symbol, std::string("BBB"));
    const auto hedge = std::find_if(row.indicators.begin(), row.indicators.end(), [](auto& i) { return i.name == "hedge"; });
    QVERIFY(hedge != row.indicators.end());
    QVERIFY2(std::abs(hedge->value - 1.5) < 0.1, qPrintable(QString::number(hedge->value)));

    // Saved: the promoted record (every parameter) and, trading, its state row.
    auto saved = m_storage->call([](storage::IStorage& s) { return s.loadStrategyState("promoted:pairs:AAA/BBB"); }).get();
    QVERIFY(saved.ok() && saved->has_value());
    auto rec = live::decodePromotedInstance((*saved)->stateJson, (*saved)->paramsJson);
    QVERIFY2(rec.ok(), rec.ok() ? "" : rec.error().message.c_str());
    QCOMPARE(rec->strategy, std::string("pairs"));
    QCOMPARE(rec->symbols, (std::vector<std::string>{"AAA", "BBB"}));
    QCOMPARE(rec->mode, std::string("PAPER"));
    QCOMPARE(rec->origin, std::string("Pair Lab: p 0.001, hedge 1.50"));
    QCOMPARE(rec->params.size(), strategy::StrategyRegistry::builtin().find("pairs")->params.size());
    auto state = m_storage->call([](storage::IStorage& s) { return s.loadStrategyState("live:pairs:AAA/BBB"); }).get();
    QVERIFY(state.ok() && state->has_value());

    // The same pair again (spelled differently): refused, still one instance.
    auto again = promote("P-2");
    again.symbols = {"AAA", "BBB"};
    const std::string dup = sendAndSettle(*runner, again);
    QVERIFY2(dup.find("pairs:AAA/BBB runs already") != std::string::npos, dup.c_str());
    QCOMPARE(runner->status().size(), std::size_t(1));

    // Restart on the same database: started again with its parameters, before any command.
    runner->stop();
    runner.reset();
    m_seen.clear();
    runner = startRunner();
    QVERIFY(runner);
    status = runner->status();
    QCOMPARE(status.size(), std::size_t(1));
    QCOMPARE(status[0].id, std::string(kId));
    QCOMPARE(status[0].warmupBars, kBars);
    QVERIFY2(status[0].params.find("formation=126") != std::string::npos &&
                 status[0].params.find("entry_z=2.5") != std::string::npos,
             status[0].params.c_str());
    QVERIFY(status[0].restored);
    snap = lastSnapshot();
    QVERIFY(snap && snap->instances.size() == 1 && snap->instances[0].instance == kId);
    // ... and still refused twice.
    QVERIFY(sendAndSettle(*runner, promote("P-3")).find("runs already") != std::string::npos);
    runner->stop();

    // The process now trades real money: an instance promoted as PAPER is not started (LIVE was never confirmed).
    runner = startRunner(true, /*liveMoney=*/true);
    QVERIFY(runner);
    QVERIFY(runner->status().empty());
    runner->stop();

    // strategy.live now lists the same id: one instance, strategy.live's parameters (the promoted record is skipped).
    runner = startRunner(true, false, "pairs:AAA/BBB");
    QVERIFY(runner);
    status = runner->status();
    QCOMPARE(status.size(), std::size_t(1));
    QVERIFY2(status[0].params.find("formation=252") != std::string::npos, status[0].params.c_str());
    runner->stop();
  }

  // Remove: a promoted instance stops for good once it is flat: its rows go (the next start does not bring it back)
  // and its fills stay in the journal. One that holds a position, one configured in strategy.live and an unknown id
  // are refused with the reason.
  void removeStopsAPromotedInstanceForGood() {
    // The pair was promoted before and still holds 100 AAA (its journal): promoted again, it keeps them.
    const QDate yesterday = time::TimeZones::exchangeDate(m_clock->now()).addDays(-1);
    QCOMPARE(m_storage->call([yesterday](storage::IStorage& s) {
                       return testsupport::journalFilledOrder(s, "RM-1", yesterday, "AAA", domain::Side::Buy, 100, 10,
                                                              0, "live:pairs:AAA/BBB");
                     }).get(),
             std::string());
    auto runner = startRunner(true, false, "sma_cross:BBB");
    QVERIFY(runner);
    QCOMPARE(sendAndSettle(*runner, promote("P-1")), std::string());
    QCOMPARE(runner->status().size(), std::size_t(2));
    const auto control = [](std::string corr, std::string instance) {
      return contract::ControlStrategy{std::move(corr), std::move(instance), contract::StrategyAction::Remove};
    };
    std::string why = sendAndSettle(*runner, control("X-1", kId));
    QVERIFY2(why == "pairs:AAA/BBB holds 100 AAA: flatten it first, then remove it", why.c_str());
    why = sendAndSettle(*runner, control("X-2", "sma_cross:BBB"));
    QVERIFY2(why.find("sma_cross:BBB is configured in strategy.live: remove it there") != std::string::npos, why.c_str());
    why = sendAndSettle(*runner, control("X-3", "pairs:AAA/CCC"));
    QVERIFY2(why.find("no live strategy instance 'pairs:AAA/CCC'") != std::string::npos, why.c_str());
    auto snap = lastSnapshot();
    QVERIFY(snap && snap->instances.size() == 2);
    QVERIFY(!snap->instances[0].promoted && snap->instances[1].promoted);
    runner->stop();

    // Flat again (sold through the journal, as a flatten's fill would be): removed, and gone after a restart.
    QCOMPARE(m_storage->call([yesterday](storage::IStorage& s) {
                       return testsupport::journalFilledOrder(s, "RM-2", yesterday, "AAA", domain::Side::Sell, 100, 11,
                                                              0, "live:pairs:AAA/BBB");
                     }).get(),
             std::string());
    m_seen.clear();
    runner = startRunner(true, false, "sma_cross:BBB");
    QVERIFY(runner);
    QCOMPARE(runner->status().size(), std::size_t(2));
    QCOMPARE(sendAndSettle(*runner, control("X-4", kId)), std::string());
    QCOMPARE(runner->status().size(), std::size_t(1));
    QCOMPARE(runner->status().at(0).id, std::string("sma_cross:BBB"));
    snap = lastSnapshot();
    QVERIFY(snap && snap->instances.size() == 1 && snap->instances[0].instance == "sma_cross:BBB");
    QVERIFY2(sendAndSettle(*runner, control("X-5", kId)).find("no live strategy instance") != std::string::npos,
             "removed twice");
    runner->stop();
    auto rows = m_storage->call([](storage::IStorage& s) { return s.listStrategyStates(); }).get();
    QVERIFY(rows.ok());
    for (const auto& row : *rows)
      QVERIFY2(row.strategyId.find("pairs:AAA/BBB") == std::string::npos, row.strategyId.c_str());
    auto fills = m_storage->call([](storage::IStorage& s) { return s.loadStrategyFills("live:pairs:AAA/BBB"); }).get();
    QVERIFY(fills.ok());
    QCOMPARE(fills->size(), std::size_t(2));  // its history stays
    runner = startRunner(true, false, "sma_cross:BBB");
    QVERIFY(runner);
    QCOMPARE(runner->status().size(), std::size_t(1));
    runner->stop();
  }

  // Remove while the database refuses to delete the instance's rows: the instance stops at once, and its rows are
  // deleted again (after 1 s, then 2 s, ...) until the database takes it; the next start does not bring it back.
  void aRemovalTheDatabaseRefusedIsDeletedLater() {
    auto runner = startRunner();
    QVERIFY(runner);
    QCOMPARE(sendAndSettle(*runner, promote("P-1")), std::string());
    QCOMPARE(runner->status().size(), std::size_t(1));
    const auto savedRows = [this] {
      auto rows = m_storage->call([](storage::IStorage& s) { return s.listStrategyStates(); }).get();
      std::vector<std::string> mine;
      if (rows.ok())
        for (const auto& row : *rows)
          if (row.strategyId.find(kId) != std::string::npos) mine.push_back(row.strategyId);
      return mine;
    };
    QVERIFY(!savedRows().empty());

    // Another connection to the same file makes every delete of a saved state fail.
    const QString path = m_dir->filePath("promote.sqlite");
    auto sql = [&path](const QString& statement) {
      QString error;
      {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("inject"));
        db.setDatabaseName(path);
        if (!db.open()) error = db.lastError().text();
        else if (QSqlQuery q(db); !q.exec(statement)) error = q.lastError().text();
      }
      QSqlDatabase::removeDatabase(QStringLiteral("inject"));
      return error;
    };
    QCOMPARE(sql("CREATE TRIGGER refuse_state_delete BEFORE DELETE ON strategy_state "
                 "BEGIN SELECT RAISE(ABORT, 'deletes refused by the test'); END"),
             QString());

    const contract::ControlStrategy remove{"X-1", kId, contract::StrategyAction::Remove};
    QCOMPARE(sendAndSettle(*runner, remove), std::string());
    QVERIFY(runner->status().empty());  // stopped at once
    QVERIFY(!savedRows().empty());  // read after the delete (one storage thread, in order): refused, the rows stay

    QCOMPARE(sql("DROP TRIGGER refuse_state_delete"), QString());
    QTRY_VERIFY_WITH_TIMEOUT(savedRows().empty(), 10'000);  // deleted again, this time for good
    runner->stop();
    runner = startRunner();
    QVERIFY(runner);
    QVERIFY(runner->status().empty());
    runner->stop();
  }

  void refusals() {
    auto runner = startRunner();
    QVERIFY(runner);
    // A mode that is not the runner's.
    std::string why = sendAndSettle(*runner, promote("R-1", "LIVE"));
    QVERIFY2(why.find("run PAPER") != std::string::npos && why.find("named LIVE") != std::string::npos, why.c_str());
    why = sendAndSettle(*runner, promote("R-2", ""));
    QVERIFY2(why.find("named no mode") != std::string::npos, why.c_str());
    // Wrong symbols, unknown strategy, bad parameters.
    auto one = promote("R-3");
    one.symbols = {"AAA"};
    why = sendAndSettle(*runner, one);
    QVERIFY2(why.find("pairs trades 2 symbols") != std::string::npos, why.c_str());
    auto unknown = promote("R-4");
    unknown.strategy = "no_such";
    QVERIFY(!sendAndSettle(*runner, unknown).empty());
    auto badParam = promote("R-5");
    badParam.params = {{"entry_z", 99}};  // out of range
    why = sendAndSettle(*runner, badParam);
    QVERIFY2(why.find("entry_z") != std::string::npos, why.c_str());
    auto noParam = promote("R-6");
    noParam.params = {{"no_such_param", 1}};
    why = sendAndSettle(*runner, noParam);
    QVERIFY2(why.find("no_such_param") != std::string::npos, why.c_str());
    // Researched on other bars than the runner trades.
    auto hourly = promote("R-8");
    hourly.timeframe = "1h";
    why = sendAndSettle(*runner, hourly);
    QVERIFY2(why.find("trade 1d bars (strategy.timeframe), pairs:AAA/BBB was researched on 1h") != std::string::npos,
             why.c_str());
    // Past its deadline (a relayed command read late): expired, not executed.
    why = sendAndSettle(*runner, promote("R-7"), m_clock->now() - 1);
    QVERIFY2(why.find("Expired") != std::string::npos, why.c_str());
    QVERIFY(runner->status().empty());
    auto rows = m_storage->call([](storage::IStorage& s) { return s.listStrategyStates(); }).get();
    QVERIFY(rows.ok() && rows->empty());  // nothing saved for a refused command
    runner->stop();

    // Signals only (strategy.trade=false): a PAPER confirmation is refused, SIGNALS starts it.
    runner = startRunner(false);
    QVERIFY(runner);
    why = sendAndSettle(*runner, promote("S-1"));
    QVERIFY2(why.find("run SIGNALS (strategy.trade=false: no orders)") != std::string::npos, why.c_str());
    QCOMPARE(sendAndSettle(*runner, promote("S-2", "SIGNALS")), std::string());
    QCOMPARE(runner->status().size(), std::size_t(1));
    runner->stop();
  }

  void liveNeedsItsConfirmation() {
    auto runner = startRunner(true, /*liveMoney=*/true);
    QVERIFY(runner);
    QCOMPARE(lastSnapshot()->mode, std::string("LIVE"));
    std::string why = sendAndSettle(*runner, promote("L-1", "PAPER"));
    QVERIFY2(why.find("run LIVE") != std::string::npos, why.c_str());
    why = sendAndSettle(*runner, promote("L-2", "LIVE"));  // liveConfirmed false
    QVERIFY2(why.find("real money (LIVE) and that was not confirmed") != std::string::npos, why.c_str());
    QVERIFY(runner->status().empty());
    auto confirmed = promote("L-3", "LIVE");
    confirmed.liveConfirmed = true;
    QCOMPARE(sendAndSettle(*runner, confirmed), std::string());
    QCOMPARE(runner->status().size(), std::size_t(1));
    QCOMPARE(lastSnapshot()->instances.at(0).mode, std::string("LIVE"));
    runner->stop();
  }
};

QTEST_GUILESS_MAIN(tst_PromoteStrategy)
#include "tst_PromoteStrategy.moc"
