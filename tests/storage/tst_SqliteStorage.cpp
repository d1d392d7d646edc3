// Unit tests for SqliteStorage (and the shared SqlStore / Migrations code), on :memory: and on temp files.
#include "core/storage/Migrations.h"
#include "core/storage/StorageFactory.h"
#include "core/storage/sqlite/SqliteStorage.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTemporaryFile>
#include <QtTest>

#include <atomic>
#include <chrono>
#include <cmath>
#include <thread>
#include <limits>

using namespace meridian;
using namespace meridian::storage;
using domain::Bar;

namespace {

constexpr domain::Timestamp kT0 = domain::fromSeconds(1'704'205'800);  // 2024-01-02T14:30:00Z

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

std::vector<Bar> makeSeries(int n, domain::Timestamp start = kT0) {
  std::vector<Bar> bars;
  for (int i = 0; i < n; ++i) bars.push_back(makeBar(start + i * domain::kNanosPerMinute, 100.0 + i * 0.01));
  return bars;
}

domain::Order makeOrder(const std::string& id, domain::OrderStatus status, domain::Timestamp created,
                        domain::Timestamp updated) {
  domain::Order o;
  o.clientOrderId = id;
  o.symbol = "AAPL";
  o.side = domain::Side::Buy;
  o.type = domain::OrderType::Limit;
  o.tif = domain::TimeInForce::Gtc;
  o.quantity = 10;
  o.limitPrice = 187.31;
  o.status = status;
  o.strategyId = "sma";
  o.createdTs = created;
  o.updatedTs = updated;
  return o;
}

// A plain Qt connection to a database file, to inspect what SqliteStorage wrote.
class Inspector {
 public:
  explicit Inspector(const QString& path) : m_name(QStringLiteral("inspector.%1").arg(++s_counter)) {
    auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
    db.setDatabaseName(path);
    m_ok = db.open();
  }
  ~Inspector() {
    QSqlDatabase::database(m_name, false).close();
    QSqlDatabase::removeDatabase(m_name);
  }
  bool ok() const { return m_ok; }
  QVariant scalar(const QString& sql) {
    QSqlQuery q(QSqlDatabase::database(m_name, false));
    if (!q.exec(sql) || !q.next()) return QVariant();
    return q.value(0);
  }
  bool exec(const QString& sql) {
    QSqlQuery q(QSqlDatabase::database(m_name, false));
    return q.exec(sql);
  }

 private:
  static inline int s_counter = 0;
  QString m_name;
  bool m_ok = false;
};

int blockCount(Inspector& db) { return db.scalar("SELECT COUNT(*) FROM market_data_blocks").toInt(); }

// A store on a fresh database file, and a plain connection to look at what it wrote.
struct StoreOnFile {
  explicit StoreOnFile(const char* name)
      : path(dir.filePath(QString::fromUtf8(name))), store(path.toStdString()), opened(store.open().ok()), db(path) {}
  QTemporaryDir dir;
  QString path;
  SqliteStorage store;
  bool opened;
  Inspector db;
};

constexpr auto kMinTs = std::numeric_limits<domain::Timestamp>::min();
constexpr auto kMaxTs = std::numeric_limits<domain::Timestamp>::max();

}  // namespace

class tst_SqliteStorage : public QObject {
  Q_OBJECT

  // A background connection (the bar writer's kind) runs background(connection, i) for i = 1, 2, ... back to back
  // on a fresh file while the journal's connection writes 20 orders, journalWrite(journal, order, n): every one is
  // stored, and none waits for more than `maxWaited` background transactions: the one in progress, one that passed
  // the gate as it arrived, and what committed before the count is read.
  template <class Background, class JournalWrite>
  void turnsOfTheJournal(const char* file, Background background, JournalWrite journalWrite, int maxWaited) {
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath(QString::fromUtf8(file)).toStdString();
    SqliteStorage journal(path);
    QVERIFY(journal.open().ok());
    std::atomic<int> commits{0};
    std::atomic<bool> failed{false};
    // A jthread: stopped and joined also when a check below returns early.
    std::jthread writer([&](std::stop_token stop) {
      SqliteStorage bg(path, SqliteStorage::Options{.busyTimeoutMs = 5000, .background = true});
      if (!bg.open().ok()) {
        failed = true;
        return;
      }
      for (std::int64_t i = 1; !stop.stop_requested(); ++i) {
        if (!background(bg, i)) failed = true;
        commits.fetch_add(1);
      }
    });
    while (commits.load() < 2 && !failed) QThread::msleep(1);
    int worst = 0;
    for (int n = 0; n < 20 && !failed; ++n) {
      const int before = commits.load();
      const auto order = makeOrder("J-" + std::to_string(n), domain::OrderStatus::New, kT0, kT0 + n);
      const Status st = journalWrite(journal, order, n);
      QVERIFY2(st.ok(), st.ok() ? "" : st.error().message.c_str());
      worst = std::max(worst, commits.load() - before);
    }
    writer.request_stop();
    writer.join();
    QVERIFY(!failed);
    for (int n = 0; n < 20; ++n) {
      const auto o = journal.loadOrder("J-" + std::to_string(n));
      QVERIFY(o.ok() && o->has_value());
    }
    QVERIFY2(worst <= maxWaited,
             qPrintable(QStringLiteral("a journal write waited for %1 background transactions").arg(worst)));
  }

 private Q_SLOTS:
  void init() {
    m_store = std::make_unique<SqliteStorage>(":memory:");
    const auto s = m_store->open();
    QVERIFY2(s.ok(), s.error().message.c_str());
  }
  void cleanup() { m_store.reset(); }

  // --- migrations -----------------------------------------------------------------------------------------
  void migrationsAreCompiledIn() {
    auto sqlite = loadMigrations("sqlite");
    QVERIFY2(sqlite.ok(), sqlite.ok() ? "" : sqlite.error().message.c_str());
    QCOMPARE(sqlite->front().version, 1);
    QCOMPARE(QString::fromStdString(sqlite->front().fileName), QStringLiteral("V001__init.sql"));
    QCOMPARE(sqlite->front().checksum.size(), std::size_t(64));
    auto pg = loadMigrations("postgres");
    QVERIFY(pg.ok());
    QVERIFY(pg->front().sql.find("CREATE SCHEMA IF NOT EXISTS data_ingestion") != std::string::npos);
    QCOMPARE(loadMigrations("oracle").error().code, std::string(errc::kMigration));
  }

  void migrateTwiceInMemoryIsNoOp() {
    QVERIFY(m_store->migrate().ok());
    QVERIFY(m_store->migrate().ok());
    QVERIFY(m_store->ping().ok());
    QCOMPARE(m_store->backendName(), std::string_view("sqlite"));
  }

  void migrationsRecordedOnceInFile() {
    QTemporaryDir dir;
    const QString path = dir.filePath("m.db");
    for (int i = 0; i < 3; ++i) {
      SqliteStorage s(path.toStdString());
      const auto st = s.open();
      QVERIFY2(st.ok(), st.ok() ? "" : st.error().message.c_str());
      QVERIFY(s.migrate().ok());
    }
    Inspector db(path);
    QVERIFY(db.ok());
    const auto all = loadMigrations("sqlite");  // every compiled-in migration, applied exactly once
    QVERIFY(all.ok());
    QCOMPARE(db.scalar("SELECT COUNT(*) FROM schema_migrations").toInt(), int(all->size()));
    QCOMPARE(db.scalar("SELECT MIN(version) FROM schema_migrations").toInt(), 1);
    QCOMPARE(db.scalar("SELECT MAX(version) FROM schema_migrations").toInt(), all->back().version);
    QCOMPARE(db.scalar("SELECT checksum FROM schema_migrations").toString().size(), 64);
    QCOMPARE(db.scalar("PRAGMA journal_mode").toString(), QStringLiteral("wal"));
    QCOMPARE(db.scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('market_data', "
                       "'symbols', 'company_info', 'key_statistics', 'load_runs', 'orders', 'fills', 'positions', "
                       "'strategy_state', 'risk_events', 'notifications', 'backtest_runs', 'job_runs', 'logs')")
                 .toInt(),
             14);
  }

  void changedAppliedMigrationIsAnError() {
    QTemporaryDir dir;
    const QString migDir = dir.filePath("sql");
    QVERIFY(QDir().mkpath(migDir));
    QVERIFY(QFile::copy(":/sql/sqlite/V001__init.sql", migDir + "/V001__init.sql"));
    QFile::setPermissions(migDir + "/V001__init.sql", QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const QString path = dir.filePath("c.db");
    SqliteStorage::Options opts;
    opts.migrationsDir = migDir.toStdString();
    {
      SqliteStorage s(path.toStdString(), opts);
      QVERIFY(s.open().ok());
    }
    {  // edit the applied file
      QFile f(migDir + "/V001__init.sql");
      QVERIFY(f.open(QIODevice::Append));
      f.write("\n-- edited after release\n");
    }
    SqliteStorage s(path.toStdString(), opts);
    const auto st = s.open();
    QVERIFY(!st.ok());
    QCOMPARE(st.error().code, std::string(errc::kMigration));
    QVERIFY2(st.error().message.find("V001__init.sql") != std::string::npos, st.error().message.c_str());
    QVERIFY(!s.isOpen());
  }

  void newMigrationIsAppliedAndUnknownVersionRejected() {
    QTemporaryDir dir;
    const QString migDir = dir.filePath("sql");
    QVERIFY(QDir().mkpath(migDir));
    QVERIFY(QFile::copy(":/sql/sqlite/V001__init.sql", migDir + "/V001__init.sql"));
    const QString path = dir.filePath("n.db");
    SqliteStorage::Options opts;
    opts.migrationsDir = migDir.toStdString();
    {
      SqliteStorage s(path.toStdString(), opts);
      QVERIFY(s.open().ok());
    }
    {
      QFile f(migDir + "/V002__extra.sql");
      QVERIFY(f.open(QIODevice::WriteOnly));
      f.write("CREATE TABLE extra (id INTEGER PRIMARY KEY, note TEXT DEFAULT 'a;b');\n"
              "CREATE TRIGGER extra_t AFTER INSERT ON extra BEGIN UPDATE extra SET note = 'x;' WHERE id = NEW.id; END;\n");
    }
    {
      SqliteStorage s(path.toStdString(), opts);
      const auto st = s.open();
      QVERIFY2(st.ok(), st.ok() ? "" : st.error().message.c_str());
    }
    {
      Inspector db(path);
      QCOMPARE(db.scalar("SELECT COUNT(*) FROM schema_migrations").toInt(), 2);
      QVERIFY(db.exec("INSERT INTO extra (id) VALUES (1)"));
      QCOMPARE(db.scalar("SELECT note FROM extra").toString(), QStringLiteral("x;"));
    }
    // The compiled-in set only knows V001: a database at V002 was migrated by a newer build.
    SqliteStorage older(path.toStdString());
    const auto st = older.open();
    QVERIFY(!st.ok());
    QCOMPARE(st.error().code, std::string(errc::kMigration));
  }

  void splitSqlStatements_data() {
    QTest::addColumn<QString>("script");
    QTest::addColumn<int>("count");
    QTest::newRow("plain") << "SELECT 1; SELECT 2;" << 2;
    QTest::newRow("comments") << "-- a; b\nSELECT 1; /* c; d */ SELECT 2" << 2;
    QTest::newRow("quotes") << "INSERT INTO t VALUES ('a;b', \"c;d\"); SELECT ';'" << 2;
    QTest::newRow("escaped quote") << "SELECT 'it''s;'; SELECT 2;" << 2;
    QTest::newRow("trigger") << "CREATE TRIGGER t AFTER INSERT ON x BEGIN SELECT 1; SELECT 2; END; SELECT 3;" << 2;
    QTest::newRow("empty") << " ; -- nothing\n ;" << 0;
  }
  void splitSqlStatements() {
    QFETCH(QString, script);
    QFETCH(int, count);
    QCOMPARE(int(storage::splitSqlStatements(script.toStdString()).size()), count);
  }

  // --- bars -----------------------------------------------------------------------------------------------
  void upsertThenReupsertChangedBar() {
    auto bars = makeSeries(100);
    auto w = m_store->upsertBars("AAPL", "yahoo", bars);
    QVERIFY2(w.ok(), w.ok() ? "" : w.error().message.c_str());
    QCOMPARE(*w, std::size_t(100));

    // Same batch again: nothing changes.
    QCOMPARE(m_store->upsertBars("AAPL", "yahoo", bars).value(), std::size_t(0));

    // One bar changed: exactly one row updated, row count unchanged.
    bars[37].close = 101.0;
    bars[37].high = 102.0;
    QCOMPARE(m_store->upsertBars("AAPL", "yahoo", bars).value(), std::size_t(1));
    auto series = m_store->listSeries();
    QVERIFY(series.ok());
    QCOMPARE(series->size(), std::size_t(1));
    QCOMPARE(series->front().symbol, std::string("AAPL"));
    QCOMPARE(series->front().source, std::string("yahoo"));
    QCOMPARE(series->front().barCount, std::int64_t(100));
    QCOMPARE(series->front().firstTs, bars.front().ts);
    QCOMPARE(series->front().lastTs, bars.back().ts);

    auto loaded = m_store->loadBars("AAPL", "yahoo", bars.front().ts, bars.back().ts + 1);
    QVERIFY(loaded.ok());
    QCOMPARE(loaded->size(), std::size_t(100));
    QVERIFY(*loaded == bars);  // exact doubles, ordered by ts
    QCOMPARE(m_store->latestBarTs("AAPL", "yahoo").value(), std::optional<domain::Timestamp>(bars.back().ts));
    QCOMPARE(m_store->latestBarTs("AAPL", "polygon").value(), std::optional<domain::Timestamp>());
  }

  void loadRangeIsInclusiveExclusive() {
    const auto bars = makeSeries(10);
    QVERIFY(m_store->upsertBars("MSFT", "csv", bars).ok());
    auto r = m_store->loadBars("MSFT", "csv", bars[2].ts, bars[5].ts);
    QVERIFY(r.ok());
    QCOMPARE(r->size(), std::size_t(3));
    QCOMPARE(r->front().ts, bars[2].ts);
    QCOMPARE(r->back().ts, bars[4].ts);
    QVERIFY(m_store->loadBars("MSFT", "csv", bars[5].ts, bars[5].ts)->empty());
  }

  void unsortedBatchWithDuplicatesLastWins() {
    auto bars = makeSeries(5);
    std::vector<Bar> batch{bars[3], bars[1], bars[0], bars[1], bars[4], bars[2]};
    batch[3].close = batch[3].open;  // the later duplicate of bars[1] wins
    auto w = m_store->upsertBars("IBM", "csv", batch);
    QVERIFY(w.ok());
    QCOMPARE(*w, std::size_t(5));
    auto loaded = m_store->loadBars("IBM", "csv", 0, std::numeric_limits<domain::Timestamp>::max());
    QCOMPARE(loaded->size(), std::size_t(5));
    QCOMPARE(loaded->at(1).close, batch[3].close);
    for (std::size_t i = 1; i < loaded->size(); ++i) QVERIFY(loaded->at(i - 1).ts < loaded->at(i).ts);
  }

  void insaneBarRejectsWholeBatch() {
    const auto original = makeSeries(3);
    QVERIFY(m_store->upsertBars("AAPL", "yahoo", original).ok());

    auto batch = makeSeries(10);
    for (auto& b : batch) {  // would change rows 0..2 and add 7
      b.close += 5.0;
      b.high += 5.0;
    }
    batch[6].low = batch[6].open + 10.0;                   // low above open: insane
    auto w = m_store->upsertBars("AAPL", "yahoo", batch);
    QVERIFY(!w.ok());
    QCOMPARE(w.error().code, std::string(errc::kInvalid));
    const auto& msg = w.error().message;
    QVERIFY2(msg.find("AAPL") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find(std::to_string(batch[6].ts)) != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("2024-01-02T14:36:00") != std::string::npos, msg.c_str());
    QVERIFY2(msg.find("low") != std::string::npos, msg.c_str());

    auto loaded = m_store->loadBars("AAPL", "yahoo", 0, std::numeric_limits<domain::Timestamp>::max());
    QVERIFY(*loaded == original);  // nothing written

    Bar nan = makeBar(kT0, 100);
    nan.close = std::numeric_limits<double>::quiet_NaN();
    QCOMPARE(m_store->upsertBars("AAPL", "yahoo", std::span(&nan, 1)).error().code, std::string(errc::kInvalid));
    QCOMPARE(m_store->upsertBars("", "yahoo", original).error().code, std::string(errc::kInvalid));
  }

  void checkConstraintRollsBackWholeBatch() {
    // trades < 0 passes domain::isSane but violates the schema CHECK: the database rejects row 8 after rows
    // 0..7 were already inserted in the transaction; all of them must be rolled back.
    auto batch = makeSeries(10);
    batch[8].trades = -1;
    auto w = m_store->upsertBars("TSLA", "yahoo", batch);
    QVERIFY(!w.ok());
    QCOMPARE(w.error().code, std::string(errc::kConstraint));
    QVERIFY2(w.error().message.find("market_data_trades_nonneg") != std::string::npos, w.error().message.c_str());
    QCOMPARE(m_store->latestBarTs("TSLA", "yahoo").value(), std::optional<domain::Timestamp>());
    QVERIFY(m_store->listSeries()->empty());
    // The store is still usable afterwards.
    batch[8].trades = 0;
    QCOMPARE(m_store->upsertBars("TSLA", "yahoo", batch).value(), std::size_t(10));
  }

  void doublesRoundTripExactly() {
    std::vector<Bar> bars;
    const double values[] = {0.1, 1.0 / 3.0, 123456.78901234567, 1e-300, 5e-324, 1.7976931348623157e308,
                             std::nextafter(100.0, 200.0)};
    domain::Timestamp ts = kT0;
    for (double v : values) {
      Bar b;
      b.ts = ts++;
      b.open = b.high = b.low = b.close = v;
      b.volume = v;
      b.vwap = v;
      b.trades = std::numeric_limits<std::int64_t>::max();
      bars.push_back(b);
    }
    QVERIFY(m_store->upsertBars("X", "t", bars).ok());
    auto loaded = m_store->loadBars("X", "t", 0, ts);
    QVERIFY(loaded.ok());
    QVERIFY(*loaded == bars);
  }

  // Bar blocks (sql/sqlite/V004): a series read whole is packed into blocks, later reads of any range come from
  // them and equal the rows, and any change to the rows (through the store or plain SQL) drops them.
  void barBlocksCopyTheRowsAndGoWhenTheRowsChange() {
    StoreOnFile file("blocks.sqlite");
    QVERIFY(file.opened && file.db.ok());
    if (!file.store.usesNativeApi()) QSKIP("built without the SQLite C API: loadBars reads rows only");
    auto& store = file.store;
    auto& db = file.db;
    std::vector<Bar> bars = makeSeries(70'000);  // two blocks: 65536 + 4464
    QVERIFY(store.upsertBars("SPY", "csv_1m", bars).ok());
    QVERIFY(store.upsertBars("TINY", "csv_1m", makeSeries(100)).ok());
    QCOMPARE(blockCount(db), 0);

    QVERIFY(store.loadBars("SPY", "csv_1m", kMinTs, kMaxTs).value() == bars);  // from the rows; writes the blocks
    QCOMPARE(blockCount(db), 2);
    QCOMPARE(db.scalar("SELECT SUM(bar_count) FROM market_data_blocks WHERE symbol = 'SPY'").toInt(), 70'000);
    QCOMPARE(store.loadBars("TINY", "csv_1m", kMinTs, kMaxTs)->size(), std::size_t(100));
    QCOMPARE(blockCount(db), 2);  // a small series stays rows

    auto slice = [&](std::size_t from, std::size_t to) { return std::vector<Bar>(bars.begin() + from, bars.begin() + to); };
    QVERIFY(store.loadBars("SPY", "csv_1m", kMinTs, kMaxTs).value() == bars);  // from the blocks
    QVERIFY(store.loadBars("SPY", "csv_1m", bars[100].ts, bars[66'000].ts).value() == slice(100, 66'000));
    QVERIFY(store.loadBars("SPY", "csv_1m", bars[65'535].ts, bars[65'537].ts).value() == slice(65'535, 65'537));
    QVERIFY(store.loadBars("SPY", "csv_1m", bars[66'000].ts, kMaxTs).value() == slice(66'000, 70'000));
    QVERIFY(store.loadBars("SPY", "csv_1m", bars[0].ts + 1, bars[1].ts + 1).value() == slice(1, 2));  // between bars
    QVERIFY(store.loadBars("SPY", "csv_1m", kMinTs, bars[0].ts).value().empty());
    QVERIFY(store.loadBars("SPY", "csv_1m", bars[5].ts, bars[5].ts).value().empty());
    QVERIFY(store.loadBars("SPY", "csv", kMinTs, kMaxTs).value().empty());  // another source

    // A changed bar through the store: the blocks go, the next read has the new value and packs the series again.
    bars[70'000 - 3].close += 0.5;
    bars[70'000 - 3].high += 0.5;
    QCOMPARE(store.upsertBars("SPY", "csv_1m", std::span(&bars[70'000 - 3], 1)).value(), std::size_t(1));
    QCOMPARE(blockCount(db), 0);
    QVERIFY(store.loadBars("SPY", "csv_1m", kMinTs, kMaxTs).value() == bars);
    QCOMPARE(blockCount(db), 2);

    // Plain SQL, past the store: a deleted row and a changed value.
    QVERIFY(db.exec(QStringLiteral("DELETE FROM market_data WHERE symbol = 'SPY' AND ts = %1").arg(bars[10].ts)));
    QCOMPARE(blockCount(db), 0);
    bars.erase(bars.begin() + 10);
    QVERIFY(store.loadBars("SPY", "csv_1m", kMinTs, kMaxTs).value() == bars);
    QVERIFY(db.exec(QStringLiteral("UPDATE market_data SET volume = 7 WHERE symbol = 'SPY' AND ts = %1").arg(bars[20].ts)));
    QCOMPARE(blockCount(db), 0);
    bars[20].volume = 7;
    QVERIFY(store.loadBars("SPY", "csv_1m", kMinTs, kMaxTs).value() == bars);
    QCOMPARE(blockCount(db), 2);

    // A block that does not hold what its row says is not trusted: the rows are read and the blocks rewritten.
    QVERIFY(db.exec(QStringLiteral("UPDATE market_data_blocks SET payload = x'00' WHERE symbol = 'SPY'")));
    QVERIFY(store.loadBars("SPY", "csv_1m", kMinTs, kMaxTs).value() == bars);
    QCOMPARE(db.scalar("SELECT MIN(length(payload)) FROM market_data_blocks").toInt(), 4463 * int(sizeof(Bar)));
    QVERIFY(store.loadBars("SPY", "csv_1m", bars[30].ts, bars[40].ts).value() == slice(30, 40));

    // Deleting the series drops its blocks with its rows.
    QVERIFY(store.deleteSeries("SPY", "csv_1m").ok());
    QCOMPARE(blockCount(db), 0);
    QVERIFY(store.loadBars("SPY", "csv_1m", kMinTs, kMaxTs).value().empty());
  }

  // A series packed while another connection commits a new row: the blocks are written in the same snapshot the
  // rows were read in, so the reader gets the rows of its snapshot and caches nothing stale (here SQLite refuses
  // the write with SQLITE_BUSY_SNAPSHOT once the other writer has committed); the next read has the new row.
  void barBlocksAreNeverPackedFromRowsAnotherWriterChanged() {
    StoreOnFile file("snapshot.sqlite");
    QVERIFY(file.opened && file.db.ok());
    if (!file.store.usesNativeApi()) QSKIP("built without the SQLite C API: loadBars reads rows only");
    auto& store = file.store;
    auto& db = file.db;
    std::vector<Bar> bars = makeSeries(70'000);
    QVERIFY(store.upsertBars("SPY", "csv_1m", bars).ok());
    const Bar added = makeBar(bars.back().ts + domain::kNanosPerMinute, 101.0);

    // The other writer holds the write lock with its row inserted before the read starts, and commits while the
    // reader waits for the lock to write the blocks (reading 70,000 rows takes milliseconds, the hold 1.5 s).
    std::atomic<int> stage{0};  // 1: lock held, row inserted; 2: committed; -1: failed
    std::jthread writer([&stage, &added, path = file.path] {  // joined also when a check below returns early
      Inspector other(path);
      const QString insert = QStringLiteral("INSERT INTO market_data (symbol, ts, source, open, high, low, close, "
                                            "volume, vwap, trades) VALUES ('SPY', %1, 'csv_1m', %2, %3, %4, %5, %6, "
                                            "%7, %8)")
                                 .arg(added.ts)
                                 .arg(added.open, 0, 'g', 17)
                                 .arg(added.high, 0, 'g', 17)
                                 .arg(added.low, 0, 'g', 17)
                                 .arg(added.close, 0, 'g', 17)
                                 .arg(added.volume, 0, 'g', 17)
                                 .arg(added.vwap, 0, 'g', 17)
                                 .arg(added.trades);
      const bool held = other.ok() && other.exec(QStringLiteral("BEGIN IMMEDIATE")) && other.exec(insert);
      stage = held ? 1 : -1;
      if (!held) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      stage = other.exec(QStringLiteral("COMMIT")) ? 2 : -1;
    });
    while (stage.load() == 0) QThread::msleep(1);
    QCOMPARE(stage.load(), 1);

    auto withAdded = bars;
    withAdded.push_back(added);
    const auto first = store.loadBars("SPY", "csv_1m", kMinTs, kMaxTs);
    writer.join();
    QCOMPARE(stage.load(), 2);
    QVERIFY2(first.ok(), first.ok() ? "" : first.error().message.c_str());
    QVERIFY(*first == bars || *first == withAdded);  // one snapshot or the other, never a mix
    if (*first == bars) QCOMPARE(blockCount(db), 0);  // read before the commit: nothing packed from those rows

    // Whatever was packed holds the rows as they are now.
    QVERIFY(store.loadBars("SPY", "csv_1m", kMinTs, kMaxTs).value() == withAdded);
    QCOMPARE(blockCount(db), 2);
    QVERIFY(store.loadBars("SPY", "csv_1m", kMinTs, kMaxTs).value() == withAdded);  // from the blocks
    QVERIFY(store.loadBars("SPY", "csv_1m", added.ts, kMaxTs).value() == std::vector<Bar>{added});
  }

  void loadRuns() {
    QCOMPARE(m_store->lastLoadedTs("AAPL", "yahoo").value(), std::optional<domain::Timestamp>());
    QVERIFY(m_store->upsertLoadRun({"AAPL", "yahoo", kT0, kT0 + 5}).ok());
    QVERIFY(m_store->upsertLoadRun({"AAPL", "yahoo", kT0 + 60, kT0 + 70}).ok());
    QCOMPARE(m_store->lastLoadedTs("AAPL", "yahoo").value(), std::optional<domain::Timestamp>(kT0 + 60));
    QCOMPARE(m_store->lastLoadedTs("AAPL", "csv").value(), std::optional<domain::Timestamp>());
  }

  void barsWithLoadRunAreOneTransactionAndSeriesDelete() {
    auto bars = makeSeries(20);
    bars[7].high = bars[7].open - 1.0;  // insane: the batch and its load run are both refused
    const LoadRun run{"ORCL", "csv", bars.back().ts, kT0};
    QVERIFY(!m_store->upsertBarsWithLoadRun("ORCL", "csv", bars, run).ok());
    QVERIFY(!m_store->lastLoadedTs("ORCL", "csv").value().has_value());
    bars[7].high = bars[7].open + 1.0;
    QCOMPARE(m_store->upsertBarsWithLoadRun("ORCL", "csv", bars, run).value(), std::size_t(20));
    QCOMPARE(m_store->lastLoadedTs("ORCL", "csv").value(), std::optional<domain::Timestamp>(bars.back().ts));
    QVERIFY(m_store->upsertBars("ORCL", "yahoo", makeSeries(5)).ok());
    QCOMPARE(m_store->deleteSeries("ORCL", "csv").value(), std::size_t(20));
    QVERIFY(!m_store->lastLoadedTs("ORCL", "csv").value().has_value());
    QCOMPARE(m_store->loadBars("ORCL", "yahoo", 0, std::numeric_limits<domain::Timestamp>::max())->size(),
             std::size_t(5));  // other series untouched
  }

  // --- symbols & fundamentals -----------------------------------------------------------------------------
  void symbolsCompanyAndKeyStatistics() {
    SymbolRecord aapl{{"AAPL", "Apple Inc.", "NASDAQ", domain::AssetClass::Equity, 0.01, 1.0, true}, {}, kT0};
    SymbolRecord spy{{"SPY", "SPDR S&P 500", "NYSE", domain::AssetClass::Etf, 0.01, 1.0, true}, {}, kT0};
    SymbolRecord gone{{"XYZ", "Gone Corp", "NYSE", domain::AssetClass::Equity, 0.01, 1.0, false}, kT0 - 1, kT0};
    std::vector<SymbolRecord> all{spy, aapl, gone};
    QCOMPARE(m_store->upsertSymbols(all).value(), std::size_t(3));
    aapl.instrument.name = "Apple";
    QCOMPARE(m_store->upsertSymbols(std::span(&aapl, 1)).value(), std::size_t(1));

    auto listed = m_store->listSymbols(false);
    QVERIFY(listed.ok());
    QCOMPARE(listed->size(), std::size_t(3));
    QVERIFY(listed->at(0) == aapl);
    QVERIFY(listed->at(2) == gone);
    auto active = m_store->listSymbols(true);
    QCOMPARE(active->size(), std::size_t(2));
    QVERIFY(m_store->getSymbol("SPY").value() == std::optional<SymbolRecord>(spy));
    QVERIFY(!m_store->getSymbol("NOPE").value().has_value());

    CompanyInfo info{"AAPL", "Apple Inc.", "Technology", "Consumer Electronics", "US", "https://apple.com",
                     "Makes phones; and 'quotes'", 161000, kT0};
    QVERIFY(m_store->upsertCompanyInfo(info).ok());
    info.employees.reset();
    QVERIFY(m_store->upsertCompanyInfo(info).ok());
    QVERIFY(m_store->getCompanyInfo("AAPL").value() == std::optional<CompanyInfo>(info));
    QVERIFY(!m_store->getCompanyInfo("MSFT").value().has_value());

    KeyStatistics old{"AAPL", kT0 - domain::kNanosPerDay, 2.9e12, 29.5, 27.1, 6.13, 0.0052, 1.29, 199.62, 164.08,
                      5.3e7, 1.55e10};
    KeyStatistics latest = old;
    latest.asOfTs = kT0;
    latest.peRatio.reset();
    latest.marketCap = 3.0e12;
    QVERIFY(m_store->upsertKeyStatistics(latest).ok());
    QVERIFY(m_store->upsertKeyStatistics(old).ok());
    QVERIFY(m_store->latestKeyStatistics("AAPL").value() == std::optional<KeyStatistics>(latest));
  }

  // --- orders, fills, positions ---------------------------------------------------------------------------
  void orderJournalIsIdempotent() {
    auto o = makeOrder("MRD-1", domain::OrderStatus::New, kT0, kT0);
    QVERIFY(m_store->journalOrder(o).ok());
    QVERIFY(m_store->journalOrder(o).ok());  // same write twice: no-op
    QCOMPARE(m_store->loadOrders(0)->size(), std::size_t(1));
    QVERIFY(m_store->loadOrder("MRD-1").value() == std::optional<domain::Order>(o));

    o.status = domain::OrderStatus::Accepted;
    o.brokerOrderId = "BRK-9";
    o.updatedTs = kT0 + 10;
    QVERIFY(m_store->journalOrder(o).ok());
    auto stale = o;
    stale.status = domain::OrderStatus::New;
    stale.brokerOrderId.clear();
    stale.updatedTs = kT0 + 5;  // late duplicate of an older state: ignored
    QVERIFY(m_store->journalOrder(stale).ok());
    QVERIFY(m_store->loadOrder("MRD-1").value() == std::optional<domain::Order>(o));
    QVERIFY(!m_store->loadOrder("MRD-404").value().has_value());

    domain::Order bad = o;
    bad.clientOrderId = "MRD-BAD";
    bad.quantity = -1;  // CHECK (quantity > 0)
    QCOMPARE(m_store->journalOrder(bad).error().code, std::string(errc::kConstraint));
    QCOMPARE(m_store->journalOrder(domain::Order{}).error().code, std::string(errc::kInvalid));
  }

  void openOrdersAndRecentOrders() {
    using S = domain::OrderStatus;
    QVERIFY(m_store->journalOrder(makeOrder("A", S::Accepted, kT0 + 1, kT0 + 1)).ok());
    QVERIFY(m_store->journalOrder(makeOrder("B", S::Filled, kT0 + 2, kT0 + 2)).ok());
    QVERIFY(m_store->journalOrder(makeOrder("C", S::PartiallyFilled, kT0 + 3, kT0 + 3)).ok());
    QVERIFY(m_store->journalOrder(makeOrder("D", S::Cancelled, kT0 + 4, kT0 + 4)).ok());
    QVERIFY(m_store->journalOrder(makeOrder("E", S::PendingCancel, kT0 + 5, kT0 + 5)).ok());
    QVERIFY(m_store->journalOrder(makeOrder("F", S::Rejected, kT0 + 6, kT0 + 6)).ok());
    auto open = m_store->loadOpenOrders();
    QVERIFY(open.ok());
    QCOMPARE(open->size(), std::size_t(3));
    QCOMPARE(open->at(0).clientOrderId, std::string("A"));
    QCOMPARE(open->at(1).clientOrderId, std::string("C"));
    QCOMPARE(open->at(2).clientOrderId, std::string("E"));
    for (const auto& o : *open) QVERIFY(!domain::isTerminal(o.status));
    auto recent = m_store->loadOrders(2);
    QCOMPARE(recent->size(), std::size_t(2));
    QCOMPARE(recent->at(0).clientOrderId, std::string("F"));
    QCOMPARE(recent->at(1).clientOrderId, std::string("E"));
  }

  void fillsAreIdempotent() {
    QVERIFY(m_store->journalOrder(makeOrder("MRD-1", domain::OrderStatus::Accepted, kT0, kT0)).ok());
    QVERIFY(m_store->journalOrder(makeOrder("MRD-2", domain::OrderStatus::Accepted, kT0, kT0)).ok());
    domain::Fill f{"EX-1", "MRD-1", "AAPL", domain::Side::Buy, 4, 187.3, 0.35, kT0 + 100, "sma"};
    QCOMPARE(m_store->recordFill(f).value(), true);
    QCOMPARE(m_store->recordFill(f).value(), false);  // replay: already known
    domain::Fill g{"EX-2", "MRD-1", "AAPL", domain::Side::Buy, 6, 187.25, 0.4, kT0 + 200, "sma"};
    domain::Fill h{"EX-3", "MRD-2", "AAPL", domain::Side::Buy, 1, 187.0, 0.0, kT0 + 300, "sma"};
    QVERIFY(m_store->recordFill(g).value());
    QVERIFY(m_store->recordFill(h).value());

    auto mine = m_store->loadFills("MRD-1", 0);
    QVERIFY(mine.ok());
    QCOMPARE(mine->size(), std::size_t(2));
    QVERIFY(mine->at(0) == g);  // newest first
    QVERIFY(mine->at(1) == f);
    auto all = m_store->loadFills("", 2);
    QCOMPARE(all->size(), std::size_t(2));
    QVERIFY(all->at(0) == h);

    domain::Fill orphan{"EX-9", "MRD-NOPE", "AAPL", domain::Side::Sell, 1, 1, 0, kT0, ""};
    QCOMPARE(m_store->recordFill(orphan).error().code, std::string(errc::kConstraint));  // foreign key
  }

  void positions() {
    domain::Position p{"AAPL", "sma", 10, 187.3, -0.35, 188.0, kT0};
    domain::Position q{"AAPL", "", -5, 190.0, 12.5, 188.0, kT0};
    QVERIFY(m_store->savePosition(p).ok());
    QVERIFY(m_store->savePosition(q).ok());
    p.quantity = 0;
    p.realizedPnl = 7.0;
    QVERIFY(m_store->savePosition(p).ok());
    auto loaded = m_store->loadPositions();
    QVERIFY(loaded.ok());
    QCOMPARE(loaded->size(), std::size_t(2));
    QVERIFY(loaded->at(0) == q);  // "" sorts before "sma"
    QVERIFY(loaded->at(1) == p);
  }

  // --- runs & logs ----------------------------------------------------------------------------------------
  void backtestRuns() {
    BacktestRunRecord r;
    r.strategy = "sma_cross";
    r.paramsJson = R"({"fast":10,"slow":30})";
    r.symbols = {"AAPL", "MSFT"};
    r.startTs = kT0;
    r.endTs = kT0 + domain::kNanosPerDay;
    r.createdTs = kT0 + 2 * domain::kNanosPerDay;
    r.finalValue = 101234.5678;
    r.metricsJson = R"({"sharpe":1.23})";
    r.equityCurveJson = "[[1,100000.0],[2,101234.5678]]";
    r.tradesJson = "[]";
    auto id1 = m_store->saveBacktestRun(r);
    QVERIFY2(id1.ok(), id1.ok() ? "" : id1.error().message.c_str());
    r.createdTs += 1;
    auto id2 = m_store->saveBacktestRun(r);
    QVERIFY(id2.ok());
    QVERIFY(*id2 > *id1);

    auto loaded = m_store->loadBacktestRun(*id1);
    QVERIFY(loaded.ok() && loaded->has_value());
    const auto& l = **loaded;
    QCOMPARE(l.id, *id1);
    QCOMPARE(l.strategy, r.strategy);
    QCOMPARE(l.paramsJson, r.paramsJson);
    QVERIFY(l.symbols == r.symbols);
    QCOMPARE(l.finalValue, r.finalValue);
    QCOMPARE(l.equityCurveJson, r.equityCurveJson);
    QVERIFY(!m_store->loadBacktestRun(9999).value().has_value());

    auto list = m_store->listBacktestRuns(10);
    QCOMPARE(list->size(), std::size_t(2));
    QCOMPARE(list->at(0).id, *id2);
    QCOMPARE(list->at(0).equityCurveJson, std::string("[]"));  // summaries omit the heavy columns
  }

  void jobRuns() {
    JobRunRecord j;
    j.jobName = "ingest_daily";
    j.startedTs = kT0;
    auto id = m_store->recordJobRun(j);
    QVERIFY(id.ok());
    j.id = *id;
    j.finishedTs = kT0 + 5;
    j.status = "failed";
    j.attempt = 2;
    j.message = "HTTP 429";
    QVERIFY(m_store->updateJobRun(j).ok());
    JobRunRecord other{0, "scan", kT0 + 1, std::nullopt, "running", 1, ""};
    other.id = m_store->recordJobRun(other).value();

    auto mine = m_store->listJobRuns("ingest_daily", 0);
    QCOMPARE(mine->size(), std::size_t(1));
    QVERIFY(mine->front() == j);
    auto all = m_store->listJobRuns("", 0);
    QCOMPARE(all->size(), std::size_t(2));
    QVERIFY(all->front() == other);

    JobRunRecord missing = j;
    missing.id = 424242;
    QCOMPARE(m_store->updateJobRun(missing).error().code, std::string(errc::kInvalid));
  }

  void logs() {
    std::vector<LogRow> rows;
    for (int i = 0; i < 5; ++i) rows.push_back(LogRow{0, kT0 + i, "info", "storage", "message " + std::to_string(i)});
    QCOMPARE(m_store->appendLogs(rows).value(), std::size_t(5));
    auto recent = m_store->recentLogs(3);
    QVERIFY(recent.ok());
    QCOMPARE(recent->size(), std::size_t(3));
    QCOMPARE(recent->at(0).message, std::string("message 4"));
    QCOMPARE(recent->at(2).message, std::string("message 2"));
    QVERIFY(recent->at(0).id > 0);
  }

  // --- lifecycle ------------------------------------------------------------------------------------------
  void instancesAreIsolated() {
    SqliteStorage other(":memory:");
    QVERIFY(other.open().ok());
    QVERIFY(m_store->upsertBars("AAPL", "yahoo", makeSeries(3)).ok());
    QVERIFY(other.listSeries()->empty());
  }

  void aBackgroundWriterGivesWayToTheJournal() {
    // The bar writer's connection writes back-to-back transactions (first-run history, a feed's bars). The journal's
    // connection asks for the write lock in between: it must get it after the transaction in progress (and at most
    // one that began as it asked), not whenever SQLite's busy backoff happens to land in a gap between two of them.
    // Made up front, so the writer begins its next transaction the moment it has committed one; each really
    // rewrites its rows.
    std::vector<std::vector<Bar>> versions(3, makeSeries(2000));
    for (std::size_t v = 0; v < versions.size(); ++v)
      for (Bar& b : versions[v]) b = makeBar(b.ts, b.open + double(v) * 0.25);
    const auto background = [&versions](SqliteStorage& bars, std::int64_t i) {
      return bars.upsertBars("SIM", "sim", versions[std::size_t(i) % versions.size()]).ok();
    };
    const auto journalWrite = [](SqliteStorage& journal, const domain::Order& o, int n) {
      if (n % 2 == 1) return journal.journalOrder(o);  // a write that takes the lock by itself
      JournalBatch b;                                  // a transaction
      b.orders.push_back(o);
      return journal.journalBatch(b);
    };
    // One more that may have committed between the journal's commit and the count being read.
    turnsOfTheJournal("gate.db", background, journalWrite, 3);
  }

  // The same for a journal write outside a transaction (it takes the lock by itself), against a background writer
  // whose gap between commit and next begin is a few microseconds: polling the lock every millisecond would wait
  // through many of its transactions; the turn it announces makes the background wait before its next one.
  void anAutocommitJournalWriteGetsTheNextTurn() {
    JournalBatch batch;
    for (int k = 0; k < 200; ++k)
      batch.orders.push_back(makeOrder("BG-" + std::to_string(k), domain::OrderStatus::New, kT0, kT0));
    const auto background = [&batch](SqliteStorage& bg, std::int64_t i) {
      for (auto& o : batch.orders) o.updatedTs = kT0 + i;  // each transaction really rewrites its rows
      return bg.journalBatch(batch).ok();
    };
    const auto journalWrite = [](SqliteStorage& journal, const domain::Order& o, int) {
      return journal.journalOrder(o);
    };
    // Two more: its transactions are short, and a busy machine may not run this thread at once.
    turnsOfTheJournal("turn.db", background, journalWrite, 4);
  }

  void notOpenIsAnError() {
    SqliteStorage closed(":memory:");
    auto r = closed.loadBars("AAPL", "yahoo", 0, 1);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, std::string(errc::kUnavailable));
  }

  void unopenableFileIsAnError() {
    // A path below a regular file can be neither created nor opened, even by root.
    QTemporaryFile file;
    QVERIFY(file.open());
    SqliteStorage s(file.fileName().toStdString() + "/sub/x.db");
    const auto st = s.open();
    QVERIFY(!st.ok());
    QCOMPARE(st.error().code, std::string(errc::kUnavailable));
  }

  void factory() {
    auto s = makeStorage({"sqlite", ":memory:", ""});
    QVERIFY(s.ok());
    QCOMPARE((*s)->backendName(), std::string_view("sqlite"));
    QVERIFY((*s)->open().ok());
    auto unknown = makeStorage({"mongodb", "", ""});
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error().code, std::string(errc::kInvalid));
    QVERIFY(unknown.error().message.find("mongodb") != std::string::npos);
    auto pg = makeStorage({"postgres", "", "postgresql://meridian@127.0.0.1:1/x"});
#if MERIDIAN_HAVE_POSTGRES
    QVERIFY(pg.ok());
    QCOMPARE((*pg)->backendName(), std::string_view("postgres"));
#else
    QCOMPARE(pg.error().code, std::string(errc::kNotCompiled));
#endif
    QCOMPARE(makeStorage({"postgres", "", ""}).ok(), false);
  }

 private:
  std::unique_ptr<SqliteStorage> m_store;
};

QTEST_GUILESS_MAIN(tst_SqliteStorage)
#include "tst_SqliteStorage.moc"
