#pragma once
// The embedded default market: a seeded multi-symbol feed on its own thread, so the app is alive with no account.
//
// - Ticks are scheduled at a fixed rate in wall-clock time (ticksPerSecond, all symbols together, up to 50'000/s)
//   and stamped in simulated time: sim = start + (clock.now() - wallStart) * replaySpeed. The IClock is injected
//   (RealClock live, SimulatedClock in tests).
// - Only during NYSE sessions (NyseCalendar) unless alwaysOpen (demo): closed periods are skipped in simulated
//   time, so with a real clock the feed simply waits for the next open.
// - Publishes on the EventBus: every tick as a QuoteUpdated on topics::quote(sym) (the data lane: a subscriber that
//   falls behind keeps the latest per symbol in its mailbox, and the UI bridge hands the GUI at most one per symbol
//   per refresh), and BarClosed on topics::bar(sym) for 1m bars (source "<source>_1m") plus 1h ("<source>_1h") and
//   1d ("<source>") bars, built by one BarAggregator per symbol. A TickSink also receives the raw ticks in batches
//   on the feed thread.
//   Quotes are handed to the bus in bursts (at most kQuoteBurst ticks, and always before a bar of a later tick and
//   at the end of each step), one publishAll per burst: each subscriber is woken per burst, not per tick.
// - Latency probe (benchmarks): with setLatencyStamps(true) every quote carries its publication time
//   (QuoteUpdated::publishedNs, stamped when the tick is generated, so the burst's wait counts); off (the default)
//   no clock is read per quote.
// - Deterministic: the same seed, start and options give the same tick sequence (TickGenerator) however the
//   run is chunked; runUntil() steps the market synchronously without the thread (tests, backtests).
// - Continues after a restart (pricesPath set): the last price of every symbol and the simulated time they are
//   at are written there (SimulatedFeedState as JSON, replaced atomically) every pricesSaveInterval while running
//   and at stop(); a new market reads it and starts each listed symbol from its saved price instead of its seed
//   price, and -- started without options.startTs -- resumes the simulated time where it was when that is ahead of
//   the clock (a feed faster than real time never goes back: bars already published, stored and seen by the live
//   strategies are not made again with other prices). Unreadable or malformed: the seed prices and the clock's
//   time, with one warning.
#include "core/bus/EventBus.h"
#include "core/common/Clock.h"
#include "core/common/Result.h"
#include "core/contract/MarketData.h"
#include "core/domain/Types.h"
#include "core/marketdata/BarAggregator.h"
#include "core/marketdata/simulated/TickGenerator.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace meridian::marketdata {

struct SimulatedMarketOptions {
  static constexpr double kMaxTicksPerSecond = 50'000.0;

  std::vector<SimulatedSymbol> symbols = defaultSimulatedSymbols();
  std::uint64_t seed = 42;
  double ticksPerSecond = 2'000.0;                 // wall-clock rate, all symbols; clamped to (0, 50'000]
  double replaySpeed = 1.0;                        // simulated seconds per wall-clock second
  std::optional<domain::Timestamp> startTs;        // simulated start; default clock.now() at start()
  bool alwaysOpen = false;                         // demo: tick outside NYSE sessions too
  bool publishHourly = true;
  bool publishDaily = true;
  std::string source = "simulated";
  std::string pricesPath;                          // market.sim_prices_path; empty = start from the seed prices
  std::chrono::milliseconds pricesSaveInterval{2000};
};

// What a stopped feed continues from: {"sim_time_ms": 1733412345678, "prices": {"AAPL": 190.12, ...}}. A file of
// an older version (the prices object alone) reads with simTs 0.
struct SimulatedFeedState {
  std::map<std::string, double> prices;
  domain::Timestamp simTs = 0;  // simulated time of the prices (millisecond precision); 0 = unknown
};
// The state saved at `path`; an error names the file and what is wrong (a missing file is an empty state, not an
// error).
Result<SimulatedFeedState> loadSimulatedFeedState(const std::string& path);
Status saveSimulatedFeedState(const std::string& path, const SimulatedFeedState& state);

class SimulatedMarket {
 public:
  using TickSink = std::function<void(std::span<const Tick>)>;
  // Every closed bar, as published (feed thread / runUntil caller): the Kernel stores them, so a chart opened later
  // (a restarted or attached window) shows the feed's history.
  using BarSink = std::function<void(const std::string& symbol, const std::string& source, const domain::Bar& bar)>;
  struct Stats {
    std::uint64_t ticks = 0;
    std::uint64_t quotes = 0;  // QuoteUpdated published (one per tick)
    std::uint64_t bars = 0;    // BarClosed published (all timeframes)
    domain::Timestamp simTs = 0;
  };

  SimulatedMarket(bus::EventBus& bus, const common::IClock& clock, SimulatedMarketOptions options = {});
  ~SimulatedMarket();  // stops the thread
  SimulatedMarket(const SimulatedMarket&) = delete;
  SimulatedMarket& operator=(const SimulatedMarket&) = delete;

  // Receives every tick in batches (feed thread / runUntil caller). Set before start().
  void setTickSink(TickSink sink) { m_sink = std::move(sink); }
  void setBarSink(BarSink sink) { m_barSink = std::move(sink); }  // set before start()

  void start();
  void stop();  // idempotent; publishes nothing further
  bool running() const { return m_running.load(); }

  // Synchronous stepping (only while not running): processes every tick scheduled at or before simTs, publishes
  // as the thread would and closes bars whose end <= simTs. The first call anchors the schedule at
  // options.startTs (or simTs when unset). Returns ticks generated.
  std::size_t runUntil(domain::Timestamp simTs);

  Stats stats() const;
  // Stamp every quote published from now on with its publication time (QuoteUpdated::publishedNs), any thread.
  void setLatencyStamps(bool on) { m_stamp.store(on, std::memory_order_relaxed); }
  const SimulatedMarketOptions& options() const { return m_options; }
  // Simulated time corresponding to a clock reading while running.
  domain::Timestamp simulatedTime(domain::Timestamp wallNow) const;

 private:
  struct Start {
    SimulatedMarketOptions options;
    domain::Timestamp resumeTs = 0;
  };
  static Start resumed(SimulatedMarketOptions options);
  SimulatedMarket(bus::EventBus& bus, const common::IClock& clock, Start start);

  void run();
  void anchor(domain::Timestamp simStart);
  domain::Timestamp scheduled() const;
  void publishClosed(std::size_t symbolIndex);
  void publishQuote(const domain::Quote& quote);
  void flushQuotes();
  void savePrices();  // feed thread, or after it stopped (the simulated time with them)

  bus::EventBus& m_bus;
  const common::IClock& m_clock;
  SimulatedMarketOptions m_options;
  TickGenerator m_gen;
  domain::Timestamp m_resumeTs = 0;  // the saved simulated time (pricesPath): start() does not begin before it
  TickSink m_sink;
  BarSink m_barSink;

  // schedule (feed thread / runUntil caller)
  bool m_anchored = false;
  domain::Timestamp m_anchor = 0;  // sim time of tick k = 0
  std::uint64_t m_k = 0;
  double m_intervalNs = 0.0;       // sim ns between ticks
  domain::Timestamp m_wallStart = 0;
  domain::Timestamp m_simStart = 0;
  SessionCursor m_cursor;

  struct PerSymbol {
    BarAggregator aggregator;
    domain::Quote latest;
  };
  std::vector<PerSymbol> m_symbols;
  std::vector<ClosedBar> m_closed;  // reused
  std::vector<Tick> m_batch;        // reused
  // Quotes of the ticks generated since the last flush: published together (EventBus::publishAll) every kQuoteBurst
  // ticks, before a bar closes and at the end of each step, so subscribers are woken per burst, not per tick.
  static constexpr std::size_t kQuoteBurst = 16;
  std::vector<std::shared_ptr<const contract::QuoteUpdated>> m_pendingQuotes;

  std::atomic<std::uint64_t> m_ticks{0}, m_quotes{0}, m_bars{0};
  std::atomic<domain::Timestamp> m_simNow{0};

  std::chrono::steady_clock::time_point m_nextSave{};
  bool m_saveFailed = false;
  std::atomic<bool> m_stamp{false};
  std::atomic<bool> m_running{false};
  std::mutex m_mutex;
  std::condition_variable m_cv;
  bool m_stop = false;
  std::thread m_thread;
};

}  // namespace meridian::marketdata
