#pragma once
// What a live strategy instance persists (strategy_engine.strategy_state, one row per instance, strategy_id
// "live:<instance id>" like its orders and fills), so that a restart changes no position. The StrategyRunner writes
// it whenever it changes (a bar processed, a target set, an order sent / ended, a fill applied) and reads it once on
// start; the order journal stays the source of truth for what was filled and what is still working — this state
// adds what only the runner knows: the strategy's target, why an order is not being retried, and which bars it
// traded on (so the warm-up can replay them and bring the strategy's shadow book and inner state back).
//
// JSON (state column), version 1; timestamps are JSON integers (UTC ns):
//   {"v":1, "instance":"sma_cross:AAPL", "strategy":"sma_cross", "symbols":["AAPL"],
//    "trading_since_ts":<first bar stepped accepting orders, 0 = none yet>,
//    "last_bar_ts":<last bar stepped>,
//    "paused":false,                            no new orders (Strategy Monitor > Pause; optional, default false)
//    "flatten":false,                           paused by a flatten: its closing orders (targets 0) still go out
//    "refused":[[<from ts>,<to ts>], ...],      bars after trading_since_ts stepped refusing orders (catch-up,
//                                               downtime), as inclusive ranges, oldest first, at most kMaxRefused
//    "slots":[{"symbol":"AAPL", "target":100, "filled":100,
//              "hold":false,                    the last order ended definitively: no retry until a new target
//              "deferred":false,                a newer target waits for the working order to end
//              "orders":[{"client_order_id":"MRD-..", "correlation_id":"..", "side":"buy", "filled":0}]}]}
// The params column holds strategy::ParamSet::toJson(). A newer version is refused (the runner then starts from
// the journal alone); unknown fields are ignored.
#include "core/common/Result.h"
#include "core/domain/Types.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meridian::live {

struct SavedOrder {
  std::string clientOrderId;
  std::string correlationId;
  domain::Side side = domain::Side::Buy;
  double filled = 0.0;  // quantity of this order already counted in the slot's filled position
  friend bool operator==(const SavedOrder&, const SavedOrder&) = default;
};

struct SavedSlot {
  std::string symbol;
  double target = 0.0;
  double filled = 0.0;
  bool hold = false;
  bool deferred = false;
  std::vector<SavedOrder> orders;  // working when saved
  friend bool operator==(const SavedSlot&, const SavedSlot&) = default;
};

struct SavedInstance {
  static constexpr int kVersion = 1;
  static constexpr std::size_t kMaxRefused = 64;

  std::string instance;
  std::string strategy;
  std::vector<std::string> symbols;
  domain::Timestamp tradingSinceTs = 0;
  domain::Timestamp lastBarTs = 0;
  std::vector<std::pair<domain::Timestamp, domain::Timestamp>> refused;
  std::vector<SavedSlot> slots;
  bool paused = false;
  bool flatten = false;

  const SavedSlot* slot(std::string_view symbol) const;
  // True when the bar at ts was stepped accepting orders before the save: after trading started, up to the last
  // bar, outside every refused range.
  bool tradedAt(domain::Timestamp ts) const;
  friend bool operator==(const SavedInstance&, const SavedInstance&) = default;
};

std::string encodeSavedInstance(const SavedInstance& state);  // compact JSON
// Error (code contract::kDecodeError) for invalid JSON, a newer version or a missing / mistyped field.
Result<SavedInstance> decodeSavedInstance(std::string_view json);

// An instance started at run time (contract::StartStrategy, the Pair Lab's Promote to Live), saved in the same table
// under strategy_id "promoted:<instance id>" (kPromotedPrefix) so the runner starts it again on every start, after
// the strategy.live ones. Its trading state is the ordinary "live:<instance id>" row above. State column, v1:
//   {"v":1, "strategy":"pairs", "symbols":["KO","PEP"], "mode":"PAPER", "origin":"Pair Lab: ...",
//    "promoted_ts":<UTC ns>}
// the params column holds the instance's full strategy::ParamSet::toJson() (every value, defaults included).
inline constexpr std::string_view kPromotedPrefix = "promoted:";
struct PromotedInstance {
  static constexpr int kVersion = 1;
  std::string strategy;
  std::vector<std::string> symbols;
  std::vector<std::pair<std::string, double>> params;  // from the params column
  std::string mode;
  std::string origin;
  domain::Timestamp promotedTs = 0;
  friend bool operator==(const PromotedInstance&, const PromotedInstance&) = default;
};
std::string encodePromotedInstance(const PromotedInstance& p);  // the state column (params go in their own)
// state and params columns -> the record; Error (contract::kDecodeError) like decodeSavedInstance.
Result<PromotedInstance> decodePromotedInstance(std::string_view stateJson, std::string_view paramsJson);

}  // namespace meridian::live
