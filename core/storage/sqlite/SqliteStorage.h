#pragma once
// SQLite backend (Qt Sql, QSQLITE): the default embedded store.
//
// Thread confinement: Qt Sql connections belong to the thread that opened them. Construct anywhere, but call
// open(), every store method and close() (or destroy the object) from one thread: the storage thread.
// Each instance owns its own uniquely named QSqlDatabase connection, so several instances can coexist
// (":memory:" gives each instance its own private database).
// Connection settings: WAL journal (file databases), foreign_keys=ON, busy_timeout, synchronous=NORMAL.
#include "core/storage/SqlStore.h"

#include <memory>
#include <string>

namespace meridian::storage {

class SqliteStorage final : public SqlStore {
 public:
  struct Options {
    int busyTimeoutMs = 5000;
    std::string migrationsDir;  // empty = compiled-in :/sql/sqlite/
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
  // driver runs (same version), else through Qt Sql; the same bars either way.
  Result<std::vector<domain::Bar>> loadBars(std::string_view symbol, std::string_view source, Timestamp fromTs,
                                            Timestamp toTs) override;

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
  std::string m_path;
  Options m_options;
  std::unique_ptr<Impl> m_impl;  // null until open()
};

}  // namespace meridian::storage
