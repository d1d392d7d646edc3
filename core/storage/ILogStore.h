#pragma once
// Port: persisted application log (logging.logs), fed in batches from the in-app log buffer.
#include "core/common/Result.h"
#include "core/storage/Records.h"

#include <cstddef>
#include <span>
#include <vector>

namespace meridian::storage {

class ILogStore {
 public:
  virtual ~ILogStore() = default;

  // Appends rows in one transaction (LogRow::id is ignored). Returns rows written.
  virtual Result<std::size_t> appendLogs(std::span<const LogRow> rows) = 0;
  // The newest `limit` rows, newest first (by ts, then id).
  virtual Result<std::vector<LogRow>> recentLogs(std::size_t limit) = 0;
};

}  // namespace meridian::storage
