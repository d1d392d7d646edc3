#include "core/storage/SqlStore.h"

#include "core/storage/BarBatch.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <fmt/format.h>

#include <chrono>
#include <limits>

namespace meridian::storage {
namespace {

using Value = SqlStore::Value;
using RowView = SqlStore::RowView;
using Stmt = SqlStore::Stmt;

Value str(std::string_view s) { return Value(std::string(s)); }
Value i64(std::int64_t v) { return Value(v); }
Value f64(double v) { return Value(v); }
Value optI64(const std::optional<std::int64_t>& v) { return v ? Value(*v) : Value(); }
Value optF64(const std::optional<double>& v) { return v ? Value(*v) : Value(); }
Value limitValue(std::size_t limit) {
  return limit == 0 || limit > std::size_t(std::numeric_limits<std::int64_t>::max())
             ? Value(std::numeric_limits<std::int64_t>::max())
             : Value(std::int64_t(limit));
}
std::optional<std::int64_t> optInteger(const RowView& r, int c) {
  return r.isNull(c) ? std::nullopt : std::optional<std::int64_t>(r.integer(c));
}
std::optional<double> optReal(const RowView& r, int c) {
  return r.isNull(c) ? std::nullopt : std::optional<double>(r.real(c));
}

Error corrupt(std::string_view table, std::string_view detail) {
  return makeError(errc::kQuery, fmt::format("corrupt row in {}: {}", table, detail));
}

// Collects rows mapped by `map` (which returns Result<T>) into a vector; the first mapping error wins.
template <class T, class Map>
struct Collector {
  std::vector<T> rows;
  std::optional<Error> error;
  Map map;
  void operator()(const RowView& r) {
    if (error) return;
    auto v = map(r);
    if (v.ok())
      rows.push_back(std::move(v).value());
    else
      error = v.error();
  }
};

template <class T, class Map>
Result<std::vector<T>> collect(Result<std::int64_t> execResult, Collector<T, Map>& c) {
  if (!execResult.ok()) return execResult.error();
  if (c.error) return *c.error;
  return std::move(c.rows);
}

// --- SQL --------------------------------------------------------------------------------------------------

constexpr const char* kOrderColumns =
    "client_order_id, broker_order_id, symbol, side, type, tif, quantity, limit_price, stop_price, "
    "trail_percent, status, filled_quantity, avg_fill_price, strategy_id, parent_id, reject_reason, created_ts, "
    "updated_ts";
constexpr const char* kFillColumns =
    "fill_id, client_order_id, symbol, side, quantity, price, commission, ts, strategy_id";
constexpr const char* kPositionColumns =
    "symbol, strategy_id, quantity, avg_cost, realized_pnl, last_price, updated_ts";
constexpr const char* kSymbolColumns =
    "symbol, name, exchange, asset_class, active, delisted_ts, tick_size, lot_size, updated_ts";
constexpr const char* kCompanyColumns =
    "symbol, name, sector, industry, country, website, description, employees, updated_ts";
constexpr const char* kKeyStatsColumns =
    "symbol, as_of_ts, market_cap, pe_ratio, forward_pe, eps, dividend_yield, beta, fifty_two_week_high, "
    "fifty_two_week_low, avg_volume, shares_outstanding";
constexpr const char* kJobColumns = "id, job_name, started_ts, finished_ts, status, attempt, message";
constexpr const char* kLogColumns = "id, ts, level, logger, message";
constexpr const char* kRunSummaryColumns =
    "id, strategy, params, symbols, start_ts, end_ts, created_ts, final_value, metrics";

std::string terminalStatusList() {
  std::string out;
  for (int i = 0; i <= int(domain::OrderStatus::Replaced); ++i) {
    const auto s = domain::OrderStatus(i);
    if (!domain::isTerminal(s)) continue;
    if (!out.empty()) out += ", ";
    out += fmt::format("'{}'", domain::toString(s));
  }
  return out;
}

const Stmt& stmtCreateMigrations() {
  static const Stmt s{"create_schema_migrations",
                      "CREATE TABLE IF NOT EXISTS {public}schema_migrations ("
                      " version INTEGER PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL,"
                      " applied_ts BIGINT NOT NULL)"};
  return s;
}

// --- row mapping ------------------------------------------------------------------------------------------

Result<domain::Order> readOrder(const RowView& r) {
  domain::Order o;
  o.clientOrderId = r.text(0);
  o.brokerOrderId = r.text(1);
  o.symbol = r.text(2);
  const auto side = domain::sideFromString(r.text(3));
  const auto type = domain::orderTypeFromString(r.text(4));
  const auto tif = domain::timeInForceFromString(r.text(5));
  const auto status = domain::orderStatusFromString(r.text(10));
  if (!side || !type || !tif || !status) return corrupt("orders", fmt::format("order {} has an unknown enum", o.clientOrderId));
  o.side = *side;
  o.type = *type;
  o.tif = *tif;
  o.quantity = r.real(6);
  o.limitPrice = r.real(7);
  o.stopPrice = r.real(8);
  o.trailPercent = r.real(9);
  o.status = *status;
  o.filledQuantity = r.real(11);
  o.avgFillPrice = r.real(12);
  o.strategyId = r.text(13);
  o.parentId = r.text(14);
  o.rejectReason = r.text(15);
  o.createdTs = r.integer(16);
  o.updatedTs = r.integer(17);
  return o;
}

Result<domain::Fill> readFill(const RowView& r) {
  domain::Fill f;
  f.fillId = r.text(0);
  f.clientOrderId = r.text(1);
  f.symbol = r.text(2);
  const auto side = domain::sideFromString(r.text(3));
  if (!side) return corrupt("fills", fmt::format("fill {} has an unknown side", f.fillId));
  f.side = *side;
  f.quantity = r.real(4);
  f.price = r.real(5);
  f.commission = r.real(6);
  f.ts = r.integer(7);
  f.strategyId = r.text(8);
  return f;
}

Result<domain::Position> readPosition(const RowView& r) {
  domain::Position p;
  p.symbol = r.text(0);
  p.strategyId = r.text(1);
  p.quantity = r.real(2);
  p.avgCost = r.real(3);
  p.realizedPnl = r.real(4);
  p.lastPrice = r.real(5);
  p.updatedTs = r.integer(6);
  return p;
}

Result<SymbolRecord> readSymbol(const RowView& r) {
  SymbolRecord s;
  s.instrument.symbol = r.text(0);
  s.instrument.name = r.text(1);
  s.instrument.exchange = r.text(2);
  const auto ac = domain::assetClassFromString(r.text(3));
  if (!ac) return corrupt("symbols", fmt::format("symbol {} has an unknown asset class", s.instrument.symbol));
  s.instrument.assetClass = *ac;
  s.instrument.active = r.boolean(4);
  s.delistedTs = optInteger(r, 5);
  s.instrument.tickSize = r.real(6);
  s.instrument.lotSize = r.real(7);
  s.updatedTs = r.integer(8);
  return s;
}

Result<CompanyInfo> readCompany(const RowView& r) {
  CompanyInfo c;
  c.symbol = r.text(0);
  c.name = r.text(1);
  c.sector = r.text(2);
  c.industry = r.text(3);
  c.country = r.text(4);
  c.website = r.text(5);
  c.description = r.text(6);
  c.employees = optInteger(r, 7);
  c.updatedTs = r.integer(8);
  return c;
}

Result<KeyStatistics> readKeyStats(const RowView& r) {
  KeyStatistics k;
  k.symbol = r.text(0);
  k.asOfTs = r.integer(1);
  k.marketCap = optReal(r, 2);
  k.peRatio = optReal(r, 3);
  k.forwardPe = optReal(r, 4);
  k.eps = optReal(r, 5);
  k.dividendYield = optReal(r, 6);
  k.beta = optReal(r, 7);
  k.fiftyTwoWeekHigh = optReal(r, 8);
  k.fiftyTwoWeekLow = optReal(r, 9);
  k.avgVolume = optReal(r, 10);
  k.sharesOutstanding = optReal(r, 11);
  return k;
}

Result<JobRunRecord> readJob(const RowView& r) {
  JobRunRecord j;
  j.id = r.integer(0);
  j.jobName = r.text(1);
  j.startedTs = r.integer(2);
  j.finishedTs = optInteger(r, 3);
  j.status = r.text(4);
  j.attempt = int(r.integer(5));
  j.message = r.text(6);
  return j;
}

Result<LogRow> readLog(const RowView& r) {
  LogRow l;
  l.id = r.integer(0);
  l.ts = r.integer(1);
  l.level = r.text(2);
  l.logger = r.text(3);
  l.message = r.text(4);
  return l;
}

std::string encodeSymbols(const std::vector<std::string>& symbols) {
  QJsonArray a;
  for (const auto& s : symbols) a.append(QString::fromStdString(s));
  return QJsonDocument(a).toJson(QJsonDocument::Compact).toStdString();
}

std::vector<std::string> decodeSymbols(const std::string& json) {
  std::vector<std::string> out;
  const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(json));
  for (const auto& v : doc.array()) out.push_back(v.toString().toStdString());
  return out;
}

// Columns 0..8 of kRunSummaryColumns (+ 9, 10 for equity_curve, trades when full).
Result<BacktestRunRecord> readRun(const RowView& r, bool full) {
  BacktestRunRecord b;
  b.id = r.integer(0);
  b.strategy = r.text(1);
  b.paramsJson = r.text(2);
  b.symbols = decodeSymbols(r.text(3));
  b.startTs = r.integer(4);
  b.endTs = r.integer(5);
  b.createdTs = r.integer(6);
  b.finalValue = r.real(7);
  b.metricsJson = r.text(8);
  if (full) {
    b.equityCurveJson = r.text(9);
    b.tradesJson = r.text(10);
  }
  return b;
}

template <class T, class Map>
Collector<T, Map> makeCollector(Map map) {
  return Collector<T, Map>{{}, std::nullopt, std::move(map)};
}

}  // namespace

// ---------------------------------------------------------------------------------------------------------

std::string SqlStore::translateSql(std::string_view sql, bool keepSchemas, bool dollarParams) {
  std::string out;
  out.reserve(sql.size() + 32);
  int param = 0;
  bool quoted = false;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'') quoted = !quoted;
    if (!quoted && c == '{') {
      const auto close = sql.find('}', i);
      if (close != std::string_view::npos) {
        if (keepSchemas) {
          out.append(sql.substr(i + 1, close - i - 1));
          out.push_back('.');
        }
        i = close;
        continue;
      }
    }
    if (!quoted && dollarParams && c == '?') {
      out += fmt::format("${}", ++param);
      continue;
    }
    out.push_back(c);
  }
  return out;
}

Status SqlStore::migrate() {
  auto available = loadMigrations(dialect(), migrationsDirectory());
  if (!available.ok()) return available.error();

  Transaction tx(*this);
  if (auto s = tx.begin(); !s.ok()) return s;
  if (auto s = lockForMigration(); !s.ok()) return s;
  if (auto s = execScript(translateSql(stmtCreateMigrations().sql, dialect() == "postgres", false)); !s.ok())
    return s;

  static const Stmt kApplied{"migrations_applied", "SELECT version, checksum FROM {public}schema_migrations"};
  std::vector<AppliedMigration> applied;
  auto r = exec(kApplied, {}, [&](const RowView& row) {
    applied.push_back(AppliedMigration{int(row.integer(0)), row.text(1)});
  });
  if (!r.ok()) return r.error();

  auto pending = pendingMigrations(*available, applied);
  if (!pending.ok()) return pending.error();
  if (pending->empty()) return {};  // up to date: the transaction rolls back (nothing was changed)

  static const Stmt kRecord{"migrations_record",
                            "INSERT INTO {public}schema_migrations (version, name, checksum, applied_ts) "
                            "VALUES (?, ?, ?, ?)"};
  for (const auto& m : *pending) {
    if (auto s = execScript(m.sql); !s.ok())
      return makeError(errc::kMigration, fmt::format("migration {} failed: {}", m.fileName, s.error().message));
    auto rec = exec(kRecord, {i64(m.version), str(m.name), str(m.checksum), i64(m_clock->now())});
    if (!rec.ok()) return rec.error();
  }
  return tx.commit();
}

// --- bars -------------------------------------------------------------------------------------------------

Result<std::size_t> SqlStore::upsertBars(std::string_view symbol, std::string_view source,
                                         std::span<const domain::Bar> bars) {
  return upsertBarsImpl(symbol, source, bars, nullptr);
}

Result<std::size_t> SqlStore::upsertBarsWithLoadRun(std::string_view symbol, std::string_view source,
                                                    std::span<const domain::Bar> bars, const LoadRun& run) {
  return upsertBarsImpl(symbol, source, bars, &run);
}

Result<std::size_t> SqlStore::upsertBarsImpl(std::string_view symbol, std::string_view source,
                                             std::span<const domain::Bar> bars, const LoadRun* run) {
  auto batch = detail::prepareBarBatch(symbol, source, bars);
  if (!batch.ok()) return batch.error();
  if (batch->bars.empty() && !run) return std::size_t{0};
  Transaction tx(*this);
  if (auto s = tx.begin(); !s.ok()) return s.error();
  Result<std::size_t> written = std::size_t{0};
  if (!batch->bars.empty()) written = writeBars(symbol, source, batch->bars);
  if (!written.ok()) return written.error();
  if (run)
    if (auto s = upsertLoadRun(*run); !s.ok()) return s.error();
  if (auto s = tx.commit(); !s.ok()) return s.error();
  return written;
}

Result<std::size_t> SqlStore::deleteSeries(std::string_view symbol, std::string_view source) {
  static const Stmt kBars{"series_delete", "DELETE FROM {data_ingestion}market_data WHERE symbol = ? AND source = ?"};
  static const Stmt kRun{"series_delete_run", "DELETE FROM {data_ingestion}load_runs WHERE symbol = ? AND source = ?"};
  Transaction tx(*this);
  if (auto s = tx.begin(); !s.ok()) return s.error();
  auto n = exec(kBars, {str(symbol), str(source)});
  if (!n.ok()) return n.error();
  if (auto r = exec(kRun, {str(symbol), str(source)}); !r.ok()) return r.error();
  if (auto s = tx.commit(); !s.ok()) return s.error();
  return static_cast<std::size_t>(n.value());
}

const SqlStore::Stmt& SqlStore::barsLoadStmt() {
  static const Stmt k{"bars_load",
                      "SELECT ts, open, high, low, close, volume, vwap, trades FROM {data_ingestion}market_data "
                      "WHERE symbol = ? AND source = ? AND ts >= ? AND ts < ? ORDER BY ts"};
  return k;
}

Result<std::vector<domain::Bar>> SqlStore::loadBars(std::string_view symbol, std::string_view source,
                                                    Timestamp fromTs, Timestamp toTs) {
  const Stmt& k = barsLoadStmt();
  std::vector<domain::Bar> out;
  auto r = exec(k, {str(symbol), str(source), i64(fromTs), i64(toTs)}, [&](const RowView& row) {
    out.push_back(barsLoadRow([&](int c) { return row.integer(c); }, [&](int c) { return row.real(c); }));
  });
  if (!r.ok()) return r.error();
  return out;
}

Result<std::optional<Timestamp>> SqlStore::latestBarTs(std::string_view symbol, std::string_view source) {
  static const Stmt k{"bars_latest",
                      "SELECT MAX(ts) FROM {data_ingestion}market_data WHERE symbol = ? AND source = ?"};
  std::optional<Timestamp> out;
  auto r = exec(k, {str(symbol), str(source)}, [&](const RowView& row) { out = optInteger(row, 0); });
  if (!r.ok()) return r.error();
  return out;
}

Result<std::vector<SeriesInfo>> SqlStore::listSeries() {
  static const Stmt k{"bars_series",
                      "SELECT symbol, source, COUNT(*), MIN(ts), MAX(ts) FROM {data_ingestion}market_data "
                      "GROUP BY symbol, source ORDER BY symbol, source"};
  std::vector<SeriesInfo> out;
  auto r = exec(k, {}, [&](const RowView& row) {
    out.push_back(SeriesInfo{row.text(0), row.text(1), row.integer(2), row.integer(3), row.integer(4)});
  });
  if (!r.ok()) return r.error();
  return out;
}

Status SqlStore::upsertLoadRun(const LoadRun& run) {
  static const Stmt k{"load_run_upsert",
                      "INSERT INTO {data_ingestion}load_runs (symbol, source, last_loaded_ts, updated_ts) "
                      "VALUES (?, ?, ?, ?) ON CONFLICT (symbol, source) DO UPDATE SET "
                      "last_loaded_ts = excluded.last_loaded_ts, updated_ts = excluded.updated_ts"};
  auto r = exec(k, {str(run.symbol), str(run.source), i64(run.lastLoadedTs), i64(run.updatedTs)});
  if (!r.ok()) return r.error();
  return {};
}

Result<std::optional<Timestamp>> SqlStore::lastLoadedTs(std::string_view symbol, std::string_view source) {
  static const Stmt k{"load_run_get",
                      "SELECT last_loaded_ts FROM {data_ingestion}load_runs WHERE symbol = ? AND source = ?"};
  std::optional<Timestamp> out;
  auto r = exec(k, {str(symbol), str(source)}, [&](const RowView& row) { out = row.integer(0); });
  if (!r.ok()) return r.error();
  return out;
}

// --- symbols ----------------------------------------------------------------------------------------------

Result<std::size_t> SqlStore::upsertSymbols(std::span<const SymbolRecord> symbols) {
  static const Stmt k{"symbols_upsert",
                      fmt::format("INSERT INTO {{data_ingestion}}symbols ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                  "ON CONFLICT (symbol) DO UPDATE SET name = excluded.name, "
                                  "exchange = excluded.exchange, asset_class = excluded.asset_class, "
                                  "active = excluded.active, delisted_ts = excluded.delisted_ts, "
                                  "tick_size = excluded.tick_size, lot_size = excluded.lot_size, "
                                  "updated_ts = excluded.updated_ts",
                                  kSymbolColumns)};
  if (symbols.empty()) return std::size_t{0};
  Transaction tx(*this);
  if (auto s = tx.begin(); !s.ok()) return s.error();
  std::size_t n = 0;
  for (const auto& s : symbols) {
    const auto& in = s.instrument;
    if (in.symbol.empty()) return makeError(errc::kInvalid, "symbol must not be empty");
    auto r = exec(k, {str(in.symbol), str(in.name), str(in.exchange), str(domain::toString(in.assetClass)),
                      i64(in.active ? 1 : 0), optI64(s.delistedTs), f64(in.tickSize), f64(in.lotSize),
                      i64(s.updatedTs)});
    if (!r.ok()) return r.error();
    n += std::size_t(*r);
  }
  if (auto s = tx.commit(); !s.ok()) return s.error();
  return n;
}

Result<std::vector<SymbolRecord>> SqlStore::listSymbols(bool activeOnly) {
  static const Stmt kAll{"symbols_list", fmt::format("SELECT {} FROM {{data_ingestion}}symbols ORDER BY symbol",
                                                     kSymbolColumns)};
  static const Stmt kActive{"symbols_list_active",
                            fmt::format("SELECT {} FROM {{data_ingestion}}symbols WHERE active = ? AND "
                                        "delisted_ts IS NULL ORDER BY symbol",
                                        kSymbolColumns)};
  auto c = makeCollector<SymbolRecord>(readSymbol);
  auto r = activeOnly ? exec(kActive, {i64(1)}, std::ref(c)) : exec(kAll, {}, std::ref(c));
  return collect(std::move(r), c);
}

Result<std::optional<SymbolRecord>> SqlStore::getSymbol(std::string_view symbol) {
  static const Stmt k{"symbols_get",
                      fmt::format("SELECT {} FROM {{data_ingestion}}symbols WHERE symbol = ?", kSymbolColumns)};
  auto c = makeCollector<SymbolRecord>(readSymbol);
  auto rows = collect(exec(k, {str(symbol)}, std::ref(c)), c);
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<SymbolRecord>{};
  return std::optional<SymbolRecord>(std::move(rows->front()));
}

Status SqlStore::upsertCompanyInfo(const CompanyInfo& info) {
  static const Stmt k{"company_upsert",
                      fmt::format("INSERT INTO {{data_ingestion}}company_info ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                  "ON CONFLICT (symbol) DO UPDATE SET name = excluded.name, "
                                  "sector = excluded.sector, industry = excluded.industry, "
                                  "country = excluded.country, website = excluded.website, "
                                  "description = excluded.description, employees = excluded.employees, "
                                  "updated_ts = excluded.updated_ts",
                                  kCompanyColumns)};
  if (info.symbol.empty()) return makeError(errc::kInvalid, "company info: symbol must not be empty");
  auto r = exec(k, {str(info.symbol), str(info.name), str(info.sector), str(info.industry), str(info.country),
                    str(info.website), str(info.description), optI64(info.employees), i64(info.updatedTs)});
  if (!r.ok()) return r.error();
  return {};
}

Result<std::optional<CompanyInfo>> SqlStore::getCompanyInfo(std::string_view symbol) {
  static const Stmt k{"company_get", fmt::format("SELECT {} FROM {{data_ingestion}}company_info WHERE symbol = ?",
                                                 kCompanyColumns)};
  auto c = makeCollector<CompanyInfo>(readCompany);
  auto rows = collect(exec(k, {str(symbol)}, std::ref(c)), c);
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<CompanyInfo>{};
  return std::optional<CompanyInfo>(std::move(rows->front()));
}

Status SqlStore::upsertKeyStatistics(const KeyStatistics& s) {
  static const Stmt k{"keystats_upsert",
                      fmt::format("INSERT INTO {{data_ingestion}}key_statistics ({}) VALUES "
                                  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                  "ON CONFLICT (symbol, as_of_ts) DO UPDATE SET market_cap = excluded.market_cap, "
                                  "pe_ratio = excluded.pe_ratio, forward_pe = excluded.forward_pe, "
                                  "eps = excluded.eps, dividend_yield = excluded.dividend_yield, "
                                  "beta = excluded.beta, fifty_two_week_high = excluded.fifty_two_week_high, "
                                  "fifty_two_week_low = excluded.fifty_two_week_low, "
                                  "avg_volume = excluded.avg_volume, "
                                  "shares_outstanding = excluded.shares_outstanding",
                                  kKeyStatsColumns)};
  if (s.symbol.empty()) return makeError(errc::kInvalid, "key statistics: symbol must not be empty");
  auto r = exec(k, {str(s.symbol), i64(s.asOfTs), optF64(s.marketCap), optF64(s.peRatio), optF64(s.forwardPe),
                    optF64(s.eps), optF64(s.dividendYield), optF64(s.beta), optF64(s.fiftyTwoWeekHigh),
                    optF64(s.fiftyTwoWeekLow), optF64(s.avgVolume), optF64(s.sharesOutstanding)});
  if (!r.ok()) return r.error();
  return {};
}

Result<std::optional<KeyStatistics>> SqlStore::latestKeyStatistics(std::string_view symbol) {
  static const Stmt k{"keystats_latest",
                      fmt::format("SELECT {} FROM {{data_ingestion}}key_statistics WHERE symbol = ? "
                                  "ORDER BY as_of_ts DESC LIMIT 1",
                                  kKeyStatsColumns)};
  auto c = makeCollector<KeyStatistics>(readKeyStats);
  auto rows = collect(exec(k, {str(symbol)}, std::ref(c)), c);
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<KeyStatistics>{};
  return std::optional<KeyStatistics>(std::move(rows->front()));
}

// --- orders, fills, positions -----------------------------------------------------------------------------

Status SqlStore::journalOrder(const domain::Order& o) {
  static const Stmt k{
      "order_upsert",
      fmt::format("INSERT INTO {{execution}}orders ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                  "ON CONFLICT (client_order_id) DO UPDATE SET broker_order_id = excluded.broker_order_id, "
                  "symbol = excluded.symbol, side = excluded.side, type = excluded.type, tif = excluded.tif, "
                  "quantity = excluded.quantity, limit_price = excluded.limit_price, "
                  "stop_price = excluded.stop_price, trail_percent = excluded.trail_percent, "
                  "status = excluded.status, filled_quantity = excluded.filled_quantity, "
                  "avg_fill_price = excluded.avg_fill_price, strategy_id = excluded.strategy_id, "
                  "parent_id = excluded.parent_id, reject_reason = excluded.reject_reason, "
                  "created_ts = excluded.created_ts, updated_ts = excluded.updated_ts "
                  "WHERE excluded.updated_ts >= orders.updated_ts",
                  kOrderColumns)};
  if (o.clientOrderId.empty()) return makeError(errc::kInvalid, "order: clientOrderId must not be empty");
  auto r = exec(k, {str(o.clientOrderId), str(o.brokerOrderId), str(o.symbol), str(domain::toString(o.side)),
                    str(domain::toString(o.type)), str(domain::toString(o.tif)), f64(o.quantity), f64(o.limitPrice),
                    f64(o.stopPrice), f64(o.trailPercent), str(domain::toString(o.status)), f64(o.filledQuantity),
                    f64(o.avgFillPrice), str(o.strategyId), str(o.parentId), str(o.rejectReason),
                    i64(o.createdTs), i64(o.updatedTs)});
  if (!r.ok()) return r.error();
  return {};
}

Result<std::optional<domain::Order>> SqlStore::loadOrder(std::string_view clientOrderId) {
  static const Stmt k{"order_get",
                      fmt::format("SELECT {} FROM {{execution}}orders WHERE client_order_id = ?", kOrderColumns)};
  auto c = makeCollector<domain::Order>(readOrder);
  auto rows = collect(exec(k, {str(clientOrderId)}, std::ref(c)), c);
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<domain::Order>{};
  return std::optional<domain::Order>(std::move(rows->front()));
}

Result<std::vector<domain::Order>> SqlStore::loadOpenOrders() {
  static const Stmt k{"orders_open",
                      fmt::format("SELECT {} FROM {{execution}}orders WHERE status NOT IN ({}) "
                                  "ORDER BY created_ts, client_order_id",
                                  kOrderColumns, terminalStatusList())};
  auto c = makeCollector<domain::Order>(readOrder);
  return collect(exec(k, {}, std::ref(c)), c);
}

Result<std::vector<domain::Order>> SqlStore::loadOrders(std::size_t limit) {
  static const Stmt k{"orders_recent",
                      fmt::format("SELECT {} FROM {{execution}}orders "
                                  "ORDER BY created_ts DESC, client_order_id DESC LIMIT ?",
                                  kOrderColumns)};
  auto c = makeCollector<domain::Order>(readOrder);
  return collect(exec(k, {limitValue(limit)}, std::ref(c)), c);
}

Result<bool> SqlStore::recordFill(const domain::Fill& f) {
  static const Stmt k{"fill_insert",
                      fmt::format("INSERT INTO {{execution}}fills ({}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                                  "ON CONFLICT (fill_id) DO NOTHING",
                                  kFillColumns)};
  if (f.fillId.empty()) return makeError(errc::kInvalid, "fill: fillId must not be empty");
  auto r = exec(k, {str(f.fillId), str(f.clientOrderId), str(f.symbol), str(domain::toString(f.side)),
                    f64(f.quantity), f64(f.price), f64(f.commission), i64(f.ts), str(f.strategyId)});
  if (!r.ok()) return r.error();
  return *r > 0;
}

Result<std::vector<domain::Fill>> SqlStore::loadFills(std::string_view clientOrderId, std::size_t limit) {
  static const Stmt kAll{"fills_all", fmt::format("SELECT {} FROM {{execution}}fills "
                                                  "ORDER BY ts DESC, fill_id DESC LIMIT ?",
                                                  kFillColumns)};
  static const Stmt kOrder{"fills_order", fmt::format("SELECT {} FROM {{execution}}fills WHERE client_order_id = ? "
                                                      "ORDER BY ts DESC, fill_id DESC LIMIT ?",
                                                      kFillColumns)};
  auto c = makeCollector<domain::Fill>(readFill);
  auto r = clientOrderId.empty() ? exec(kAll, {limitValue(limit)}, std::ref(c))
                                 : exec(kOrder, {str(clientOrderId), limitValue(limit)}, std::ref(c));
  return collect(std::move(r), c);
}

Result<std::vector<domain::Fill>> SqlStore::loadStrategyFills(std::string_view strategyId) {
  static const Stmt k{"fills_strategy", fmt::format("SELECT {} FROM {{execution}}fills WHERE strategy_id = ? "
                                                    "ORDER BY ts, fill_id",
                                                    kFillColumns)};
  auto c = makeCollector<domain::Fill>(readFill);
  return collect(exec(k, {str(strategyId)}, std::ref(c)), c);
}

Status SqlStore::savePosition(const domain::Position& p) {
  static const Stmt k{"position_upsert",
                      fmt::format("INSERT INTO {{execution}}positions ({}) VALUES (?, ?, ?, ?, ?, ?, ?) "
                                  "ON CONFLICT (symbol, strategy_id) DO UPDATE SET quantity = excluded.quantity, "
                                  "avg_cost = excluded.avg_cost, realized_pnl = excluded.realized_pnl, "
                                  "last_price = excluded.last_price, updated_ts = excluded.updated_ts",
                                  kPositionColumns)};
  if (p.symbol.empty()) return makeError(errc::kInvalid, "position: symbol must not be empty");
  auto r = exec(k, {str(p.symbol), str(p.strategyId), f64(p.quantity), f64(p.avgCost), f64(p.realizedPnl),
                    f64(p.lastPrice), i64(p.updatedTs)});
  if (!r.ok()) return r.error();
  return {};
}

Result<std::vector<domain::Position>> SqlStore::loadPositions() {
  static const Stmt k{"positions_all", fmt::format("SELECT {} FROM {{execution}}positions "
                                                   "ORDER BY symbol, strategy_id",
                                                   kPositionColumns)};
  auto c = makeCollector<domain::Position>(readPosition);
  return collect(exec(k, {}, std::ref(c)), c);
}

Status SqlStore::journalBatch(const JournalBatch& b) {
  if (b.empty()) return {};
  Transaction tx(*this);
  if (Status s = tx.begin(); !s.ok()) return s;
  for (const auto& o : b.orders)
    if (Status s = journalOrder(o); !s.ok()) return s;
  for (const auto& f : b.fills)
    if (auto r = recordFill(f); !r.ok()) return r.error();
  for (const auto& p : b.positions)
    if (Status s = savePosition(p); !s.ok()) return s;
  return tx.commit();
}

Result<std::int64_t> SqlStore::insertReturningId(const Stmt& stmt, std::initializer_list<Value> params,
                                                 std::string_view what) {
  std::optional<std::int64_t> id;
  auto r = exec(stmt, params, [&](const RowView& row) { id = row.integer(0); });
  if (!r.ok()) return r.error();
  if (!id) return makeError(errc::kQuery, fmt::format("{} insert returned no id", what));
  return *id;
}

Status SqlStore::updateRow(const Stmt& stmt, std::initializer_list<Value> params, std::string_view what,
                           std::int64_t id) {
  auto r = exec(stmt, params);
  if (!r.ok()) return r.error();
  if (*r == 0) return makeError(errc::kInvalid, fmt::format("{} {} not found", what, id));
  return {};
}

// --- runs -------------------------------------------------------------------------------------------------

Result<std::int64_t> SqlStore::saveBacktestRun(const BacktestRunRecord& b) {
  static const Stmt k{"backtest_insert",
                      "INSERT INTO {analytics}backtest_runs (strategy, params, symbols, start_ts, end_ts, "
                      "created_ts, final_value, metrics, equity_curve, trades) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"};
  return insertReturningId(k,
                           {str(b.strategy), str(b.paramsJson), str(encodeSymbols(b.symbols)), i64(b.startTs),
                            i64(b.endTs), i64(b.createdTs), f64(b.finalValue), str(b.metricsJson),
                            str(b.equityCurveJson), str(b.tradesJson)},
                           "backtest run");
}

Result<std::optional<BacktestRunRecord>> SqlStore::loadBacktestRun(std::int64_t id) {
  static const Stmt k{"backtest_get", fmt::format("SELECT {}, equity_curve, trades FROM {{analytics}}backtest_runs "
                                                  "WHERE id = ?",
                                                  kRunSummaryColumns)};
  auto c = makeCollector<BacktestRunRecord>([](const RowView& r) { return readRun(r, true); });
  auto rows = collect(exec(k, {i64(id)}, std::ref(c)), c);
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<BacktestRunRecord>{};
  return std::optional<BacktestRunRecord>(std::move(rows->front()));
}

Result<std::vector<BacktestRunRecord>> SqlStore::listBacktestRuns(std::size_t limit) {
  static const Stmt k{"backtest_list", fmt::format("SELECT {} FROM {{analytics}}backtest_runs "
                                                   "ORDER BY created_ts DESC, id DESC LIMIT ?",
                                                   kRunSummaryColumns)};
  auto c = makeCollector<BacktestRunRecord>([](const RowView& r) { return readRun(r, false); });
  return collect(exec(k, {limitValue(limit)}, std::ref(c)), c);
}

Result<std::int64_t> SqlStore::recordJobRun(const JobRunRecord& j) {
  static const Stmt k{"job_insert",
                      "INSERT INTO {logging}job_runs (job_name, started_ts, finished_ts, status, attempt, message) "
                      "VALUES (?, ?, ?, ?, ?, ?) RETURNING id"};
  if (j.jobName.empty()) return makeError(errc::kInvalid, "job run: jobName must not be empty");
  return insertReturningId(
      k, {str(j.jobName), i64(j.startedTs), optI64(j.finishedTs), str(j.status), i64(j.attempt), str(j.message)},
      "job run");
}

Status SqlStore::updateJobRun(const JobRunRecord& j) {
  static const Stmt k{"job_update",
                      "UPDATE {logging}job_runs SET finished_ts = ?, status = ?, attempt = ?, message = ? "
                      "WHERE id = ?"};
  return updateRow(k, {optI64(j.finishedTs), str(j.status), i64(j.attempt), str(j.message), i64(j.id)}, "job run",
                   j.id);
}

Result<std::vector<JobRunRecord>> SqlStore::listJobRuns(std::string_view jobName, std::size_t limit) {
  static const Stmt kAll{"jobs_all", fmt::format("SELECT {} FROM {{logging}}job_runs "
                                                 "ORDER BY started_ts DESC, id DESC LIMIT ?",
                                                 kJobColumns)};
  static const Stmt kJob{"jobs_by_name", fmt::format("SELECT {} FROM {{logging}}job_runs WHERE job_name = ? "
                                                     "ORDER BY started_ts DESC, id DESC LIMIT ?",
                                                     kJobColumns)};
  auto c = makeCollector<JobRunRecord>(readJob);
  auto r = jobName.empty() ? exec(kAll, {limitValue(limit)}, std::ref(c))
                           : exec(kJob, {str(jobName), limitValue(limit)}, std::ref(c));
  return collect(std::move(r), c);
}

// --- notification outbox (notification.notifications) --------------------------------------------------------

namespace {
constexpr const char* kNotificationColumns =
    "id, ts, channel, subject, body, status, event_key, attempts, last_error, updated_ts";

Result<NotificationRecord> readNotification(const RowView& r) {
  NotificationRecord n;
  n.id = r.integer(0);
  n.ts = r.integer(1);
  n.channel = r.text(2);
  n.subject = r.text(3);
  n.body = r.text(4);
  n.status = r.text(5);
  n.eventKey = r.text(6);
  n.attempts = int(r.integer(7));
  n.lastError = r.text(8);
  n.updatedTs = r.integer(9);
  return n;
}
}  // namespace

Result<std::int64_t> SqlStore::addNotification(const NotificationRecord& n) {
  static const Stmt k{"notification_insert",
                      "INSERT INTO {notification}notifications (ts, channel, subject, body, status, event_key, attempts, "
                      "last_error, updated_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"};
  if (n.channel.empty()) return makeError(errc::kInvalid, "notification: channel must not be empty");
  return insertReturningId(k,
                           {i64(n.ts), str(n.channel), str(n.subject), str(n.body), str(n.status), str(n.eventKey),
                            i64(n.attempts), str(n.lastError), i64(n.updatedTs)},
                           "notification");
}

Status SqlStore::updateNotification(const NotificationRecord& n) {
  static const Stmt k{"notification_update",
                      "UPDATE {notification}notifications SET status = ?, attempts = ?, last_error = ?, updated_ts = ? "
                      "WHERE id = ?"};
  return updateRow(k, {str(n.status), i64(n.attempts), str(n.lastError), i64(n.updatedTs), i64(n.id)}, "notification",
                   n.id);
}

Result<std::vector<NotificationRecord>> SqlStore::listNotifications(std::string_view status, std::size_t limit) {
  static const Stmt kAll{"notifications_all", fmt::format("SELECT {} FROM {{notification}}notifications "
                                                          "ORDER BY id LIMIT ?",
                                                          kNotificationColumns)};
  static const Stmt kStatus{"notifications_by_status",
                            fmt::format("SELECT {} FROM {{notification}}notifications WHERE status = ? "
                                        "ORDER BY id LIMIT ?",
                                        kNotificationColumns)};
  auto c = makeCollector<NotificationRecord>(readNotification);
  auto r = status.empty() ? exec(kAll, {limitValue(limit)}, std::ref(c))
                          : exec(kStatus, {str(status), limitValue(limit)}, std::ref(c));
  return collect(std::move(r), c);
}

// --- strategy state (strategy_engine.strategy_state) ---------------------------------------------------------

namespace {
constexpr const char* kStrategyStateColumns = "strategy_id, params, state, updated_ts";

bool isJsonObject(const std::string& text) {
  QJsonParseError err{};
  const auto doc = QJsonDocument::fromJson(QByteArray::fromStdString(text), &err);
  return err.error == QJsonParseError::NoError && doc.isObject();
}

Result<StrategyStateRecord> readStrategyState(const RowView& r) {
  StrategyStateRecord s;
  s.strategyId = r.text(0);
  s.paramsJson = r.text(1);
  s.stateJson = r.text(2);
  s.updatedTs = r.integer(3);
  return s;
}
}  // namespace

Status SqlStore::saveStrategyState(const StrategyStateRecord& s) {
  static const Stmt k{"strategy_state_upsert",
                      fmt::format("INSERT INTO {{strategy_engine}}strategy_state ({}) VALUES (?, ?, ?, ?) "
                                  "ON CONFLICT (strategy_id) DO UPDATE SET params = excluded.params, "
                                  "state = excluded.state, updated_ts = excluded.updated_ts",
                                  kStrategyStateColumns)};
  if (s.strategyId.empty()) return makeError(errc::kInvalid, "strategy state: strategyId must not be empty");
  // Checked here so that SQLite (TEXT columns) refuses what PostgreSQL (jsonb) would.
  if (!isJsonObject(s.paramsJson) || !isJsonObject(s.stateJson))
    return makeError(errc::kInvalid,
                     fmt::format("strategy state {}: params and state must be JSON objects", s.strategyId));
  auto r = exec(k, {str(s.strategyId), str(s.paramsJson), str(s.stateJson), i64(s.updatedTs)});
  if (!r.ok()) return r.error();
  return {};
}

Result<std::optional<StrategyStateRecord>> SqlStore::loadStrategyState(std::string_view strategyId) {
  static const Stmt k{"strategy_state_get",
                      fmt::format("SELECT {} FROM {{strategy_engine}}strategy_state WHERE strategy_id = ?",
                                  kStrategyStateColumns)};
  auto c = makeCollector<StrategyStateRecord>(readStrategyState);
  auto rows = collect(exec(k, {str(strategyId)}, std::ref(c)), c);
  if (!rows.ok()) return rows.error();
  if (rows->empty()) return std::optional<StrategyStateRecord>{};
  return std::optional<StrategyStateRecord>(std::move(rows->front()));
}

Result<std::vector<StrategyStateRecord>> SqlStore::listStrategyStates() {
  static const Stmt k{"strategy_state_all", fmt::format("SELECT {} FROM {{strategy_engine}}strategy_state "
                                                        "ORDER BY strategy_id",
                                                        kStrategyStateColumns)};
  auto c = makeCollector<StrategyStateRecord>(readStrategyState);
  return collect(exec(k, {}, std::ref(c)), c);
}

Result<bool> SqlStore::deleteStrategyState(std::string_view strategyId) {
  static const Stmt k{"strategy_state_delete", "DELETE FROM {strategy_engine}strategy_state WHERE strategy_id = ?"};
  auto r = exec(k, {str(strategyId)});
  if (!r.ok()) return r.error();
  return *r > 0;
}

// --- logs -------------------------------------------------------------------------------------------------

Result<std::size_t> SqlStore::appendLogs(std::span<const LogRow> rows) {
  static const Stmt k{"log_insert", "INSERT INTO {logging}logs (ts, level, logger, message) VALUES (?, ?, ?, ?)"};
  if (rows.empty()) return std::size_t{0};
  Transaction tx(*this);
  if (auto s = tx.begin(); !s.ok()) return s.error();
  for (const auto& l : rows) {
    auto r = exec(k, {i64(l.ts), str(l.level), str(l.logger), str(l.message)});
    if (!r.ok()) return r.error();
  }
  if (auto s = tx.commit(); !s.ok()) return s.error();
  return rows.size();
}

Result<std::vector<LogRow>> SqlStore::recentLogs(std::size_t limit) {
  static const Stmt k{"logs_recent", fmt::format("SELECT {} FROM {{logging}}logs ORDER BY ts DESC, id DESC LIMIT ?",
                                                 kLogColumns)};
  auto c = makeCollector<LogRow>(readLog);
  return collect(exec(k, {limitValue(limit)}, std::ref(c)), c);
}

// --- discovered pairs (pair_discovery job; sql V002__discovered_pairs) ----------------------------------------

namespace {
constexpr const char* kPairColumns =
    "run_ts, rank, first_symbol, second_symbol, source, observations, hedge_ratio, intercept, adf_statistic, "
    "p_value, half_life, correlation, mean_abs_z, score";

Result<DiscoveredPair> readPair(const SqlStore::RowView& r) {
  DiscoveredPair p;
  p.runTs = r.integer(0);
  p.rank = int(r.integer(1));
  p.first = r.text(2);
  p.second = r.text(3);
  p.source = r.text(4);
  p.observations = r.integer(5);
  p.hedgeRatio = r.real(6);
  p.intercept = r.real(7);
  p.adfStatistic = r.real(8);
  p.pValue = r.real(9);
  if (!r.isNull(10)) p.halfLife = r.real(10);
  p.correlation = r.real(11);
  p.meanAbsZ = r.real(12);
  p.score = r.real(13);
  return p;
}
}  // namespace

Status SqlStore::saveDiscoveredPairs(std::span<const DiscoveredPair> pairs, std::size_t keepRuns) {
  static const Stmt kDeleteRun{"pairs_delete_run", "DELETE FROM {strategy_engine}discovered_pairs WHERE run_ts = ?"};
  static const Stmt kInsert{"pairs_insert",
                            fmt::format("INSERT INTO {{strategy_engine}}discovered_pairs ({}) "
                                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                        kPairColumns)};
  static const Stmt kPrune{"pairs_prune",
                           "DELETE FROM {strategy_engine}discovered_pairs WHERE run_ts NOT IN "
                           "(SELECT DISTINCT run_ts FROM {strategy_engine}discovered_pairs ORDER BY run_ts DESC LIMIT ?)"};
  if (pairs.empty()) return {};
  const Timestamp runTs = pairs.front().runTs;
  for (const auto& p : pairs) {
    if (p.runTs != runTs) return makeError(errc::kInvalid, "discovered pairs: every pair of a run needs the same runTs");
    if (p.first.empty() || p.second.empty() || p.first == p.second)
      return makeError(errc::kInvalid, fmt::format("discovered pairs: invalid pair '{}'/'{}'", p.first, p.second));
    if (p.rank < 1) return makeError(errc::kInvalid, fmt::format("discovered pairs: rank {} < 1", p.rank));
  }
  Transaction tx(*this);
  if (auto s = tx.begin(); !s.ok()) return s.error();
  if (auto r = exec(kDeleteRun, {i64(runTs)}); !r.ok()) return r.error();
  for (const auto& p : pairs) {
    auto r = exec(kInsert, {i64(p.runTs), i64(p.rank), str(p.first), str(p.second), str(p.source),
                            i64(p.observations), f64(p.hedgeRatio), f64(p.intercept), f64(p.adfStatistic),
                            f64(p.pValue), optF64(p.halfLife), f64(p.correlation), f64(p.meanAbsZ), f64(p.score)});
    if (!r.ok()) return r.error();
  }
  if (keepRuns > 0)
    if (auto r = exec(kPrune, {limitValue(keepRuns)}); !r.ok()) return r.error();
  return tx.commit();
}

Result<std::vector<DiscoveredPair>> SqlStore::latestDiscoveredPairs(std::size_t limit) {
  static const Stmt k{"pairs_latest",
                      fmt::format("SELECT {} FROM {{strategy_engine}}discovered_pairs WHERE run_ts = "
                                  "(SELECT MAX(run_ts) FROM {{strategy_engine}}discovered_pairs) "
                                  "ORDER BY rank LIMIT ?",
                                  kPairColumns)};
  auto c = makeCollector<DiscoveredPair>(readPair);
  return collect(exec(k, {limitValue(limit)}, std::ref(c)), c);
}

}  // namespace meridian::storage
