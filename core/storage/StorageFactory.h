#pragma once
// Composition helper: builds the configured IStorage backend.
#include "core/common/Clock.h"
#include "core/common/Result.h"
#include "core/storage/IStorage.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::storage {

struct StorageConfig {
  std::string backend = "sqlite";     // "sqlite" | "postgres"
  std::string sqlitePath = "meridian.db";  // file or ":memory:"
  std::string pgUri;                  // libpq URI, e.g. postgresql://meridian@127.0.0.1:5432/meridian
  std::shared_ptr<const common::IClock> clock;  // stamps what the store records itself (migrations); null = real time
  // A background writer's connection (the bar writer): on SQLite it lets this process's other connections to the
  // file write first (SqliteWriteGate). No effect on PostgreSQL, whose lock waits are fair.
  bool background = false;
};

// Constructs the backend without connecting: call open() on the thread that will own the instance (the
// storage thread; SQLite connections are thread-confined). Errors: errc::kInvalid for an unknown backend or
// missing parameter, errc::kNotCompiled for a backend disabled at build time (MERIDIAN_WITH_POSTGRES=OFF).
Result<std::unique_ptr<IStorage>> makeStorage(const StorageConfig& config);

// True when a second connection to `config`'s database sees the same data (PostgreSQL, a SQLite file; not an
// in-memory SQLite database).
bool opensSharedDatabase(const StorageConfig& config);

// Backends compiled into this build, e.g. {"sqlite", "postgres"}.
std::vector<std::string> availableBackends();

}  // namespace meridian::storage
