#pragma once
// Live strategies: the built-in IStrategy code that the backtester runs, driven by closed bars.
//
// Configuration (read once, by StrategyRunnerOptions::fromConfig / parseLiveStrategies):
//   strategy.live            "sma_cross:AAPL,MSFT;rsi_reversion:NVDA;pairs:KO/PEP"  one instance per symbol (per
//                            "A/B" group for two-instrument strategies); empty = no live strategies
//   strategy.<name>.<param>  parameter overrides (registry ParamSpecs, validated like the CLI's --param)
//   strategy.trade           false: signals only; true: target-position changes become contract::SubmitOrder
//                            commands (risk applies in the ExecutionService), strategyId "live:<id>"
//   strategy.timeframe       1d (default) | 1h | 1m: only BarClosed events of that timeframe (source suffix) count
//   strategy.size            shares per entry (default 100) | strategy.size_pct: percent of the shadow equity
//   strategy.capital         shadow book per instance (default 100000, as a default backtest)
//   strategy.history_source  stored series to warm up from (default: the newest series of that timeframe)
//   strategy.history_days    warm-up window in calendar days before now (default 730)
//   broker.kind / broker.alpaca_live   the mode the Strategy Monitor shows: LIVE (real money) or PAPER
//
// Threading (DESIGN.md rule 1): the runner owns one thread and one Mailbox (BarClosed of the configured symbols,
// OrderUpdated, RiskRejected and CommandRejected when trading, plus its own cycle requests and journal lookups). On
// start the thread first reads the saved state (when trading, below) and warms every instance up from stored history
// through storage tasks (orders refused, as before a backtest's tradeStart, except on the bars a restored instance
// had traded on), then handles events. Saves are posted to the storage thread, never waited for. Each instance runs in a LiveStrategyHost: same per-bar sequence and fill semantics as the
// backtest engine, so live signals equal the backtest's orders on the same bars.
//
// Orders (strategy.trade): per (instance, symbol) the runner keeps the strategy's latest target position and the
// position its own orders have filled; it submits the difference as a market Day order with a fresh correlation
// id, and never submits while one of its orders for that symbol is working: the newest target is remembered and
// reconciled when the working order ends. How an order that did not fill ends decides what follows
// (classifyRejection below):
//   transient  (the bus refused the command, the journal write failed, the broker is unavailable / disconnected):
//              the slot is re-evaluated on the instance's next tradeable bar — never silently forgotten;
//   definitive (a risk limit, an invalid order, any reason not known to be transient; cancelled, expired): logged
//              and held: not retried until the strategy sets a new target (its next signal).
// On every tradeable bar, a slot that is not held, has no working order for its symbol and is off its target is
// reconciled again; that is the retry.
//
// State (strategy.trade with storage; core/live/StrategyState.h): each instance's targets, hold / deferred flags,
// working orders and the bars it traded on are saved to strategy_engine.strategy_state through storage tasks
// (posted, never waited for) whenever they change — and before an order is sent, so the journal can never hold an
// order of the runner that its state does not name. On start, before the warm-up, one storage read rebuilds:
//   - the filled position per (instance, symbol) from the journal's fills tagged "live:<id>" (the source of truth;
//     a saved quantity that disagrees is logged and replaced);
//   - the working orders: the instance's orders still open in the journal are adopted (no second order for that
//     symbol); a saved order the journal does not know is kept as working and looked up again (a storage task whose
//     answer comes back to the mailbox) on the next bar: unknown then, it was never sent and the slot is reconciled;
//     a saved order that ended while the runner was down counts as ending then (held when definitive);
//   - the targets and hold flags from the saved state (the journal's position when nothing was saved).
// The warm-up then replays stored history as the instance saw it: bars it traded on accept orders, the others do
// not, so the shadow book and the strategy's own state (e.g. pairs' phase) come back. Once the replay reaches the
// last saved bar, the shadow target (position + working orders) is checked against the saved target and set to it
// when they differ (history changed, a window too short, refused ranges trimmed) — logged. Live bars up to the
// last saved bar are replayed the same way, never traded again. If the read fails, nothing is submitted (signals
// only) until it succeeds: it is tried again before each tradeable bar.
//
// Monitor and control (contract::StrategiesSnapshot / ControlStrategy, the Strategy Monitor dock): the runner
// publishes every instance's status (mode, state, per-leg position vs target, last signal, indicator values, P&L of
// its own fills, working orders) after the warm-up and after every handled batch of events (bars, fills, order
// ends, controls). ControlStrategy is handled on the runner thread:
//   pause    no new orders: signals are still computed and published (marked "paused: not traded") but do not
//            change the targets; working orders are left alone. Saved with the state (strategy.trade), so a
//            restarted runner comes back paused.
//   resume   orders again: a slot off its target is re-evaluated on the next bar, the next signal trades.
//   flatten  every leg's target becomes 0 and the closing orders are submitted at once through the normal order
//            path (SubmitOrder: risk checks apply; a symbol with a working order waits for it to end), and the
//            instance is paused so that its next signal does not enter again; resume lets it trade. Refused
//            (CommandRejected) when not trading. The strategy's shadow book is not touched: its own exit later sets
//            the target it already has.
// Promoted instances (contract::StartStrategy, the Pair Lab's Promote to Live): handled on the runner thread like a
// control. Refused (CommandRejected) for an unknown strategy, wrong symbols or parameters, an id that runs already, a
// mode that is not the runner's (modeName(): PAPER / LIVE / SIGNALS, published as StrategiesSnapshot::mode) or LIVE
// without liveConfirmed, and while the saved state cannot be read. Otherwise the instance is added after the others:
// its journal fills and saved state are read (one storage task, as on start: a re-promoted id gets its position
// back), it warms up on stored history like the start-up instances, and it is saved as strategy_state row
// "promoted:<id>" (StrategyState.h, posted to storage). On every start the runner reads those rows before the
// restore and starts them next to strategy.live (one whose id strategy.live now lists, or whose strategy or
// parameters are no longer valid, is skipped with a warning; one promoted as PAPER or SIGNALS is not started by a runner
// that now trades LIVE: real money was not confirmed for it). Its parameters are the ones it was promoted with,
// not strategy.<name>.<param>. The strategy_cycle job (configured only when strategy.live is not empty) catches
// them up too; live bars reach them through BarClosed like the others.
// P&L per leg is average-cost accounting (domain::Position) over the instance's fills (OrderFilled tagged
// "live:<id>"; on start the journal's), marked at the last bar close.
#include "core/bus/EventBus.h"
#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Risk.h"
#include "core/contract/Strategy.h"
#include "core/common/Clock.h"
#include "core/common/Config.h"
#include "core/common/Result.h"
#include "core/marketdata/Timeframe.h"
#include "core/strategy/Params.h"
#include "core/strategy/StrategyRegistry.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace meridian::storage {
class StorageService;
}

namespace meridian::live {

class LiveStrategyHost;
struct OrderIntent;

struct LiveStrategySpec {
  std::string strategy;              // registry name
  std::vector<std::string> symbols;  // the strategy's instruments, in order
  strategy::ParamSet params;         // defaults + strategy.<name>.<param>
  std::string id() const;            // "sma_cross:AAPL", "pairs:KO/PEP"
};

// strategy.<name>.<param> overrides resolved against the registry (unknown parameter / bad number / out of
// range -> Error naming the key). The combination is checked by building the strategy once.
Result<strategy::ParamSet> paramsFromConfig(const common::Config& config, const strategy::StrategyRegistry& registry,
                                            std::string_view name);
// Parses the strategy.live syntax above. Errors name the offending entry.
Result<std::vector<LiveStrategySpec>> parseLiveStrategies(std::string_view text, const common::Config& config,
                                                          const strategy::StrategyRegistry& registry);

// How an order rejection is treated (see "Orders" above).
enum class RejectionKind : std::uint8_t { Transient, Definitive };
std::string_view toString(RejectionKind kind);
// `rule`: RiskRejected::rule when the ExecutionService named one ("journal" for a failed journal write, a
// risk::RiskRule name such as "max_order_qty" otherwise); empty when only a reason text is known (CommandRejected,
// a broker's reject reason on OrderUpdated). A named risk rule is always definitive. Without one, the reason is
// transient when it says the order could not be carried out for now: the journal write failed, a bus refusal
// ("queue is full", "not keeping up", "nothing in this process handles it"), unavailable, disconnected, not
// connected, connection refused / reset / lost, timed out / timeout, try again, temporarily, HTTP 429 / 5xx.
// Anything else is definitive: an order whose failure is not understood is not sent again by itself.
RejectionKind classifyRejection(std::string_view rule, std::string_view reason);

struct StrategyRunnerOptions {
  bool trade = false;
  domain::Timeframe timeframe = domain::Timeframe::Day1;
  strategy::SizingRule sizing;
  double capital = 100'000.0;
  std::string historySource;
  int historyDays = 730;
  bool liveMoney = false;  // broker.kind=alpaca with broker.alpaca_live: the monitor says LIVE, else PAPER
  static Result<StrategyRunnerOptions> fromConfig(const common::Config& config);
};

// What one strategy_cycle did.
struct StrategyCycleReport {
  std::size_t instances = 0;
  std::size_t newBars = 0;
  std::size_t signals = 0;
  std::size_t ordersSubmitted = 0;
  std::vector<std::string> lines;  // one per instance
  std::string summary() const;
};

struct StrategyInstanceStatus {
  std::string id;
  std::size_t warmupBars = 0;
  std::size_t liveBars = 0;
  domain::Timestamp lastTs = 0;
  std::size_t signals = 0;
  std::vector<double> positions;  // shadow book, per symbol
  // strategy.trade, per symbol: the target the runner trades towards and the quantity its orders have filled
  // (rebuilt from the journal on start). Empty when not trading.
  std::vector<double> targets;
  std::vector<double> filled;
  std::size_t workingOrders = 0;  // the runner's orders of this instance still working
  bool restored = false;          // state and journal read (always true when not trading or without storage)
  std::string params;             // strategy::ParamSet::toString() of the instance
};

class StrategyRunner {
 public:
  // storage may be null (no warm-up, cycles see no stored bars). bus, storage and clock must outlive the runner.
  StrategyRunner(bus::EventBus& bus, std::vector<LiveStrategySpec> specs, StrategyRunnerOptions options,
                 storage::StorageService* storage, const common::IClock& clock,
                 const strategy::StrategyRegistry& registry = strategy::StrategyRegistry::builtin());
  ~StrategyRunner();  // stop()
  StrategyRunner(const StrategyRunner&) = delete;
  StrategyRunner& operator=(const StrategyRunner&) = delete;

  // Builds every strategy (errors name the instance; nothing starts then), subscribes and starts the thread,
  // which warms up and then handles events. Returns without waiting for the warm-up.
  Status start();
  void stop();  // idempotent; joins
  bool running() const { return m_running.load(); }
  // True once the warm-up finished (or waits up to timeout for it).
  bool waitUntilWarm(std::chrono::milliseconds timeout) const;

  // The strategy_cycle job: on the runner thread, feeds every instance the stored bars newer than the last one
  // it saw (only the newest may trade; older ones are caught up with orders refused, so nothing is ordered on a
  // stale bar), then reports. Waits polling `cancel` (timeout / scheduler stop -> Error "cancelled").
  Result<StrategyCycleReport> runCycle(const std::atomic<bool>& cancel);

  std::vector<StrategyInstanceStatus> status() const;
  const std::vector<LiveStrategySpec>& specs() const { return m_specs; }
  const StrategyRunnerOptions& options() const { return m_options; }

 private:
  struct Instance;
  struct Slot;
  struct WorkingOrder;
  struct CycleRequest;
  struct RestoreData;
  struct JournalLookup;
  struct DeleteFailed;
  enum class Ending : std::uint8_t { Filled, Definitive, Transient };

  void run();
  void warmUp();
  void onBar(const contract::BarClosed& ev);
  void onOrderUpdated(const contract::OrderUpdated& ev);
  void onCommandRejected(const contract::CommandRejected& ev);
  void onRiskRejected(const contract::RiskRejected& ev);
  void onLookup(const JournalLookup& answer);
  void onControl(const contract::ControlStrategy& cmd);
  // The instance and its slots go (nothing working may refer to them).
  void dropInstance(std::vector<std::unique_ptr<Instance>>::iterator it);
  // Remove (ControlStrategy): dropInstance, and its saved rows ("promoted:<id>", "live:<id>") go.
  void removeInstance(std::vector<std::unique_ptr<Instance>>::iterator it);
  // Deletes saved state rows on the storage thread; the rows it could not delete come back as a DeleteFailed.
  void postDelete(std::vector<std::string> rows);
  // Rows of a removed instance the database refused to delete are deleted again, after 1 s and then twice as long
  // each time up to a minute, until they are gone: left there, the next start would bring the instance back.
  void onDeleteFailed(const DeleteFailed& failed);
  void retryDeletes();
  bool rowInUse(const std::string& row) const;  // a saved row of a running instance
  // contract::StartStrategy (see "Promoted instances" above): checked, built, restored from the journal, warmed up,
  // saved as "promoted:<id>" and published; refusals answer CommandRejected.
  void onStartStrategy(const contract::StartStrategy& cmd, std::int64_t deadline);
  // The saved promoted instances (storage read on the runner thread, before restore()): added after strategy.live's.
  void loadPromoted();
  // Builds the instance (strategy from the registry, host, slots when trading) and subscribes to its bars.
  Result<Instance*> addInstance(const LiveStrategySpec& spec);
  void warmUpInstance(Instance& inst, domain::Timestamp from, domain::Timestamp now);
  std::string modeName() const;  // "SIGNALS" | "LIVE" | "PAPER"
  void onFill(const domain::Fill& fill);
  void onCycle(const CycleRequest& req);
  // Steps every complete pending slice of `inst` newer than its last one; slices before tradeFrom with orders
  // refused (catch-up). Returns the number of slices stepped.
  std::size_t drainPending(Instance& inst, domain::Timestamp tradeFrom, StrategyCycleReport* report);
  void stepInstance(Instance& inst, std::span<const domain::Bar> bars, bool trading, StrategyCycleReport* report);
  // Every step of a host goes through here: settles a restored instance before its first bar after the saved
  // ones, and records which bars were traded on.
  const std::vector<OrderIntent>& stepHost(Instance& inst, std::span<const domain::Bar> bars, bool trading);
  void reconcile(const std::string& slotKey, StrategyCycleReport* report);
  // The next-bar re-evaluation of every slot of `inst` (see "Orders").
  void reevaluate(Instance& inst, StrategyCycleReport* report);
  // A working order's cumulative filled quantity and status (OrderUpdated, or the journal for a looked-up order).
  void orderProgress(const std::string& clientOrderId, double filledQuantity, domain::OrderStatus status,
                     const std::string& reason);
  void orderEnded(const std::string& clientOrderId, Ending how, const std::string& reason);
  void adopt(Instance& inst, const std::string& symbol, const std::string& clientOrderId,
             const std::string& correlationId, domain::Side side, double counted, bool unconfirmed);
  // Reads the saved states and the journal (one storage task, waited for like the warm-up's reads) and rebuilds
  // the slots and working orders. False (logged) when the read failed: nothing is submitted until it succeeds.
  // `first`: restore m_instances[first..] only (a promoted instance joins after the start).
  bool restore(std::size_t first = 0);
  void applyRestore(RestoreData& data, std::size_t first);
  // Puts the shadow book of a restored instance on its target (see the header comment).
  void settle(Instance& inst);
  Slot& slotFor(Instance& inst, const std::string& symbol);
  // Posts the instance's state to storage (no-op when not trading, without storage or before the restore).
  void saveState(Instance& inst);
  void saveChangedStates();
  std::string sourceFor(const std::string& symbol);
  Result<std::vector<domain::Bar>> loadStored(const std::string& symbol, domain::Timestamp from, domain::Timestamp to);
  void publishStatus();
  contract::StrategyInstanceState monitorState(const Instance& inst) const;

  bus::EventBus& m_bus;
  std::vector<LiveStrategySpec> m_specs;
  StrategyRunnerOptions m_options;
  storage::StorageService* m_storage;
  const common::IClock& m_clock;
  const strategy::StrategyRegistry& m_registry;

  std::shared_ptr<bus::Mailbox> m_mailbox;
  std::vector<bus::SubscriptionId> m_subscriptions;
  std::thread m_thread;
  std::atomic<bool> m_running{false};
  std::atomic<bool> m_stopping{false};

  // Runner thread only.
  std::vector<std::unique_ptr<Instance>> m_instances;
  std::map<std::string, Slot> m_slots;                     // "<instance id>|<symbol>"
  std::map<std::string, WorkingOrder> m_working;           // clientOrderId -> order
  std::map<std::string, std::string> m_workingBySymbol;   // symbol -> clientOrderId
  std::map<std::string, std::string> m_sources;            // symbol -> stored source for warm-up / cycles
  std::set<std::string> m_undeleted;                       // saved rows of removed instances still to delete
  std::chrono::steady_clock::time_point m_deleteRetryAt{};
  std::chrono::milliseconds m_deleteBackoff{0};
  std::set<std::string> m_barSymbols;                      // symbols whose BarClosed the mailbox follows
  bool m_restored = true;  // false while trading with storage and the state has not been read yet
  bool m_restoreFailed = false;  // the last read failed (the monitor says "error")

  mutable std::mutex m_statusMutex;
  mutable std::condition_variable m_warmCv;
  bool m_warm = false;
  std::vector<StrategyInstanceStatus> m_status;
};

}  // namespace meridian::live
