// ScreenerService end to end: the four real CSV series stored in a temporary SQLite database behind
// storage::StorageService (with an intraday and an older duplicate daily series that must be ignored),
// fundamentals for some symbols, RunScreener published on the bus, ScreenerFinished received on
// "screener.result.<corr>" and compared with the engine run directly on the CSV bars.
#include "core/backtest/BarSeriesLoader.h"
#include "core/storage/StorageService.h"
#include "core/research/ScreenerService.h"

#include <QTemporaryDir>
#include <QtTest>

#include <chrono>

using namespace meridian;
using namespace meridian::contract;
using namespace meridian::research;
using namespace meridian::screener;

namespace ScreenerService_test {  // named: the test class uses its types (-Wsubobject-linkage)

struct Series {
  std::string symbol;
  std::vector<domain::Bar> bars;
};

std::vector<Series> realSeries() {
  std::vector<Series> out;
  for (const auto& [sym, file] : std::vector<std::pair<std::string, std::string>>{
           {"NVDA", "nvda-1999-2014.csv"}, {"ORCL", "orcl-1995-2014.csv"}, {"YHOO", "yhoo-1996-2014.csv"},
           {"IDX", "2006-day-001.csv"}}) {
    auto s = backtest::loadYahooCsv(std::string(MERIDIAN_SHARED_DATA "/") + file, sym);
    if (!s.ok()) qFatal("%s", s.error().message.c_str());
    out.push_back({sym, s.value().bars});
  }
  return out;
}

}  // namespace ScreenerService_test
using namespace ScreenerService_test;

class tst_ScreenerService : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  std::unique_ptr<storage::StorageService> m_storage;
  std::vector<Series> m_series;

  storage::StorageRunner runner() {
    return [this](const storage::StorageTask& task) { m_storage->call([&task](storage::IStorage& s) { task(s); }).get(); };
  }

  // Publishes the command and waits for its answer on the bus.
  std::shared_ptr<const ScreenerFinished> roundTrip(bus::EventBus& bus, RunScreener cmd) {
    auto box = std::make_shared<bus::Mailbox>();
    const auto sub = bus.subscribe<ScreenerFinished>(box, cmd.correlationId);
    if (Status sent = bus.send(cmd); !sent.ok()) {
      QTest::qFail(sent.error().message.c_str(), __FILE__, __LINE__);
      return nullptr;
    }
    std::shared_ptr<const ScreenerFinished> got;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!got && std::chrono::steady_clock::now() < deadline) {
      box->waitNonEmpty(std::chrono::milliseconds(100));
      std::vector<bus::Envelope> envs;
      box->drain(envs);
      for (const auto& e : envs)
        if (auto f = e.share<ScreenerFinished>()) got = f;
    }
    bus.unsubscribe(sub);
    return got;
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    storage::StorageConfig cfg;
    cfg.sqlitePath = m_dir.filePath("screener.sqlite").toStdString();
    m_storage = std::make_unique<storage::StorageService>(cfg);
    QVERIFY(m_storage->start().ok());
    m_series = realSeries();
    auto st = m_storage->call([this](storage::IStorage& s) -> Status {
      for (const auto& series : m_series) {
        if (auto r = s.upsertBars(series.symbol, "yahoo", series.bars); !r) return r.error();
      }
      // Ignored: intraday, and an older daily copy of NVDA under another source.
      const auto& nvda = m_series[0].bars;
      if (auto r = s.upsertBars("NVDA", "yahoo_1m", std::span(nvda).last(50)); !r) return r.error();
      if (auto r = s.upsertBars("NVDA", "csv", std::span(nvda).first(nvda.size() - 40)); !r) return r.error();
      storage::SymbolRecord rec;
      for (const char* sym : {"NVDA", "ORCL", "YHOO"}) {
        rec.instrument.symbol = sym;
        std::vector<storage::SymbolRecord> one{rec};
        if (auto r = s.upsertSymbols(one); !r) return r.error();
      }
      for (const auto& [sym, sector] : {std::pair{"NVDA", "Technology"}, std::pair{"ORCL", "Technology"}}) {
        storage::CompanyInfo ci;
        ci.symbol = sym;
        ci.sector = sector;
        if (Status x = s.upsertCompanyInfo(ci); !x) return x;
      }
      storage::KeyStatistics ks;
      ks.symbol = "ORCL";
      ks.asOfTs = 1;
      ks.marketCap = 2e11;
      if (Status x = s.upsertKeyStatistics(ks); !x) return x;
      ks.symbol = "NVDA";
      ks.marketCap = 8e9;
      return s.upsertKeyStatistics(ks);
    }).get();
    QVERIFY2(st.ok(), st.ok() ? "" : st.error().message.c_str());
  }
  void cleanupTestCase() { m_storage->stop(); }

  void answersOverTheBus() {
    bus::EventBus bus;
    ScreenerService::Options o;
    o.symbolsPerTask = 3;  // several storage tasks for four symbols
    auto service = startScreenerService(bus, runner(), o);
    QVERIFY(service.ok());

    RunScreener cmd;
    cmd.correlationId = "scr-1";
    cmd.criteria.sortBy = Column::Symbol;
    auto got = roundTrip(bus, cmd);
    QVERIFY(got);
    QVERIFY2(got->ok(), got->error.c_str());
    QCOMPARE(got->correlationId, std::string("scr-1"));
    QCOMPARE(got->seriesRead, std::size_t(4));
    const ScreenerResult& r = *got->result;
    QCOMPARE(r.rows.size(), std::size_t(4));
    // Same numbers as the engine on the CSV bars (the service read the newest window from storage).
    for (const auto& series : m_series) {
      const auto expected = computeMetrics(series.symbol, series.bars, cmd.criteria.crossLookback);
      const auto it = std::find_if(r.rows.begin(), r.rows.end(), [&](const auto& m) { return m.symbol == series.symbol; });
      QVERIFY(it != r.rows.end());
      QCOMPARE(it->source, std::string("yahoo"));
      QCOMPARE(it->bars, expected.bars);
      QCOMPARE(it->lastTs, expected.lastTs);
      QCOMPARE(it->last, expected.last);
      QCOMPARE(it->rsi, expected.rsi);
      QCOMPARE(it->macdHist, expected.macdHist);
      QCOMPARE(it->change30d, expected.change30d);
      QCOMPARE(it->volatility, expected.volatility);
      QCOMPARE(it->cross, expected.cross);
    }
    const auto& orcl = *std::find_if(r.rows.begin(), r.rows.end(), [](const auto& m) { return m.symbol == "ORCL"; });
    QCOMPARE(orcl.sector, std::string("Technology"));
    QCOMPARE(orcl.marketCap, std::optional<double>(2e11));

    // Unknown fundamentals are excluded with a reason; known-but-small fails.
    cmd.correlationId = "scr-2";
    cmd.criteria.minMarketCap = 1e10;
    got = roundTrip(bus, cmd);
    QVERIFY(got && got->ok());
    QCOMPARE(got->result->rows.size(), std::size_t(1));
    QCOMPARE(got->result->rows[0].symbol, std::string("ORCL"));
    QCOMPARE(got->result->failed, std::size_t(1));
    QCOMPARE(got->result->excluded.size(), std::size_t(2));

    // A symbol list, including one that is not stored.
    cmd.correlationId = "scr-3";
    cmd.criteria = Criteria{};
    cmd.symbols = {"YHOO", "MSFT"};
    got = roundTrip(bus, cmd);
    QVERIFY(got && got->ok());
    QCOMPARE(got->result->rows.size(), std::size_t(1));
    QCOMPARE(got->result->excluded.size(), std::size_t(1));
    QCOMPARE(got->result->excluded[0].symbol, std::string("MSFT"));

    // An explicit source.
    cmd.correlationId = "scr-4";
    cmd.symbols = {};
    cmd.source = "csv";
    got = roundTrip(bus, cmd);
    QVERIFY(got && got->ok());
    QCOMPARE(got->result->rows.size(), std::size_t(1));
    QCOMPARE(got->result->rows[0].lastTs, m_series[0].bars[m_series[0].bars.size() - 41].ts);

    // Invalid criteria: an error event, no result.
    cmd.correlationId = "scr-5";
    cmd.source.clear();
    cmd.criteria.rsi = {80.0, 20.0};
    got = roundTrip(bus, cmd);
    QVERIFY(got && !got->ok() && !got->result);
    QCOMPARE(got->errorCode, std::string(kInvalidCriteriaCode));
    const auto stats = (*service)->stats();
    QCOMPARE(stats.commands, std::uint64_t(5));
    QCOMPARE(stats.failed, std::uint64_t(1));
    QVERIFY(stats.storageTasks >= 2 + 4);
    (*service)->stop();
  }

  void storageUnavailableIsAnError() {
    bus::EventBus bus;
    storage::StorageService stopped(storage::StorageConfig{"sqlite", m_dir.filePath("never.sqlite").toStdString(), {}});
    ScreenerService service(bus, [&](const storage::StorageTask& task) {
      stopped.call([&task](storage::IStorage& s) { task(s); }).get();
    });
    QVERIFY(service.start().ok());
    RunScreener cmd;
    cmd.correlationId = "down";
    auto got = roundTrip(bus, cmd);
    QVERIFY(got && !got->ok());
    QCOMPARE(got->errorCode, std::string(ScreenerService::kStorageCode));
    QVERIFY2(QString::fromStdString(got->error).contains("not available"), got->error.c_str());
    service.stop();
    QVERIFY(!service.start().ok());  // not restartable
  }
};

QTEST_GUILESS_MAIN(tst_ScreenerService)
#include "tst_ScreenerService.moc"
