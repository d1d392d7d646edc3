#include "core/storage/postgres/PgStorage.h"

#include <pqxx/pqxx>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <regex>
#include <tuple>
#include <unordered_set>

namespace meridian::storage {
namespace {

constexpr std::int64_t kMigrationLockKey = 0x4d65726964696e;  // "Meridin": pg_advisory_xact_lock key

std::string num(double v) { return fmt::format("{}", v); }  // shortest exact round-trip text

bool isUri(std::string_view s) { return s.starts_with("postgresql://") || s.starts_with("postgres://"); }

// Adds connect_timeout / application_name unless the caller set them.
std::string buildConnectionString(const std::string& uri, const PgStorage::Options& o) {
  std::string out = uri;
  const bool hasTimeout = uri.find("connect_timeout") != std::string::npos;
  const bool hasApp = uri.find("application_name") != std::string::npos;
  if (isUri(uri)) {
    char sep = uri.find('?') == std::string::npos ? '?' : '&';
    if (!hasTimeout) {
      out += fmt::format("{}connect_timeout={}", sep, o.connectTimeoutSec);
      sep = '&';
    }
    if (!hasApp && !o.applicationName.empty()) out += fmt::format("{}application_name={}", sep, o.applicationName);
  } else {
    if (!hasTimeout) out += fmt::format(" connect_timeout={}", o.connectTimeoutSec);
    if (!hasApp && !o.applicationName.empty()) out += fmt::format(" application_name={}", o.applicationName);
  }
  return out;
}

std::string extractPassword(std::string_view uri) {
  if (isUri(uri)) {
    const auto start = uri.find("://") + 3;
    const auto end = uri.find_first_of("/?", start);
    const auto authority = uri.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    const auto at = authority.rfind('@');
    if (at != std::string_view::npos) {
      const auto userinfo = authority.substr(0, at);
      const auto colon = userinfo.find(':');
      if (colon != std::string_view::npos) return std::string(userinfo.substr(colon + 1));
    }
  }
  static const std::regex kKv(R"(password\s*=\s*('([^']*)'|([^\s&]+)))", std::regex::icase);
  std::match_results<std::string_view::const_iterator> m;
  if (std::regex_search(uri.begin(), uri.end(), m, kKv)) return m[2].matched ? m[2].str() : m[3].str();
  return {};
}

class PgRowView final : public SqlStore::RowView {
 public:
  explicit PgRowView(const pqxx::row& r) : m_row(r) {}
  bool isNull(int c) const override { return m_row[c].is_null(); }
  std::string text(int c) const override {
    const auto& f = m_row[c];
    return f.is_null() ? std::string() : std::string(f.c_str(), f.size());
  }
  double real(int c) const override {
    const auto& f = m_row[c];
    if (f.is_null()) return 0.0;
    double v = 0.0;
    const char* s = f.c_str();
    const auto res = std::from_chars(s, s + f.size(), v);
    if (res.ec != std::errc()) throw pqxx::conversion_error(fmt::format("not a double: '{}'", s));
    return v;
  }
  std::int64_t integer(int c) const override {
    const auto& f = m_row[c];
    if (f.is_null()) return 0;
    std::int64_t v = 0;
    const char* s = f.c_str();
    const auto res = std::from_chars(s, s + f.size(), v);
    if (res.ec != std::errc()) throw pqxx::conversion_error(fmt::format("not an integer: '{}'", s));
    return v;
  }
  bool boolean(int c) const override {
    const auto& f = m_row[c];
    return !f.is_null() && (f.c_str()[0] == 't' || f.c_str()[0] == '1');
  }

 private:
  const pqxx::row& m_row;
};

std::string oneLine(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\n') {
      out += " | ";
      while (i + 1 < s.size() && (s[i + 1] == ' ' || s[i + 1] == '\t')) ++i;
    } else if (s[i] == '\t') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

struct PgStorage::Impl {
  std::string connectionString;  // contains the password: never reported
  std::string password;
  std::string redactedUri;
  std::unique_ptr<pqxx::connection> conn;
  std::unique_ptr<pqxx::work> tx;
  std::unordered_set<std::string> preparedKeys;
  bool migrated = false;

  std::string scrub(std::string text) const {
    if (password.size() >= 4) {  // shorter values would mask ordinary text; they are never echoed by libpq
      for (auto pos = text.find(password); pos != std::string::npos; pos = text.find(password, pos + 3))
        text.replace(pos, password.size(), "***");
    }
    return oneLine(std::move(text));
  }

  void drop() noexcept {
    tx.reset();
    conn.reset();
    preparedKeys.clear();
  }

  Status ensureConnected() {
    if (conn && conn->is_open() && !tx) {
      // A server restart (or a backend killed by an admin) closes our socket while we are idle. Read what is
      // pending without blocking: a closed connection is noticed here, before anything is sent, and the call
      // runs on a fresh connection instead of failing once after every restart. Never inside a transaction:
      // that one is lost anyway and its failure must surface.
      // Twice: a backend that was terminated first sends its FATAL message, which one read consumes; the
      // end-of-file behind it is only seen by the next read.
      try {
        conn->get_notifs();
        if (conn->is_open()) conn->get_notifs();
      } catch (const std::exception&) {
        drop();
      }
    }
    if (conn && conn->is_open()) return {};
    drop();
    try {
      auto c = std::make_unique<pqxx::connection>(connectionString);
      // Session settings through set_variable so libpqxx restores them if it ever re-activates the session.
      c->set_variable("client_min_messages", "warning");
      c->set_variable("extra_float_digits", "3");  // shortest exact float8 text (PostgreSQL >= 12)
      c->set_variable("timezone", "'UTC'");
      conn = std::move(c);
      return {};
    } catch (const std::exception& e) {
      drop();
      return makeError(errc::kUnavailable,
                       fmt::format("postgres: cannot connect to {}: {}", redactedUri, scrub(e.what())));
    }
  }

  // Maps an exception to an Error; drops the connection when it is no longer usable.
  Error toError(std::string_view what) {  // call only from a catch block
    try {
      throw;
    } catch (const pqxx::broken_connection& e) {
      drop();
      return makeError(errc::kUnavailable,
                       fmt::format("postgres: connection to {} lost during {}: {}", redactedUri, what, scrub(e.what())));
    } catch (const pqxx::in_doubt_error& e) {
      drop();
      return makeError(errc::kUnavailable,
                       fmt::format("postgres: {} outcome unknown (connection lost at commit): {}", what, scrub(e.what())));
    } catch (const pqxx::sql_error& e) {
      const std::string& state = e.sqlstate();
      const char* code = errc::kQuery;
      if (state.starts_with("23")) {
        code = errc::kConstraint;
      } else if (state.starts_with("08") || state.starts_with("57P") || state == "53300") {
        code = errc::kUnavailable;
        drop();
      }
      // No SQLSTATE = the error came from libpq itself, not the server: libpqxx reports a connection that died
      // under COPY or while reading a result that way ("server closed the connection unexpectedly", and
      // is_open() still says true). That is an outage (retryable, the connection is dropped), not a query error.
      const bool clientSide = state.empty();
      if (clientSide) code = errc::kUnavailable;
      auto err = makeError(code, fmt::format("postgres: {} failed [{}]: {}", what, clientSide ? "connection" : state,
                                             scrub(e.what())));
      if (clientSide || (conn && !conn->is_open())) drop();
      return err;
    } catch (const std::exception& e) {
      auto err = makeError(errc::kQuery, fmt::format("postgres: {} failed: {}", what, scrub(e.what())));
      if (conn && !conn->is_open()) {
        drop();
        err.code = errc::kUnavailable;
      }
      return err;
    } catch (...) {
      drop();
      return makeError(errc::kQuery, fmt::format("postgres: {} failed: unknown exception", what));
    }
  }

  // Registers a statement once per connection (libpqxx prepares it on the server at first use).
  template <class MakeSql>
  void prepare(const char* key, MakeSql&& makeSql) {
    if (preparedKeys.count(key)) return;
    conn->prepare(key, makeSql());
    preparedKeys.emplace(key);
  }
};

std::string PgStorage::redactConnectionString(std::string_view uri) {
  std::string out(uri);
  if (isUri(uri)) {
    const auto start = uri.find("://") + 3;
    const auto end = uri.find_first_of("/?", start);
    const auto authority = uri.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    const auto at = authority.rfind('@');
    if (at != std::string_view::npos) {
      const auto colon = authority.substr(0, at).find(':');
      if (colon != std::string_view::npos)
        out = fmt::format("{}***{}", uri.substr(0, start + colon + 1), uri.substr(start + at));
    }
  }
  static const std::regex kKv(R"((password\s*=\s*)('[^']*'|[^\s&]+))", std::regex::icase);
  return std::regex_replace(out, kKv, "$1***");
}

PgStorage::PgStorage(std::string uri) : PgStorage(std::move(uri), Options{}) {}

PgStorage::PgStorage(std::string uri, Options options)
    : m_redactedUri(redactConnectionString(uri)), m_options(std::move(options)), m_impl(std::make_unique<Impl>()) {
  m_impl->connectionString = buildConnectionString(uri, m_options);
  m_impl->password = extractPassword(uri);
  m_impl->redactedUri = m_redactedUri;
}

PgStorage::~PgStorage() = default;

bool PgStorage::isConnected() const { return m_impl->conn && m_impl->conn->is_open(); }

void PgStorage::disconnect() { m_impl->drop(); }

Status PgStorage::open() {
  if (auto s = m_impl->ensureConnected(); !s.ok()) return s;
  if (m_impl->migrated) return {};
  if (auto s = migrate(); !s.ok()) return s;
  m_impl->migrated = true;
  return {};
}

Status PgStorage::ping() {
  if (auto s = m_impl->ensureConnected(); !s.ok()) return s;
  try {
    pqxx::nontransaction n{*m_impl->conn};
    n.exec("SELECT 1");
    return {};
  } catch (...) {
    return m_impl->toError("ping");
  }
}

Result<std::int64_t> PgStorage::exec(const Stmt& stmt, std::span<const Value> params, const RowFn& onRow) {
  if (auto s = m_impl->ensureConnected(); !s.ok()) return s.error();
  try {
    std::vector<std::string> storage;
    storage.reserve(params.size());
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& v : params) {
      switch (v.index()) {
        case 1: storage.push_back(fmt::format("{}", std::get<std::int64_t>(v))); break;
        case 2: storage.push_back(num(std::get<double>(v))); break;
        case 3: storage.push_back(std::get<std::string>(v)); break;
        default: break;
      }
    }
    std::size_t next = 0;
    for (const auto& v : params) values.push_back(v.index() == 0 ? nullptr : storage[next++].c_str());

    m_impl->prepare(stmt.key, [&] { return translateSql(stmt.sql, true, true); });
    auto run = [&](pqxx::transaction_base& t) {
      const pqxx::result r = t.exec_prepared(stmt.key, pqxx::prepare::make_dynamic_params(values));
      if (r.columns() == 0) return std::int64_t(r.affected_rows());
      for (const auto& row : r) {
        if (onRow) onRow(PgRowView(row));
      }
      return std::int64_t(r.size());
    };
    if (m_impl->tx) return run(*m_impl->tx);
    pqxx::nontransaction n{*m_impl->conn};
    return run(n);
  } catch (...) {
    return m_impl->toError(stmt.key);
  }
}

Status PgStorage::execScript(std::string_view sql) {
  if (auto s = m_impl->ensureConnected(); !s.ok()) return s;
  try {
    if (m_impl->tx) {
      m_impl->tx->exec(std::string(sql));
    } else {
      pqxx::nontransaction n{*m_impl->conn};
      n.exec(std::string(sql));
    }
    return {};
  } catch (...) {
    return m_impl->toError("script");
  }
}

Status PgStorage::begin() {
  if (m_impl->tx) return makeError(errc::kQuery, "postgres: nested transaction");
  if (auto s = m_impl->ensureConnected(); !s.ok()) return s;
  try {
    m_impl->tx = std::make_unique<pqxx::work>(*m_impl->conn);
    return {};
  } catch (...) {
    return m_impl->toError("begin");
  }
}

Status PgStorage::commit() {
  if (!m_impl->tx) return makeError(errc::kQuery, "postgres: commit without transaction");
  try {
    m_impl->tx->commit();
    m_impl->tx.reset();
    return {};
  } catch (...) {
    auto e = m_impl->toError("commit");
    m_impl->tx.reset();
    return e;
  }
}

void PgStorage::rollback() noexcept {
  if (!m_impl->tx) return;
  try {
    m_impl->tx->abort();
  } catch (...) {
  }
  m_impl->tx.reset();
  if (m_impl->conn && !m_impl->conn->is_open()) m_impl->drop();
}

Status PgStorage::lockForMigration() {
  if (!m_impl->tx) return makeError(errc::kQuery, "postgres: migration lock outside a transaction");
  try {
    m_impl->tx->exec(fmt::format("SELECT pg_advisory_xact_lock({})", kMigrationLockKey));
    return {};
  } catch (...) {
    return m_impl->toError("migration lock");
  }
}

Result<std::size_t> PgStorage::writeBars(std::string_view symbol, std::string_view source,
                                         std::span<const domain::Bar> bars) {
  // Overlapping batch, under the series lock: insert every batch row not stored, then update the stored rows whose
  // values the batch changes. Two set-wise statements from a COPY-filled staging table instead of a speculative
  // insertion per row (INSERT .. ON CONFLICT DO UPDATE: about 1.7x slower on 1M changed rows); the rows written are
  // the inserted and the updated ones, so unchanged rows count 0. The update changes no key column, and the table
  // leaves half of every page free (fillfactor 50, sql/postgres/V004), so each new row version lands on its old
  // row's page as a heap-only tuple: no index entry is written and the page is pruned on a later visit. Measured by
  // `meridian-cli bench ingest` on 1M changed rows: 0.5 of raw COPY as delete + insert (the insert must check a
  // million dead keys), 0.3 as an update on full pages, 0.85-0.88 as this. The insert goes first: its existence
  // check is an index-only scan, which after the update would have to visit every heap page the update left
  // not-all-visible (0.55-0.65 s instead of 0.85 s for 1M rows, psql by hand). No ON CONFLICT (it would make every
  // insert speculative): under the lock no writer can insert the key in between, and if one did anyway the unique
  // key fails the batch, which rolls back whole.
  static const char* kInsertMissing =
      "INSERT INTO data_ingestion.market_data "
      "(symbol, ts, source, open, high, low, close, volume, vwap, trades) "
      "SELECT $1::text, s.ts, $2::text, s.open, s.high, s.low, s.close, s.volume, s.vwap, s.trades "
      "FROM pg_temp.md_staging s WHERE NOT EXISTS (SELECT 1 FROM data_ingestion.market_data e "
      "WHERE e.symbol = $1::text AND e.source = $2::text AND e.ts BETWEEN $3::bigint AND $4::bigint AND e.ts = s.ts)";
  static const char* kUpdateChanged =
      "UPDATE data_ingestion.market_data m SET open = s.open, high = s.high, low = s.low, close = s.close, "
      "volume = s.volume, vwap = s.vwap, trades = s.trades FROM pg_temp.md_staging s "
      "WHERE m.symbol = $1::text AND m.source = $2::text AND m.ts BETWEEN $3::bigint AND $4::bigint AND m.ts = s.ts "
      "AND (m.open, m.high, m.low, m.close, m.volume, m.vwap, m.trades) IS DISTINCT FROM "
      "(s.open, s.high, s.low, s.close, s.volume, s.vwap, s.trades)";
  // Both statements bound the stored side to the batch's first and last stamps ($3, $4: the staging rows lie
  // between them, so the result is the same). Without the bound the join hashed the whole stored series: a 10k-bar
  // batch into a 1M-bar series spent 0.6 s per statement instead of 5-20 ms (bench ingest --batch 10000).
  // The update joins the batch to the stored series by hash; at the server's default work_mem (4 MB) a batch of
  // 1M rows spills the hash to disk in 16 parts and the update runs at half the speed. For this transaction only,
  // work_mem is raised to about 128 bytes per batch row (at most 256 MB), never lowered below the server's own.
  static const char* kJoinMemory =
      "SELECT set_config('work_mem', $1::text, true) WHERE pg_size_bytes(current_setting('work_mem')) < $2::bigint";
  static const char* kSeriesLock =
      "SELECT pg_advisory_xact_lock(hashtextextended($1::text || chr(31) || $2::text, 0))";
  static const char* kSeriesMax = "SELECT max(ts) FROM data_ingestion.market_data WHERE symbol = $1 AND source = $2";
  static const std::vector<std::string> kColumns{"ts", "open", "high", "low", "close", "volume", "vwap", "trades"};
  if (!m_impl->tx) return makeError(errc::kQuery, "postgres: writeBars outside a transaction");
  try {
    auto& t = *m_impl->tx;
    const std::string sym(symbol), src(source);
    // Writers of one series are serialised until commit, so "the batch is newer than everything stored" stays
    // true between the check and the write. bars is sorted and de-duplicated (prepareBarBatch).
    m_impl->prepare("bars_series_lock", [] { return std::string(kSeriesLock); });
    m_impl->prepare("bars_series_max", [] { return std::string(kSeriesMax); });
    t.exec_prepared("bars_series_lock", sym, src);
    const auto maxRow = t.exec_prepared("bars_series_max", sym, src);
    if (maxRow[0][0].is_null() || bars.front().ts > maxRow[0][0].as<std::int64_t>()) {
      // Append-only batch (the incremental-ingest case): nothing can conflict, so COPY straight into the table.
      // CHECK constraints still apply and a violation still rolls back the whole batch.
      static const std::vector<std::string> kAllColumns{"symbol", "ts",    "source", "open", "high",
                                                        "low",    "close", "volume", "vwap", "trades"};
      pqxx::stream_to stream{t, "data_ingestion.market_data", kAllColumns};
      for (const auto& b : bars)
        stream << std::make_tuple(sym, b.ts, src, num(b.open), num(b.high), num(b.low), num(b.close), num(b.volume),
                                  num(b.vwap), b.trades);
      stream.complete();
      return bars.size();
    }
    // Session-local staging table, emptied at every commit (and by rollback). IF NOT EXISTS keeps this correct
    // even if the session was silently re-established.
    t.exec0(
        "CREATE TEMP TABLE IF NOT EXISTS md_staging (ts BIGINT NOT NULL, open DOUBLE PRECISION NOT NULL, "
        "high DOUBLE PRECISION NOT NULL, low DOUBLE PRECISION NOT NULL, close DOUBLE PRECISION NOT NULL, "
        "volume DOUBLE PRECISION NOT NULL, vwap DOUBLE PRECISION NOT NULL, trades BIGINT NOT NULL) "
        "ON COMMIT DELETE ROWS");
    {
      pqxx::stream_to stream{t, "pg_temp.md_staging", kColumns};
      for (const auto& b : bars)
        stream << std::make_tuple(b.ts, num(b.open), num(b.high), num(b.low), num(b.close), num(b.volume),
                                  num(b.vwap), b.trades);
      stream.complete();
    }
    if (bars.size() > 1000) t.exec0("ANALYZE pg_temp.md_staging");  // join plans from the batch's real size
    m_impl->prepare("bars_join_memory", [] { return std::string(kJoinMemory); });
    m_impl->prepare("bars_insert_missing", [] { return std::string(kInsertMissing); });
    m_impl->prepare("bars_update_changed", [] { return std::string(kUpdateChanged); });
    constexpr std::int64_t kBytesPerRow = 128, kMinJoinBytes = 4LL << 20, kMaxJoinBytes = 256LL << 20;
    const std::int64_t joinBytes = std::clamp(std::int64_t(bars.size()) * kBytesPerRow, kMinJoinBytes, kMaxJoinBytes);
    t.exec_prepared("bars_join_memory", fmt::format("{}kB", joinBytes >> 10), joinBytes);
    const auto first = bars.front().ts, last = bars.back().ts;
    const auto inserted = t.exec_prepared("bars_insert_missing", sym, src, first, last);
    const auto updated = t.exec_prepared("bars_update_changed", sym, src, first, last);
    return std::size_t(inserted.affected_rows()) + std::size_t(updated.affected_rows());
  } catch (...) {
    auto e = m_impl->toError(fmt::format("upsert of {} bars for {} ({})", bars.size(), symbol, source));
    e.message += "; batch rolled back, nothing written";
    return e;
  }
}

Result<std::size_t> PgStorage::copyBarsRaw(std::string_view symbol, std::string_view source,
                                           std::span<const domain::Bar> bars) {
  if (bars.empty()) return std::size_t{0};
  Transaction tx(*this);
  if (auto s = tx.begin(); !s.ok()) return s.error();
  try {
    static const std::vector<std::string> kColumns{"symbol", "ts",     "source", "open", "high",
                                                   "low",    "close",  "volume", "vwap", "trades"};
    pqxx::stream_to stream{*m_impl->tx, "data_ingestion.market_data", kColumns};
    const std::string sym(symbol), src(source);
    for (const auto& b : bars)
      stream << std::make_tuple(sym, b.ts, src, num(b.open), num(b.high), num(b.low), num(b.close), num(b.volume),
                                num(b.vwap), b.trades);
    stream.complete();
  } catch (...) {
    auto e = m_impl->toError(fmt::format("raw COPY of {} bars for {} ({})", bars.size(), symbol, source));
    e.message += "; nothing written";
    return e;
  }
  if (auto s = tx.commit(); !s.ok()) return s.error();
  return bars.size();
}

}  // namespace meridian::storage
