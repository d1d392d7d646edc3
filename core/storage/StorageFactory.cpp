#include "core/storage/StorageFactory.h"

#include "core/storage/Records.h"
#include "core/storage/sqlite/SqliteStorage.h"
#if MERIDIAN_HAVE_POSTGRES
#include "core/storage/postgres/PgStorage.h"
#endif

#include <fmt/format.h>

namespace meridian::storage {

std::vector<std::string> availableBackends() {
  std::vector<std::string> out{"sqlite"};
#if MERIDIAN_HAVE_POSTGRES
  out.emplace_back("postgres");
#endif
  return out;
}

bool opensSharedDatabase(const StorageConfig& config) {
  return !(config.backend == "sqlite" && (config.sqlitePath.empty() || config.sqlitePath == ":memory:"));
}

Result<std::unique_ptr<IStorage>> makeStorage(const StorageConfig& config) {
  if (config.backend == "sqlite") {
    if (config.sqlitePath.empty()) return makeError(errc::kInvalid, "storage: sqlite backend needs sqlitePath");
    SqliteStorage::Options options;
    options.background = config.background;
    auto store = std::make_unique<SqliteStorage>(config.sqlitePath, std::move(options));
    if (config.clock) store->setClock(config.clock);
    return std::unique_ptr<IStorage>(std::move(store));
  }
  if (config.backend == "postgres") {
#if MERIDIAN_HAVE_POSTGRES
    if (config.pgUri.empty()) return makeError(errc::kInvalid, "storage: postgres backend needs pgUri");
    auto store = std::make_unique<PgStorage>(config.pgUri);
    if (config.clock) store->setClock(config.clock);
    return std::unique_ptr<IStorage>(std::move(store));
#else
    return makeError(errc::kNotCompiled,
                     "storage: the postgres backend is not compiled into this build (MERIDIAN_WITH_POSTGRES=OFF)");
#endif
  }
  return makeError(errc::kInvalid, fmt::format("storage: unknown backend '{}' (expected one of: sqlite, postgres)",
                                               config.backend));
}

}  // namespace meridian::storage
