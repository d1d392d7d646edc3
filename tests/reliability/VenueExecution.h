#pragma once
// The production order path against the fake Alpaca venue, as the reliability tests (and their order child process)
// set it up: a SQLite journal on the real storage thread (storage::StorageService), ExecutionService with the
// journal queued onto that thread like the Kernel does, and an AlpacaBroker pointed at FakeAlpacaVenue with test
// credentials. Each test tunes the broker's HTTP timeouts / polling / restart policy on the returned config.
// Header only: OrderChild links the same libraries as the tests but not the fake venue.
#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "core/common/Clock.h"
#include "core/execution/ExecutionService.h"
#include "core/execution/alpaca/AlpacaBroker.h"
#include "core/storage/StorageService.h"

#include <QElapsedTimer>
#include <QString>
#include <QThread>
#include <QUrl>

#include <functional>
#include <future>
#include <memory>
#include <string>

namespace meridian::testsupport {

// The ExecutionService's journal writes, posted to the storage thread (fire-and-forget, in order).
class StorageJournal final : public execution::IJournalQueue {
 public:
  explicit StorageJournal(storage::StorageService& storage) : m_storage(storage) {}
  void post(Task t) override {
    m_storage.post([t = std::move(t)](storage::IStorage& s) { t(s); });
  }

 private:
  storage::StorageService& m_storage;
};

// Polls `pred` every 20 ms until it holds (true) or `ms` have passed (false).
inline bool waitUntil(const std::function<bool()>& pred, int ms = 10'000) {
  QElapsedTimer t;
  t.start();
  while (!pred()) {
    if (t.elapsed() > ms) return false;
    QThread::msleep(20);
  }
  return true;
}

// "Nothing more happens", shown with a barrier instead of a sleep: `passes` poll passes are queued on the
// AlpacaBroker's worker (it runs one venue request at a time, in call order), then a query behind them; its answer
// means those passes ran and reported what they found (fills, ends, adoptions; or failed against a venue that is
// away). One round trip through the execution thread then handles those reports and posts their journal writes,
// one through the storage thread writes them. A duplicate fill or a re-sent order that a poll would cause is in
// the OMS, the journal and the venue's counters when this returns true (false: the worker did not answer in 30 s).
inline bool settleVenue(execution::ExecutionService& execution, storage::StorageService& storage, int passes = 3) {
  auto answered = std::make_shared<std::promise<void>>();
  std::future<void> done = answered->get_future();
  execution.runOnThread([passes, answered](execution::ExecutionService& s) {
    auto& broker = static_cast<execution::AlpacaBroker&>(s.broker());
    const domain::Timestamp now = common::RealClock().now();
    for (int i = 0; i < passes; ++i) broker.pollNow(now);
    broker.requestOpenOrders([answered](const Result<std::vector<domain::Order>>&) { answered->set_value(); });
  });
  if (done.wait_for(std::chrono::seconds(30)) != std::future_status::ready) return false;
  execution.runOnThread([](execution::ExecutionService&) {});
  storage.call([](storage::IStorage&) { return 0; }).get();
  return true;
}

// The storage thread on a SQLite file. Null (with `error` set) when it cannot start.
inline std::unique_ptr<storage::StorageService> startSqliteStorage(const QString& path, std::string* error = nullptr) {
  storage::StorageConfig c;
  c.backend = "sqlite";
  c.sqlitePath = path.toStdString();
  auto s = std::make_unique<storage::StorageService>(c);
  if (Status st = s->start(); !st.ok()) {
    if (error) *error = "storage on " + c.sqlitePath + ": " + st.error().message;
    return nullptr;
  }
  return s;
}

// AlpacaBroker settings for the fake venue at `url`: test credentials, 50 ms order polling.
inline execution::AlpacaConfig venueBrokerConfig(const QUrl& url) {
  execution::AlpacaConfig c;
  c.baseUrl = url;
  c.keyId = "PKRELIABILITY0001";
  c.secretKey = "reliability-secret-value";
  c.pollInterval = 50 * domain::kNanosPerMilli;
  return c;
}

// ExecutionService journaling through `storage` and trading through an AlpacaBroker with `broker`; started, with
// `config` and the trading-hours check off (the tests run at any hour against the fake venue). Null (with `error`
// set) when it does not start.
inline std::unique_ptr<execution::ExecutionService> startVenueExecution(bus::EventBus& bus,
                                                                        storage::StorageService& storage,
                                                                        const execution::AlpacaConfig& broker,
                                                                        std::string* error = nullptr,
                                                                        execution::ExecutionConfig config = {}) {
  execution::ExecutionConfig cfg = std::move(config);
  cfg.limits.enforceTradingHours = false;
  auto service = std::make_unique<execution::ExecutionService>(bus, std::make_shared<StorageJournal>(storage),
                                                               std::make_unique<execution::AlpacaBroker>(broker), cfg);
  if (Status st = service->start(); !st.ok()) {
    if (error) *error = "execution: " + st.error().message;
    return nullptr;
  }
  return service;
}

// An AAPL quote around `last` (default 100: bid 99.9 / ask 100.1), so risk checks have a market to price limit
// orders against.
inline void publishAaplQuote(bus::EventBus& bus, double last = 100.0) {
  contract::QuoteUpdated q;
  q.quote.symbol = "AAPL";
  q.quote.bid = last - 0.1;
  q.quote.ask = last + 0.1;
  q.quote.last = last;
  q.quote.ts = common::RealClock().now();
  bus.publish(q);
}

// A GTC limit buy of AAPL.
inline domain::Order limitBuy(const std::string& clientOrderId, double qty, double limit) {
  domain::Order o;
  o.clientOrderId = clientOrderId;
  o.symbol = "AAPL";
  o.side = domain::Side::Buy;
  o.quantity = qty;
  o.type = domain::OrderType::Limit;
  o.limitPrice = limit;
  o.tif = domain::TimeInForce::Gtc;
  return o;
}

// The order's status in the service's order manager (New when it does not know the order).
inline domain::OrderStatus omsStatus(execution::ExecutionService& service, const std::string& clientOrderId) {
  domain::OrderStatus out = domain::OrderStatus::New;
  service.runOnThread([&](execution::ExecutionService& s) {
    if (const auto* m = s.orders().find(clientOrderId)) out = m->order.status;
  });
  return out;
}

// The journaled order (a default Order when it is not journaled or the read fails).
inline domain::Order journaledOrder(storage::StorageService& storage, const std::string& clientOrderId) {
  auto r = storage.call([clientOrderId](storage::IStorage& s) { return s.loadOrder(clientOrderId); }).get();
  return r.ok() && r.value() ? *r.value() : domain::Order{};
}

}  // namespace meridian::testsupport
