// IngestionService over the real storage thread (storage::StorageService, SQLite file in a temp dir) and a local
// Yahoo/Polygon server: incremental loads driven by load_runs, no-op re-runs, nothing written on failures,
// insane vendor bars dropped and reported, CSV import of real files, fundamentals, the async job API and the
// quality / staleness checks.
#include "LocalHttpServer.h"

#include "core/bus/EventBus.h"
#include "core/marketdata/IngestionService.h"
#include "core/marketdata/polygon/PolygonProvider.h"
#include "core/marketdata/yahoo/YahooProvider.h"
#include "core/storage/StorageService.h"
#include "core/time/TimeZones.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace meridian;
using namespace meridian::marketdata;
using contract::IngestFinished;
using contract::QualityChecked;
using meridian::testing::LocalHttpServer;
using meridian::testing::json;

namespace {

const QString kPath = QStringLiteral("/v8/finance/chart/AAPL");

domain::Timestamp open930(int y, int m, int d) { return time::TimeZones::fromExchange(QDate(y, m, d), QTime(9, 30)); }

QByteArray chart(double lastClose = 185.56, double lastLow = 181.5) {
  return QByteArray(R"({"chart":{"result":[{"meta":{"symbol":"AAPL","gmtoffset":-18000,"exchangeTimezoneName":"America/New_York"},
"timestamp":[1704205800,1704292200,1704378600,1704465000,1704724200],
"indicators":{"quote":[{"open":[187.15,184.22,null,181.99,182.09],"high":[188.44,185.88,null,182.76,185.6],
"low":[183.89,183.43,null,180.17,)") +
         QByteArray::number(lastLow) + R"(],"close":[185.64,184.25,null,181.18,)" + QByteArray::number(lastClose) +
         R"(],"volume":[82488700,58414500,null,62303300,59144500]}]}}],"error":null}})";
}

}  // namespace

class tst_IngestionService : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  std::unique_ptr<storage::StorageService> m_storage;
  std::unique_ptr<LocalHttpServer> m_server;
  common::SimulatedClock m_clock{open930(2024, 1, 9)};
  int m_dbSeq = 0;

  StorageRunner runner() {
    return [this](const StorageTask& task) { m_storage->call([&task](storage::IStorage& s) { task(s); }).get(); };
  }
  std::shared_ptr<YahooProvider> yahoo() {
    YahooProvider::Options o;
    o.baseUrl = m_server->baseUrl();
    o.http.maxAttempts = 2;
    o.http.backoffBase = std::chrono::milliseconds(10);
    o.ratePerMinute = 0;
    return std::make_shared<YahooProvider>(o);
  }
  template <class F>
  auto onStorage(F&& f) {
    return m_storage->call(std::forward<F>(f)).get();
  }
  std::size_t storedBars(const std::string& sym, const std::string& source) {
    return onStorage([&](storage::IStorage& s) {
      auto r = s.loadBars(sym, source, std::numeric_limits<domain::Timestamp>::min(),
                          std::numeric_limits<domain::Timestamp>::max());
      return r.ok() ? r->size() : std::size_t(0);
    });
  }
  std::optional<domain::Timestamp> lastLoaded(const std::string& sym, const std::string& source) {
    return onStorage([&](storage::IStorage& s) { return s.lastLoadedTs(sym, source).valueOr(std::nullopt); });
  }

 private Q_SLOTS:
  void init() {
    QVERIFY(m_dir.isValid());
    storage::StorageConfig c;
    c.backend = "sqlite";
    c.sqlitePath = m_dir.filePath(QString("t%1.sqlite").arg(++m_dbSeq)).toStdString();
    m_storage = std::make_unique<storage::StorageService>(c);
    const auto s = m_storage->start();
    QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
    m_server = std::make_unique<LocalHttpServer>();
    m_clock.set(open930(2024, 1, 9));
  }
  void cleanup() {
    m_storage->stop();
    m_server.reset();
  }

  void incrementalLoadAndNoOpRerun() {
    m_server->route(kPath, {json(200, chart())});
    IngestionService svc(runner(), m_clock);
    auto p = yahoo();
    IngestRequest req;
    req.symbol = "AAPL";
    auto r1 = svc.ingest(*p, req);
    QVERIFY2(r1.ok(), r1.ok() ? "" : r1.error().message.c_str());
    QCOMPARE(r1->source, std::string("yahoo"));
    QVERIFY(!r1->incremental);
    QCOMPARE(r1->fetched, std::size_t(4));
    QCOMPARE(r1->inserted, std::size_t(4));
    QCOMPARE(r1->updated, std::size_t(0));
    QCOMPARE(*r1->lastLoadedTs, open930(2024, 1, 8));
    QCOMPARE(storedBars("AAPL", "yahoo"), std::size_t(4));
    QCOMPARE(*lastLoaded("AAPL", "yahoo"), open930(2024, 1, 8));
    // default lookback: 5 years before "now"
    QCOMPARE(r1->from, m_clock.now() - 5 * 365 * domain::kNanosPerDay);

    // Re-run: starts at the last loaded bar (inclusive), re-writes it unchanged: a no-op.
    m_clock.advance(domain::kNanosPerHour);
    auto r2 = svc.ingest(*p, req);
    QVERIFY(r2.ok());
    QVERIFY(r2->incremental);
    QCOMPARE(r2->from, open930(2024, 1, 8));
    QCOMPARE(r2->fetched, std::size_t(1));
    QCOMPARE(r2->inserted, std::size_t(0));
    QCOMPARE(r2->updated, std::size_t(0));
    QCOMPARE(r2->unchanged, std::size_t(1));
    QVERIFY(r2->upToDate);
    QCOMPARE(storedBars("AAPL", "yahoo"), std::size_t(4));
    const auto q = m_server->requests().back().query;
    QVERIFY(q.queryItemValue("period1").toLongLong() <= 1704724200);  // asks from (about) the last bar

    // The vendor corrects the last (possibly partial) bar: one row updated.
    m_server->route(kPath, {json(200, chart(185.0))});
    auto r3 = svc.ingest(*p, req);
    QVERIFY(r3.ok());
    QCOMPARE(r3->updated, std::size_t(1));
    QVERIFY(!r3->upToDate);
  }

  void failedFetchWritesNothing() {
    m_server->route(kPath, {json(500, "down")});
    IngestionService svc(runner(), m_clock);
    auto p = yahoo();
    IngestRequest req;
    req.symbol = "AAPL";
    auto r = svc.ingest(*p, req);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, std::string("http.500"));
    QCOMPARE(storedBars("AAPL", "yahoo"), std::size_t(0));
    QVERIFY(!lastLoaded("AAPL", "yahoo"));
  }

  void insaneVendorBarsAreDroppedAndReported() {
    m_server->route(kPath, {json(200, chart(185.56, 186.5))});  // last bar: low 186.5 > close 185.56
    IngestionService svc(runner(), m_clock);
    auto p = yahoo();
    IngestRequest req;
    req.symbol = "AAPL";
    auto r = svc.ingest(*p, req);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QCOMPARE(r->rejected, std::size_t(1));
    QCOMPARE(r->inserted, std::size_t(3));
    QCOMPARE(r->quality.count(IssueKind::InsaneBar), std::size_t(1));
    QCOMPARE(*r->lastLoadedTs, open930(2024, 1, 5));
    // issues persisted to the logs table
    const auto logs = onStorage([](storage::IStorage& s) { return s.recentLogs(10).valueOr({}); });
    QVERIFY(std::any_of(logs.begin(), logs.end(), [](const storage::LogRow& l) {
      return l.logger == "data_quality" && l.message.find("insane_bar") != std::string::npos;
    }));
  }

  void explicitRangeOverridesLoadRuns() {
    m_server->route(kPath, {json(200, chart())});
    IngestionService svc(runner(), m_clock);
    auto p = yahoo();
    IngestRequest req;
    req.symbol = "AAPL";
    req.from = open930(2024, 1, 3);
    req.to = open930(2024, 1, 5);
    auto r = svc.ingest(*p, req);
    QVERIFY(r.ok());
    QCOMPARE(r->inserted, std::size_t(1));  // Jan 3 only (Jan 4 null, Jan 5 excluded)
    QCOMPARE(*lastLoaded("AAPL", "yahoo"), open930(2024, 1, 3));
  }

  void csvImportOfRealFile() {
    IngestionService svc(runner(), m_clock);
    CsvImportRequest req;
    req.path = QStringLiteral(MERIDIAN_SHARED_DATA) + "/nvda-1999-2014.csv";
    auto r = svc.importCsv(req);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().message.c_str());
    QCOMPARE(r->symbol, std::string("NVDA"));
    QCOMPARE(r->source, std::string("csv"));
    QCOMPARE(r->fetched, std::size_t(4012));
    QCOMPARE(r->inserted, std::size_t(4012));
    QCOMPARE(storedBars("NVDA", "csv"), std::size_t(4012));
    QCOMPARE(*lastLoaded("NVDA", "csv"), open930(2014, 12, 31));
    auto again = svc.importCsv(req);
    QVERIFY(again.ok());
    QCOMPARE(again->inserted, std::size_t(0));
    QCOMPARE(again->unchanged, std::size_t(4012));

    auto q = svc.checkStored("NVDA", "csv");
    QVERIFY(q.ok());
    QCOMPARE(q->barsChecked, std::size_t(4012));
    QCOMPARE(q->count(IssueKind::StaleSeries), std::size_t(1));  // "now" is 2024
  }

  void malformedCsvWritesNothing() {
    const QString path = m_dir.filePath("bad.csv");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,10,11,9,10.5,10.5,100\n2024-01-03,10,x,9,10,10,1\n");
    f.close();
    IngestionService svc(runner(), m_clock);
    CsvImportRequest req;
    req.path = path;
    req.symbol = "BAD";
    auto r = svc.importCsv(req);
    QVERIFY(!r.ok());
    QVERIFY2(r.error().message.find("bad.csv:3:") != std::string::npos, r.error().message.c_str());
    QCOMPARE(storedBars("BAD", "csv"), std::size_t(0));
  }

  void asyncJobsPublishResults() {
    m_server->route(kPath, {json(200, chart())});
    bus::EventBus bus;
    auto mailbox = std::make_shared<bus::Mailbox>();
    bus.subscribe("md.>", mailbox);
    IngestionService svc(runner(), m_clock, &bus);
    IngestRequest req;
    req.symbol = "AAPL";
    std::atomic<int> callbacks{0};
    const auto id = svc.submitIngest(yahoo(), req, "corr-1", [&](const IngestFinished&) { ++callbacks; });
    QVERIFY(id > 0);
    QTRY_COMPARE_WITH_TIMEOUT(callbacks.load(), 1, 10000);
    std::vector<bus::Envelope> events;
    mailbox->drain(events);
    const IngestFinished* done = nullptr;
    const QualityChecked* quality = nullptr;
    for (const auto& e : events) {
      if (auto* d = e.as<IngestFinished>()) {
        done = d;
        QCOMPARE(e.topic, std::string("md.ingest.AAPL"));
      }
      if (auto* q = e.as<QualityChecked>()) quality = q;
    }
    QVERIFY(done);
    QVERIFY(done->ok);
    QCOMPARE(done->correlationId, std::string("corr-1"));
    QCOMPARE(done->jobId, id);
    QCOMPARE(done->report->inserted, std::size_t(4));
    QVERIFY(quality && quality->report);

    // a failing job reports its error
    m_server->route(kPath, {json(404, R"({"chart":{"result":null,"error":{"code":"Not Found","description":"No data found"}}})")});
    std::atomic<bool> failed{false};
    svc.submitIngest(yahoo(), req, "corr-2", [&](const IngestFinished& ev) { failed = !ev.ok && ev.error.code == "http.404"; });
    QTRY_VERIFY_WITH_TIMEOUT(failed.load(), 10000);
    svc.stop();
    std::atomic<bool> cancelled{false};
    svc.submitIngest(yahoo(), req, "corr-3", [&](const IngestFinished& ev) { cancelled = ev.error.code == "cancelled"; });
    QVERIFY(cancelled.load());
  }

  void fundamentalsAndUniverse() {
    m_server->route("/v3/reference/tickers/AAPL", {json(200, R"({"results":{"ticker":"AAPL","name":"Apple Inc.",
"locale":"us","primary_exchange":"XNAS","type":"CS","active":true,"market_cap":2771126040150,
"sic_description":"ELECTRONIC COMPUTERS","homepage_url":"https:\/\/www.apple.com","description":"Apple designs things.",
"total_employees":154000,"share_class_shares_outstanding":16406400000},"status":"OK","request_id":"r1"})")});
    PolygonProvider::Options o;
    o.baseUrl = m_server->baseUrl();
    o.apiKey = "PKTESTKEY123";
    o.ratePerMinute = 0;
    PolygonProvider p(o);
    IngestionService svc(runner(), m_clock);
    auto f = svc.refreshFundamentals(p, "AAPL");
    QVERIFY2(f.ok(), f.ok() ? "" : f.error().message.c_str());
    const auto sym = onStorage([](storage::IStorage& s) { return s.getSymbol("AAPL").valueOr(std::nullopt); });
    QVERIFY(sym);
    QCOMPARE(sym->instrument.name, std::string("Apple Inc."));
    QCOMPARE(sym->instrument.exchange, std::string("NASDAQ"));
    QVERIFY(sym->instrument.active);
    const auto info = onStorage([](storage::IStorage& s) { return s.getCompanyInfo("AAPL").valueOr(std::nullopt); });
    QVERIFY(info);
    QCOMPARE(info->industry, std::string("ELECTRONIC COMPUTERS"));
    QCOMPARE(*info->employees, std::int64_t(154000));
    QCOMPARE(info->updatedTs, m_clock.now());
    const auto stats = onStorage([](storage::IStorage& s) { return s.latestKeyStatistics("AAPL").valueOr(std::nullopt); });
    QVERIFY(stats);
    QCOMPARE(*stats->marketCap, 2771126040150.0);
    QCOMPARE(stats->asOfTs, open930(2024, 1, 9));

    // universe: delisted symbols are inactive and excluded from staleness
    storage::SymbolRecord msft;
    msft.instrument.symbol = "MSFT";
    QCOMPARE(*svc.upsertUniverse({msft}), std::size_t(1));
    QVERIFY(svc.markDelisted("AAPL", open930(2024, 1, 5)).ok());
    const auto active = onStorage([](storage::IStorage& s) { return s.listSymbols(true).valueOr({}); });
    QCOMPARE(active.size(), std::size_t(1));
    QCOMPARE(active[0].instrument.symbol, std::string("MSFT"));

    const domain::Bar old{open930(2023, 6, 1), 10, 11, 9, 10, 1, 0, 0};
    onStorage([&](storage::IStorage& s) {
      (void)s.upsertBars("AAPL", "yahoo", std::span(&old, 1));
      (void)s.upsertBars("MSFT", "yahoo", std::span(&old, 1));
      return 0;
    });
    auto stale = svc.staleSeries();
    QVERIFY(stale.ok());
    QCOMPARE(stale->size(), std::size_t(1));
    QCOMPARE(stale->at(0).symbol, std::string("MSFT"));
  }
};

QTEST_GUILESS_MAIN(tst_IngestionService)
#include "tst_IngestionService.moc"
