// The strategy state store (strategy_engine.strategy_state, IStrategyStateStore) and the journal's fills by strategy
// id (IOrderJournal::loadStrategyFills) on both SQL backends: SQLite always; PostgreSQL when MERIDIAN_TEST_PG_URI is
// set (skipped otherwise, failed when MERIDIAN_REQUIRE_SERVERS=1), in a database of its own that is dropped
// afterwards. PostgreSQL keeps the JSON as jsonb (key order and spacing normalised): JSON is compared decoded.
#include "core/storage/StorageFactory.h"

#include "../support/OptionalScratchPg.h"
#include "../support/RequireServers.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <optional>

using namespace meridian;
using storage::StrategyStateRecord;

namespace {

QJsonObject json(const std::string& text) { return QJsonDocument::fromJson(QByteArray::fromStdString(text)).object(); }

bool sameRecord(const StrategyStateRecord& a, const StrategyStateRecord& b) {
  return a.strategyId == b.strategyId && a.updatedTs == b.updatedTs && json(a.paramsJson) == json(b.paramsJson) &&
         json(a.stateJson) == json(b.stateJson);
}

domain::Order order(const std::string& id, const std::string& strategyId, const std::string& symbol) {
  domain::Order o;
  o.clientOrderId = id;
  o.symbol = symbol;
  o.side = domain::Side::Buy;
  o.type = domain::OrderType::Market;
  o.quantity = 100;
  o.status = domain::OrderStatus::Filled;
  o.strategyId = strategyId;
  o.createdTs = o.updatedTs = domain::fromSeconds(1'704'205'800);
  return o;
}

domain::Fill fill(const std::string& fillId, const domain::Order& o, domain::Side side, double qty,
                  domain::Timestamp ts) {
  domain::Fill f;
  f.fillId = fillId;
  f.clientOrderId = o.clientOrderId;
  f.symbol = o.symbol;
  f.side = side;
  f.quantity = qty;
  f.price = 101.5;
  f.ts = ts;
  f.strategyId = o.strategyId;
  return f;
}

}  // namespace

class tst_StrategyStateStore : public QObject {
  Q_OBJECT
  QTemporaryDir m_dir;
  std::unique_ptr<testsupport::OptionalScratchPg> m_pg;

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_dir.isValid());
    m_pg = std::make_unique<testsupport::OptionalScratchPg>("meridian_state");
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
    cfg.sqlitePath = m_dir.filePath("state.sqlite").toStdString();
    cfg.pgUri = m_pg->uri();
    auto made = storage::makeStorage(cfg);
    QVERIFY(made.ok());
    auto store = std::move(made).value();
    const Status opened = store->open();
    QVERIFY2(opened.ok(), opened.ok() ? "" : opened.error().message.c_str());

    auto none = store->loadStrategyState("live:sma_cross:AAPL");
    QVERIFY(none.ok());
    QVERIFY(!none->has_value());
    QVERIFY(store->listStrategyStates()->empty());

    // 64-bit nanosecond timestamps (beyond a double's 53 bits) and fractional quantities must come back exactly.
    const domain::Timestamp ts = 1'704'205'800'123'456'789;
    StrategyStateRecord a{"live:sma_cross:AAPL", R"({"fast":10,"slow":30})",
                          R"({"v":1,"last_bar_ts":1704205800123456789,"slots":[{"symbol":"AAPL","target":100.5}]})",
                          ts};
    QVERIFY(store->saveStrategyState(a).ok());
    auto got = store->loadStrategyState(a.strategyId);
    QVERIFY(got.ok() && got->has_value());
    QVERIFY2(sameRecord(**got, a), (*got)->stateJson.c_str());
    QCOMPARE(json((*got)->stateJson).value("last_bar_ts").toInteger(), qint64(ts));
    QCOMPARE(json((*got)->stateJson).value("slots").toArray().at(0).toObject().value("target").toDouble(), 100.5);

    // An upsert replaces the row; the list is ordered by id.
    StrategyStateRecord b{"live:pairs:KO/PEP", "{}", R"({"v":1})", ts + 1};
    a.stateJson = R"({"v":1,"slots":[]})";
    a.updatedTs = ts + 2;
    QVERIFY(store->saveStrategyState(b).ok());
    QVERIFY(store->saveStrategyState(a).ok());
    auto all = store->listStrategyStates();
    QVERIFY(all.ok());
    QCOMPARE(all->size(), std::size_t(2));
    QVERIFY(sameRecord(all->at(0), b));
    QVERIFY(sameRecord(all->at(1), a));

    // Refused the same way by both backends, nothing written.
    for (const auto& bad : {StrategyStateRecord{"", "{}", "{}", ts}, StrategyStateRecord{"x", "{}", "[1,2]", ts},
                            StrategyStateRecord{"x", "nope", "{}", ts}, StrategyStateRecord{"x", "{}", "{", ts}}) {
      const Status s = store->saveStrategyState(bad);
      QVERIFY(!s.ok());
      QCOMPARE(s.error().code, std::string(storage::errc::kInvalid));
    }
    QCOMPARE(store->listStrategyStates()->size(), std::size_t(2));

    // A delete removes that id's row only; a second one finds nothing.
    StrategyStateRecord gone{"promoted:pairs:KO/PEP", "{}", R"({"v":1})", ts + 3};
    QVERIFY(store->saveStrategyState(gone).ok());
    auto deleted = store->deleteStrategyState(gone.strategyId);
    QVERIFY(deleted.ok() && *deleted);
    deleted = store->deleteStrategyState(gone.strategyId);
    QVERIFY(deleted.ok() && !*deleted);
    QVERIFY(!store->loadStrategyState(gone.strategyId)->has_value());
    all = store->listStrategyStates();
    QCOMPARE(all->size(), std::size_t(2));
    QVERIFY(sameRecord(all->at(0), b));
    QVERIFY(sameRecord(all->at(1), a));

    // Fills by strategy id: only that strategy's, oldest first (ts, then fill id), across its orders and symbols.
    const auto o1 = order("MRD-1", "live:sma_cross:AAPL", "AAPL");
    const auto o2 = order("MRD-2", "live:sma_cross:MSFT", "MSFT");
    const auto o3 = order("MRD-3", "live:sma_cross:AAPL", "AAPL");
    for (const auto& o : {o1, o2, o3}) QVERIFY(store->journalOrder(o).ok());
    QVERIFY(store->recordFill(fill("F-3", o3, domain::Side::Sell, 40, ts + 30)).ok());
    QVERIFY(store->recordFill(fill("F-1b", o1, domain::Side::Buy, 60, ts + 10)).ok());
    QVERIFY(store->recordFill(fill("F-1a", o1, domain::Side::Buy, 40, ts + 10)).ok());
    QVERIFY(store->recordFill(fill("F-2", o2, domain::Side::Buy, 7, ts + 20)).ok());
    auto fills = store->loadStrategyFills("live:sma_cross:AAPL");
    QVERIFY(fills.ok());
    QCOMPARE(fills->size(), std::size_t(3));
    QCOMPARE(fills->at(0).fillId, std::string("F-1a"));
    QCOMPARE(fills->at(1).fillId, std::string("F-1b"));
    QCOMPARE(fills->at(2).fillId, std::string("F-3"));
    QVERIFY(fills->at(2).side == domain::Side::Sell);
    QCOMPARE(fills->at(2).quantity, 40.0);
    QCOMPARE(fills->at(2).ts, ts + 30);
    QVERIFY(store->loadStrategyFills("live:nothing")->empty());
  }
};

QTEST_GUILESS_MAIN(tst_StrategyStateStore)
#include "tst_StrategyStateStore.moc"
