// Integration tests for PgStorage against a real PostgreSQL server.
//
// MERIDIAN_TEST_PG_URI points at a server and a role allowed to CREATE DATABASE, e.g.
//   postgresql://meridian@127.0.0.1:55432/postgres
// Every run creates its own database meridian_test_<pid>_<random> there and drops it at the end, so runs never
// interfere. Unset: the test skips, or fails when MERIDIAN_REQUIRE_SERVERS=1.
#include "tests/support/PgTestUri.h"
#include "core/storage/postgres/PgStorage.h"

#include <pqxx/pqxx>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QtTest>

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <thread>

using namespace meridian;
using namespace meridian::storage;
using domain::Bar;

namespace {

constexpr domain::Timestamp kT0 = domain::fromSeconds(1'704'205'800);  // 2024-01-02T14:30:00Z
constexpr domain::Timestamp kMax = std::numeric_limits<domain::Timestamp>::max();

Bar makeBar(domain::Timestamp ts, double px) {
  Bar b;
  b.ts = ts;
  b.open = px;
  b.high = px + 1.25;
  b.low = px - 0.75;
  b.close = px + 0.5;
  b.volume = 1000.0 + px;
  b.vwap = px + 0.1;
  b.trades = 42;
  return b;
}

std::vector<Bar> makeSeries(int n, domain::Timestamp start = kT0, double base = 100.0) {
  std::vector<Bar> bars;
  bars.reserve(std::size_t(n));
  for (int i = 0; i < n; ++i) bars.push_back(makeBar(start + i * domain::kNanosPerMinute, base + i * 0.01));
  return bars;
}

domain::Order makeOrder(const std::string& id, domain::OrderStatus status, domain::Timestamp ts) {
  domain::Order o;
  o.clientOrderId = id;
  o.symbol = "AAPL";
  o.type = domain::OrderType::Limit;
  o.quantity = 10;
  o.limitPrice = 187.31;
  o.status = status;
  o.createdTs = ts;
  o.updatedTs = ts;
  return o;
}

using testsupport::withDatabase;

template <class T>
const char* msg(const Result<T>& r) {
  return r.ok() ? "" : r.error().message.c_str();
}

QJsonDocument json(const std::string& s) { return QJsonDocument::fromJson(QByteArray::fromStdString(s)); }

}  // namespace

class tst_PgStorage : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void initTestCase() {
    m_adminUri = qEnvironmentVariable("MERIDIAN_TEST_PG_URI").toStdString();
    if (m_adminUri.empty()) {
      if (qEnvironmentVariable("MERIDIAN_REQUIRE_SERVERS") == QLatin1String("1"))
        QFAIL("MERIDIAN_TEST_PG_URI is not set but MERIDIAN_REQUIRE_SERVERS=1: set MERIDIAN_TEST_PG_URI "
              "(e.g. postgresql://meridian@127.0.0.1:55432/postgres) or run the README test command");
      QSKIP("PostgreSQL integration test skipped: set MERIDIAN_TEST_PG_URI or run the README test command");
    }
    m_dbName = createDatabase("");
    QVERIFY(!m_dbName.empty());
    m_uri = withDatabase(m_adminUri, m_dbName);
    m_store = std::make_unique<PgStorage>(m_uri);
    const auto s = m_store->open();
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
  }

  void cleanupTestCase() {
    m_store.reset();
    for (const auto& db : m_createdDbs) dropDatabase(db);
  }

  void init() {
    if (!m_store) return;
    pqxx::connection c{m_uri};
    pqxx::nontransaction n{c};
    n.exec(
        "TRUNCATE data_ingestion.market_data, data_ingestion.symbols, data_ingestion.company_info, "
        "data_ingestion.key_statistics, data_ingestion.load_runs, execution.fills, execution.orders, "
        "execution.positions, analytics.backtest_runs, logging.job_runs, logging.logs, notification.notifications");
  }

  // --- migrations -----------------------------------------------------------------------------------------
  void migrationsCreateAllSchemasAndAreIdempotent() {
    QVERIFY(m_store->migrate().ok());
    QVERIFY(m_store->migrate().ok());
    PgStorage second(m_uri);
    QVERIFY(second.open().ok());
    QCOMPARE(scalar("SELECT COUNT(*) FROM public.schema_migrations"),
             std::to_string(loadMigrations("postgres")->size()));  // every compiled-in migration, once
    QCOMPARE(scalar("SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name IN ('data_ingestion', "
                    "'strategy_engine', 'execution', 'risk_management', 'analytics', 'notification', 'logging')"),
             std::string("7"));
    for (const char* table :
         {"data_ingestion.market_data", "data_ingestion.symbols", "data_ingestion.company_info",
          "data_ingestion.key_statistics", "data_ingestion.load_runs", "execution.orders", "execution.fills",
          "execution.positions", "analytics.backtest_runs", "logging.job_runs", "logging.logs",
          "risk_management.risk_events", "notification.notifications", "strategy_engine.strategy_state"})
      QVERIFY2(scalar(fmt::format("SELECT to_regclass('{}') IS NOT NULL", table)) == "t", table);
    QCOMPARE(scalar("SELECT length(checksum) FROM public.schema_migrations"), std::string("64"));
  }

  void changedAppliedMigrationIsAnError() {
    const auto original = scalar("SELECT checksum FROM public.schema_migrations WHERE version = 1");
    execAdmin(m_uri, "UPDATE public.schema_migrations SET checksum = 'tampered' WHERE version = 1");
    PgStorage s(m_uri);
    const auto st = s.open();
    execAdmin(m_uri, fmt::format("UPDATE public.schema_migrations SET checksum = '{}' WHERE version = 1", original));
    QVERIFY(!st.ok());
    QCOMPARE(st.error().code, std::string(errc::kMigration));
    QVERIFY2(st.error().message.find("V001__init.sql") != std::string::npos, st.error().message.c_str());
  }

  void concurrentFirstMigrationsAreSerialised() {
    const auto db = createDatabase("_c");
    const auto uri = withDatabase(m_adminUri, db);
    std::vector<Status> results(4);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < results.size(); ++i)
      threads.emplace_back([&, i] {
        PgStorage s(uri);
        results[i] = s.open();
      });
    for (auto& t : threads) t.join();
    for (const auto& r : results) QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    pqxx::connection c{uri};
    pqxx::nontransaction n{c};
    QCOMPARE(std::string(n.exec("SELECT COUNT(*) FROM public.schema_migrations")[0][0].c_str()),
             std::to_string(loadMigrations("postgres")->size()));
  }

  // --- bars -----------------------------------------------------------------------------------------------
  void copyUpsertTenThousandBarsWithDuplicates() {
    const auto first = makeSeries(10'000);
    auto w = m_store->upsertBars("AAPL", "yahoo", first);
    QVERIFY2(w.ok(), msg(w));
    QCOMPARE(*w, std::size_t(10'000));

    // Second batch overlaps the last 5,000 bars (2,500 of them changed) and adds 5,000 new ones; it also
    // contains in-batch duplicates (the later copy wins).
    auto second = makeSeries(10'000, kT0 + 5'000 * domain::kNanosPerMinute, 150.0);
    for (int i = 0; i < 5'000; ++i) second[std::size_t(i)] = first[std::size_t(5'000 + i)];
    for (int i = 0; i < 5'000; i += 2) {
      second[std::size_t(i)].close += 0.25;
      second[std::size_t(i)].high += 0.25;
    }
    auto withDupes = second;
    Bar dupe = second[7'000];
    dupe.volume = 1.0;
    withDupes.push_back(dupe);
    withDupes.insert(withDupes.begin(), second[100]);  // stale copy first, the real one later wins
    withDupes.front().volume = 2.0;
    second[7'000] = dupe;

    w = m_store->upsertBars("AAPL", "yahoo", withDupes);
    QVERIFY2(w.ok(), msg(w));
    QCOMPARE(*w, std::size_t(5'000 + 2'500));

    auto series = m_store->listSeries();
    QVERIFY(series.ok());
    QCOMPARE(series->size(), std::size_t(1));
    QCOMPARE(series->front().barCount, std::int64_t(15'000));

    auto loaded = m_store->loadBars("AAPL", "yahoo", 0, kMax);
    QVERIFY2(loaded.ok(), msg(loaded));
    QCOMPARE(loaded->size(), std::size_t(15'000));
    std::vector<Bar> expected(first.begin(), first.begin() + 5'000);
    expected.insert(expected.end(), second.begin(), second.end());
    QVERIFY(*loaded == expected);
    QCOMPARE(m_store->latestBarTs("AAPL", "yahoo").value(), std::optional<domain::Timestamp>(expected.back().ts));
    QCOMPARE(m_store->upsertBars("AAPL", "yahoo", second).value(), std::size_t(0));  // idempotent
  }

  void changedRowsAreRewrittenOnTheirOwnPages() {
    // A revised range is updated in place: every changed row's new version stays on its old row's heap page
    // (a heap-only update, no new index entry). A delete + insert, or an update on full pages (fillfactor 100),
    // moves the rows to other pages, and this test fails.
    const auto original = makeSeries(3'000);
    QVERIFY(m_store->upsertBars("REV", "yahoo", original).ok());
    QCOMPARE(scalar("SELECT array_to_string(reloptions, ',') FROM pg_class WHERE oid = "
                    "'data_ingestion.market_data'::regclass"),
             std::string("fillfactor=50"));
    const auto pages = [&] {
      return scalar("SELECT string_agg(ts::text || ':' || (ctid::text::point)[0]::bigint::text, ',' ORDER BY ts) "
                    "FROM data_ingestion.market_data WHERE symbol = 'REV' AND source = 'yahoo'");
    };
    const std::string before = pages();
    QVERIFY(before.size() > 3'000);

    auto revised = makeSeries(3'500, kT0, 100.0);  // the 3,000 stored rows, every other one revised, plus 500 new
    for (std::size_t i = 0; i < 3'000; i += 2) {
      revised[i].close += 0.05;
      revised[i].high += 0.05;
      revised[i].volume += 7;
    }
    auto w = m_store->upsertBars("REV", "yahoo", revised);
    QVERIFY2(w.ok(), msg(w));
    QCOMPARE(*w, std::size_t(1'500 + 500));
    QVERIFY(*m_store->loadBars("REV", "yahoo", 0, kMax) == revised);

    const std::string after = pages();
    QVERIFY2(after.compare(0, before.size(), before) == 0, "a revised row moved to another heap page");
    QCOMPARE(m_store->upsertBars("REV", "yahoo", revised).value(), std::size_t(0));
  }

  void checkViolationRollsBackWholeBatch() {
    const auto original = makeSeries(100);
    QVERIFY(m_store->upsertBars("MSFT", "yahoo", original).ok());
    auto batch = makeSeries(1'000, kT0, 200.0);  // rewrites the 100 existing rows, adds 900
    batch[900].trades = -1;                      // passes domain::isSane, violates CHECK (trades >= 0)
    auto w = m_store->upsertBars("MSFT", "yahoo", batch);
    QVERIFY(!w.ok());
    QCOMPARE(w.error().code, std::string(errc::kConstraint));
    QVERIFY2(w.error().message.find("market_data_trades_nonneg") != std::string::npos, w.error().message.c_str());
    auto loaded = m_store->loadBars("MSFT", "yahoo", 0, kMax);
    QVERIFY(loaded.ok());
    QVERIFY(*loaded == original);  // nothing half-written

    batch[900].trades = 0;
    batch[500].high = batch[500].open - 1.0;  // insane: rejected before reaching the server
    w = m_store->upsertBars("MSFT", "yahoo", batch);
    QCOMPARE(w.error().code, std::string(errc::kInvalid));
    QVERIFY2(w.error().message.find(std::to_string(batch[500].ts)) != std::string::npos, w.error().message.c_str());
    QVERIFY(*m_store->loadBars("MSFT", "yahoo", 0, kMax) == original);

    batch[500].high = batch[500].open + 1.0;  // the session is still usable
    QCOMPARE(m_store->upsertBars("MSFT", "yahoo", batch).value(), std::size_t(1'000));
  }

  void appendOnlyBatchesAndLoadRunsAreAtomic() {
    // Fresh series and batches newer than everything stored take the append-only COPY path; a CHECK
    // violation there must still roll back the whole batch and the load run written with it.
    auto fresh = makeSeries(500);
    fresh[250].trades = -1;
    const storage::LoadRun run{"NVDA", "polygon", fresh.back().ts, kT0};
    auto w = m_store->upsertBarsWithLoadRun("NVDA", "polygon", fresh, run);
    QVERIFY(!w.ok());
    QCOMPARE(w.error().code, std::string(errc::kConstraint));
    QVERIFY(m_store->loadBars("NVDA", "polygon", 0, kMax)->empty());
    QVERIFY(!m_store->lastLoadedTs("NVDA", "polygon").value().has_value());

    fresh[250].trades = 3;
    QCOMPARE(m_store->upsertBarsWithLoadRun("NVDA", "polygon", fresh, run).value(), std::size_t(500));
    QCOMPARE(m_store->lastLoadedTs("NVDA", "polygon").value(), std::optional<domain::Timestamp>(fresh.back().ts));
    const auto later = makeSeries(300, fresh.back().ts + domain::kNanosPerMinute, 120.0);
    QCOMPARE(m_store->upsertBars("NVDA", "polygon", later).value(), std::size_t(300));  // append to a non-empty series
    auto all = fresh;
    all.insert(all.end(), later.begin(), later.end());
    QVERIFY(*m_store->loadBars("NVDA", "polygon", 0, kMax) == all);

    QCOMPARE(m_store->deleteSeries("NVDA", "polygon").value(), std::size_t(800));
    QVERIFY(m_store->loadBars("NVDA", "polygon", 0, kMax)->empty());
    QVERIFY(!m_store->lastLoadedTs("NVDA", "polygon").value().has_value());
  }

  void rawCopy() {
    const auto bars = makeSeries(2'000);
    auto w = m_store->copyBarsRaw("RAW", "bench", bars);
    QVERIFY2(w.ok(), msg(w));
    QCOMPARE(*w, std::size_t(2'000));
    QVERIFY(*m_store->loadBars("RAW", "bench", 0, kMax) == bars);

    auto again = m_store->copyBarsRaw("RAW", "bench", bars);  // duplicate keys: plain COPY fails as a whole
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, std::string(errc::kConstraint));

    auto insane = makeSeries(10, kT0, 50.0);
    insane[5].low = insane[5].open + 100.0;
    auto bad = m_store->copyBarsRaw("RAW2", "bench", insane);
    QCOMPARE(bad.error().code, std::string(errc::kConstraint));
    QVERIFY(m_store->loadBars("RAW2", "bench", 0, kMax)->empty());
    QCOMPARE(m_store->listSeries()->front().barCount, std::int64_t(2'000));
  }

  void doublesRoundTripExactly() {
    std::vector<Bar> bars;
    const double values[] = {0.1, 1.0 / 3.0, 123456.78901234567, 1e-300, 5e-324, 1.7976931348623157e308,
                             std::nextafter(100.0, 200.0), 2.675, 9007199254740993.0};
    domain::Timestamp ts = kT0;
    for (double v : values) {
      Bar b;
      b.ts = ts++;
      b.open = b.high = b.low = b.close = b.volume = b.vwap = v;
      b.trades = std::numeric_limits<std::int64_t>::max();
      bars.push_back(b);
    }
    QVERIFY(m_store->upsertBars("EXACT", "t", bars).ok());
    auto loaded = m_store->loadBars("EXACT", "t", 0, kMax);
    QVERIFY(loaded.ok());
    QVERIFY(*loaded == bars);

    domain::Position p{"EXACT", "", 1.0 / 3.0, 0.1, -1e-300, 123456.78901234567, kT0};
    QVERIFY(m_store->savePosition(p).ok());
    QVERIFY(m_store->loadPositions()->front() == p);
  }

  // --- orders & fills -------------------------------------------------------------------------------------
  void ordersAndFillsAreIdempotent() {
    using S = domain::OrderStatus;
    auto o = makeOrder("MRD-1", S::New, kT0);
    QVERIFY(m_store->journalOrder(o).ok());
    QVERIFY(m_store->journalOrder(o).ok());
    o.status = S::PartiallyFilled;
    o.filledQuantity = 4;
    o.avgFillPrice = 187.3;
    o.updatedTs = kT0 + 10;
    QVERIFY(m_store->journalOrder(o).ok());
    auto stale = makeOrder("MRD-1", S::Accepted, kT0 + 5);
    stale.createdTs = kT0;
    QVERIFY(m_store->journalOrder(stale).ok());  // older than the stored state: ignored
    QVERIFY(m_store->loadOrder("MRD-1").value() == std::optional<domain::Order>(o));
    QVERIFY(m_store->journalOrder(makeOrder("MRD-2", S::Filled, kT0 + 1)).ok());
    QVERIFY(m_store->journalOrder(makeOrder("MRD-3", S::PendingSubmit, kT0 + 2)).ok());

    auto open = m_store->loadOpenOrders();
    QVERIFY(open.ok());
    QCOMPARE(open->size(), std::size_t(2));
    QCOMPARE(open->at(0).clientOrderId, std::string("MRD-1"));
    QCOMPARE(open->at(1).clientOrderId, std::string("MRD-3"));
    QCOMPARE(m_store->loadOrders(1)->front().clientOrderId, std::string("MRD-3"));

    domain::Fill f{"EX-1", "MRD-1", "AAPL", domain::Side::Buy, 4, 187.3, 0.35, kT0 + 100, ""};
    QCOMPARE(m_store->recordFill(f).value(), true);
    QCOMPARE(m_store->recordFill(f).value(), false);
    QCOMPARE(m_store->loadFills("MRD-1", 0)->size(), std::size_t(1));
    QVERIFY(m_store->loadFills("", 0)->front() == f);
    domain::Fill orphan{"EX-2", "MRD-404", "AAPL", domain::Side::Buy, 1, 1, 0, kT0, ""};
    QCOMPARE(m_store->recordFill(orphan).error().code, std::string(errc::kConstraint));
    auto bad = makeOrder("MRD-BAD", S::New, kT0);
    bad.quantity = 0;
    QCOMPARE(m_store->journalOrder(bad).error().code, std::string(errc::kConstraint));
  }

  // --- the other stores (same SQL as SQLite; checks the PostgreSQL dialect) -------------------------------
  void symbolsRunsLogsAndLoadRuns() {
    SymbolRecord aapl{{"AAPL", "Apple", "NASDAQ", domain::AssetClass::Equity, 0.01, 1.0, true}, {}, kT0};
    SymbolRecord gone{{"XYZ", "Gone", "NYSE", domain::AssetClass::Etf, 0.01, 1.0, false}, kT0, kT0};
    std::vector<SymbolRecord> symbols{aapl, gone};
    QCOMPARE(m_store->upsertSymbols(symbols).value(), std::size_t(2));
    QVERIFY(m_store->listSymbols(false).value() == symbols);
    QCOMPARE(m_store->listSymbols(true)->size(), std::size_t(1));
    QVERIFY(m_store->getSymbol("XYZ").value() == std::optional<SymbolRecord>(gone));

    CompanyInfo info{"AAPL", "Apple Inc.", "Technology", "Hardware", "US", "https://apple.com", "d", 161000, kT0};
    QVERIFY(m_store->upsertCompanyInfo(info).ok());
    QVERIFY(m_store->getCompanyInfo("AAPL").value() == std::optional<CompanyInfo>(info));
    KeyStatistics ks{"AAPL", kT0, 3e12, std::nullopt, 27.1, 6.13, 0.0052, 1.29, 199.62, 164.08, 5.3e7, 1.55e10};
    QVERIFY(m_store->upsertKeyStatistics(ks).ok());
    QVERIFY(m_store->latestKeyStatistics("AAPL").value() == std::optional<KeyStatistics>(ks));

    BacktestRunRecord run;
    run.strategy = "sma";
    run.paramsJson = R"({"slow": 30, "fast": 10})";
    run.symbols = {"AAPL", "MSFT"};
    run.startTs = kT0;
    run.endTs = kT0 + 1;
    run.createdTs = kT0 + 2;
    run.finalValue = 101234.5678;
    run.metricsJson = R"({"sharpe": 1.2345678901234567})";
    run.equityCurveJson = "[[1, 100000.0], [2, 101234.5678]]";
    auto id = m_store->saveBacktestRun(run);
    QVERIFY2(id.ok(), msg(id));
    auto loaded = m_store->loadBacktestRun(*id);
    QVERIFY(loaded.ok() && loaded->has_value());
    QCOMPARE(json((*loaded)->paramsJson), json(run.paramsJson));  // JSONB: same value, normalised text
    QCOMPARE(json((*loaded)->metricsJson), json(run.metricsJson));
    QCOMPARE(json((*loaded)->equityCurveJson), json(run.equityCurveJson));
    QVERIFY((*loaded)->symbols == run.symbols);
    QCOMPARE(m_store->listBacktestRuns(0)->size(), std::size_t(1));

    JobRunRecord job{0, "ingest", kT0, std::nullopt, "running", 1, ""};
    job.id = m_store->recordJobRun(job).value();
    job.finishedTs = kT0 + 9;
    job.status = "succeeded";
    QVERIFY(m_store->updateJobRun(job).ok());
    QVERIFY(m_store->listJobRuns("ingest", 10)->front() == job);

    std::vector<LogRow> logs{{0, kT0, "info", "a", "one"}, {0, kT0 + 1, "error", "b", "two"}};
    QCOMPARE(m_store->appendLogs(logs).value(), std::size_t(2));
    QCOMPARE(m_store->recentLogs(1)->front().message, std::string("two"));

    QVERIFY(m_store->upsertLoadRun({"AAPL", "yahoo", kT0, kT0}).ok());
    QCOMPARE(m_store->lastLoadedTs("AAPL", "yahoo").value(), std::optional<domain::Timestamp>(kT0));
  }

  // --- failure handling -----------------------------------------------------------------------------------
  // The notification outbox (V003): insert, per-attempt update, queued rows oldest first.
  void notificationOutbox() {
    storage::NotificationRecord a;
    a.ts = 1'700'000'000'000'000'000;
    a.channel = "email";
    a.subject = "[LIVE] Kill switch engaged";
    a.body = "Reason: manual — ünïcode";
    a.eventKey = "kill_switch_engaged:";
    a.updatedTs = a.ts;
    auto id1 = m_store->addNotification(a);
    QVERIFY2(id1.ok(), id1.ok() ? "" : id1.error().message.c_str());
    storage::NotificationRecord b = a;
    b.channel = "webhook";
    b.body = R"({"schema":"meridian.notification.v1"})";
    auto id2 = m_store->addNotification(b);
    QVERIFY(id2.ok() && *id2 > *id1);
    a.id = *id1;
    a.status = "failed";
    a.attempts = 5;
    a.lastError = "SMTP 127.0.0.1:25: cannot connect";
    QVERIFY(m_store->updateNotification(a).ok());
    auto queued = m_store->listNotifications("queued", 0);
    QVERIFY(queued.ok());
    QCOMPARE(queued->size(), std::size_t(1));
    QCOMPARE(queued->front().channel, std::string("webhook"));
    QCOMPARE(queued->front().body, b.body);
    auto all = m_store->listNotifications({}, 0);
    QVERIFY(all.ok());
    QCOMPARE(all->size(), std::size_t(2));
    QCOMPARE(all->front(), a);
    storage::NotificationRecord missing = a;
    missing.id = 987654;
    QVERIFY(!m_store->updateNotification(missing).ok());
  }

  void databaseDownGivesErrorNotException() {
    QElapsedTimer timer;
    timer.start();
    PgStorage down("postgresql://meridian:s3cretPassw0rd@127.0.0.1:1/meridian");
    Status st;
    Result<std::vector<Bar>> bars = std::vector<Bar>{};
    try {
      st = down.open();
      bars = down.loadBars("AAPL", "yahoo", 0, kMax);
    } catch (...) {
      QFAIL("an exception escaped PgStorage");
    }
    QVERIFY(timer.elapsed() < 5'000);
    QVERIFY(!st.ok());
    QCOMPARE(st.error().code, std::string(errc::kUnavailable));
    QCOMPARE(bars.error().code, std::string(errc::kUnavailable));
    QVERIFY2(st.error().message.find("s3cretPassw0rd") == std::string::npos, st.error().message.c_str());
    QVERIFY2(st.error().message.find("127.0.0.1") != std::string::npos, st.error().message.c_str());
    QCOMPARE(down.redactedUri(), std::string("postgresql://meridian:***@127.0.0.1:1/meridian"));
    QCOMPARE(down.ping().error().code, std::string(errc::kUnavailable));
    QCOMPARE(PgStorage::redactConnectionString("host=x password='a b' user=u"),
             std::string("host=x password=*** user=u"));
  }

  void reconnectsAfterConnectionLoss() {
    PgStorage::Options opts;
    opts.applicationName = fmt::format("meridian_reconnect_{}", QCoreApplication::applicationPid());
    PgStorage s(m_uri, opts);
    QVERIFY(s.open().ok());
    QVERIFY(s.upsertBars("RC", "t", makeSeries(10)).ok());
    execAdmin(m_uri, fmt::format("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{}'",
                                 opts.applicationName));
    // The first call notices the dead session (db.unavailable, no exception); the next one reconnects.
    auto first = s.loadBars("RC", "t", 0, kMax);
    if (!first.ok()) QCOMPARE(first.error().code, std::string(errc::kUnavailable));
    qInfo("first call after termination: %s", first.ok() ? "ok (transparently re-activated)" : first.error().message.c_str());
    auto second = s.loadBars("RC", "t", 0, kMax);
    QVERIFY2(second.ok(), msg(second));
    QCOMPARE(second->size(), std::size_t(10));
    // The COPY staging table is per session: the bulk path must work on the new session too.
    QCOMPARE(s.upsertBars("RC", "t", makeSeries(20)).value(), std::size_t(10));
  }

 private:
  std::string scalar(const std::string& sql) {
    pqxx::connection c{m_uri};
    pqxx::nontransaction n{c};
    return n.exec(sql)[0][0].c_str();
  }
  static void execAdmin(const std::string& uri, const std::string& sql) {
    pqxx::connection c{uri};
    pqxx::nontransaction n{c};
    n.exec(sql);
  }
  std::string createDatabase(const std::string& suffix) {
    const auto name = fmt::format("meridian_test_{}_{:08x}{}", QCoreApplication::applicationPid(),
                                  QRandomGenerator::global()->generate(), suffix);
    try {
      execAdmin(m_adminUri, "CREATE DATABASE " + name);
    } catch (const std::exception& e) {
      qWarning("cannot create test database %s on %s: %s", name.c_str(),
               PgStorage::redactConnectionString(m_adminUri).c_str(), e.what());
      return {};
    }
    m_createdDbs.push_back(name);
    return name;
  }
  void dropDatabase(const std::string& name) {
    try {
      execAdmin(m_adminUri, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (const std::exception& e) {
      qWarning("cannot drop test database %s: %s", name.c_str(), e.what());
    }
  }

  std::string m_adminUri;
  std::string m_dbName;
  std::string m_uri;
  std::vector<std::string> m_createdDbs;
  std::unique_ptr<PgStorage> m_store;
};

QTEST_GUILESS_MAIN(tst_PgStorage)
#include "tst_PgStorage.moc"
