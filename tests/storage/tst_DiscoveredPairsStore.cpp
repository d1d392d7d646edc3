// The discovered-pairs store (sql V002__discovered_pairs, IStorage::saveDiscoveredPairs / latestDiscoveredPairs)
// on both SQL backends: SQLite always; PostgreSQL when MERIDIAN_TEST_PG_URI is set (skipped otherwise, failed when
// MERIDIAN_REQUIRE_SERVERS=1), in a database of its own that is dropped afterwards.
#include "core/storage/StorageFactory.h"

#include "../support/OptionalScratchPg.h"
#include "../support/RequireServers.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#if MERIDIAN_HAVE_POSTGRES
#include <pqxx/pqxx>
#endif

#include <optional>

using namespace meridian;
using storage::DiscoveredPair;

namespace {

DiscoveredPair pair(domain::Timestamp runTs, int rank, const char* a, const char* b, double score) {
  DiscoveredPair p;
  p.runTs = runTs;
  p.rank = rank;
  p.first = a;
  p.second = b;
  p.source = "yahoo";
  p.observations = 504;
  p.hedgeRatio = 0.8 + rank;
  p.intercept = -0.25;
  p.adfStatistic = -3.5;
  p.pValue = 0.01 * rank;
  p.halfLife = rank == 2 ? std::optional<double>() : std::optional<double>(12.5 * rank);  // rank 2: not reverting
  p.correlation = 0.9;
  p.meanAbsZ = 0.8;
  p.score = score;
  return p;
}

}  // namespace

class tst_DiscoveredPairsStore : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  std::unique_ptr<testsupport::OptionalScratchPg> m_pg;

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    m_pg = std::make_unique<testsupport::OptionalScratchPg>("meridian_pairs");
  }
  void cleanupTestCase() { m_pg.reset(); }

  void roundTrip_data() {
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << "sqlite";
    QTest::newRow("postgres") << "postgres";
  }

  void roundTrip() {
    QFETCH(QString, backend);
    if (m_pg->skip(backend)) MERIDIAN_SKIP_OR_FAIL("PostgreSQL part: set MERIDIAN_TEST_PG_URI");
    storage::StorageConfig cfg;
    cfg.backend = backend.toStdString();
    cfg.sqlitePath = m_dir.filePath("pairs.sqlite").toStdString();
    cfg.pgUri = m_pg->uri();
    auto made = storage::makeStorage(cfg);
    QVERIFY(made.ok());
    auto store = std::move(made).value();
    const Status opened = store->open();
    QVERIFY2(opened.ok(), opened.ok() ? "" : opened.error().message.c_str());

    auto none = store->latestDiscoveredPairs(10);
    QVERIFY(none.ok());
    QVERIFY(none->empty());

    const domain::Timestamp t1 = domain::fromSeconds(1'704'000'000), t2 = t1 + domain::kNanosPerDay * 7;
    std::vector<DiscoveredPair> run1{pair(t1, 1, "KO", "PEP", 0.9), pair(t1, 2, "XOM", "CVX", 0.5)};
    QVERIFY(store->saveDiscoveredPairs(run1, 0).ok());
    auto got = store->latestDiscoveredPairs(10);
    QVERIFY(got.ok());
    QCOMPARE(*got, run1);  // every field, including the NULL half-life

    // A newer run wins; saving the same run again replaces it (no duplicate ranks); limit applies.
    std::vector<DiscoveredPair> run2{pair(t2, 1, "A", "B", 0.7), pair(t2, 2, "C", "D", 0.6), pair(t2, 3, "E", "F", 0.1)};
    QVERIFY(store->saveDiscoveredPairs(run2, 0).ok());
    QVERIFY(store->saveDiscoveredPairs(run2, 0).ok());
    got = store->latestDiscoveredPairs(2);
    QVERIFY(got.ok());
    QCOMPARE(got->size(), std::size_t(2));
    QCOMPARE(got->at(0), run2[0]);
    QCOMPARE(got->at(1), run2[1]);
    QCOMPARE(store->latestDiscoveredPairs(10)->size(), std::size_t(3));

    // keepRuns prunes all but the newest runs (counted in the table itself).
    const auto runsStored = [&]() -> long {
      if (backend == "sqlite") {
        QSqlDatabase db = QSqlDatabase::addDatabase("QSQLITE", "inspect");
        db.setDatabaseName(QString::fromStdString(cfg.sqlitePath));
        long n = -1;
        if (db.open()) {
          QSqlQuery q("SELECT COUNT(DISTINCT run_ts) FROM discovered_pairs", db);
          if (q.next()) n = q.value(0).toLongLong();
        }
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase("inspect");
        return n;
      }
#if MERIDIAN_HAVE_POSTGRES
      pqxx::connection c{cfg.pgUri};
      pqxx::nontransaction n{c};
      return n.exec("SELECT COUNT(DISTINCT run_ts) FROM strategy_engine.discovered_pairs")[0][0].as<long>();
#else
      return -1;
#endif
    };
    QCOMPARE(runsStored(), 2L);
    const domain::Timestamp t3 = t2 + domain::kNanosPerDay * 7;
    std::vector<DiscoveredPair> run3{pair(t3, 1, "G", "H", 0.3)};
    QVERIFY(store->saveDiscoveredPairs(run3, 2).ok());
    QCOMPARE(runsStored(), 2L);  // run1 pruned
    QVERIFY(store->saveDiscoveredPairs(run1, 1).ok());  // an older run saved with keepRuns 1 is pruned at once
    QCOMPARE(runsStored(), 1L);
    got = store->latestDiscoveredPairs(10);
    QCOMPARE(*got, run3);

    // Invalid input is refused whole, nothing written.
    std::vector<DiscoveredPair> bad{pair(t3 + 1, 1, "A", "A", 0.1)};
    auto s = store->saveDiscoveredPairs(bad, 0);
    QVERIFY(!s.ok());
    QVERIFY2(s.error().message.find("invalid pair") != std::string::npos, s.error().message.c_str());
    std::vector<DiscoveredPair> mixed{pair(t3 + 1, 1, "A", "B", 0.1), pair(t3 + 2, 2, "C", "D", 0.1)};
    QVERIFY(!store->saveDiscoveredPairs(mixed, 0).ok());
    std::vector<DiscoveredPair> dupRank{pair(t3 + 1, 1, "A", "B", 0.1), pair(t3 + 1, 1, "C", "D", 0.1)};
    QVERIFY(!store->saveDiscoveredPairs(dupRank, 0).ok());  // PRIMARY KEY (run_ts, rank): rolled back
    QCOMPARE(store->latestDiscoveredPairs(10)->front().runTs, t3);
    QCOMPARE(runsStored(), 1L);
  }
};

QTEST_GUILESS_MAIN(tst_DiscoveredPairsStore)
#include "tst_DiscoveredPairsStore.moc"
