// The built-in job actions (runtime/JobActions.h) against real pieces: eod_ingest through the IngestionService
// and YahooProvider talking to a local HTTP server that speaks Yahoo's chart v8 JSON (429 then success; 500 ->
// a failed run carrying the provider's message, also through the real Scheduler with its retries),
// pair_discovery over SQLite loaded from the shared CSVs, company_info without a Polygon key, and the wiring of
// the actions into the job definitions.
#include "../marketdata/LocalHttpServer.h"

#include "core/backtest/BarSeriesLoader.h"
#include "core/common/Clock.h"
#include "core/jobs/BuiltinJobs.h"
#include "core/jobs/RunMessage.h"
#include "core/jobs/Scheduler.h"
#include "core/marketdata/IngestionService.h"
#include "core/live/JobActions.h"
#include "core/runtime/Kernel.h"
#include "core/storage/StorageService.h"
#include "core/strategy/pairs/PairScanner.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace meridian;
using meridian::testing::CannedResponse;
using meridian::testing::LocalHttpServer;
using meridian::testing::json;

namespace {

const QString kPath = QStringLiteral("/v8/finance/chart/AAPL");
const QByteArray kDaily = R"({"chart":{"result":[{"meta":{"currency":"USD","symbol":"AAPL","exchangeName":"NMS",
"instrumentType":"EQUITY","firstTradeDate":345479400,"regularMarketTime":1704747601,"gmtoffset":-18000,
"timezone":"EST","exchangeTimezoneName":"America/New_York","regularMarketPrice":185.56,"chartPreviousClose":192.53,
"priceHint":2,"dataGranularity":"1d","range":""},
"timestamp":[1704205800,1704292200,1704378600,1704465000,1704724200],
"indicators":{"quote":[{"open":[187.15,184.22,null,181.99,182.09],"high":[188.44,185.88,null,182.76,185.6],
"low":[183.89,183.43,null,180.17,181.5],"close":[185.64,184.25,null,181.18,185.56],
"volume":[82488700,58414500,null,62303300,59144500]}],
"adjclose":[{"adjclose":[184.53,183.15,null,180.1,184.45]}]}}],"error":null}})";
const QByteArray kServerError =
    R"({"chart":{"result":null,"error":{"code":"Internal Server Error","description":"backend unavailable"}}})";
const QByteArray kTooMany = R"({"chart":{"result":null,"error":{"code":"Too Many Requests","description":"slow down"}}})";

constexpr qint64 kJan10 = 1704897000;  // 2024-01-10 09:30 ET

}  // namespace

class tst_JobActions : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  std::unique_ptr<LocalHttpServer> m_server;
  std::unique_ptr<storage::StorageService> m_storage;
  common::SimulatedClock m_clock{domain::fromSeconds(kJan10)};
  std::unique_ptr<marketdata::IngestionService> m_ingestion;
  int m_dbCount = 0;

  std::shared_ptr<live::JobContext> context(common::Config config) {
    auto c = std::make_shared<live::JobContext>();
    c->config = std::move(config);
    c->storage = m_storage.get();
    c->ingestion = m_ingestion.get();
    c->clock = &m_clock;
    return c;
  }
  common::Config yahooConfig() {
    common::Config c;
    c.set("yahoo.base_url", m_server->baseUrl().toString());
    c.set("yahoo.rate_per_min", "0");  // unlimited in tests
    c.set("http.max_attempts", "2");
    c.set("http.backoff_ms", "10");
    c.set("http.timeout_ms", "3000");
    c.set("universe.symbols", "AAPL");
    return c;
  }
  std::size_t storedBars(const std::string& symbol, const std::string& source) {
    auto r = m_storage->call([&](storage::IStorage& s) {
      return s.loadBars(symbol, source, 0, std::numeric_limits<domain::Timestamp>::max());
    }).get();
    return r.ok() ? r->size() : 0;
  }

 private Q_SLOTS:
  void init() {
    m_server = std::make_unique<LocalHttpServer>();
    QVERIFY(m_server->port() != 0);
    storage::StorageConfig sc;
    sc.backend = "sqlite";
    sc.sqlitePath = m_dir.filePath(QStringLiteral("jobs%1.sqlite").arg(++m_dbCount)).toStdString();
    m_storage = std::make_unique<storage::StorageService>(sc);
    QVERIFY(m_storage->start().ok());
    m_ingestion = std::make_unique<marketdata::IngestionService>(
        [this](const storage::StorageTask& task) {
          m_storage->call([&task](storage::IStorage& s) { task(s); }).get();
        },
        m_clock);
    (void)jobs::takeRunMessage();
  }
  void cleanup() {
    m_ingestion.reset();
    m_storage->stop();
    m_storage.reset();
    m_server.reset();
  }

  void eodIngestRetriesA429ThenStores() {
    m_server->route(kPath, {json(429, kTooMany, {{"Retry-After", "0"}}), json(200, kDaily)});
    std::atomic<bool> cancel{false};
    const Status s = live::runEodIngest(*context(yahooConfig()), cancel);
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    QCOMPARE(m_server->requestCount(kPath), 2);
    QCOMPARE(storedBars("AAPL", "yahoo"), std::size_t(4));  // the null row is skipped
    const std::string msg = jobs::takeRunMessage();
    QVERIFY2(msg.find("yahoo 1d, 1 symbol: inserted 4, updated 0") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("AAPL +4/~0") != std::string::npos, msg.c_str());
    qInfo("eod_ingest message: %s", msg.c_str());

    // A second run re-fetches from the last loaded bar: nothing new.
    const Status again = live::runEodIngest(*context(yahooConfig()), cancel);
    QVERIFY(again.ok());
    const std::string msg2 = jobs::takeRunMessage();
    QVERIFY2(msg2.find("inserted 0, updated 0") != std::string::npos, msg2.c_str());
  }

  void eodIngestServerErrorFailsWithTheProviderMessage() {
    m_server->route(kPath, {json(500, kServerError)});
    std::atomic<bool> cancel{false};
    const Status s = live::runEodIngest(*context(yahooConfig()), cancel);
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code, std::string("http.500"));
    QVERIFY2(s.error().message.find("eod_ingest via yahoo: 1 of 1 symbols failed: AAPL:") != std::string::npos,
             s.error().message.c_str());
    QVERIFY2(s.error().message.find("500") != std::string::npos, s.error().message.c_str());
    qInfo("eod_ingest error: %s", s.error().message.c_str());
    QCOMPARE(storedBars("AAPL", "yahoo"), std::size_t(0));  // nothing half-written
    QVERIFY(jobs::takeRunMessage().empty());
  }

  // The same failure through the real Scheduler: retried (here 1 x 0 s instead of 3 x 60 s), then failed with the
  // provider's message in the run record.
  void eodIngestFailureIsRetriedByTheScheduler() {
    m_server->route(kPath, {json(500, kServerError)});
    auto cfg = yahooConfig();
    cfg.set("jobs.eod_ingest.retries", "1");
    cfg.set("jobs.eod_ingest.retry_delay_s", "0");
    auto ctx = context(cfg);
    common::RealClock clock;
    jobs::Scheduler scheduler(clock);
    for (auto& job : jobs::builtin::definitions(cfg, live::makeJobActions(ctx)))
      QVERIFY(scheduler.addJob(std::move(job)).ok());
    scheduler.start();
    QVERIFY(scheduler.runNow("eod_ingest").ok());
    const auto state = [&]() -> contract::JobState {
      const auto snapshot = scheduler.snapshot();  // keep it alive while iterating its jobs
      for (const auto& j : snapshot->jobs)
        if (j.name == "eod_ingest") return j;
      return {};
    };
    QTRY_COMPARE_WITH_TIMEOUT(QString::fromStdString(state().lastStatus), QStringLiteral("failed"), 20000);
    QCOMPARE(state().attempt, 2);
    QVERIFY2(state().lastMessage.find("failed after 2 attempts") != std::string::npos, state().lastMessage.c_str());
    QVERIFY2(state().lastMessage.find("AAPL") != std::string::npos, state().lastMessage.c_str());
    qInfo("scheduler run message: %s", state().lastMessage.c_str());
    QCOMPARE(m_server->requestCount(kPath), 4);  // 2 attempts x http.max_attempts 2
    scheduler.stop();
  }

  void eodIngestNeedsAUniverse() {
    common::Config c = yahooConfig();
    c.set("universe.symbols", "");
    std::atomic<bool> cancel{false};
    const Status s = live::runEodIngest(*context(c), cancel);
    QVERIFY(!s.ok());
    QVERIFY2(s.error().message.find("universe.symbols") != std::string::npos, s.error().message.c_str());
    // Cancellation before the first symbol.
    cancel = true;
    const Status x = live::runEodIngest(*context(yahooConfig()), cancel);
    QCOMPARE(x.error().code, std::string("cancelled"));
    QCOMPARE(m_server->requestCount(), 0);
  }

  void companyInfoWithoutPolygonKeyFailsClearly() {
    common::Config c;
    c.set("universe.symbols", "AAPL");
    std::atomic<bool> cancel{false};
    const Status s = live::runCompanyInfo(*context(c), cancel);
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code, std::string("config"));
    QVERIFY2(s.error().message.find("needs a POLYGON api key") != std::string::npos, s.error().message.c_str());
    c.set("company_info.provider", "yahoo");
    QVERIFY(live::runCompanyInfo(*context(c), cancel).error().message.find("only polygon") != std::string::npos);
  }

  void pairDiscoveryPersistsRankedPairs() {
    std::vector<strategy::PairScanInput> inputs;
    std::vector<backtest::BarSeries> all;
    for (const auto& [file, sym] : {std::pair{"orcl-1995-2014.csv", "ORCL"}, std::pair{"yhoo-1996-2014.csv", "YHOO"},
                                    std::pair{"nvda-1999-2014.csv", "NVDA"}}) {
      auto s = backtest::loadYahooCsv(std::string(MERIDIAN_SHARED_DATA) + "/" + file, sym);
      QVERIFY(s.ok());
      const std::string symbol = sym;  // clang 14 cannot capture a structured binding
      auto n = m_storage->call([&](storage::IStorage& st) { return st.upsertBars(symbol, "yahoo", s->bars); }).get();
      QVERIFY(n.ok());
      all.push_back(std::move(s).value());
    }
    common::Config c;
    c.set("universe.symbols", "ORCL, YHOO, NVDA, NONE");
    c.set("pairs.max_pvalue", "1");  // keep every pair: the test checks ranking and persistence
    c.set("pairs.lookback_bars", "504");
    std::atomic<bool> cancel{false};
    const Status s = live::runPairDiscovery(*context(c), cancel);
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    const std::string msg = jobs::takeRunMessage();
    QVERIFY2(msg.find("3 symbols (3 pairs tested") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("3 pairs with p <= 1 stored") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("no daily bars for NONE") != std::string::npos, msg.c_str());
    qInfo("pair_discovery message: %s", msg.c_str());

    auto stored = m_storage->call([](storage::IStorage& st) { return st.latestDiscoveredPairs(50); }).get();
    QVERIFY(stored.ok());
    QCOMPARE(stored->size(), std::size_t(3));
    // Independent scan over the same last 504 bars: same order and statistics.
    for (auto& b : all) b.bars.erase(b.bars.begin(), b.bars.end() - 504);
    std::sort(all.begin(), all.end(), [](auto& a, auto& b) { return a.symbol < b.symbol; });  // universe order
    for (const auto& b : all) inputs.push_back({b.symbol, b.bars});
    auto expected = strategy::scanPairs(inputs);
    QVERIFY(expected.ok());
    for (std::size_t i = 0; i < 3; ++i) {
      const auto& got = stored->at(i);
      QCOMPARE(got.rank, int(i + 1));
      QCOMPARE(got.first, expected->at(i).first);
      QCOMPARE(got.second, expected->at(i).second);
      QCOMPARE(got.source, std::string("yahoo"));
      QCOMPARE(got.runTs, m_clock.now());
      QCOMPARE(got.observations, std::int64_t(expected->at(i).observations));
      QVERIFY(qFuzzyCompare(got.score, expected->at(i).score));
      QVERIFY(qFuzzyCompare(got.pValue + 1.0, expected->at(i).pValue + 1.0));
      if (i) QVERIFY(got.score <= stored->at(i - 1).score);
    }

    // A later run replaces the answer; with the default p-value filter fewer (or no) pairs qualify.
    m_clock.advance(7 * domain::kNanosPerDay);
    c.set("pairs.max_pvalue", "0.000001");
    QVERIFY(live::runPairDiscovery(*context(c), cancel).ok());
    QVERIFY(jobs::takeRunMessage().find("0 pairs with p <= 1e-06 stored") != std::string::npos);
    m_clock.advance(7 * domain::kNanosPerDay);
    c.set("pairs.max_pvalue", "1");
    c.set("pairs.top", "2");
    QVERIFY(live::runPairDiscovery(*context(c), cancel).ok());
    stored = m_storage->call([](storage::IStorage& st) { return st.latestDiscoveredPairs(50); }).get();
    QCOMPARE(stored->size(), std::size_t(2));
    QCOMPARE(stored->at(0).runTs, m_clock.now());
  }

  void pairDiscoveryWithoutDataFails() {
    common::Config c;
    c.set("universe.symbols", "AAA,BBB");
    std::atomic<bool> cancel{false};
    const Status s = live::runPairDiscovery(*context(c), cancel);
    QVERIFY(!s.ok());
    QVERIFY2(s.error().message.find("run eod_ingest first") != std::string::npos, s.error().message.c_str());
  }

  void actionsAreWiredIntoTheJobDefinitions() {
    auto ctx = context(yahooConfig());
    auto jobsList = jobs::builtin::definitions(ctx->config, live::makeJobActions(ctx));
    std::map<std::string, jobs::Job> byName;
    for (auto& j : jobsList) byName[j.name] = j;
    QVERIFY(byName.at("eod_ingest").configured());
    QVERIFY(byName.at("company_info").configured());
    QVERIFY(byName.at("pair_discovery").configured());
    QVERIFY(!byName.at("strategy_cycle").configured());
    QVERIFY2(byName.at("strategy_cycle").notConfiguredReason.find("strategy.live") != std::string::npos,
             byName.at("strategy_cycle").notConfiguredReason.c_str());
  }

  // LiveServices built from a real Kernel's public accessors (what Kernel::startOperations does).
  void liveServicesOnARealKernel() {
    common::Config c;
    c.set("db.backend", "sqlite");
    c.set("db.sqlite_path", m_dir.filePath("kernel.sqlite"));
    c.set("market.feed", "none");
    c.set("strategy.live", "sma_cross:ORCL");
    c.set("strategy.sma_cross.fast", "5");
    c.set("strategy.history_days", "20000");
    runtime::Kernel kernel(c);
    QVERIFY(kernel.start().ok());
    auto s = backtest::loadYahooCsv(std::string(MERIDIAN_SHARED_DATA) + "/orcl-1995-2014.csv", "ORCL");
    QVERIFY(s.ok());
    QVERIFY(kernel.storage().call([&](storage::IStorage& st) { return st.upsertBars("ORCL", "yahoo", s->bars); })
                .get()
                .ok());
    live::LiveServices live(kernel.config(), kernel.bus(), kernel.storage(), kernel.ingestion(), *kernel.clock());
    live.start();
    QVERIFY(live.strategies());
    QVERIFY(live.strategiesProblem().empty());
    QVERIFY(live.strategies()->waitUntilWarm(std::chrono::seconds(20)));
    QCOMPARE(live.strategies()->status().at(0).warmupBars, s->bars.size());
    const auto actions = live.jobActions();
    QVERIFY(actions.eodIngest && actions.companyInfo && actions.pairDiscovery && actions.strategyCycle);
    std::atomic<bool> cancel{false};
    QVERIFY(actions.strategyCycle(cancel).ok());
    const std::string msg = jobs::takeRunMessage();
    QVERIFY2(msg.find("1 strategy: 0 new bars") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("sma_cross:ORCL: up to date (last bar 2014-") != std::string::npos, msg.c_str());
    live.stop();
    kernel.stop();

    c.set("strategy.live", "sma_cross:ORCL");
    c.set("strategy.sma_cross.fast", "50");  // >= slow: refused, reported, never fatal
    runtime::Kernel k2(c);
    QVERIFY(k2.start().ok());
    live::LiveServices bad(k2.config(), k2.bus(), k2.storage(), k2.ingestion(), *k2.clock());
    bad.start();
    QVERIFY(!bad.strategies());
    QVERIFY2(bad.strategiesProblem().find("fast < slow") != std::string::npos, bad.strategiesProblem().c_str());
    QVERIFY(!bad.jobActions().strategyCycle);
    QVERIFY(bad.jobActions().strategyCycleReason.find("fast < slow") != std::string::npos);
    k2.stop();
  }
};

QTEST_GUILESS_MAIN(tst_JobActions)
#include "tst_JobActions.moc"
