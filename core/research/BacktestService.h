#pragma once
// BacktestService: runs backtests, grid optimizations and walk-forward analyses requested over the EventBus
// (DESIGN.md threading contract: commands in with a correlation id, events out, immutable results).
//
// Threads
//  * ONE worker thread owns everything the service does: it drains a Mailbox subscribed to the backtest commands
//    queues Run* commands (FIFO, bounded), loads the input series, runs the engine / optimizer (the optimizer
//    spreads one command's grid over its own short-lived pool), calls the optional callbacks and publishes
//    the events of core/contract/Backtest.h. While a command runs, the worker keeps draining its mailbox from the
//    engine's progress callback, so new commands are acknowledged ("queued") without waiting for the run.
//  * Cancellation must not wait for the worker: CancelBacktest is also delivered to a second mailbox whose
//    wake-up notifier (on the publisher's thread) only looks the id up and sets that command's atomic cancel
//    flag (RunControl::cancel). A running command stops at the engine's next check and finishes with
//    error code backtest.cancelled; a queued one finishes as cancelled without running.
//
// Callbacks (all optional, all called on the worker thread):
//  * SeriesLoader  resolves contract::DataSpec::stored series (a bar store); without it such requests fail clearly.
//  * RunSaver      stores a completed single backtest (storage::BacktestRunRecord, see toRunRecord) and returns
//                  its id (contract::BacktestFinished::savedRunId). The composition root wires StorageService here.
//  * RunHistory    answers contract::ListBacktestRuns; without it the answer carries error code "backtest.no_history".
#include "core/contract/Backtest.h"
#include "core/backtest/BarSeries.h"
#include "core/bus/EventBus.h"
#include "core/common/Clock.h"
#include "core/common/Result.h"
#include "core/storage/Records.h"
#include "core/strategy/StrategyRegistry.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <variant>
#include <vector>

namespace meridian::research {

// Fills r's buy-and-hold benchmark (the first series, r.initialCash, analytics/Benchmark.h) and its alpha / beta
// from the bars the run read and its equity curve; nothing when the curve was not recorded.
void addBenchmark(backtest::BacktestResult& r, std::span<const backtest::SeriesView> series,
                  const analytics::MetricsConfig& metrics);

// Index of the first bar (of the aligned series) on or after the exchange date "YYYY-MM-DD" (DataSpec::tradeFromDate).
Result<std::size_t> tradeStartIndex(std::span<const backtest::SeriesView> series, const std::string& date);

class BacktestService {
 public:
  using SeriesLoader = std::function<Result<backtest::BarSeries>(const contract::SeriesRequest&)>;
  using RunSaver = std::function<Result<std::int64_t>(storage::BacktestRunRecord)>;
  using RunHistory = std::function<Result<std::vector<storage::BacktestRunRecord>>(std::size_t limit)>;

  static constexpr const char* kNoHistoryCode = "backtest.no_history";
  static constexpr const char* kNoLoaderCode = "backtest.no_loader";
  static constexpr const char* kNoLiveCode = "backtest.no_live";
  static constexpr const char* kNoDataCode = "backtest.no_data";
  static constexpr const char* kQueueFullCode = "backtest.queue_full";
  static constexpr const char* kStoppedCode = "backtest.stopped";
  static constexpr std::size_t kMaxGridSize = 1'000'000;

  struct Options {
    const strategy::StrategyRegistry* registry = nullptr;  // null = StrategyRegistry::builtin(); must outlive us
    std::shared_ptr<const common::IClock> clock;            // stamps saved runs; null = real time
    SeriesLoader loader;
    // contract::CompareLiveStrategy -> the RunBacktest of that live strategy (the Kernel: runtime::liveComparisonRun);
    // without it such commands finish with an error.
    std::function<Result<contract::RunBacktest>(const contract::CompareLiveStrategy&)> liveComparison;
    RunSaver saver;
    RunHistory history;
    std::chrono::milliseconds progressInterval{50};  // at most one BacktestProgress per interval and command
    unsigned optimizerThreads = 0;                   // used when a command asks for 0; 0 = all cores
    std::size_t maxQueued = 64;                      // further Run* commands finish with kQueueFullCode
  };

  struct Stats {
    std::uint64_t commands = 0;           // Run* commands received
    std::uint64_t succeeded = 0;
    std::uint64_t failed = 0;             // errors other than cancellation
    std::uint64_t cancelled = 0;
    std::uint64_t progressPublished = 0;
    std::uint64_t progressSuppressed = 0;  // throttled away
    std::uint64_t saved = 0;
  };

  explicit BacktestService(bus::EventBus& bus);
  BacktestService(bus::EventBus& bus, Options options);
  ~BacktestService();  // stop()
  BacktestService(const BacktestService&) = delete;
  BacktestService& operator=(const BacktestService&) = delete;

  // Subscribes and starts the worker. Idempotent; a stopped service cannot be restarted.
  Status start();
  // Cancels the running and every queued command (each still gets its contract::BacktestFinished, as cancelled),
  // unsubscribes and joins the worker. Idempotent.
  void stop();
  bool running() const { return m_running.load(); }
  Stats stats() const;

 private:
  using Command = std::variant<contract::RunBacktest, contract::RunOptimization, contract::RunWalkForward>;
  struct Throttle {
    std::chrono::steady_clock::time_point last{};
    bool any = false;
  };
  struct Job {
    Command command;
    std::shared_ptr<std::atomic<bool>> cancel;
    Throttle throttle;  // shared by all of the command's progress events, "queued" included
  };

  void workerLoop();
  void pump();                                   // worker: drain the command mailbox
  void accept(const bus::Envelope& e);           // worker: one command
  void execute(Job& job);                        // worker
  void finish(contract::BacktestFinished ev);              // worker: publish + count
  void progress(const std::string& corr, contract::BacktestKind kind, Throttle& t, std::size_t done, std::size_t total,
                const char* phase);
  Result<std::vector<backtest::BarSeries>> loadData(const contract::DataSpec& data, const std::string& corr, contract::BacktestKind kind,
                                          Throttle& t);
  void answerHistory(const contract::ListBacktestRuns& cmd);

  struct CancelRegistry;  // cancel flags, shared with the cancel mailbox's notifier (which may outlive us)

  bus::EventBus& m_bus;
  Options m_options;
  const strategy::StrategyRegistry* m_registry;
  std::shared_ptr<bus::Mailbox> m_mailbox;
  std::shared_ptr<bus::Mailbox> m_cancelMailbox;
  std::vector<bus::SubscriptionId> m_subscriptions;
  std::thread m_thread;
  std::atomic<bool> m_running{false};
  std::atomic<bool> m_stopping{false};
  bool m_started = false;
  std::mutex m_lifecycle;

  // Worker-thread state.
  std::deque<Job> m_queue;
  std::vector<bus::Envelope> m_drained;

  std::shared_ptr<CancelRegistry> m_cancels;

  struct AtomicStats {
    std::atomic<std::uint64_t> commands{0}, succeeded{0}, failed{0}, cancelled{0}, progressPublished{0},
        progressSuppressed{0}, saved{0};
  } m_stats;
};

}  // namespace meridian::research
