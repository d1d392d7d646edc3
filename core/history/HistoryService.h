#pragma once
// HistoryService: answers the chart's history requests (contract::RequestHistory -> HistoryLoaded) and the Fills
// blotter's start-up request for the journaled fills (RequestFillsHistory -> FillsHistoryLoaded) and the Orders
// blotter's for the journaled orders (RequestOrdersHistory -> OrdersHistoryLoaded; all in core/contract/History.h)
// from storage, off every latency-sensitive thread.
//
// Threading (DESIGN.md rules 1, 4, 5): one worker thread drains the service's Mailbox. Reading a million bars takes
// a second or more, and the storage thread also carries the order journal, so with Options::reader set the worker
// opens its OWN read connection (SQLite WAL / a second PostgreSQL session; owned by the worker thread only) and
// the storage thread never sees history reads. Without it (or when that connection cannot be opened, or for an
// in-memory SQLite database) each request is ONE task on the storage thread through the StorageRunner, as
// IngestionService does: the worker waits, never the caller. Aggregation of finer bars always runs on the worker.
// The answer is an immutable
// shared_ptr<const std::vector<Bar>> published on the bus, so a million bars reach the UI without a copy.
//
// Series choice for (symbol, timeframe): the stored sources are probed by index (latestBarTs per candidate source:
// <vendor>[_adjusted][_1h|_1m] for the configured vendors) instead of listSeries(), which scans the whole table.
// Same resolution first (unadjusted before adjusted, then the newest), else minute bars aggregated to 1h / 1d by
// marketdata::BarAggregator (NYSE sessions, America/New_York), else the coarser series as it is.
#include "core/bus/EventBus.h"
#include "core/marketdata/IngestionService.h"
#include "core/contract/History.h"
#include "core/contract/Pairs.h"
#include "core/contract/Reports.h"
#include "core/storage/StorageFactory.h"
#include "core/storage/StorageService.h"

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace meridian::history {

class HistoryService {
 public:
  struct Options {
    std::vector<std::string> vendors{"yahoo", "csv", "polygon", "alpaca", "simulated"};
    // Own read connection for the worker (the Kernel passes its storage configuration); nullopt: storage thread.
    std::optional<storage::StorageConfig> reader;
  };

  // storage: runs a task on the storage thread and returns when it has finished (throws when storage is not
  // running; the request is then answered with that error).
  HistoryService(bus::EventBus& bus, marketdata::StorageRunner storage);
  HistoryService(bus::EventBus& bus, marketdata::StorageRunner storage, Options options);
  ~HistoryService();  // stop()
  HistoryService(const HistoryService&) = delete;
  HistoryService& operator=(const HistoryService&) = delete;

  // Subscribed from construction (requests made before start() are answered once started). Starts the worker.
  // Idempotent.
  void start();
  // Unsubscribes, answers nothing more, joins. Idempotent.
  void stop();

  // The work of one request, synchronously on the caller's thread (the worker; tests), through the storage runner.
  contract::HistoryLoaded load(const contract::RequestHistory& request) const;
  contract::FillsHistoryLoaded loadFills(const contract::RequestFillsHistory& request) const;
  contract::StoredSeriesListed listSeries(const contract::RequestStoredSeries& request) const;
  contract::PnlReportReady pnlReport(const contract::RequestPnlReport& request) const;
  contract::OrdersHistoryLoaded loadOrders(const contract::RequestOrdersHistory& request) const;

  std::uint64_t served() const { return m_served.load(); }
  std::uint64_t superseded() const { return m_superseded.load(); }
  std::uint64_t fillsServed() const { return m_fillsServed.load(); }  // fills-history answers published
  std::uint64_t ordersServed() const { return m_ordersServed.load(); }  // orders-history answers published
  // Requests (chart and fills) answered through the worker's own read connection (the rest went through the
  // storage thread): of served() + fillsServed().
  std::uint64_t readerReads() const { return m_readerReads.load(); }

 private:
  void subscribe();
  void workerLoop();
  contract::HistoryLoaded loadWith(const contract::RequestHistory& request, const marketdata::StorageRunner& runner) const;
  contract::FillsHistoryLoaded loadFillsWith(const contract::RequestFillsHistory& request, const marketdata::StorageRunner& runner) const;
  contract::StoredSeriesListed listSeriesWith(const contract::RequestStoredSeries& request, const marketdata::StorageRunner& runner) const;
  contract::PnlReportReady pnlReportWith(const contract::RequestPnlReport& request, const marketdata::StorageRunner& runner) const;
  contract::OrdersHistoryLoaded loadOrdersWith(const contract::RequestOrdersHistory& request, const marketdata::StorageRunner& runner) const;
  // Pair Lab (core/research/PairLab): the latest pair_discovery run or a scan, re-measured on the newest bars; one
  // pair's spread and z-score.
  contract::PairsListed pairsWith(const contract::RequestPairs& request, const marketdata::StorageRunner& runner) const;
  contract::PairSeriesLoaded pairSeriesWith(const contract::RequestPairSeries& request,
                                            const marketdata::StorageRunner& runner) const;
  // Answers a journal request (fills or orders) on the worker and publishes the answer.
  template <class Request, class Answer>
  bool serveJournal(const bus::Envelope& e, Answer (HistoryService::*load)(const Request&, const marketdata::StorageRunner&) const,
                    std::atomic<std::uint64_t>& served);
  void openReader();  // worker thread
  // Worker thread: `read(runner)` on the own read connection when there is one, else (or when that read fails)
  // through the storage thread. An invalid request is answered without touching storage and keeps the reader.
  template <class Answer, class Request, class Read>
  Answer readPreferringReader(const Request& request, const Read& read);

  bus::EventBus& m_bus;
  marketdata::StorageRunner m_storage;
  Options m_options;
  std::shared_ptr<bus::Mailbox> m_mailbox;
  bus::SubscriptionId m_subscription = 0;
  bus::SubscriptionId m_fillsSubscription = 0;
  bus::SubscriptionId m_seriesSubscription = 0;
  bus::SubscriptionId m_reportSubscription = 0;
  bus::SubscriptionId m_ordersSubscription = 0;
  bus::SubscriptionId m_pairsSubscription = 0;
  bus::SubscriptionId m_pairSeriesSubscription = 0;
  std::thread m_worker;
  std::atomic<bool> m_running{false};
  std::atomic<std::uint64_t> m_served{0};
  std::atomic<std::uint64_t> m_superseded{0};
  std::atomic<std::uint64_t> m_fillsServed{0};
  std::atomic<std::uint64_t> m_otherServed{0};  // stored-series lists and P&L reports
  std::atomic<std::uint64_t> m_ordersServed{0};
  mutable std::atomic<std::uint64_t> m_readerReads{0};
  std::unique_ptr<storage::IStorage> m_reader;  // worker thread only
  bool m_readerTried = false;                   // worker thread only
};

// A process's history service: reads on its own connection to `storage`'s database (through the storage thread when
// that database cannot be opened twice), so a chart or a backtest never waits behind the order journal. The one
// wiring the Kernel and the CLI share.
std::unique_ptr<HistoryService> makeHistoryService(bus::EventBus& bus, storage::StorageService& storage);

}  // namespace meridian::history
