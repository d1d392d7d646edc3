#pragma once
// SQLite backend (Qt Sql, QSQLITE): the default embedded store.
//
// Thread confinement: Qt Sql connections belong to the thread that opened them. Construct anywhere, but call
// open(), every store method and close() (or destroy the object) from one thread: the storage thread.
// Each instance owns its own uniquely named QSqlDatabase connection, so several instances can coexist
// (":memory:" gives each instance its own private database).
// Connection settings: WAL journal (file databases), foreign_keys=ON, busy_timeout, synchronous=NORMAL. With the
// C API the busy wait retries every millisecond (not SQLite's growing backoff), and the connections of this process
// to one file take the write lock foreground first (SqliteWriteGate, Options::background).
#include "core/storage/SqlStore.h"

#include <memory>
#include <optional>
#include <string>

struct sqlite3_stmt;

namespace meridian::storage {

class SqliteStorage final : public SqlStore {
 public:
  struct Options {
    int busyTimeoutMs = 5000;
    std::string migrationsDir;  // empty = compiled-in :/sql/sqlite/
    // A background writer (the bar writer's connection): before each transaction it waits while a foreground
    // connection to the same file in this process is asking for the write lock or holding it (at most
    // busyTimeoutMs), so the journal waits for one background transaction at most, not for SQLite's busy backoff
    // to find a gap between them.
    bool background = false;
  };

  // path: database file (created if missing) or ":memory:".
  explicit SqliteStorage(std::string path);
  SqliteStorage(std::string path, Options options);
  ~SqliteStorage() override;
  SqliteStorage(const SqliteStorage&) = delete;
  SqliteStorage& operator=(const SqliteStorage&) = delete;

  // IStorage (the store methods are implemented by SqlStore)
  Status open() override;
  std::string_view backendName() const override { return "sqlite"; }
  Status ping() override;
  // Closes the connection and releases the Qt connection name. Called by the destructor.
  void close();
  const std::string& path() const { return m_path; }
  bool isOpen() const { return m_impl != nullptr; }
  // Through the SQLite C API on the connection's own handle when built with it and the library is the one Qt's
  // driver runs (same version), else through Qt Sql; the same bars either way. With the C API a series of 4096+
  // bars is packed into blocks (market_data_blocks, sql/sqlite/V004) the first time it is read outside a
  // transaction, and read from them while they exist (triggers delete them on any change to the series' rows).
  Result<std::vector<domain::Bar>> loadBars(std::string_view symbol, std::string_view source, Timestamp fromTs,
                                            Timestamp toTs) override;
  // Whether loadBars goes through the C API (and the bar blocks) on this connection.
  bool usesNativeApi() const;

 protected:
  Result<std::int64_t> exec(const Stmt& stmt, std::span<const Value> params, const RowFn& onRow) override;
  Status execScript(std::string_view sql) override;
  Status begin() override;
  Status commit() override;
  void rollback() noexcept override;
  Status lockForMigration() override { return {}; }  // BEGIN IMMEDIATE already holds the write lock
  Result<std::size_t> writeBars(std::string_view symbol, std::string_view source,
                                std::span<const domain::Bar> bars) override;
  std::string_view dialect() const override { return "sqlite"; }
  std::string migrationsDirectory() const override { return m_options.migrationsDir; }

 private:
  struct Impl;
  // The C API side of loadBars (defined only when built with it).
  Result<std::vector<domain::Bar>> loadBarRows(std::string_view symbol, std::string_view source, Timestamp fromTs,
                                               Timestamp toTs);
  // The bars from the series' blocks; nullopt when it has none (or one that does not check out).
  Result<std::optional<std::vector<domain::Bar>>> loadBarBlocks(std::string_view symbol, std::string_view source,
                                                                Timestamp fromTs, Timestamp toTs);
  // Reads the whole series and writes its blocks in one transaction (skipped when busy or small); the bars of
  // [fromTs, toTs), or nullopt when no transaction could start.
  Result<std::optional<std::vector<domain::Bar>>> buildBarBlocks(std::string_view symbol, std::string_view source,
                                                                 Timestamp fromTs, Timestamp toTs);
  Result<sqlite3_stmt*> nativeStatement(sqlite3_stmt*& slot, const char* key, const std::string& sql);
  Error nativeError(const char* key, const char* what) const;

  std::string m_path;
  Options m_options;
  std::unique_ptr<Impl> m_impl;  // null until open()
};

}  // namespace meridian::storage
