// Integration: IngestionService into a real PostgreSQL database (the COPY + INSERT .. ON CONFLICT upsert path).
// Incremental Yahoo ingest through a local HTTP server, re-run is a no-op, load_runs updated, failed fetches
// write nothing, real CSV import. Same server rules as tests/storage/tst_PgStorage.cpp: MERIDIAN_TEST_PG_URI
// names a server and a role allowed to CREATE DATABASE; each run uses its own database and drops it. Unset: the
// test skips, or fails when MERIDIAN_REQUIRE_SERVERS=1.
#include "tests/support/PgTestUri.h"
#include "LocalHttpServer.h"

#include "core/marketdata/IngestionService.h"
#include "core/marketdata/yahoo/YahooProvider.h"
#include "core/storage/postgres/PgStorage.h"
#include "core/time/TimeZones.h"

#include <pqxx/pqxx>

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QtTest>

#include <fmt/format.h>

using namespace meridian;
using namespace meridian::marketdata;
using meridian::testing::LocalHttpServer;
using meridian::testing::json;

namespace {

const QString kPath = QStringLiteral("/v8/finance/chart/AAPL");

domain::Timestamp open930(int y, int m, int d) { return time::TimeZones::fromExchange(QDate(y, m, d), QTime(9, 30)); }

const QByteArray kChart = R"({"chart":{"result":[{"meta":{"symbol":"AAPL","gmtoffset":-18000,"exchangeTimezoneName":"America/New_York"},
"timestamp":[1704205800,1704292200,1704378600,1704465000,1704724200],
"indicators":{"quote":[{"open":[187.15,184.22,null,181.99,182.09],"high":[188.44,185.88,null,182.76,185.6],
"low":[183.89,183.43,null,180.17,181.5],"close":[185.64,184.25,null,181.18,185.56],
"volume":[82488700,58414500,null,62303300,59144500]}],"adjclose":[{"adjclose":[184.53,183.15,null,180.1,184.45]}]}}],"error":null}})";

using testsupport::withDatabase;

void execAdmin(const std::string& uri, const std::string& sql) {
  pqxx::connection c{uri};
  pqxx::nontransaction n{c};
  n.exec(sql);
}

}  // namespace

class tst_IngestionPg : public QObject {
  Q_OBJECT

  std::string m_adminUri, m_dbName, m_uri;
  std::unique_ptr<storage::PgStorage> m_store;
  std::unique_ptr<LocalHttpServer> m_server;
  common::SimulatedClock m_clock{open930(2024, 1, 9)};

  std::int64_t scalar(const std::string& sql) {
    pqxx::connection c{m_uri};
    pqxx::nontransaction n{c};
    return n.exec1(sql)[0].as<std::int64_t>();
  }
  YahooProvider yahoo(int attempts = 2) {
    YahooProvider::Options o;
    o.baseUrl = m_server->baseUrl();
    o.http.maxAttempts = attempts;
    o.http.backoffBase = std::chrono::milliseconds(10);
    o.ratePerMinute = 0;
    return YahooProvider(o);
  }

 private Q_SLOTS:
  void initTestCase() {
    m_adminUri = qEnvironmentVariable("MERIDIAN_TEST_PG_URI").toStdString();
    if (m_adminUri.empty()) {
      if (qEnvironmentVariable("MERIDIAN_REQUIRE_SERVERS") == QLatin1String("1"))
        QFAIL("MERIDIAN_TEST_PG_URI is not set but MERIDIAN_REQUIRE_SERVERS=1: set MERIDIAN_TEST_PG_URI "
              "(e.g. postgresql://meridian@127.0.0.1:55432/postgres) or run the README test command");
      QSKIP("PostgreSQL integration test skipped: set MERIDIAN_TEST_PG_URI or run the README test command");
    }
    m_dbName = fmt::format("meridian_test_{}_{:08x}_md", QCoreApplication::applicationPid(),
                           QRandomGenerator::global()->generate());
    try {
      execAdmin(m_adminUri, "CREATE DATABASE " + m_dbName);
    } catch (const std::exception& e) {
      QFAIL(qPrintable(QString("cannot create test database: %1").arg(e.what())));
    }
    m_uri = withDatabase(m_adminUri, m_dbName);
    m_store = std::make_unique<storage::PgStorage>(m_uri);
    const auto s = m_store->open();
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
  }
  void cleanupTestCase() {
    m_store.reset();
    if (m_dbName.empty()) return;
    try {
      execAdmin(m_adminUri, "DROP DATABASE IF EXISTS " + m_dbName + " WITH (FORCE)");
    } catch (const std::exception& e) {
      qWarning("cannot drop test database %s: %s", m_dbName.c_str(), e.what());
    }
  }
  void init() {
    m_server = std::make_unique<LocalHttpServer>();
    m_clock.set(open930(2024, 1, 9));
    pqxx::connection c{m_uri};
    pqxx::nontransaction n{c};
    n.exec("TRUNCATE data_ingestion.market_data, data_ingestion.load_runs, logging.logs");
  }
  void cleanup() { m_server.reset(); }

  void incrementalIngestThenNoOp() {
    m_server->route(kPath, {json(200, kChart)});
    IngestionService svc(directStorage(*m_store), m_clock);
    auto p = yahoo();
    IngestRequest req;
    req.symbol = "AAPL";
    auto r1 = svc.ingest(p, req);
    QVERIFY2(r1.ok(), r1.ok() ? "" : r1.error().message.c_str());
    QCOMPARE(r1->inserted, std::size_t(4));
    QCOMPARE(scalar("SELECT count(*) FROM data_ingestion.market_data WHERE symbol='AAPL' AND source='yahoo'"), 4);
    QCOMPARE(scalar("SELECT last_loaded_ts FROM data_ingestion.load_runs WHERE symbol='AAPL' AND source='yahoo'"),
             open930(2024, 1, 8));
    QCOMPARE(scalar("SELECT updated_ts FROM data_ingestion.load_runs WHERE symbol='AAPL' AND source='yahoo'"),
             m_clock.now());
    QCOMPARE(scalar("SELECT ts FROM data_ingestion.market_data WHERE symbol='AAPL' ORDER BY ts LIMIT 1"),
             open930(2024, 1, 2));

    m_clock.advance(domain::kNanosPerHour);
    auto r2 = svc.ingest(p, req);
    QVERIFY(r2.ok());
    QVERIFY(r2->incremental);
    QCOMPARE(r2->inserted, std::size_t(0));
    QCOMPARE(r2->updated, std::size_t(0));
    QCOMPARE(r2->unchanged, std::size_t(1));
    QVERIFY(r2->upToDate);
    QCOMPARE(scalar("SELECT count(*) FROM data_ingestion.market_data"), 4);
    QCOMPARE(scalar("SELECT updated_ts FROM data_ingestion.load_runs WHERE symbol='AAPL' AND source='yahoo'"),
             m_clock.now());
  }

  void adjustedIsASeparateSeries() {
    m_server->route(kPath, {json(200, kChart)});
    IngestionService svc(directStorage(*m_store), m_clock);
    YahooProvider::Options o;
    o.baseUrl = m_server->baseUrl();
    o.adjusted = true;
    o.ratePerMinute = 0;
    YahooProvider p(o);
    IngestRequest req;
    req.symbol = "AAPL";
    auto r = svc.ingest(p, req);
    QVERIFY(r.ok());
    QCOMPARE(scalar("SELECT count(*) FROM data_ingestion.market_data WHERE source='yahoo_adjusted'"), 4);
    QCOMPARE(scalar("SELECT count(*) FROM data_ingestion.load_runs WHERE source='yahoo_adjusted'"), 1);
  }

  void failedFetchWritesNothing() {
    // hourly: 3 windows, the second one fails after retries
    QByteArray hourly = R"({"chart":{"result":[{"meta":{"symbol":"AAPL"},"timestamp":[1704205800,1704209400],
"indicators":{"quote":[{"open":[1,1],"high":[2,2],"low":[0.5,0.5],"close":[1.5,1.5],"volume":[10,10]}]}}],"error":null}})";
    m_server->route(kPath, {json(200, hourly), json(503, "unavailable")});
    IngestionService svc(directStorage(*m_store), m_clock);
    auto p = yahoo();
    IngestRequest req;
    req.symbol = "AAPL";
    req.timeframe = Timeframe::Hour1;
    req.from = open930(2024, 1, 2);
    req.to = req.from.value() + 400 * domain::kNanosPerDay;
    auto r = svc.ingest(p, req);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, std::string("http.503"));
    QCOMPARE(scalar("SELECT count(*) FROM data_ingestion.market_data"), 0);
    QCOMPARE(scalar("SELECT count(*) FROM data_ingestion.load_runs"), 0);
  }

  void csvImportThroughCopyUpsert() {
    IngestionService svc(directStorage(*m_store), m_clock);
    CsvImportRequest req;
    req.path = QStringLiteral(MERIDIAN_SHARED_DATA) + "/orcl-1995-2014.csv";
    auto r = svc.importCsv(req);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QCOMPARE(r->inserted, std::size_t(5036));
    QCOMPARE(scalar("SELECT count(*) FROM data_ingestion.market_data WHERE symbol='ORCL' AND source='csv'"), 5036);
    // last row of the file: 2014-12-31,45.450001,45.560001,44.970001,44.970001,42.303135,13269200
    pqxx::connection c{m_uri};
    pqxx::nontransaction n{c};
    const auto row = n.exec1("SELECT ts, open, high, low, close, volume FROM data_ingestion.market_data "
                             "WHERE symbol='ORCL' ORDER BY ts DESC LIMIT 1");
    QCOMPARE(row[0].as<std::int64_t>(), open930(2014, 12, 31));
    QCOMPARE(row[1].as<double>(), 45.450001);
    QCOMPARE(row[2].as<double>(), 45.560001);
    QCOMPARE(row[3].as<double>(), 44.970001);
    QCOMPARE(row[4].as<double>(), 44.970001);
    QCOMPARE(row[5].as<double>(), 13269200.0);
    auto again = svc.importCsv(req);
    QVERIFY(again.ok());
    QCOMPARE(again->inserted + again->updated, std::size_t(0));
    QCOMPARE(scalar("SELECT count(*) FROM data_ingestion.market_data"), 5036);
  }
};

QTEST_GUILESS_MAIN(tst_IngestionPg)
#include "tst_IngestionPg.moc"
