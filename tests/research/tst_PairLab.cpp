// The Pair Lab's numbers (core/research/PairLab) on generated series whose answer is known -- A = exp(0.5) x B^1.5 x
// an AR(1) noise with phi 0.5 (cointegrated: hedge 1.5, half-life ln 2 / 0.5 bars), and an independent random walk
// -- and the history service's answers over the bus on SQLite: a scan ranks the cointegrated pair first; the latest
// pair_discovery run is re-measured on the newest bars and a pair whose p-value drifted above the threshold is
// flagged; one pair's spread and z-score with the strategy's bands.
#include "core/bus/EventBus.h"
#include "core/contract/Pairs.h"
#include "core/history/HistoryService.h"
#include "core/research/PairLab.h"
#include "core/storage/StorageService.h"
#include "tests/support/PairSeries.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace meridian;

namespace {

constexpr domain::Timestamp kT0 = test::kPairT0;
using Generated = test::PairSeries;
Generated generate(std::size_t n) { return test::generatePairSeries(n); }
std::vector<domain::Bar> barsOf(const std::vector<double>& closes, std::size_t offset = 0) {
  return test::pairBars(closes, offset);
}

// z of the last value by hand: (x - mean) / sample sd over the last w values.
double handZ(const std::vector<double>& s, std::size_t w) {
  double mean = 0.0;
  for (std::size_t i = s.size() - w; i < s.size(); ++i) mean += s[i];
  mean /= double(w);
  double m2 = 0.0;
  for (std::size_t i = s.size() - w; i < s.size(); ++i) m2 += (s[i] - mean) * (s[i] - mean);
  return (s.back() - mean) / std::sqrt(m2 / double(w - 1));
}

}  // namespace

class tst_PairLab : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void measuresAKnownCointegratedPair() {
    const Generated g = generate(400);
    // b's bars start 100 bars later: 300 common bars.
    const auto a = barsOf(g.a), b = barsOf(std::vector<double>(g.b.begin() + 100, g.b.end()), 100);
    const research::AlignedPair aligned = research::alignPair(a, b, 250);
    QCOMPARE(aligned.ts.size(), std::size_t(250));
    QCOMPARE(aligned.ts.front(), kT0 + 150 * domain::kNanosPerDay);
    QCOMPARE(aligned.logFirst.back(), std::log(g.a.back()));

    const contract::PairLabRow row = research::measurePair("A", "B", aligned, 60, 0.05);
    QVERIFY2(row.problem.empty(), row.problem.c_str());
    QCOMPARE(row.observations, std::int64_t(250));
    QVERIFY2(std::abs(row.hedgeRatio - 1.5) < 0.05, qPrintable(QString::number(row.hedgeRatio)));
    QVERIFY2(row.pValue < 0.01, qPrintable(QString::number(row.pValue)));
    QVERIFY(row.adfStatistic < -4.0);
    QVERIFY2(row.halfLife > 0.6 && row.halfLife < 2.5, qPrintable(QString::number(row.halfLife)));  // ln2/0.5 = 1.39
    QVERIFY(!row.stale);
    QVERIFY(row.correlation > 0.9);
    QVERIFY(row.score > 0.0);

    const contract::PairSeriesLoaded series = research::pairSeries("A", "B", aligned, 60, 0.05);
    QVERIFY(series.ok());
    QCOMPARE(series.spread.size(), std::size_t(250));
    QCOMPARE(series.z.size(), std::size_t(250));
    QCOMPARE(series.zWindow, 10);  // min(max(10, 2 x 1.4), 60)
    // spread = log A - b log B - c, z by hand over the last 10.
    const double s0 = aligned.logFirst[0] - row.hedgeRatio * aligned.logSecond[0] - row.intercept;
    QVERIFY(std::abs(series.spread[0] - s0) < 1e-12);
    QVERIFY(std::isnan(series.z[0]) && std::isnan(series.z[8]) && std::isfinite(series.z[9]));
    QVERIFY(std::abs(series.z.back() - handZ(series.spread, 10)) < 1e-9);
    QVERIFY(std::abs(row.lastZ - series.z.back()) < 1e-12);
  }

  void flagsAPairThatIsNotCointegrated() {
    const Generated g = generate(400);
    const contract::PairLabRow row =
        research::measurePair("A", "C", research::alignPair(barsOf(g.a), barsOf(g.c), 400), 60, 0.05);
    QVERIFY(row.problem.empty());
    QVERIFY2(row.pValue > 0.05, qPrintable(QString::number(row.pValue)));
    QVERIFY(row.stale);
    // Too few common bars: said, and flagged.
    const auto few = research::measurePair("A", "C", research::alignPair(barsOf(g.a), barsOf(g.c, 380), 400), 60, 0.05);
    QCOMPARE(few.problem, std::string("20 common bars, 60 needed"));
  }

  void historyServiceAnswersScansAndStoredRuns() {
    QTemporaryDir dir;
    storage::StorageConfig sc;
    sc.backend = "sqlite";
    sc.sqlitePath = dir.filePath("pairs.sqlite").toStdString();
    storage::StorageService storage(sc);
    QVERIFY(storage.start().ok());
    const Generated g = generate(400);
    for (const auto& series : {std::pair{"AAA", g.a}, std::pair{"BBB", g.b}, std::pair{"CCC", g.c}}) {
      const std::string sym = series.first;  // not a structured binding: clang 14 cannot capture one in a lambda
      const auto bars = barsOf(series.second);
      QVERIFY(storage.call([&](storage::IStorage& s) { return s.upsertBars(sym, "csv", bars); }).get().ok());
    }
    // A pair_discovery run that found AAA/CCC (p 0.01 then) and AAA/BBB.
    std::vector<storage::DiscoveredPair> run(2);
    run[0].runTs = run[1].runTs = kT0;
    run[0].rank = 1;
    run[0].first = "AAA";
    run[0].second = "CCC";
    run[0].pValue = 0.01;
    run[1].rank = 2;
    run[1].first = "AAA";
    run[1].second = "BBB";
    run[1].pValue = 0.02;
    QVERIFY(storage.call([&](storage::IStorage& s) { return s.saveDiscoveredPairs(run, 5); }).get().ok());

    bus::EventBus bus;
    history::HistoryService service(bus, [&storage](const storage::StorageTask& task) {
      storage.call([&task](storage::IStorage& s) { task(s); }).get();
    });
    service.start();
    auto box = std::make_shared<bus::Mailbox>("test");
    bus.subscribe<contract::PairsListed>(box);
    bus.subscribe<contract::PairSeriesLoaded>(box);
    const auto answer = [&]() -> bus::Envelope {
      std::vector<bus::Envelope> got;
      for (int i = 0; i < 200 && got.empty(); ++i)
        if (box->waitNonEmpty(std::chrono::milliseconds(50))) box->drain(got);
      return got.empty() ? bus::Envelope{} : got.front();
    };

    contract::RequestPairs scan{"C-1", true, {"AAA", "BBB", "CCC"}};
    QVERIFY(bus.send(scan).ok());
    auto e = answer();
    const auto* listed = e.as<contract::PairsListed>();
    QVERIFY(listed);
    QVERIFY2(listed->ok(), listed->error.c_str());
    QCOMPARE(listed->pairs.size(), std::size_t(3));
    QCOMPARE(listed->pairs[0].first + "/" + listed->pairs[0].second, std::string("AAA/BBB"));  // best score
    QVERIFY(!listed->pairs[0].stale);
    QCOMPARE(listed->pairs[0].source, std::string("csv"));
    QVERIFY(std::abs(listed->pairs[0].hedgeRatio - 1.5) < 0.05);

    contract::RequestPairs stored{"C-2"};
    QVERIFY(bus.send(stored).ok());
    e = answer();
    listed = e.as<contract::PairsListed>();
    QVERIFY(listed && listed->ok());
    QCOMPARE(listed->pairs.size(), std::size_t(2));
    QCOMPARE(listed->pairs[0].second, std::string("CCC"));  // the run's rank order
    QCOMPARE(listed->pairs[0].discoveredPValue, 0.01);
    QVERIFY(listed->pairs[0].pValue > 0.05);
    QVERIFY(listed->pairs[0].stale);  // drifted above the threshold
    QVERIFY(!listed->pairs[1].stale);

    contract::RequestPairs bad{"C-3", true, {"AAA"}};
    QVERIFY(bus.send(bad).ok());
    e = answer();
    QCOMPARE(e.as<contract::PairsListed>()->error, std::string("a pair scan needs at least 2 symbols"));

    contract::RequestPairSeries one{"C-4", "AAA", "BBB"};
    one.lookbackBars = 300;
    QVERIFY(bus.send(one).ok());
    e = answer();
    const auto* series = e.as<contract::PairSeriesLoaded>();
    QVERIFY(series);
    QVERIFY2(series->ok(), series->error.c_str());
    QCOMPARE(series->ts.size(), std::size_t(300));
    QCOMPARE(series->entryZ, 2.0);
    QCOMPARE(series->stopZ, 3.0);
    QVERIFY(std::abs(series->z.back() - handZ(series->spread, std::size_t(series->zWindow))) < 1e-9);
    QVERIFY(!series->stats.stale);
    // The pairs strategy's fills on the same 300 bars: both legs on the same bar in opposite directions (hedge > 0),
    // pair trades alternating entry / exit, the first an entry, none before the charted window.
    QVERIFY2(series->tradesError.empty(), series->tradesError.c_str());
    QVERIFY2(series->trades.size() >= 4 && series->trades.size() % 2 == 0, qPrintable(QString::number(series->trades.size())));
    for (std::size_t k = 0; k + 1 < series->trades.size(); k += 2) {
      const auto& a = series->trades[k];
      const auto& b = series->trades[k + 1];
      QCOMPARE(a.symbol, std::string("AAA"));
      QCOMPARE(b.symbol, std::string("BBB"));
      QCOMPARE(a.ts, b.ts);
      QVERIFY(a.side != b.side);
      QCOMPARE(a.entry, b.entry);
      QCOMPARE(a.entry, k % 4 == 0);  // entry, exit, entry, ...
      QVERIFY(a.ts > series->ts.front() && a.ts <= series->ts.back());
      QVERIFY(a.quantity > 0 && a.price > 0);
    }
    // Bands the strategy refuses: no trades, the reason instead.
    auto refused = research::pairTrades("AAA", "BBB", barsOf(g.a), barsOf(g.b), 300, 2.0, 2.5, 3.0);
    QVERIFY(!refused.ok());
    QVERIFY2(refused.error().message.find("exit_z < entry_z < stop_z") != std::string::npos, refused.error().message.c_str());

    // A pair that is not cointegrated: flagged stale in the series too.
    contract::RequestPairSeries staleOne{"C-6", "AAA", "CCC"};
    QVERIFY(bus.send(staleOne).ok());
    e = answer();
    QVERIFY(e.as<contract::PairSeriesLoaded>() && e.as<contract::PairSeriesLoaded>()->ok());
    QVERIFY(e.as<contract::PairSeriesLoaded>()->stats.stale);

    contract::RequestPairSeries missing{"C-5", "AAA", "ZZZ"};
    QVERIFY(bus.send(missing).ok());
    e = answer();
    QCOMPARE(e.as<contract::PairSeriesLoaded>()->error, std::string("no stored 1d bars of ZZZ"));
    service.stop();
    storage.stop();
  }
};

QTEST_GUILESS_MAIN(tst_PairLab)
#include "tst_PairLab.moc"
