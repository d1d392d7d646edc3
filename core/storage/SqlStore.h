#pragma once
// Shared implementation of IStorage for the SQL backends (SqliteStorage, PgStorage).
//
// Every store method is written once here, in portable SQL (ON CONFLICT upserts, RETURNING, LIMIT), so both
// backends have identical semantics. A backend supplies only a handful of primitives: prepared-statement
// execution with typed row access, transactions, raw script execution (migrations) and the bar bulk write
// (SQLite: prepared-statement loop; PostgreSQL: COPY into a staging table + INSERT .. SELECT .. ON CONFLICT).
//
// SQL text uses `?` placeholders and `{schema}` table prefixes, e.g. "{execution}orders": the PostgreSQL
// backend rewrites them to $1.. and "execution.orders", SQLite drops the prefix.
#include "core/common/Clock.h"
#include "core/storage/IStorage.h"
#include "core/storage/Migrations.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace meridian::storage {

class SqlStore : public IStorage {
 public:
  // --- primitives for backends -------------------------------------------------------------------------
  // Typed access to the current row of a result. Column indexes are 0-based.
  class RowView {
   public:
    virtual bool isNull(int column) const = 0;
    virtual std::string text(int column) const = 0;
    virtual double real(int column) const = 0;
    virtual std::int64_t integer(int column) const = 0;
    virtual bool boolean(int column) const = 0;

   protected:
    ~RowView() = default;
  };
  using Value = std::variant<std::monostate, std::int64_t, double, std::string>;  // monostate = NULL
  using RowFn = std::function<void(const RowView&)>;
  // A statement: `key` is a stable unique name used to cache the prepared statement.
  struct Stmt {
    const char* key;
    std::string sql;
  };

  // --- IStorage ------------------------------------------------------------------------------------------
  Status migrate() override;

  Result<std::size_t> upsertBars(std::string_view symbol, std::string_view source,
                                 std::span<const domain::Bar> bars) override;
  Result<std::size_t> upsertBarsWithLoadRun(std::string_view symbol, std::string_view source,
                                            std::span<const domain::Bar> bars, const LoadRun& run) override;
  Result<std::size_t> deleteSeries(std::string_view symbol, std::string_view source) override;
  Result<std::vector<domain::Bar>> loadBars(std::string_view symbol, std::string_view source, Timestamp fromTs,
                                            Timestamp toTs) override;
  Result<std::optional<Timestamp>> latestBarTs(std::string_view symbol, std::string_view source) override;
  Result<std::vector<SeriesInfo>> listSeries() override;
  Status upsertLoadRun(const LoadRun& run) override;
  Result<std::optional<Timestamp>> lastLoadedTs(std::string_view symbol, std::string_view source) override;

  Result<std::size_t> upsertSymbols(std::span<const SymbolRecord> symbols) override;
  Result<std::vector<SymbolRecord>> listSymbols(bool activeOnly) override;
  Result<std::optional<SymbolRecord>> getSymbol(std::string_view symbol) override;
  Status upsertCompanyInfo(const CompanyInfo& info) override;
  Result<std::optional<CompanyInfo>> getCompanyInfo(std::string_view symbol) override;
  Status upsertKeyStatistics(const KeyStatistics& stats) override;
  Result<std::optional<KeyStatistics>> latestKeyStatistics(std::string_view symbol) override;

  Status journalOrder(const domain::Order& order) override;
  Result<std::optional<domain::Order>> loadOrder(std::string_view clientOrderId) override;
  Result<std::vector<domain::Order>> loadOpenOrders() override;
  Result<std::vector<domain::Order>> loadOrders(std::size_t limit) override;
  Result<bool> recordFill(const domain::Fill& fill) override;
  Result<std::vector<domain::Fill>> loadFills(std::string_view clientOrderId, std::size_t limit) override;
  Result<std::vector<domain::Fill>> loadStrategyFills(std::string_view strategyId) override;
  Status savePosition(const domain::Position& position) override;
  Result<std::vector<domain::Position>> loadPositions() override;
  Status journalBatch(const JournalBatch& batch) override;

  Result<std::int64_t> saveBacktestRun(const BacktestRunRecord& run) override;
  Result<std::optional<BacktestRunRecord>> loadBacktestRun(std::int64_t id) override;
  Result<std::vector<BacktestRunRecord>> listBacktestRuns(std::size_t limit) override;
  Result<std::int64_t> recordJobRun(const JobRunRecord& run) override;
  Status updateJobRun(const JobRunRecord& run) override;
  Result<std::vector<JobRunRecord>> listJobRuns(std::string_view jobName, std::size_t limit) override;

  Result<std::int64_t> addNotification(const NotificationRecord& n) override;
  Status updateNotification(const NotificationRecord& n) override;
  Result<std::vector<NotificationRecord>> listNotifications(std::string_view status, std::size_t limit) override;

  Status saveStrategyState(const StrategyStateRecord& record) override;
  Result<bool> deleteStrategyState(std::string_view strategyId) override;
  Result<std::optional<StrategyStateRecord>> loadStrategyState(std::string_view strategyId) override;
  Result<std::vector<StrategyStateRecord>> listStrategyStates() override;

  Result<std::size_t> appendLogs(std::span<const LogRow> rows) override;
  Result<std::vector<LogRow>> recentLogs(std::size_t limit) override;

  // --- discovered pairs (pair_discovery job) ---
  Status saveDiscoveredPairs(std::span<const DiscoveredPair> pairs, std::size_t keepRuns) override;
  Result<std::vector<DiscoveredPair>> latestDiscoveredPairs(std::size_t limit) override;

  // The time the store records itself (a migration's applied_at); real time until set.
  void setClock(std::shared_ptr<const common::IClock> clock) { m_clock = std::move(clock); }

 protected:
  // Executes a prepared statement (inside the current transaction if one is open), calling onRow for each
  // result row. Returns the rows affected (DML) or returned (queries / RETURNING).
  virtual Result<std::int64_t> exec(const Stmt& stmt, std::span<const Value> params, const RowFn& onRow) = 0;
  // Executes a multi-statement script without parameters (DDL, migrations) in the current transaction.
  virtual Status execScript(std::string_view sql) = 0;
  // Write transactions. Only one at a time; rollback() must be safe after any failure.
  virtual Status begin() = 0;
  virtual Status commit() = 0;
  virtual void rollback() noexcept = 0;
  // Serialises concurrent migrators (called inside the migration transaction).
  virtual Status lockForMigration() = 0;
  // Writes an already validated, strictly ts-increasing batch inside the current transaction. Returns
  // rows inserted or changed.
  virtual Result<std::size_t> writeBars(std::string_view symbol, std::string_view source,
                                        std::span<const domain::Bar> bars) = 0;
  // "sqlite" or "postgres": selects sql/<dialect>/.
  virtual std::string_view dialect() const = 0;
  // Filesystem override for the migrations (empty = compiled-in resource).
  virtual std::string migrationsDirectory() const { return {}; }

  Result<std::int64_t> exec(const Stmt& stmt, std::initializer_list<Value> params, const RowFn& onRow = {}) {
    return exec(stmt, std::span<const Value>(params.begin(), params.size()), onRow);
  }
  // An INSERT .. RETURNING id: the new row's id; `what` names the row in the error.
  Result<std::int64_t> insertReturningId(const Stmt& stmt, std::initializer_list<Value> params, std::string_view what);
  // An UPDATE of the row with this id: an error (errc::kInvalid) when there is none.
  Status updateRow(const Stmt& stmt, std::initializer_list<Value> params, std::string_view what, std::int64_t id);

  // Commits on commit(), rolls back in the destructor otherwise.
  Result<std::size_t> upsertBarsImpl(std::string_view symbol, std::string_view source,
                                     std::span<const domain::Bar> bars, const LoadRun* run);

  class Transaction {
   public:
    explicit Transaction(SqlStore& store) : m_store(store) {}
    ~Transaction() {
      if (m_active) m_store.rollback();
    }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Status begin() {
      auto s = m_store.begin();
      m_active = s.ok();
      return s;
    }
    Status commit() {
      m_active = false;
      return m_store.commit();
    }

   private:
    SqlStore& m_store;
    bool m_active = false;
  };

  // Rewrites `{schema}` prefixes: keep = true gives "schema.", false removes them. With dollarParams, `?`
  // placeholders become $1, $2, ... (outside quoted text).
  // The bar-series read (loadBars), for a backend's own faster path, and the bar of one of its rows:
  // integer(column) and real(column) read the row's columns.
  static const Stmt& barsLoadStmt();
  template <class Integer, class Real>
  static domain::Bar barsLoadRow(const Integer& integer, const Real& real) {
    domain::Bar b;
    b.ts = integer(0);
    b.open = real(1);
    b.high = real(2);
    b.low = real(3);
    b.close = real(4);
    b.volume = real(5);
    b.vwap = real(6);
    b.trades = integer(7);
    return b;
  }
  static std::string translateSql(std::string_view sql, bool keepSchemas, bool dollarParams);

 private:
  std::shared_ptr<const common::IClock> m_clock = std::make_shared<const common::RealClock>();
};

}  // namespace meridian::storage
