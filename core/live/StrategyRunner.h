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
//
// Threading (DESIGN.md rule 1): the runner owns one thread and one Mailbox (BarClosed of the configured symbols,
// OrderUpdated and CommandRejected when trading, plus its own cycle requests). On start the thread first warms
// every instance up from stored history through storage tasks (orders refused, as before a backtest's tradeStart),
// then handles events. Each instance runs in a LiveStrategyHost: same per-bar sequence and fill semantics as the
// backtest engine, so live signals equal the backtest's orders on the same bars.
//
// Orders (strategy.trade): per (instance, symbol) the runner keeps the strategy's latest target position and the
// position its own orders have filled; it submits the difference as a market Day order with a fresh correlation
// id, and never submits while one of its orders for that symbol is working: the newest target is remembered and
// reconciled when the working order ends. A rejected / cancelled order is not retried until the next signal.
#include "core/bus/EventBus.h"
#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
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
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace meridian::storage {
class StorageService;
}

namespace meridian::live {

class LiveStrategyHost;

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

struct StrategyRunnerOptions {
  bool trade = false;
  domain::Timeframe timeframe = domain::Timeframe::Day1;
  strategy::SizingRule sizing;
  double capital = 100'000.0;
  std::string historySource;
  int historyDays = 730;
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

  void run();
  void warmUp();
  void onBar(const contract::BarClosed& ev);
  void onOrderUpdated(const contract::OrderUpdated& ev);
  void onCommandRejected(const contract::CommandRejected& ev);
  void onCycle(const CycleRequest& req);
  // Steps every complete pending slice of `inst` newer than its last one; slices before tradeFrom with orders
  // refused (catch-up). Returns the number of slices stepped.
  std::size_t drainPending(Instance& inst, domain::Timestamp tradeFrom, StrategyCycleReport* report);
  void stepInstance(Instance& inst, std::span<const domain::Bar> bars, bool trading, StrategyCycleReport* report);
  void reconcile(const std::string& slotKey, StrategyCycleReport* report);
  void orderEnded(const std::string& clientOrderId);
  std::string sourceFor(const std::string& symbol);
  Result<std::vector<domain::Bar>> loadStored(const std::string& symbol, domain::Timestamp from, domain::Timestamp to);
  void publishStatus();

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

  mutable std::mutex m_statusMutex;
  mutable std::condition_variable m_warmCv;
  bool m_warm = false;
  std::vector<StrategyInstanceStatus> m_status;
};

}  // namespace meridian::live
