#pragma once
// Port: the persisted state of live strategies (strategy_engine.strategy_state: strategy_id PK, params JSON,
// state JSON, updated_ts; sql V001__init). The store keeps the JSON it is given: the schema of `state` belongs to
// its writer, which versions it (the live runner: core/live/StrategyState.h). PostgreSQL stores both columns as
// jsonb, which normalises whitespace and key order: compare decoded values, not text.
#include "core/common/Result.h"
#include "core/storage/Records.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::storage {

struct StrategyStateRecord {
  std::string strategyId;          // e.g. "live:sma_cross:AAPL" (the strategyId its orders and fills carry)
  std::string paramsJson = "{}";   // a JSON object
  std::string stateJson = "{}";    // a JSON object
  Timestamp updatedTs = 0;
  friend bool operator==(const StrategyStateRecord&, const StrategyStateRecord&) = default;
};

class IStrategyStateStore {
 public:
  virtual ~IStrategyStateStore() = default;

  // Upsert by strategyId. errc::kInvalid (nothing written) for an empty id or a params / state text that is not a
  // JSON object, so both backends accept and refuse the same records.
  virtual Status saveStrategyState(const StrategyStateRecord& record) = 0;
  // The record of one strategy id; nullopt when none is stored.
  virtual Result<std::optional<StrategyStateRecord>> loadStrategyState(std::string_view strategyId) = 0;
  // Every stored record, ordered by strategyId.
  virtual Result<std::vector<StrategyStateRecord>> listStrategyStates() = 0;
  // Removes the record of one strategy id (a promoted instance the user removed); false when there was none.
  virtual Result<bool> deleteStrategyState(std::string_view strategyId) = 0;
};

}  // namespace meridian::storage
