#pragma once
// Port: a broker (venue). Asynchronous by contract (DESIGN.md threading rule 5): every call returns at once.
//  * Orders: submit / cancel / replace / reconcile hand the work over; every outcome (accepted, fills, cancels,
//    rejects, expiries, the end of a reconciliation) comes back as a BrokerEvent through the sink.
//  * Queries: request*() answer through their callback, exactly once (an error when the adapter stops first).
//  * Threads: one owner (the execution thread) makes every call. Adapters report from any thread: from inside a
//    call on the owner's thread (paper: in memory) or from their own worker (Alpaca: its HTTP never runs on the
//    owner's thread). So the sink and the answer callbacks must be thread-safe (ExecutionService handles what is
//    reported inside a call on its thread right after that call, and queues everything else in its mailbox like its
//    journal acknowledgements). Events of one adapter are reported one at a time, in the order they happened, and
//    the outcomes of a call after those of the calls made before it.
#include "core/common/Result.h"
#include "core/domain/Types.h"

#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::execution {

struct BrokerEvent {
  enum class Kind : std::uint8_t {
    Accepted,        // the broker has the order (brokerOrderId set)
    Rejected,        // refused (reason)
    Fill,            // one execution (fill set; fill.fillId unique and stable across restarts)
    Cancelled,
    Expired,
    Replaced,        // clientOrderId replaced by replacementClientOrderId (brokerOrderId = the new order's id)
    CancelRejected,  // a cancel was refused (reason); the order keeps working
    PendingCancel,   // the broker acknowledged a cancel request that is not final yet
    Reconciled,      // reconcile() is done: every difference it found was reported before this (no order id)
  };
  Kind kind = Kind::Accepted;
  std::string clientOrderId;
  std::string brokerOrderId;
  std::string replacementClientOrderId;
  domain::Fill fill;
  std::string reason;
  domain::Timestamp ts = 0;
};

struct AccountInfo {
  double cash = 0.0;
  double equity = 0.0;
  double buyingPower = 0.0;
  double lastEquity = 0.0;  // equity at the previous close (day P&L base)
  bool tradingBlocked = false;
  std::string status;       // e.g. "ACTIVE"
};

struct MarketClock {
  bool isOpen = false;
  domain::Timestamp ts = 0;
  domain::Timestamp nextOpen = 0;
  domain::Timestamp nextClose = 0;
};

struct AssetInfo {
  std::string symbol;
  std::string exchange;
  std::string status;  // "active" | "inactive"
  bool tradable = false;
  bool shortable = false;
  bool fractionable = false;
};

using BrokerEventSink = std::function<void(BrokerEvent)>;
// The answer to one query; called exactly once, on any thread.
template <class T>
using BrokerAnswer = std::function<void(Result<T>)>;

// Connectivity of the adapter to its venue, for health probes and the UI. Paper is always Connected.
//  Connected: the last request was answered normally.
//  Degraded: the venue answers but refuses service (429 / 5xx after the adapter's retries).
//  Disconnected: the venue cannot be reached (connection refused / reset / timeout).
enum class BrokerConnectivity : std::uint8_t { Connected, Degraded, Disconnected };

constexpr std::string_view toString(BrokerConnectivity c) {
  switch (c) {
    case BrokerConnectivity::Connected: return "connected";
    case BrokerConnectivity::Degraded: return "degraded";
    case BrokerConnectivity::Disconnected: return "disconnected";
  }
  return "disconnected";
}

struct BrokerConnectionState {
  BrokerConnectivity state = BrokerConnectivity::Connected;
  std::string lastError;            // most recent failure (kept after recovery; empty when none yet)
  domain::Timestamp lastErrorTs = 0;
  domain::Timestamp sinceTs = 0;    // when `state` last changed (0 = since construction)
  std::uint64_t failures = 0;       // failed venue requests since construction
};

class IBroker {
 public:
  virtual ~IBroker() = default;

  virtual std::string_view name() const = 0;
  // Set before the first call (an adapter's worker reads it without a lock); it is called on any thread (above).
  void setSink(BrokerEventSink sink) { m_sink = std::move(sink); }

  // True when the venue runs bracket / OCO groups itself (submitBracket / submitOco); otherwise the OMS
  // emulates them (activating the exits after the entry fills, cancelling the other OCO leg).
  virtual bool nativeOrderGroups() const { return false; }
  // True when the venue keeps the account of record (cash, buying power): the owner takes its cash from
  // requestAccount() at start-up and periodically. False: the owner's journal is the account (paper).
  virtual bool accountAtVenue() const { return false; }

  virtual void submit(const domain::Order& order) = 0;
  // Native groups only (the default rejects every leg).
  virtual void submitBracket(const domain::Order& entry, const domain::Order& takeProfit, const domain::Order& stopLoss);
  virtual void submitOco(const domain::Order& first, const domain::Order& second);
  virtual void cancel(const domain::Order& order) = 0;
  // Replaces `existing` by `replacement` (same symbol/side/type; new quantity/prices; new clientOrderId).
  virtual void replace(const domain::Order& existing, const domain::Order& replacement) = 0;

  // Restart reconciliation: `journalOpen` are the orders the journal says are not terminal. The broker makes its
  // state agree (paper: re-arms them; Alpaca: queries each by client order id, adopts what it finds and submits
  // what never arrived), reports every difference as events, then Reconciled. Never submits an order twice.
  virtual void reconcile(const std::vector<domain::Order>& journalOpen) = 0;
  // A simulated venue that keeps nothing across restarts takes its account from the journal (cash and positions);
  // a real venue keeps its own and ignores this.
  virtual void restoreAccount(double /*cash*/, const std::vector<domain::Position>& /*positions*/) {}

  // Queries (asynchronous like everything else; paper answers from memory, inside the call).
  virtual void requestOpenOrders(BrokerAnswer<std::vector<domain::Order>> done) = 0;
  virtual void requestOrder(const std::string& clientOrderId, BrokerAnswer<std::optional<domain::Order>> done) = 0;
  virtual void requestAccount(BrokerAnswer<AccountInfo> done) = 0;
  virtual void requestPositions(BrokerAnswer<std::vector<domain::Position>> done) = 0;

  // The same queries, waiting for the answer: for tools and tests only. Never on a service thread (rule 5) nor
  // from the sink or an answer callback (an adapter's worker would wait for itself).
  Result<std::vector<domain::Order>> openOrders() {
    return await<std::vector<domain::Order>>([&](auto done) { requestOpenOrders(std::move(done)); });
  }
  Result<std::optional<domain::Order>> orderByClientId(const std::string& clientOrderId) {
    return await<std::optional<domain::Order>>([&](auto done) { requestOrder(clientOrderId, std::move(done)); });
  }
  Result<AccountInfo> account() {
    return await<AccountInfo>([&](auto done) { requestAccount(std::move(done)); });
  }
  Result<std::vector<domain::Position>> positions() {
    return await<std::vector<domain::Position>>([&](auto done) { requestPositions(std::move(done)); });
  }

  // Thread-safe (a health probe reads it from another thread while the execution thread updates it).
  BrokerConnectionState connectionState() const {
    std::lock_guard lock(m_stateMutex);
    return m_state;
  }

  // Market data and time (the execution thread forwards what it receives).
  virtual void onQuote(const domain::Quote&) {}
  virtual void onBar(std::string_view /*symbol*/, const domain::Bar&) {}
  // Periodic work: polling for order updates, day-order expiry. now = UTC ns.
  virtual void poll(domain::Timestamp /*now*/) {}
  // The owner stops: called once, on the owner's thread, after its last call. The adapter finishes the venue
  // requests already handed to it (their outcomes are reported before this returns, so the owner can still
  // journal them), answers queries still waiting with an error and releases thread-bound resources (Alpaca: its
  // worker ends and destroys its network objects on its own thread). A later call starts it again.
  virtual void shutdown() {}

 protected:
  void report(BrokerEvent e) const {
    if (m_sink) m_sink(std::move(e));
  }
  // Runs `ask` with a callback that fulfils a promise, and waits for it (the blocking query forms).
  template <class T, class Ask>
  static Result<T> await(Ask&& ask) {
    auto promise = std::make_shared<std::promise<Result<T>>>();
    auto answer = promise->get_future();
    ask(BrokerAnswer<T>([promise](Result<T> r) { promise->set_value(std::move(r)); }));
    return answer.get();
  }
  // Adapters record the outcome of every venue request. Returns true when the state changed.
  bool setConnectivity(BrokerConnectivity state, std::string error, domain::Timestamp now) {
    std::lock_guard lock(m_stateMutex);
    if (state != BrokerConnectivity::Connected) {
      m_state.lastError = std::move(error);
      m_state.lastErrorTs = now;
      ++m_state.failures;
    }
    if (m_state.state == state) return false;
    m_state.state = state;
    m_state.sinceTs = now;
    return true;
  }

 private:
  BrokerEventSink m_sink;
  mutable std::mutex m_stateMutex;
  BrokerConnectionState m_state;
};

inline void IBroker::submitBracket(const domain::Order& entry, const domain::Order& takeProfit,
                                   const domain::Order& stopLoss) {
  for (const domain::Order* o : {&entry, &takeProfit, &stopLoss})
    report(BrokerEvent{BrokerEvent::Kind::Rejected, o->clientOrderId, {}, {}, {}, "bracket orders are not supported by this broker", 0});
}
inline void IBroker::submitOco(const domain::Order& first, const domain::Order& second) {
  for (const domain::Order* o : {&first, &second})
    report(BrokerEvent{BrokerEvent::Kind::Rejected, o->clientOrderId, {}, {}, {}, "OCO orders are not supported by this broker", 0});
}

}  // namespace meridian::execution
