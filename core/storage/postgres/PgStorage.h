#pragma once
// PostgreSQL backend (libpqxx 6.4). Tables live in one schema per former service (data_ingestion, execution,
// analytics, logging, ...), see sql/postgres/.
//
// - Constructed from a libpq URI ("postgresql://meridian@127.0.0.1:5432/meridian") or key=value string; the
//   connection is made by open() / the first call, never by the constructor.
// - No exception escapes: a server that cannot be reached or a lost connection gives errc::kUnavailable
//   ("db.unavailable") and the next call reconnects. Connect attempts time out after connectTimeoutSec. A
//   connection the server closed while it was idle (restart, crash recovery, pg_terminate_backend) is noticed
//   before the next call uses it (non-blocking read), so after a restart the first call already succeeds.
// - Error messages never contain the password (the URI is reported redacted).
// - Bulk bar upsert: COPY (pqxx::stream_to) into a session temp staging table, then
//   INSERT INTO data_ingestion.market_data SELECT .. FROM staging ON CONFLICT (symbol, ts, source) DO UPDATE,
//   all in one transaction: a CHECK violation rolls back the whole batch.
// - Not thread-safe: one instance per thread (the storage thread), like every IStorage.
#include "core/storage/SqlStore.h"

#include <memory>
#include <string>

namespace meridian::storage {

class PgStorage final : public SqlStore {
 public:
  struct Options {
    int connectTimeoutSec = 3;
    std::string applicationName = "meridian";
    std::string migrationsDir;  // empty = compiled-in :/sql/postgres/
  };

  explicit PgStorage(std::string uri);
  PgStorage(std::string uri, Options options);
  ~PgStorage() override;
  PgStorage(const PgStorage&) = delete;
  PgStorage& operator=(const PgStorage&) = delete;

  // IStorage (the store methods are implemented by SqlStore)
  Status open() override;  // connect + migrate
  std::string_view backendName() const override { return "postgres"; }
  Status ping() override;

  // Plain COPY of a batch into data_ingestion.market_data: no upsert, no client-side validation, one
  // transaction. Fails (errc::kConstraint, nothing written) if any (symbol, ts, source) already exists or a
  // bar violates a CHECK. Used by the ingestion benchmark to compare against upsertBars().
  Result<std::size_t> copyBarsRaw(std::string_view symbol, std::string_view source,
                                  std::span<const domain::Bar> bars);

  // The connection URI with any password replaced by "***" (safe to log).
  const std::string& redactedUri() const { return m_redactedUri; }
  bool isConnected() const;
  // Drops the connection (the next call reconnects).
  void disconnect();

  // Redacts the password of a libpq URI (scheme://user:PASSWORD@host) or key=value string (password=...).
  static std::string redactConnectionString(std::string_view uri);

 protected:
  Result<std::int64_t> exec(const Stmt& stmt, std::span<const Value> params, const RowFn& onRow) override;
  Status execScript(std::string_view sql) override;
  Status begin() override;
  Status commit() override;
  void rollback() noexcept override;
  Status lockForMigration() override;
  Result<std::size_t> writeBars(std::string_view symbol, std::string_view source,
                                std::span<const domain::Bar> bars) override;
  std::string_view dialect() const override { return "postgres"; }
  std::string migrationsDirectory() const override { return m_options.migrationsDir; }

 private:
  struct Impl;
  std::string m_redactedUri;
  Options m_options;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace meridian::storage
