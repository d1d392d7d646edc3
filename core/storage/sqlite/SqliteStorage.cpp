#include "core/storage/sqlite/SqliteStorage.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

#include <fmt/format.h>

#if MERIDIAN_HAVE_SQLITE3_API
#include <sqlite3.h>
#endif

#include "core/common/LargePages.h"
#include "core/storage/sqlite/SqliteWriteGate.h"

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstring>
#include <limits>
#include <optional>
#include <type_traits>
#include <unordered_map>

namespace meridian::storage {
namespace {

QString qs(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

QVariant toVariant(const SqlStore::Value& v) {
  switch (v.index()) {
    case 1: return QVariant(qlonglong(std::get<std::int64_t>(v)));
    case 2: return QVariant(std::get<double>(v));
    case 3: return QVariant(qs(std::get<std::string>(v)));
    default: return QVariant();
  }
}

Error sqliteError(const QSqlError& e, std::string_view what) {
  const QString text = e.text();
  // Native codes: SQLITE_BUSY 5, SQLITE_LOCKED 6, SQLITE_CANTOPEN 14, SQLITE_CONSTRAINT 19 (+ extended codes).
  const int native = e.nativeErrorCode().toInt();
  const char* code = errc::kQuery;
  if (text.contains(QLatin1String("constraint failed"), Qt::CaseInsensitive) || (native & 0xff) == 19)
    code = errc::kConstraint;
  else if ((native & 0xff) == 14)
    code = errc::kUnavailable;
  return makeError(code, fmt::format("sqlite: {}: {}", what, text.toStdString()));
}

class QtRowView final : public SqlStore::RowView {
 public:
  explicit QtRowView(const QSqlQuery& q) : m_q(q) {}
  bool isNull(int c) const override { return m_q.isNull(c); }
  std::string text(int c) const override { return m_q.value(c).toString().toStdString(); }
  double real(int c) const override { return m_q.value(c).toDouble(); }
  std::int64_t integer(int c) const override { return m_q.value(c).toLongLong(); }
  bool boolean(int c) const override { return m_q.value(c).toLongLong() != 0; }

 private:
  const QSqlQuery& m_q;
};

std::atomic<std::uint64_t> g_connectionCounter{0};

// Only SELECTs leave the write lock alone (a WITH may lead an INSERT: it counts as a write).
bool writesRows(std::string_view sql) {
  const auto at = sql.find_first_not_of(" \t\r\n");
  if (at == std::string_view::npos || sql.size() - at < 6) return true;
  return !std::equal(sql.begin() + at, sql.begin() + at + 6, "SELECT", [](char a, char b) { return (a & ~0x20) == b; });
}

}  // namespace

struct SqliteStorage::Impl {
  QString connectionName;
  QSqlDatabase db;
  std::unordered_map<std::string, std::unique_ptr<QSqlQuery>> statements;
  bool inTransaction = false;
  // Write priority among this process's connections to the file (none for :memory:).
  std::shared_ptr<SqliteWriteGate> gate;
  bool background = false;
  std::chrono::milliseconds busyTimeout{0};
  bool announced = false;  // a foreground connection between asking for the write lock and releasing it

#if MERIDIAN_HAVE_SQLITE3_API
  sqlite3* native = nullptr;           // the connection's handle, when the C API may be used on it
  sqlite3_stmt* barsLoad = nullptr;    // loadBars' statements, prepared once
  sqlite3_stmt* blocksLoad = nullptr;
  sqlite3_stmt* blocksClear = nullptr;
  sqlite3_stmt* blocksInsert = nullptr;
  // SQLite's own busy handler sleeps longer and longer between tries (up to 100 ms), so a writer whose turn came
  // can sleep through it. This one looks every millisecond, up to the connection's busy timeout.
  struct BusyWait {
    std::chrono::milliseconds limit{0};
    std::chrono::steady_clock::time_point since{};
  } busyWait;
  static int retryEveryMillisecond(void* context, int tries) {
    auto* wait = static_cast<BusyWait*>(context);
    const auto now = std::chrono::steady_clock::now();
    if (tries == 0) wait->since = now;
    if (now - wait->since >= wait->limit) return 0;
    sqlite3_sleep(1);
    return 1;
  }
#endif

  ~Impl() {
    endWrite();
#if MERIDIAN_HAVE_SQLITE3_API
    for (sqlite3_stmt* st : {barsLoad, blocksLoad, blocksClear, blocksInsert}) sqlite3_finalize(st);
#endif
    statements.clear();  // queries must go before their connection
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(connectionName);
  }

  Result<QSqlQuery*> prepared(const SqlStore::Stmt& stmt) {
    if (auto it = statements.find(stmt.key); it != statements.end()) return it->second.get();
    auto q = std::make_unique<QSqlQuery>(db);
    q->setForwardOnly(true);
    if (!q->prepare(QString::fromStdString(SqlStore::translateSql(stmt.sql, false, false))))
      return sqliteError(q->lastError(), fmt::format("prepare {}", stmt.key));
    auto* raw = q.get();
    statements.emplace(stmt.key, std::move(q));
    return raw;
  }

  // Before a statement or transaction that takes the write lock: a foreground connection announces itself, a
  // background one lets the announced ones go first.
  void beginWrite() {
    if (!gate) return;
    if (background) {
      gate->yieldToForeground(busyTimeout);
    } else if (!announced) {
      gate->enterForeground();
      announced = true;
    }
  }
  void endWrite() {
    if (!announced) return;
    gate->leaveForeground();
    announced = false;
  }

  Status run(const char* sql) {
    QSqlQuery q(db);
    if (!q.exec(QString::fromUtf8(sql))) return sqliteError(q.lastError(), sql);
    return {};
  }
};

SqliteStorage::SqliteStorage(std::string path) : SqliteStorage(std::move(path), Options{}) {}

SqliteStorage::SqliteStorage(std::string path, Options options)
    : m_path(std::move(path)), m_options(std::move(options)) {}

SqliteStorage::~SqliteStorage() { close(); }

void SqliteStorage::close() {
  if (m_impl && m_impl->inTransaction) rollback();
  m_impl.reset();
}

Status SqliteStorage::open() {
  if (m_impl) return {};
  if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
    return makeError(errc::kUnavailable, "sqlite: the Qt QSQLITE driver is not available");
  if (m_path != ":memory:") {
    // First run: the user's data directory may not exist yet.
    const QString dir = QFileInfo(qs(m_path)).absolutePath();
    if (!QDir().mkpath(dir))
      return makeError(errc::kUnavailable, fmt::format("sqlite: cannot create directory {}", dir.toStdString()));
  }
  auto impl = std::make_unique<Impl>();
  impl->connectionName = QStringLiteral("meridian.sqlite.%1").arg(++g_connectionCounter);
  impl->db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), impl->connectionName);
  impl->db.setDatabaseName(qs(m_path));
  impl->db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(m_options.busyTimeoutMs));
  if (!impl->db.open()) {
    auto e = impl->db.lastError();
    return makeError(errc::kUnavailable, fmt::format("sqlite: cannot open {}: {}", m_path, e.text().toStdString()));
  }
  // Per-connection settings. journal_mode stays "memory" for :memory: databases.
  for (const char* pragma : {"PRAGMA foreign_keys = ON", "PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL"})
    if (auto s = impl->run(pragma); !s.ok()) return s;
  if (auto s = impl->run(fmt::format("PRAGMA busy_timeout = {}", m_options.busyTimeoutMs).c_str()); !s.ok()) return s;

  impl->busyTimeout = std::chrono::milliseconds(m_options.busyTimeoutMs);
  impl->background = m_options.background;
  if (m_path != ":memory:")
    if (const QString file = QFileInfo(qs(m_path)).canonicalFilePath(); !file.isEmpty())
      impl->gate = SqliteWriteGate::forFile(file.toStdString());

#if MERIDIAN_HAVE_SQLITE3_API
  // The C API only on a handle of this very library version (a Qt built with its own SQLite copy: Qt Sql).
  if (const QVariant h = impl->db.driver()->handle(); h.isValid() && qstrcmp(h.typeName(), "sqlite3*") == 0) {
    QSqlQuery v(impl->db);
    if (v.exec(QStringLiteral("SELECT sqlite_version()")) && v.next() &&
        v.value(0).toString() == QLatin1String(sqlite3_libversion()))
      impl->native = *static_cast<sqlite3* const*>(h.constData());
  }
  if (impl->native) {
    impl->busyWait.limit = impl->busyTimeout;
    sqlite3_busy_handler(impl->native, Impl::retryEveryMillisecond, &impl->busyWait);
  }
#endif
  m_impl = std::move(impl);
  if (auto s = migrate(); !s.ok()) {
    m_impl.reset();
    return s;
  }
  return {};
}

Status SqliteStorage::ping() {
  if (!m_impl) return makeError(errc::kUnavailable, "sqlite: storage is not open");
  return m_impl->run("SELECT 1");
}

Result<std::int64_t> SqliteStorage::exec(const Stmt& stmt, std::span<const Value> params, const RowFn& onRow) {
  if (!m_impl) return makeError(errc::kUnavailable, "sqlite: storage is not open");
  auto q = m_impl->prepared(stmt);
  if (!q.ok()) return q.error();
  QSqlQuery& query = **q;
  for (std::size_t i = 0; i < params.size(); ++i) query.bindValue(int(i), toVariant(params[i]));
  // A write outside a transaction takes the lock for itself: it asks for its turn like begin() does.
  struct Turn {
    Impl* impl = nullptr;
    ~Turn() {
      if (impl) impl->endWrite();
    }
  } turn;
  if (!m_impl->inTransaction && writesRows(stmt.sql)) {
    m_impl->beginWrite();
    turn.impl = m_impl.get();
  }
  if (!query.exec()) {
    auto e = sqliteError(query.lastError(), stmt.key);
    query.finish();
    return e;
  }
  std::int64_t rows = 0;
  if (query.isSelect()) {
    const QtRowView view(query);
    while (query.next()) {
      ++rows;
      if (onRow) onRow(view);
    }
    if (query.lastError().isValid()) {
      auto e = sqliteError(query.lastError(), stmt.key);
      query.finish();
      return e;
    }
  } else {
    rows = query.numRowsAffected();
  }
  query.finish();  // reset the statement: releases read snapshots / locks
  return rows;
}

Status SqliteStorage::execScript(std::string_view sql) {
  if (!m_impl) return makeError(errc::kUnavailable, "sqlite: storage is not open");
  for (const auto& statement : splitSqlStatements(sql)) {
    QSqlQuery q(m_impl->db);
    if (!q.exec(QString::fromStdString(statement))) {
      const auto firstLine = statement.substr(0, statement.find('\n'));
      return sqliteError(q.lastError(), fmt::format("script statement '{}'", firstLine));
    }
  }
  return {};
}

Status SqliteStorage::begin() {
  if (!m_impl) return makeError(errc::kUnavailable, "sqlite: storage is not open");
  if (m_impl->inTransaction) return makeError(errc::kQuery, "sqlite: nested transaction");
  // IMMEDIATE takes the write lock now (waiting up to busy_timeout) instead of failing later on upgrade.
  m_impl->beginWrite();
  if (auto s = m_impl->run("BEGIN IMMEDIATE"); !s.ok()) {
    m_impl->endWrite();
    return s;
  }
  m_impl->inTransaction = true;
  return {};
}

Status SqliteStorage::commit() {
  if (!m_impl || !m_impl->inTransaction) return makeError(errc::kQuery, "sqlite: commit without transaction");
  auto s = m_impl->run("COMMIT");
  if (!s.ok()) {
    (void)m_impl->run("ROLLBACK");
  }
  m_impl->inTransaction = false;
  m_impl->endWrite();
  return s;
}

void SqliteStorage::rollback() noexcept {
  if (!m_impl || !m_impl->inTransaction) return;
  for (auto& [key, q] : m_impl->statements) q->finish();
  (void)m_impl->run("ROLLBACK");
  m_impl->inTransaction = false;
  m_impl->endWrite();
}

Result<std::size_t> SqliteStorage::writeBars(std::string_view symbol, std::string_view source,
                                             std::span<const domain::Bar> bars) {
  // Identical rows are not rewritten (the WHERE clause), so the count is rows inserted or really changed.
  static const Stmt k{"bars_upsert",
                      "INSERT INTO market_data (symbol, ts, source, open, high, low, close, volume, vwap, trades) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (symbol, ts, source) DO UPDATE SET "
                      "open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close, "
                      "volume = excluded.volume, vwap = excluded.vwap, trades = excluded.trades "
                      "WHERE market_data.open <> excluded.open OR market_data.high <> excluded.high OR "
                      "market_data.low <> excluded.low OR market_data.close <> excluded.close OR "
                      "market_data.volume <> excluded.volume OR market_data.vwap <> excluded.vwap OR "
                      "market_data.trades <> excluded.trades"};
  auto q = m_impl->prepared(k);
  if (!q.ok()) return q.error();
  QSqlQuery& query = **q;
  const QVariant sym(qs(symbol));
  const QVariant src(qs(source));
  std::size_t written = 0;
  for (const auto& b : bars) {
    query.bindValue(0, sym);
    query.bindValue(1, QVariant(qlonglong(b.ts)));
    query.bindValue(2, src);
    query.bindValue(3, b.open);
    query.bindValue(4, b.high);
    query.bindValue(5, b.low);
    query.bindValue(6, b.close);
    query.bindValue(7, b.volume);
    query.bindValue(8, b.vwap);
    query.bindValue(9, QVariant(qlonglong(b.trades)));
    if (!query.exec()) {
      auto e = sqliteError(query.lastError(), fmt::format("upsert bar {} ({}) ts={}", symbol, source, b.ts));
      query.finish();
      return makeError(e.code, e.message + "; batch rolled back, nothing written");
    }
    written += std::size_t(std::max(0, query.numRowsAffected()));
  }
  query.finish();
  return written;
}

#if MERIDIAN_HAVE_SQLITE3_API
namespace {

// Bar blocks (sql/sqlite/V004__bar_blocks.sql): a series packed into blobs of up to kBlockBars bars, written when
// the series is first read whole and deleted by triggers on any change to its rows.
constexpr std::int64_t kBlockFormat = 1;  // 64-byte domain::Bar, little-endian
constexpr std::size_t kBlockBars = 65536;  // 4 MiB per blob
constexpr std::size_t kMinBarsForBlocks = 4096;  // smaller series read fast enough as rows
static_assert(sizeof(domain::Bar) == 64 && std::is_trivially_copyable_v<domain::Bar>,
              "the block payload layout is domain::Bar's: bump kBlockFormat when it changes");
constexpr bool kLittleEndian = std::endian::native == std::endian::little;

// Resets a statement (releasing its read snapshot) and its bindings when the scope ends, whatever happens.
struct StmtReset {
  sqlite3_stmt* st;
  ~StmtReset() {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  }
};

// Binds ?1 symbol and ?2 source, the key of every statement here.
bool bindSeries(sqlite3_stmt* st, std::string_view symbol, std::string_view source) {
  return sqlite3_bind_text(st, 1, symbol.data(), int(symbol.size()), SQLITE_STATIC) == SQLITE_OK &&
         sqlite3_bind_text(st, 2, source.data(), int(source.size()), SQLITE_STATIC) == SQLITE_OK;
}

domain::Timestamp tsAt(const unsigned char* payload, std::size_t i) {
  domain::Timestamp ts;
  std::memcpy(&ts, payload + i * sizeof(domain::Bar), sizeof ts);  // blobs need not be 8-byte aligned
  return ts;
}

// The index of the first bar in [from, count) of the payload (sorted by ts) with ts >= t.
std::size_t firstAtOrAfter(const unsigned char* payload, std::size_t from, std::size_t count, Timestamp t) {
  while (from < count) {
    const std::size_t mid = from + (count - from) / 2;
    if (tsAt(payload, mid) < t) from = mid + 1;
    else count = mid;
  }
  return from;
}

// Appends the bars of [payload, payload + count) with fromTs <= ts < toTs (the payload is sorted by ts).
void appendRange(const unsigned char* payload, std::size_t count, Timestamp fromTs, Timestamp toTs,
                 std::vector<domain::Bar>& out) {
  const std::size_t lo = firstAtOrAfter(payload, 0, count, fromTs);
  const std::size_t end = firstAtOrAfter(payload, lo, count, toTs);
  if (end == lo) return;
  const std::size_t at = out.size();
  out.resize(at + (end - lo));
  std::memcpy(static_cast<void*>(out.data() + at), payload + lo * sizeof(domain::Bar), (end - lo) * sizeof(domain::Bar));
}

void keepRange(std::vector<domain::Bar>& bars, Timestamp fromTs, Timestamp toTs) {
  const auto byTs = [](const domain::Bar& b, Timestamp t) { return b.ts < t; };
  const auto first = std::lower_bound(bars.begin(), bars.end(), fromTs, byTs);
  const auto last = std::lower_bound(first, bars.end(), toTs, byTs);
  bars.erase(last, bars.end());
  bars.erase(bars.begin(), first);
}

}  // namespace

Result<sqlite3_stmt*> SqliteStorage::nativeStatement(sqlite3_stmt*& slot, const char* key, const std::string& sql) {
  if (!slot && sqlite3_prepare_v3(m_impl->native, sql.c_str(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &slot,
                                  nullptr) != SQLITE_OK)
    return nativeError(key, "prepare");
  return slot;
}

Error SqliteStorage::nativeError(const char* key, const char* what) const {
  sqlite3* db = m_impl->native;
  const int code = sqlite3_extended_errcode(db);
  return makeError((code & 0xff) == SQLITE_CONSTRAINT ? errc::kConstraint : errc::kQuery,
                   fmt::format("sqlite: {}: {}: {}", key, what, sqlite3_errmsg(db)));
}

Result<std::vector<domain::Bar>> SqliteStorage::loadBarRows(std::string_view symbol, std::string_view source,
                                                            Timestamp fromTs, Timestamp toTs) {
  auto prepared = nativeStatement(m_impl->barsLoad, "bars_load", translateSql(barsLoadStmt().sql, false, false));
  if (!prepared) return prepared.error();
  sqlite3_stmt* st = *prepared;
  const StmtReset reset{st};
  if (!bindSeries(st, symbol, source) || sqlite3_bind_int64(st, 3, fromTs) != SQLITE_OK ||
      sqlite3_bind_int64(st, 4, toTs) != SQLITE_OK)
    return nativeError("bars_load", "bind");
  std::vector<domain::Bar> out;
  for (;;) {
    const int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return nativeError("bars_load", "step");
    out.push_back(barsLoadRow([st](int c) { return sqlite3_column_int64(st, c); },
                              [st](int c) { return sqlite3_column_double(st, c); }));
  }
  return out;
}

Result<std::optional<std::vector<domain::Bar>>> SqliteStorage::loadBarBlocks(std::string_view symbol,
                                                                             std::string_view source,
                                                                             Timestamp fromTs, Timestamp toTs) {
  auto prepared = nativeStatement(m_impl->blocksLoad, "bars_blocks_load",
                                  "SELECT first_ts, last_ts, bar_count, format, payload FROM market_data_blocks "
                                  "WHERE symbol = ?1 AND source = ?2 ORDER BY first_ts");
  if (!prepared) return prepared.error();
  sqlite3_stmt* st = *prepared;
  const StmtReset reset{st};
  if (!bindSeries(st, symbol, source)) return nativeError("bars_blocks_load", "bind");
  std::vector<domain::Bar> out;
  bool any = false;
  Timestamp previousLast = std::numeric_limits<Timestamp>::min();
  for (;;) {
    const int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return nativeError("bars_blocks_load", "step");
    any = true;
    const Timestamp first = sqlite3_column_int64(st, 0), last = sqlite3_column_int64(st, 1);
    const std::int64_t count = sqlite3_column_int64(st, 2);
    // A block of another layout, or one that does not hold what its row says: read the rows instead.
    if (sqlite3_column_int64(st, 3) != kBlockFormat || !kLittleEndian || count <= 0 || first > last ||
        (previousLast != std::numeric_limits<Timestamp>::min() && first <= previousLast))
      return std::optional<std::vector<domain::Bar>>{};
    previousLast = last;
    if (last < fromTs || first >= toTs) continue;  // the payload is not even read
    const auto* payload = static_cast<const unsigned char*>(sqlite3_column_blob(st, 4));
    const int bytes = sqlite3_column_bytes(st, 4);
    if (!payload || bytes != count * std::int64_t(sizeof(domain::Bar)) || tsAt(payload, 0) != first ||
        tsAt(payload, std::size_t(count) - 1) != last)
      return std::optional<std::vector<domain::Bar>>{};
    if (out.empty()) common::reserveLarge(out, std::size_t(count));
    appendRange(payload, std::size_t(count), fromTs, toTs, out);
  }
  if (!any) return std::optional<std::vector<domain::Bar>>{};
  return std::optional<std::vector<domain::Bar>>{std::move(out)};
}

Result<std::optional<std::vector<domain::Bar>>> SqliteStorage::buildBarBlocks(std::string_view symbol,
                                                                              std::string_view source,
                                                                              Timestamp fromTs, Timestamp toTs) {
  using Built = std::optional<std::vector<domain::Bar>>;
  sqlite3* db = m_impl->native;
  // One read snapshot for the rows and the blocks written from them; another writer committing in between makes
  // the write fail (SQLITE_BUSY_SNAPSHOT) and nothing is cached.
  if (sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) return Built{};
  struct Rollback {
    sqlite3* db;
    bool done = false;
    ~Rollback() {
      if (!done) sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    }
  } rollback{db};
  auto rows = loadBarRows(symbol, source, std::numeric_limits<Timestamp>::min(), std::numeric_limits<Timestamp>::max());
  if (!rows) return rows.error();
  std::vector<domain::Bar> bars = std::move(rows).value();
  auto finish = [&] {
    keepRange(bars, fromTs, toTs);
    return Built{std::move(bars)};
  };
  if (bars.size() < kMinBarsForBlocks || !kLittleEndian) return finish();
  auto clear = nativeStatement(m_impl->blocksClear, "bars_blocks_clear",
                               "DELETE FROM market_data_blocks WHERE symbol = ?1 AND source = ?2");
  auto insert = nativeStatement(m_impl->blocksInsert, "bars_blocks_insert",
                                "INSERT INTO market_data_blocks (symbol, source, first_ts, last_ts, bar_count, format, "
                                "payload) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!clear || !insert) return finish();  // a cache: the rows were read all the same
  bool written = false;
  {
    const StmtReset resetClear{*clear};
    written = bindSeries(*clear, symbol, source) && sqlite3_step(*clear) == SQLITE_DONE;
  }
  for (std::size_t at = 0; written && at < bars.size(); at += kBlockBars) {
    const std::size_t n = std::min(kBlockBars, bars.size() - at);
    sqlite3_stmt* st = *insert;
    const StmtReset resetInsert{st};
    written = bindSeries(st, symbol, source) && sqlite3_bind_int64(st, 3, bars[at].ts) == SQLITE_OK &&
              sqlite3_bind_int64(st, 4, bars[at + n - 1].ts) == SQLITE_OK &&
              sqlite3_bind_int64(st, 5, std::int64_t(n)) == SQLITE_OK &&
              sqlite3_bind_int64(st, 6, kBlockFormat) == SQLITE_OK &&
              sqlite3_bind_blob(st, 7, bars.data() + at, int(n * sizeof(domain::Bar)), SQLITE_STATIC) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_DONE;
  }
  if (written && sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK) rollback.done = true;
  return finish();
}
#endif

bool SqliteStorage::usesNativeApi() const {
#if MERIDIAN_HAVE_SQLITE3_API
  return m_impl && m_impl->native;
#else
  return false;
#endif
}

Result<std::vector<domain::Bar>> SqliteStorage::loadBars(std::string_view symbol, std::string_view source,
                                                         Timestamp fromTs, Timestamp toTs) {
#if MERIDIAN_HAVE_SQLITE3_API
  if (m_impl && m_impl->native) {
    auto blocks = loadBarBlocks(symbol, source, fromTs, toTs);
    if (!blocks) return blocks.error();
    if (*blocks) return std::move(**blocks);
    if (!m_impl->inTransaction) {  // the caller's transaction is left alone: no blocks are written inside it
      auto built = buildBarBlocks(symbol, source, fromTs, toTs);
      if (!built) return built.error();
      if (*built) return std::move(**built);
    }
    return loadBarRows(symbol, source, fromTs, toTs);
  }
#endif
  return SqlStore::loadBars(symbol, source, fromTs, toTs);
}

}  // namespace meridian::storage
