#pragma once
// Live strategy decisions: shown as chart markers, and turned into orders by the live strategy service when it
// trades (strategy.trade).
#include "core/contract/Message.h"
#include "core/domain/Types.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::contract {

// A live strategy's decision on a closed bar ("strat.signal.<SYM>").
struct SignalGenerated {
  std::string strategy;         // e.g. "sma_cross"
  std::string symbol;
  domain::Timestamp ts = 0;     // key of the bar that produced it, as in BarClosed::bar.ts (bar open; UTC ns)
  domain::Side side = domain::Side::Buy;
  double price = 0.0;           // bar close the decision was taken at
  double targetQuantity = 0.0;  // position the strategy wants after the signal (0 = flat)
  std::string reason;           // short human-readable cause, e.g. "SMA10 crossed above SMA30"
  double quantity = 0.0;        // size of the strategy's order (targetQuantity - position before it)
  std::string instance;         // live instance id, e.g. "sma_cross:AAPL" or "pairs:KO/PEP"
  std::string correlationId;    // of the SubmitOrder sent for it (strategy.trade=true), empty when none was sent
  friend bool operator==(const SignalGenerated&, const SignalGenerated&) = default;
};

template <> struct Spec<SignalGenerated>
    : Declare<"strat.signal", Kind::Event, Lane::Lossless, UiDelivery::Append, Relay::ToAttached, "signal"> {
  static std::string_view key(const SignalGenerated& m) { return m.symbol; }
  static QJsonObject encode(const SignalGenerated&);
  static Result<SignalGenerated> decode(const QJsonObject&);
};

// ---- Live strategy instances: the Strategy Monitor ---------------------------------------------------------------

// One leg (symbol) of a live instance.
struct StrategyLeg {
  std::string symbol;
  double position = 0.0;    // strategy.trade: the quantity the instance's orders have filled; else the shadow book's
  double target = 0.0;      // the position the instance trades towards (the shadow book's when not trading)
  double avgCost = 0.0;     // average entry price of the open position (the instance's fills)
  double lastPrice = 0.0;   // last bar close seen
  double realizedPnl = 0.0; // of the instance's fills in this symbol, net of commissions
  double unrealizedPnl = 0.0;
  friend bool operator==(const StrategyLeg&, const StrategyLeg&) = default;
};

struct StrategyIndicator {
  std::string name;  // e.g. "z", "hedge", "p_value", "half_life", "sma_fast"
  double value = 0.0;
  friend bool operator==(const StrategyIndicator&, const StrategyIndicator&) = default;
};

// What the Strategy Monitor shows of one instance. `state` is one of: "warming up", "flat", "long", "short",
// "paused", "error" (the instance's first leg decides long / short; `detail` says why for paused and error).
struct StrategyInstanceState {
  std::string instance;  // "pairs:KO/PEP"
  std::string strategy;  // "pairs"
  std::string mode;      // "PAPER" | "LIVE" (real money) | "SIGNALS" (strategy.trade=false: no orders)
  std::string state;
  std::string detail;
  bool paused = false;
  bool promoted = false;  // started at run time (StartStrategy), not by strategy.live: Remove applies
  std::vector<StrategyLeg> legs;
  std::vector<StrategyIndicator> indicators;
  domain::Timestamp lastSignalTs = 0;  // bar of the last signal (0 = none yet)
  std::string lastSignal;              // e.g. "BUY 100 AAPL -> target 100"
  std::string lastSignalReason;
  double realizedPnl = 0.0;            // sums of the legs
  double unrealizedPnl = 0.0;
  int openOrders = 0;                  // the instance's orders still working
  std::int64_t warmupBars = 0;
  std::int64_t liveBars = 0;
  std::int64_t signals = 0;
  domain::Timestamp lastBarTs = 0;
  friend bool operator==(const StrategyInstanceState&, const StrategyInstanceState&) = default;
};

// Every live instance, published by the strategy runner on every bar, fill, order end and state change
// ("strat.status"; latest wins; kept for attached windows).
struct StrategiesSnapshot {
  std::vector<StrategyInstanceState> instances;  // in strategy.live order, then the promoted ones in promotion order
  domain::Timestamp asOf = 0;
  std::string mode;  // the runner's: "PAPER" | "LIVE" | "SIGNALS" (what a StartStrategy must name); empty = unknown
  std::string timeframe;  // the bars the runner trades on (strategy.timeframe): "1d" | "1h" | "1m"
  friend bool operator==(const StrategiesSnapshot&, const StrategiesSnapshot&) = default;
};

// Pause: no new orders (signals still shown); Resume: orders again from the next bar; Flatten: every leg's target
// becomes 0 and the closing orders go through the normal order path (risk checks apply), and the instance is
// paused so that it does not enter again. Remove: a promoted instance (StartStrategy) that is flat with no order
// working stops and is not started again (its "promoted:<id>" row and saved state are deleted; its fills stay in the
// journal); one configured in strategy.live is removed there. Unknown instance / nothing to do / not flat ->
// CommandRejected with the correlation id.
enum class StrategyAction : std::uint8_t { Pause, Resume, Flatten, Remove };
std::string_view toString(StrategyAction a);
std::optional<StrategyAction> strategyActionFromString(std::string_view s);

struct ControlStrategy {
  std::string correlationId;
  std::string instance;
  StrategyAction action = StrategyAction::Pause;
  friend bool operator==(const ControlStrategy&, const ControlStrategy&) = default;
};

// Starts a new live instance at run time (the Pair Lab's Promote to Live): the strategy on its symbols with the given
// parameter values (registry names; the rest are the registry defaults, not strategy.<name>.<param>). The runner
// refuses (CommandRejected with the correlation id): an unknown strategy, wrong symbols or parameters; an instance
// with the same id that runs already (strategy.live or promoted earlier); a `mode` that is not the runner's own
// (StrategiesSnapshot::mode: a PAPER confirmation never starts a LIVE instance and the reverse); LIVE without
// `liveConfirmed` (the user confirmed real money for this instance, on top of the process's start-up confirmation
// of broker.alpaca_live); a `timeframe` that is not the runner's (strategy.timeframe). A started instance is saved (strategy_engine.strategy_state, id "promoted:<instance>")
// and started again next to strategy.live on every start until removed from there.
struct StrategyParamValue {
  std::string name;
  double value = 0.0;
  friend bool operator==(const StrategyParamValue&, const StrategyParamValue&) = default;
};

struct StartStrategy {
  std::string correlationId;
  std::string strategy;                    // registry name, e.g. "pairs"
  std::vector<std::string> symbols;        // in the strategy's order ("pairs": A, B)
  std::vector<StrategyParamValue> params;  // overrides of the registry defaults
  std::string mode;                        // the mode the user confirmed: "PAPER" | "LIVE" | "SIGNALS"
  bool liveConfirmed = false;              // LIVE: confirmed with real money named
  std::string timeframe;                   // the bars it was researched on ("1d", "1h", "1m"); empty: the runner's
  std::string origin;                      // where it comes from, logged and saved ("Pair Lab: p 0.012, hedge 1.49")
  friend bool operator==(const StartStrategy&, const StartStrategy&) = default;
};

template <> struct Spec<StrategiesSnapshot>
    : Declare<"strat.status", Kind::State, Lane::Coalescing, UiDelivery::Latest, Relay::Snapshot, "strategies"> {
  static QJsonObject encode(const StrategiesSnapshot&);
  static Result<StrategiesSnapshot> decode(const QJsonObject&);
};
template <> struct Spec<ControlStrategy>
    : Declare<"cmd.strategy.control", Kind::Command, Lane::Lossless, UiDelivery::None, Relay::ToServer,
              "control_strategy"> {
  static QJsonObject encode(const ControlStrategy&);
  static Result<ControlStrategy> decode(const QJsonObject&);
};
template <> struct Spec<StartStrategy>
    : Declare<"cmd.strategy.start", Kind::Command, Lane::Lossless, UiDelivery::None, Relay::ToServer,
              "start_strategy"> {
  static QJsonObject encode(const StartStrategy&);
  static Result<StartStrategy> decode(const QJsonObject&);
};

}  // namespace meridian::contract
