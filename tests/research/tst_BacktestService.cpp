// BacktestService over the real EventBus with the real ORCL file (MERIDIAN_SHARED_DATA): results equal direct
// engine calls, progress is throttled, cancellation, optimization rows, malformed input, persistence (SQLite
// opened on the service thread) and history.
#include "core/backtest/BacktestEngine.h"
#include "core/contract/Backtest.h"
#include "core/research/BacktestService.h"
#include "core/backtest/BarSeriesLoader.h"
#include "core/backtest/Optimizer.h"
#include "core/bus/EventBus.h"
#include "core/storage/sqlite/SqliteStorage.h"
#include "core/time/TimeZones.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <thread>

using namespace meridian;
using namespace meridian::contract;
using namespace meridian::research;
using namespace meridian::backtest;
using Clock = std::chrono::steady_clock;

namespace {

std::string data(const char* f) { return std::string(MERIDIAN_SHARED_DATA) + "/" + f; }
const std::string kOrcl = data("orcl-1995-2014.csv");

BacktestConfig config() {
  BacktestConfig c;
  c.initialCash = 100'000;
  c.sizing = {strategy::SizingRule::Mode::FixedQuantity, 100};
  c.fill.commission = CommissionModel::percent(0.001);
  c.fill.slippageBps = 2;
  return c;
}

strategy::ParamSet smaParams(double fast, double slow) {
  strategy::ParamSet p;
  p.set("fast", fast);
  p.set("slow", slow);
  return p;
}

ParamAxis axis(std::string name, double from, double to, double step) {
  ParamAxis a{std::move(name), {}};
  for (double v = from; v <= to + 1e-9; v += step) a.values.push_back(v);
  return a;
}

// Collects the service's events from the bus (the test thread plays the UI).
struct Listener {
  explicit Listener(bus::EventBus& bus) : m_bus(bus) { m_id = bus.subscribe("bt.>", m_box); }
  ~Listener() { m_bus.unsubscribe(m_id); }

  void poll() {
    std::vector<bus::Envelope> envs;
    m_box->drain(envs);
    for (const auto& e : envs) {
      if (auto p = e.share<BacktestProgress>()) {
        progress[p->correlationId].push_back({*p, Clock::now()});
      } else if (auto f = e.share<BacktestFinished>()) {
        QVERIFY(e.topic == contract::topicOf(*f));
        QVERIFY2(!finished.count(f->correlationId), "finished twice");
        finished[f->correlationId] = f;
      } else if (auto h = e.share<BacktestRunsListed>()) {
        history[h->correlationId] = h;
      }
    }
  }
  std::shared_ptr<const BacktestFinished> waitFinished(const std::string& corr, int timeoutMs = 60'000) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
    while (Clock::now() < deadline) {
      poll();
      if (auto it = finished.find(corr); it != finished.end()) return it->second;
      m_box->waitNonEmpty(std::chrono::milliseconds(20));
    }
    return nullptr;
  }
  bool waitProgress(const std::string& corr, const std::string& phase, int timeoutMs = 30'000) {
    const auto deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
    while (Clock::now() < deadline) {
      poll();
      for (const auto& [p, at] : progress[corr])
        if (p.phase == phase) return true;
      m_box->waitNonEmpty(std::chrono::milliseconds(5));
    }
    return false;
  }

  struct Timed {
    BacktestProgress p;
    Clock::time_point at;
  };
  std::map<std::string, std::vector<Timed>> progress;
  std::map<std::string, std::shared_ptr<const BacktestFinished>> finished;
  std::map<std::string, std::shared_ptr<const BacktestRunsListed>> history;

 private:
  bus::EventBus& m_bus;
  std::shared_ptr<bus::Mailbox> m_box = std::make_shared<bus::Mailbox>();
  bus::SubscriptionId m_id = 0;
};

RunBacktest smaRun(const std::string& corr, double fast = 10, double slow = 30) {
  RunBacktest cmd;
  cmd.correlationId = corr;
  cmd.strategy = "sma_cross";
  cmd.params = smaParams(fast, slow);
  cmd.data.csvFiles = {kOrcl};
  cmd.config = config();
  return cmd;
}

RunOptimization bigOptimization(const std::string& corr) {
  RunOptimization cmd;
  cmd.correlationId = corr;
  cmd.strategy = "sma_cross";
  cmd.data.csvFiles = {kOrcl};
  cmd.config = config();
  // 200,000 runs on one thread: minutes on any machine, so it is still running whenever a test cancels or stops it
  // (the tests never wait for it to finish).
  cmd.grid = {axis("fast", 2, 101, 1), axis("slow", 102, 2101, 1)};
  cmd.threads = 1;
  return cmd;
}

}  // namespace

class tst_BacktestService : public QObject {
  Q_OBJECT

  std::vector<BarSeries> m_orcl;

 private Q_SLOTS:
  void initTestCase() {
    auto s = loadYahooCsv(kOrcl);
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    m_orcl.push_back(std::move(s).value());
  }

  void runMatchesDirectEngineCall() {
    bus::EventBus bus;
    Listener events(bus);
    BacktestService service(bus);
    QVERIFY(service.start().ok());
    QVERIFY(service.start().ok());  // idempotent

    QVERIFY(bus.send(smaRun("C-run")).ok());
    auto f = events.waitFinished("C-run");
    QVERIFY(f);
    QVERIFY2(f->ok(), f->error.c_str());
    QVERIFY(f->kind == BacktestKind::Backtest);
    QCOMPARE(f->strategy, std::string("sma_cross"));
    QCOMPARE(f->symbols, std::vector<std::string>{"ORCL"});
    QVERIFY(f->result);
    QCOMPARE(f->savedRunId, std::int64_t(0));  // no saver wired

    const auto v = views(m_orcl);
    auto direct = runBacktest(strategy::StrategyRegistry::builtin(), "sma_cross", smaParams(10, 30), v, config());
    QVERIFY(direct.ok());
    QCOMPARE(f->result->finalValue, direct->finalValue);  // bit-identical: same engine, same input
    QCOMPARE(f->result->trades.size(), direct->trades.size());
    QCOMPARE(f->result->equity.size(), direct->equity.size());
    QCOMPARE(f->result->metrics.sharpe, direct->metrics.sharpe);
    QVERIFY(f->result->trades.size() > 10);
    QVERIFY(f->result->finalValue != 100'000.0);

    // Buy-and-hold benchmark of ORCL from the first traded bar's close, marked at every equity point.
    const auto& r = *f->result;
    QCOMPARE(r.benchmarkSymbol, std::string("ORCL"));
    QCOMPARE(r.benchmark.size(), r.equity.size());
    const auto& bars = m_orcl[0].bars;
    const auto first = std::find_if(bars.begin(), bars.end(), [&](const auto& b) { return b.ts == r.equity.front().ts; });
    QVERIFY(first != bars.end());
    QCOMPARE(r.benchmark.front().equity, 100'000.0);
    QVERIFY(qFuzzyCompare(r.benchmark.back().equity, 100'000.0 / first->close * bars.back().close));
    QVERIFY(qFuzzyCompare(r.benchmarkStats.totalReturn, bars.back().close / first->close - 1.0));
    QVERIFY(std::isfinite(r.benchmarkStats.alpha) && std::isfinite(r.benchmarkStats.beta));
    QCOMPARE(r.benchmarkStats.days, std::int64_t(r.equity.size() - 1));  // daily bars: one return per bar
    QVERIFY(direct->benchmarkSymbol.empty());  // the engine alone does not compute it

    // Progress: "queued" first, then loading/running, done <= total.
    const auto& prog = events.progress["C-run"];
    QVERIFY(!prog.empty());
    QCOMPARE(prog.front().p.phase, std::string("queued"));
    for (const auto& t : prog) {
      QCOMPARE(t.p.correlationId, std::string("C-run"));
      QVERIFY(t.p.total == 0 || t.p.done <= t.p.total);
    }
    QCOMPARE(service.stats().succeeded, std::uint64_t(1));
  }

  // DataSpec::tradeFromDate: the bars before it only warm up; CompareLiveStrategy goes through the liveComparison
  // callback (the Kernel's configuration) and is answered like a backtest, or with its error.
  void tradeFromDateAndLiveComparison() {
    bus::EventBus bus;
    Listener events(bus);
    BacktestService::Options opt;
    opt.liveComparison = [](const CompareLiveStrategy& c) -> Result<RunBacktest> {
      if (c.strategyId != "live:sma_cross:ORCL") return makeError("strategy.not_live", "not configured: " + c.strategyId);
      RunBacktest run = smaRun("ignored");
      run.data.fromDate = "2009-01-01";
      run.data.toDate = c.toDate;
      run.data.tradeFromDate = c.fromDate;
      return run;
    };
    BacktestService service(bus, opt);
    QVERIFY(service.start().ok());
    QVERIFY(bus.send(CompareLiveStrategy{"C-live", "live:sma_cross:ORCL", "2010-01-04", "2010-12-31"}).ok());
    auto f = events.waitFinished("C-live");
    QVERIFY(f);
    QVERIFY2(f->ok(), f->error.c_str());
    QVERIFY(f->kind == BacktestKind::Backtest);
    const auto& r = *f->result;
    QCOMPARE(time::TimeZones::exchangeDateText(r.equity.front().ts), QStringLiteral("2010-01-04"));
    QCOMPARE(time::TimeZones::exchangeDateText(r.equity.back().ts), QStringLiteral("2010-12-31"));
    QVERIFY(r.bars > std::int64_t(r.equity.size()));  // 2009 warmed the strategy up
    QVERIFY(!r.fills.empty());
    for (const auto& fill : r.fills) QVERIFY(time::TimeZones::exchangeDateText(fill.ts) > QStringLiteral("2010-01-04"));
    // The same run traded from the first bar differs: the warm-up bars did not trade.
    RunBacktest whole = smaRun("C-whole");
    whole.data.fromDate = "2009-01-01";
    whole.data.toDate = "2010-12-31";
    QVERIFY(bus.send(whole).ok());
    auto w = events.waitFinished("C-whole");
    QVERIFY(w && w->ok());
    QVERIFY(w->result->equity.size() > r.equity.size());

    QVERIFY(bus.send(CompareLiveStrategy{"C-unknown", "live:pairs:KO/PEP", "2010-01-04", "2010-12-31"}).ok());
    auto u = events.waitFinished("C-unknown");
    QVERIFY(u && !u->ok());
    QCOMPARE(u->errorCode, std::string("strategy.not_live"));
    QCOMPARE(u->error, std::string("not configured: live:pairs:KO/PEP"));
    RunBacktest late = smaRun("C-late");
    late.data.tradeFromDate = "2030-01-02";
    QVERIFY(bus.send(late).ok());
    auto l = events.waitFinished("C-late");
    QVERIFY(l && !l->ok());
    QVERIFY2(l->error.starts_with("no bars on or after 2030-01-02 to trade"), l->error.c_str());

    // Without the callback: a clear error, not silence.
    bus::EventBus bus2;
    Listener events2(bus2);
    BacktestService bare(bus2);
    QVERIFY(bare.start().ok());
    QVERIFY(bus2.send(CompareLiveStrategy{"C-bare", "live:sma_cross:ORCL", "2010-01-04", "2010-12-31"}).ok());
    auto b = events2.waitFinished("C-bare");
    QVERIFY(b && !b->ok());
    QCOMPARE(b->errorCode, std::string(BacktestService::kNoLiveCode));
  }

  void progressIsThrottled() {
    bus::EventBus bus;
    Listener events(bus);
    BacktestService::Options opt;
    opt.progressInterval = std::chrono::milliseconds(50);
    BacktestService service(bus, opt);
    QVERIFY(service.start().ok());

    RunOptimization cmd;
    cmd.correlationId = "C-prog";
    cmd.strategy = "sma_cross";
    cmd.data.csvFiles = {kOrcl};
    cmd.config = config();
    cmd.grid = {axis("fast", 2, 60, 1), axis("slow", 61, 200, 1)};  // 59 x 140 = 8,260 runs (about a second)
    cmd.threads = 1;
    const auto t0 = Clock::now();
    QVERIFY(bus.send(cmd).ok());
    auto f = events.waitFinished("C-prog", 240'000);  // about a second in release; a minute and more under TSan
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    QVERIFY(f);
    QVERIFY2(f->ok(), f->error.c_str());
    QCOMPARE(f->optimization->result.runs.size(), std::size_t(8260));

    const auto& prog = events.progress["C-prog"];
    const auto st = service.stats();
    qInfo("%zu progress events in %.2f s (%llu suppressed)", prog.size(), secs,
          static_cast<unsigned long long>(st.progressSuppressed));
    QVERIFY2(prog.size() >= 2, "progress events arrive");
    // <= 20 per second: one per 50 ms at most (+1 for the first).
    QVERIFY2(double(prog.size()) <= secs / 0.05 + 1.0, qPrintable(QString::number(prog.size())));
    QVERIFY(st.progressSuppressed > 0);
    QCOMPARE(st.progressPublished, std::uint64_t(prog.size()));
    bool sawOptimizing = false;
    std::size_t lastDone = 0;
    for (const auto& t : prog) {
      if (t.p.phase != "optimizing") continue;
      sawOptimizing = true;
      QCOMPARE(t.p.total, std::size_t(8260));
      QVERIFY(t.p.done >= lastDone);
      lastDone = t.p.done;
    }
    QVERIFY(sawOptimizing);
  }

  void cancelStopsARunningAndAQueuedCommand() {
    bus::EventBus bus;
    Listener events(bus);
    BacktestService service(bus);
    QVERIFY(service.start().ok());

    QVERIFY(bus.send(bigOptimization("C-long")).ok());
    QVERIFY(bus.send(smaRun("C-queued")).ok());
    QVERIFY(events.waitProgress("C-long", "optimizing"));
    QVERIFY(events.waitProgress("C-queued", "queued"));  // acknowledged while C-long runs

    // The queued one first: it must finish as cancelled without running, while C-long is still going.
    QVERIFY(bus.send(CancelBacktest{"C-queued"}).ok());
    QVERIFY(bus.send(CancelBacktest{"C-long"}).ok());
    auto longRun = events.waitFinished("C-long", 30'000);  // the run itself would take minutes: the cancel ended it
    QVERIFY(longRun);
    QVERIFY(!longRun->ok());
    QVERIFY(longRun->cancelled());
    QCOMPARE(longRun->errorCode, std::string(kCancelledCode));
    QVERIFY(!longRun->optimization);

    auto queued = events.waitFinished("C-queued", 10'000);
    QVERIFY(queued);
    QVERIFY(queued->cancelled());
    QVERIFY(!queued->result);

    // The service keeps working after cancellations.
    QVERIFY(bus.send(smaRun("C-after")).ok());
    auto after = events.waitFinished("C-after");
    QVERIFY(after && after->ok());
    QCOMPARE(service.stats().cancelled, std::uint64_t(2));

    // A cancel that arrives before its command (ids are chosen by the sender) still applies.
    QVERIFY(bus.send(CancelBacktest{"C-early"}).ok());
    QVERIFY(bus.send(smaRun("C-early")).ok());
    auto early = events.waitFinished("C-early");
    QVERIFY(early && early->cancelled());
  }

  void optimizationRowsMatchTheGrid() {
    bus::EventBus bus;
    Listener events(bus);
    BacktestService service(bus);
    QVERIFY(service.start().ok());

    RunOptimization cmd;
    cmd.correlationId = "C-opt";
    cmd.strategy = "sma_cross";
    cmd.data.csvFiles = {kOrcl};
    cmd.config = config();
    cmd.grid = {{"fast", {5, 10, 15}}, {"slow", {30, 60}}};
    cmd.objective = Objective::TotalReturn;
    QVERIFY(bus.send(cmd).ok());
    auto f = events.waitFinished("C-opt");
    QVERIFY(f);
    QVERIFY2(f->ok(), f->error.c_str());
    QVERIFY(f->kind == BacktestKind::Optimization);
    QVERIFY(f->optimization);
    const auto& rep = *f->optimization;
    QCOMPARE(rep.result.runs.size(), std::size_t(6));
    QCOMPARE(rep.axes, (std::vector<std::string>{"fast", "slow"}));
    QVERIFY(rep.objective == Objective::TotalReturn);
    QVERIFY(rep.result.best.has_value());

    ParamGrid grid;
    for (const auto& a : cmd.grid) grid.add(a);
    OptimizerConfig oc;
    oc.objective = Objective::TotalReturn;
    auto direct = optimize(strategy::StrategyRegistry::builtin(), "sma_cross", {}, grid, views(m_orcl), config(), oc);
    QVERIFY(direct.ok());
    for (std::size_t i = 0; i < 6; ++i) {
      QCOMPARE(rep.result.runs[i].params, direct->runs[i].params);
      QCOMPARE(rep.result.runs[i].score, direct->runs[i].score);
      QCOMPARE(rep.result.runs[i].finalValue, direct->runs[i].finalValue);
    }
    QCOMPARE(rep.result.best, direct->best);
  }

  void walkForwardReportsWindows() {
    bus::EventBus bus;
    Listener events(bus);
    BacktestService service(bus);
    QVERIFY(service.start().ok());

    RunWalkForward cmd;
    cmd.correlationId = "C-wf";
    cmd.strategy = "sma_cross";
    cmd.data.csvFiles = {kOrcl};
    cmd.config = config();
    cmd.grid = {{"fast", {5, 10}}, {"slow", {30, 60}}};
    cmd.walkForward = {756, 252, false};
    QVERIFY(bus.send(cmd).ok());
    auto f = events.waitFinished("C-wf");
    QVERIFY(f);
    QVERIFY2(f->ok(), f->error.c_str());
    QVERIFY(f->walkForward);
    const auto& rep = *f->walkForward;
    QVERIFY(rep.result.segments.size() >= 10);
    QCOMPARE(rep.dates.size(), rep.result.segments.size());
    for (const auto& d : rep.dates) QVERIFY(d.inStart < d.outStart && d.outStart <= d.outEnd);

    ParamGrid grid;
    for (const auto& a : cmd.grid) grid.add(a);
    auto direct = walkForward(strategy::StrategyRegistry::builtin(), "sma_cross", {}, grid, views(m_orcl), config(),
                              cmd.walkForward);
    QVERIFY(direct.ok());
    QCOMPARE(rep.result.finalValue, direct->finalValue);
    QCOMPARE(rep.result.segments.size(), direct->segments.size());
  }

  void errorsAreReportedNotThrown() {
    QTemporaryDir dir;
    const std::string bad = dir.filePath("bad.csv").toStdString();
    {
      std::ofstream out(bad);
      out << "Date,Open,High,Low,Close,Adj Close,Volume\n"
             "2014-01-02,10,11,9,10.5,10.5,1000\n"
             "2014-01-03,10.5,11,10,10.8,10.8,1200\n"
             "2014-01-06,10.8,oops,10,10.9,10.9,900\n";
    }
    bus::EventBus bus;
    Listener events(bus);
    BacktestService service(bus);
    QVERIFY(service.start().ok());

    RunBacktest cmd = smaRun("C-bad");
    cmd.data.csvFiles = {bad};
    QVERIFY(bus.send(cmd).ok());
    auto f = events.waitFinished("C-bad");
    QVERIFY(f);
    QVERIFY(!f->ok());
    QCOMPARE(f->errorCode, std::string("csv.parse"));
    QVERIFY2(f->error.find("bad.csv:4:") != std::string::npos, f->error.c_str());
    QVERIFY(!f->result);

    cmd = smaRun("C-unknown");
    cmd.params.set("fats", 3);
    QVERIFY(bus.send(cmd).ok());
    f = events.waitFinished("C-unknown");
    QVERIFY(f && !f->ok());
    QCOMPARE(f->errorCode, std::string(strategy::paramerr::kUnknown));
    QVERIFY2(f->error.find("fats") != std::string::npos, f->error.c_str());

    cmd = smaRun("C-invalid", 40, 30);  // fast >= slow
    QVERIFY(bus.send(cmd).ok());
    f = events.waitFinished("C-invalid");
    QVERIFY(f && !f->ok());
    QCOMPARE(f->errorCode, std::string(strategy::paramerr::kInvalid));

    cmd = smaRun("C-missing");
    cmd.data.csvFiles = {dir.filePath("nope.csv").toStdString()};
    QVERIFY(bus.send(cmd).ok());
    f = events.waitFinished("C-missing");
    QVERIFY(f && !f->ok());
    QVERIFY2(f->error.find("cannot open") != std::string::npos, f->error.c_str());

    cmd = smaRun("C-nodata");
    cmd.data.csvFiles.clear();
    QVERIFY(bus.send(cmd).ok());
    f = events.waitFinished("C-nodata");
    QVERIFY(f && !f->ok());
    QCOMPARE(f->errorCode, std::string(BacktestService::kNoDataCode));

    cmd = smaRun("C-stored");
    cmd.data.csvFiles.clear();
    cmd.data.stored = {{"ORCL", "yahoo", 0, 0}};
    QVERIFY(bus.send(cmd).ok());
    f = events.waitFinished("C-stored");
    QVERIFY(f && !f->ok());
    QCOMPARE(f->errorCode, std::string(BacktestService::kNoLoaderCode));

    RunBacktest pairs = smaRun("C-pairs");
    pairs.strategy = "pairs";
    pairs.params = {};
    QVERIFY(bus.send(pairs).ok());
    f = events.waitFinished("C-pairs");
    QVERIFY(f && !f->ok());
    QVERIFY2(f->error.find("needs 2 series") != std::string::npos, f->error.c_str());

    cmd = smaRun("C-unknown-strategy");
    cmd.strategy = "nope";
    QVERIFY(bus.send(cmd).ok());
    f = events.waitFinished("C-unknown-strategy");
    QVERIFY(f && !f->ok());
    QVERIFY2(f->error.find("nope") != std::string::npos, f->error.c_str());

    RunOptimization opt = bigOptimization("C-badaxis");
    opt.grid = {{"fats", {1, 2}}};
    QVERIFY(bus.send(opt).ok());
    f = events.waitFinished("C-badaxis");
    QVERIFY(f && !f->ok());
    QCOMPARE(f->errorCode, std::string(strategy::paramerr::kUnknown));

    QCOMPARE(service.stats().failed, std::uint64_t(9));
  }

  void storedSeriesUseTheLoaderAndDatesFilter() {
    bus::EventBus bus;
    Listener events(bus);
    BacktestService::Options opt;
    std::vector<SeriesRequest> asked;
    opt.loader = [&](const SeriesRequest& r) -> Result<BarSeries> {
      asked.push_back(r);
      return m_orcl[0];
    };
    BacktestService service(bus, opt);
    QVERIFY(service.start().ok());
    RunBacktest cmd = smaRun("C-stored");
    cmd.data.csvFiles.clear();
    cmd.data.stored = {{"ORCL", "yahoo", 0, 0}};
    cmd.data.fromDate = "2010-01-01";
    cmd.data.toDate = "2010-12-31";
    QVERIFY(bus.send(cmd).ok());
    auto f = events.waitFinished("C-stored");
    QVERIFY(f);
    QVERIFY2(f->ok(), f->error.c_str());
    QCOMPARE(asked.size(), std::size_t(1));
    QCOMPARE(asked[0].source, std::string("yahoo"));
    QCOMPARE(f->result->bars, std::int64_t(252));  // trading days of 2010
  }

  void persistenceCallbackReceivesTheRecord() {
    QTemporaryDir dir;
    const std::string path = dir.filePath("runs.sqlite").toStdString();
    bus::EventBus bus;
    Listener events(bus);

    // The SQLite connection belongs to the thread that opens it: open it lazily on the service thread.
    std::unique_ptr<storage::SqliteStorage> db;
    std::thread::id saverThread, historyThread;
    std::optional<storage::BacktestRunRecord> received;
    auto ensureOpen = [&]() -> Status {
      if (db) return {};
      db = std::make_unique<storage::SqliteStorage>(path);
      return db->open();
    };
    BacktestService::Options opt;
    opt.saver = [&](storage::BacktestRunRecord rec) -> Result<std::int64_t> {
      saverThread = std::this_thread::get_id();
      received = rec;
      if (Status s = ensureOpen(); !s) return s.error();
      return db->saveBacktestRun(rec);
    };
    opt.history = [&](std::size_t limit) -> Result<std::vector<storage::BacktestRunRecord>> {
      historyThread = std::this_thread::get_id();
      if (Status s = ensureOpen(); !s) return s.error();
      return db->listBacktestRuns(limit);
    };
    {
      BacktestService service(bus, opt);
      QVERIFY(service.start().ok());
      QVERIFY(bus.send(smaRun("C-save")).ok());
      auto f = events.waitFinished("C-save");
      QVERIFY(f);
      QVERIFY2(f->ok(), f->error.c_str());
      QVERIFY2(f->saveError.empty(), f->saveError.c_str());
      QVERIFY(f->savedRunId > 0);
      QVERIFY(received.has_value());
      QVERIFY(saverThread != std::this_thread::get_id());
      QCOMPARE(received->strategy, std::string("sma_cross"));
      QCOMPARE(received->paramsJson, std::string("{\"fast\":10,\"slow\":30}"));
      QCOMPARE(received->symbols, std::vector<std::string>{"ORCL"});
      QCOMPARE(received->finalValue, f->result->finalValue);
      QVERIFY(received->createdTs > 0);
      QVERIFY(received->tradesJson.size() > 100);

      RunBacktest unsaved = smaRun("C-nosave", 5, 20);
      unsaved.save = false;
      QVERIFY(bus.send(unsaved).ok());
      auto g = events.waitFinished("C-nosave");
      QVERIFY(g && g->ok());
      QCOMPARE(g->savedRunId, std::int64_t(0));

      QVERIFY(bus.send(ListBacktestRuns{"C-hist", 10}).ok());
      const auto deadline = Clock::now() + std::chrono::seconds(10);
      while (!events.history.count("C-hist") && Clock::now() < deadline) {
        events.poll();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      QVERIFY(events.history.count("C-hist"));
      const auto& h = *events.history["C-hist"];
      QVERIFY2(h.error.empty(), h.error.c_str());
      QCOMPARE(h.runs.size(), std::size_t(1));
      QCOMPARE(h.runs[0].id, f->savedRunId);
      QCOMPARE(h.runs[0].finalValue, f->result->finalValue);
      QCOMPARE(historyThread, saverThread);
      QCOMPARE(service.stats().saved, std::uint64_t(1));
      service.stop();
    }
    db.reset();  // closed after the worker has gone; no other thread touches it now
  }

  void historyWithoutSourceSaysSo() {
    bus::EventBus bus;
    Listener events(bus);
    BacktestService service(bus);
    QVERIFY(service.start().ok());
    QVERIFY(bus.send(ListBacktestRuns{"C-h", 5}).ok());
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (!events.history.count("C-h") && Clock::now() < deadline) {
      events.poll();
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    QVERIFY(events.history.count("C-h"));
    QVERIFY(!events.history["C-h"]->error.empty());
    QVERIFY(events.history["C-h"]->runs.empty());
  }

  void stopFinishesEverythingAsCancelled() {
    bus::EventBus bus;
    Listener events(bus);
    auto service = std::make_unique<BacktestService>(bus);
    QVERIFY(service->start().ok());
    QVERIFY(bus.send(bigOptimization("C-s1")).ok());
    QVERIFY(bus.send(smaRun("C-s2")).ok());
    QVERIFY(events.waitProgress("C-s1", "optimizing"));
    QVERIFY(events.waitProgress("C-s2", "queued"));
    const auto t0 = Clock::now();
    service->stop();
    // Not a speed bound: waiting for C-s1 instead of cancelling it would take minutes.
    QVERIFY(std::chrono::duration<double>(Clock::now() - t0).count() < 30.0);
    QVERIFY(!service->running());
    QVERIFY(!service->start().ok());  // not restartable
    auto a = events.waitFinished("C-s1", 1000);
    auto b = events.waitFinished("C-s2", 1000);
    QVERIFY(a && a->cancelled());
    QVERIFY(b && b->cancelled());
    service.reset();
    QVERIFY(!bus.send(CancelBacktest{"C-late"}).ok());  // nobody listens any more: refused at once, harmless
  }
};

QTEST_GUILESS_MAIN(tst_BacktestService)
#include "tst_BacktestService.moc"
