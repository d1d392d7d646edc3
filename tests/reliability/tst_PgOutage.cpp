// Reliability: PostgreSQL killed and restarted in the middle of an ingest. The test runs its own PostgreSQL
// (initdb + pg_ctl in a temp dir on a free port, see PrivateServers.h): it is killed with pg_ctl stop -m immediate
// (a crash: every backend exits, no checkpoint) while IngestionService loads the real CSVs of
// MERIDIAN_SHARED_DATA through PgStorage in batches, then restarted. Checked against the CSV: every bar stored
// exactly once with the CSV's values, the load run at the last bar, the failure retried (and, when the server
// stays down, reported with the batch and what was stored, then completed by a re-run).
// PostgreSQL binaries missing: skipped, or a failure when MERIDIAN_REQUIRE_SERVERS=1.
#include "PrivateServers.h"

#include "core/common/Clock.h"
#include "core/common/Logging.h"
#include "core/marketdata/IngestionService.h"
#include "core/marketdata/csv/CsvImporter.h"
#include "core/marketdata/DataQuality.h"
#include "core/storage/postgres/PgStorage.h"

#include <pqxx/pqxx>

#include "TestPrinters.h"

#include <QtTest>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

using namespace meridian;
using namespace meridian::marketdata;
using testsupport::PrivatePostgres;

namespace {

const QString kData = QStringLiteral(MERIDIAN_SHARED_DATA);

struct Expected {
  std::vector<domain::Bar> bars;  // what the store must hold: DataQuality::normalized(CSV)
};

Expected expectedFromCsv(const QString& file) {
  auto data = CsvImporter::readFile(kData + "/" + file, CsvOptions{});
  if (!data) qFatal("cannot read %s: %s", qPrintable(file), data.error().message.c_str());
  return Expected{DataQuality::normalized(data->bars)};
}

}  // namespace

class tst_PgOutage : public QObject {
  Q_OBJECT

  std::unique_ptr<PrivatePostgres> m_pg;
  std::string m_uri;

  std::int64_t scalar(const std::string& sql) {
    pqxx::connection c{m_uri};
    pqxx::nontransaction n{c};
    return n.exec1(sql)[0].as<std::int64_t>();
  }

  // The stored series equals the CSV: same count, one row per ts, same values, load run at the last bar.
  void verifySeries(const std::string& symbol, const Expected& want) {
    const std::string where = "symbol = '" + symbol + "' AND source = 'csv'";
    QCOMPARE(scalar("SELECT count(*) FROM data_ingestion.market_data WHERE " + where), std::int64_t(want.bars.size()));
    QCOMPARE(scalar("SELECT count(DISTINCT ts) FROM data_ingestion.market_data WHERE " + where),
             std::int64_t(want.bars.size()));
    QCOMPARE(scalar("SELECT last_loaded_ts FROM data_ingestion.load_runs WHERE " + where), want.bars.back().ts);
    storage::PgStorage reader(m_uri);
    auto stored = reader.loadBars(symbol, "csv", std::numeric_limits<domain::Timestamp>::min(),
                                  std::numeric_limits<domain::Timestamp>::max());
    QVERIFY2(stored.ok(), stored.ok() ? "" : stored.error().message.c_str());
    QCOMPARE(stored->size(), want.bars.size());
    for (std::size_t i = 0; i < want.bars.size(); ++i) {
      const auto& a = (*stored)[i];
      const auto& b = want.bars[i];
      if (a.ts != b.ts || a.open != b.open || a.high != b.high || a.low != b.low || a.close != b.close ||
          a.volume != b.volume)
        QFAIL(qPrintable(QStringLiteral("%1 bar %2 differs from the CSV (ts %3 vs %4)")
                             .arg(QString::fromStdString(symbol))
                             .arg(i)
                             .arg(a.ts)
                             .arg(b.ts)));
    }
  }

  void resetTables() {
    pqxx::connection c{m_uri};
    pqxx::nontransaction n{c};
    n.exec("TRUNCATE data_ingestion.market_data, data_ingestion.load_runs, logging.logs, execution.orders CASCADE");
  }

 private Q_SLOTS:
  void initTestCase() {
    if (PrivatePostgres::binDir().isEmpty()) {
      if (testsupport::serversRequired())
        QFAIL("MERIDIAN_REQUIRE_SERVERS=1 but no PostgreSQL server binaries under /usr/lib/postgresql/*/bin "
              "(apt-get install postgresql)");
      QSKIP("PostgreSQL server binaries (initdb, pg_ctl) not installed under /usr/lib/postgresql/*/bin");
    }
    common::LogOptions lo;
    lo.level = "warn";
    common::initLogging(lo);  // in-app buffer only: the test reads the retry warnings back
    m_pg = std::make_unique<PrivatePostgres>();
    QString error;
    QVERIFY2(m_pg->init(&error), qPrintable(error));
    m_uri = m_pg->uri();
    storage::PgStorage store(m_uri);
    const auto s = store.open();  // migrations
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
  }
  void cleanupTestCase() { m_pg.reset(); }
  void init() {
    if (!m_pg->running()) QVERIFY(m_pg->start());
    resetTables();
  }

  // After the server crashed and came back, the first call on the old PgStorage instance already succeeds: the
  // dead idle connection is noticed before use (before this fix, every call kind failed once per restart, e.g.
  // an order journal write).
  void firstCallAfterARestartSucceeds() {
    storage::PgStorage store(m_uri);
    QVERIFY(store.open().ok());
    domain::Order o;
    o.clientOrderId = "MRD-PG-1";
    o.symbol = "AAPL";
    o.quantity = 1;
    o.status = domain::OrderStatus::PendingSubmit;
    o.createdTs = o.updatedTs = 1'700'000'000'000'000'000;
    QVERIFY(store.journalOrder(o).ok());
    QVERIFY(store.isConnected());
    QVERIFY(m_pg->killImmediate());
    // While it is down: a clear, redacted unavailable error, not an exception.
    auto down = store.loadOrder("MRD-PG-1");
    QVERIFY(!down.ok());
    QCOMPARE(down.error().code, std::string(storage::errc::kUnavailable));
    QVERIFY(m_pg->start());
    o.status = domain::OrderStatus::Accepted;
    o.updatedTs += 1;
    const auto s1 = store.journalOrder(o);  // first call after the restart
    QVERIFY2(s1.ok(), s1.ok() ? "" : s1.error().message.c_str());
    QVERIFY(m_pg->killImmediate());
    QVERIFY(m_pg->start());
    auto back = store.loadOrder("MRD-PG-1");  // first call after another restart, without a failed call between
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
    QVERIFY(back.value().has_value());
    ECOMPARE(back.value()->status, domain::OrderStatus::Accepted);
    const auto ping = store.ping();
    QVERIFY(ping.ok());
  }

  // The server is crashed right before a batch write (the storage's open connection is dead) and comes back
  // 0.5 s later: the batch is retried on a fresh connection and the load completes exactly.
  void crashBetweenBatchesIsRetried() {
    const Expected want = expectedFromCsv("orcl-1995-2014.csv");
    QVERIFY(want.bars.size() > 4000);
    storage::PgStorage::Options po;
    po.connectTimeoutSec = 2;
    storage::PgStorage store(m_uri, po);
    QVERIFY(store.open().ok());
    common::SimulatedClock clock(want.bars.back().ts + domain::kNanosPerDay);
    IngestionOptions o;
    o.persistQualityIssues = false;  // the storage calls are then: read the load run, one per batch
    o.maxBatchBars = 500;
    o.storageAttempts = 30;
    o.storageRetryBackoff = std::chrono::milliseconds(100);
    int calls = 0;
    std::future<bool> restarted;
    IngestionService svc(
        [&](const StorageTask& task) {
          // Call 1 reads the load run; from call 2 on, one call per batch. Crash before the 5th batch.
          if (++calls == 6) {
            QString error;
            if (!m_pg->killImmediate(&error)) qWarning("%s", qPrintable(error));
            restarted = std::async(std::launch::async, [this] {
              std::this_thread::sleep_for(std::chrono::milliseconds(500));
              return m_pg->start();
            });
          }
          task(store);
        },
        clock, nullptr, o);
    auto r = svc.importCsv(CsvImportRequest{kData + "/orcl-1995-2014.csv", "ORCL"});
    QVERIFY(restarted.valid());
    QVERIFY(restarted.get());
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QVERIFY2(r->storageRetries >= 1, "the crash did not make any batch fail");
    QCOMPARE(r->batches, (want.bars.size() + 499) / 500);
    QCOMPARE(r->inserted, want.bars.size());
    verifySeries("ORCL", want);
  }

  // Crashes at arbitrary moments while three real series load in small batches (a watcher kills the server as
  // soon as rows appear, twice): whatever was in flight (COPY, merge, commit) is rolled back or committed, never
  // half; the retried batches re-write by key, so nothing is lost or doubled.
  void crashDuringTransactionsLosesAndDoublesNothing() {
    const std::vector<std::pair<std::string, QString>> files{
        {"NVDA", "nvda-1999-2014.csv"}, {"ORCL", "orcl-1995-2014.csv"}, {"YHOO", "yhoo-1996-2014.csv"}};
    std::vector<Expected> want;
    for (const auto& f : files) want.push_back(expectedFromCsv(f.second));
    storage::PgStorage::Options po;
    po.connectTimeoutSec = 2;
    storage::PgStorage store(m_uri, po);
    QVERIFY(store.open().ok());
    common::SimulatedClock clock(want[0].bars.back().ts + 10 * domain::kNanosPerDay);
    IngestionOptions o;
    o.persistQualityIssues = false;  // the storage calls are then: read the load run, one per batch
    o.maxBatchBars = 250;
    o.storageAttempts = 40;
    o.storageRetryBackoff = std::chrono::milliseconds(100);
    // Paced (10 ms per storage call) so the load is still running when the watcher's kill lands.
    IngestionService svc(
        [&](const StorageTask& task) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
          task(store);
        },
        clock, nullptr, o);

    std::atomic<bool> done{false};
    std::atomic<int> crashes{0};
    std::thread killer([&] {
      // Kill when the row count crosses a threshold (so the kill lands while batches are being written), restart
      // after 0.3 s, twice.
      for (std::int64_t threshold : {3000, 9000}) {
        while (!done) {
          std::int64_t rows = 0;
          try {
            rows = scalar("SELECT count(*) FROM data_ingestion.market_data");
          } catch (const std::exception&) {
          }
          if (rows >= threshold) break;
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        if (done) return;
        if (m_pg->killImmediate()) ++crashes;
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        m_pg->start();
      }
    });
    std::uint64_t logSeq = 0;
    {
      std::vector<common::LogRecord> old;
      logSeq = common::inAppLogs()->recordsSince(0, old);
    }
    std::size_t retries = 0;
    std::vector<std::string> errors;
    for (const auto& f : files) {
      auto r = svc.importCsv(CsvImportRequest{kData + "/" + f.second, f.first});
      if (!r.ok()) {
        errors.push_back(r.error().message);
        continue;
      }
      retries += r->storageRetries;
    }
    done = true;
    killer.join();
    if (!m_pg->running()) QVERIFY(m_pg->start());
    QVERIFY2(errors.empty(), errors.empty() ? "" : errors.front().c_str());
    QCOMPARE(crashes.load(), 2);
    QVERIFY2(retries >= 2, qPrintable(QStringLiteral("only %1 retried batch(es) for 2 crashes").arg(retries)));
    for (std::size_t i = 0; i < files.size(); ++i) verifySeries(files[i].first, want[i]);
    QCOMPARE(scalar("SELECT count(*) FROM data_ingestion.market_data"),
             std::int64_t(want[0].bars.size() + want[1].bars.size() + want[2].bars.size()));
    // How the failures looked to the writer (figures for the report; which one happens depends on timing).
    std::vector<common::LogRecord> logs;
    common::inAppLogs()->recordsSince(logSeq, logs);
    int lost = 0, refused = 0, inDoubt = 0, other = 0;
    for (const auto& l : logs) {
      if (l.message.find("not stored") == std::string::npos) continue;
      if (l.message.find("outcome unknown") != std::string::npos) ++inDoubt;
      else if (l.message.find("lost during") != std::string::npos || l.message.find("terminat") != std::string::npos) ++lost;
      else if (l.message.find("cannot connect") != std::string::npos) ++refused;
      else ++other;
    }
    qInfo("2 crashes during the load of %zu bars: %zu batch write(s) retried (%d connection lost mid-batch, %d commit "
          "in doubt, %d connect refused, %d other)",
          want[0].bars.size() + want[1].bars.size() + want[2].bars.size(), retries, lost, inDoubt, refused, other);
    for (const auto& l : logs)
      if (l.message.find("not stored") != std::string::npos && l.message.find("cannot connect") == std::string::npos)
        qInfo("failure seen by the writer: %s", l.message.c_str());
  }

  // A crash inside a bar transaction, made deterministic: a statement trigger sleeps 300 ms in every insert into
  // market_data, and the server is killed while the storage's COPY is running (seen in pg_stat_activity). The
  // batch is rolled back by the crash, retried after the restart, and the series is exact.
  void crashInsideABarTransactionRollsBackAndRetries() {
    {
      pqxx::connection c{m_uri};
      pqxx::nontransaction n{c};
      n.exec("CREATE OR REPLACE FUNCTION public.slow_insert() RETURNS trigger LANGUAGE plpgsql AS "
             "$$ BEGIN PERFORM pg_sleep(0.3); RETURN NULL; END $$");
      n.exec("CREATE TRIGGER slow_insert AFTER INSERT ON data_ingestion.market_data "
             "FOR EACH STATEMENT EXECUTE FUNCTION public.slow_insert()");
    }
    const Expected want = expectedFromCsv("nvda-1999-2014.csv");
    storage::PgStorage::Options po;
    po.connectTimeoutSec = 2;
    po.applicationName = "meridian_ingest_under_test";
    storage::PgStorage store(m_uri, po);
    QVERIFY(store.open().ok());
    common::SimulatedClock clock(want.bars.back().ts + domain::kNanosPerDay);
    IngestionOptions o;
    o.persistQualityIssues = false;
    o.maxBatchBars = 1000;
    o.storageAttempts = 30;
    o.storageRetryBackoff = std::chrono::milliseconds(100);
    IngestionService svc(directStorage(store), clock, nullptr, o);
    std::atomic<bool> killedMidStatement{false};
    std::thread killer([&] {
      QElapsedTimer t;
      t.start();
      while (t.elapsed() < 20'000) {
        std::int64_t busy = 0;
        try {
          // The second batch's insert is running (the first one committed): kill now.
          busy = scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'meridian_ingest_under_test' "
                        "AND state = 'active' AND query ILIKE 'COPY%' AND "
                        "(SELECT count(*) FROM data_ingestion.market_data) > 0");
        } catch (const std::exception&) {
        }
        if (busy > 0) {
          killedMidStatement = m_pg->killImmediate();
          std::this_thread::sleep_for(std::chrono::milliseconds(300));
          m_pg->start();
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
    std::uint64_t logSeq = 0;
    {
      std::vector<common::LogRecord> old;
      logSeq = common::inAppLogs()->recordsSince(0, old);
    }
    auto r = svc.importCsv(CsvImportRequest{kData + "/nvda-1999-2014.csv", "NVDA"});
    killer.join();
    if (!m_pg->running()) QVERIFY(m_pg->start());
    {
      pqxx::connection c{m_uri};
      pqxx::nontransaction n{c};
      n.exec("DROP TRIGGER slow_insert ON data_ingestion.market_data");
    }
    QVERIFY2(killedMidStatement, "the server was never killed during an insert");
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QVERIFY(r->storageRetries >= 1);
    std::vector<common::LogRecord> logs;
    common::inAppLogs()->recordsSince(logSeq, logs);
    bool sawRollback = false;
    for (const auto& l : logs)
      if (l.message.find("not stored") != std::string::npos && l.message.find("batch rolled back") != std::string::npos) {
        sawRollback = true;
        qInfo("the writer saw: %s", l.message.c_str());
        break;
      }
    QVERIFY2(sawRollback, "no batch failed inside its transaction");
    QCOMPARE(r->inserted, want.bars.size());
    verifySeries("NVDA", want);
  }

  // The server stays down past the retries: the run fails with an error naming the batch, what was stored and
  // where the load run stands; the committed batches stay; after a restart an incremental re-run completes it.
  void outageLongerThanRetriesIsReportedThenResumed() {
    const Expected want = expectedFromCsv("yhoo-1996-2014.csv");
    storage::PgStorage::Options po;
    po.connectTimeoutSec = 1;
    storage::PgStorage store(m_uri, po);
    QVERIFY(store.open().ok());
    common::SimulatedClock clock(want.bars.back().ts + domain::kNanosPerDay);
    IngestionOptions o;
    o.persistQualityIssues = false;  // the storage calls are then: read the load run, one per batch
    o.maxBatchBars = 1000;
    o.storageAttempts = 2;
    o.storageRetryBackoff = std::chrono::milliseconds(50);
    int calls = 0;
    IngestionService svc(
        [&](const StorageTask& task) {
          if (++calls == 4) QVERIFY(m_pg->killImmediate());  // before the 3rd batch; it stays down
          task(store);
        },
        clock, nullptr, o);
    auto r = svc.importCsv(CsvImportRequest{kData + "/yhoo-1996-2014.csv", "YHOO"});
    QVERIFY(!r.ok());
    const std::string& msg = r.error().message;
    QCOMPARE(r.error().code, std::string(storage::errc::kUnavailable));
    QVERIFY2(msg.find("storing bars 2001-3000 of " + std::to_string(want.bars.size())) != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("batch 3/") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("after 2 attempt(s)") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("2000 bar(s) stored before") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("an incremental re-run resumes there") != std::string::npos, msg.c_str());

    QVERIFY(m_pg->start());
    QCOMPARE(scalar("SELECT count(*) FROM data_ingestion.market_data WHERE symbol = 'YHOO'"), std::int64_t(2000));
    QCOMPARE(scalar("SELECT last_loaded_ts FROM data_ingestion.load_runs WHERE symbol = 'YHOO'"), want.bars[1999].ts);
    auto again = svc.importCsv(CsvImportRequest{kData + "/yhoo-1996-2014.csv", "YHOO"});  // same store: reconnects
    QVERIFY2(again.ok(), again.ok() ? "" : again.error().message.c_str());
    QCOMPARE(again->inserted, want.bars.size() - 2000);
    QCOMPARE(again->unchanged, std::size_t(2000));
    verifySeries("YHOO", want);
  }
};

QTEST_GUILESS_MAIN(tst_PgOutage)
#include "tst_PgOutage.moc"
