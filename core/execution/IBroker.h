#pragma once
// Port: a broker (venue). Asynchronous by contract: submit/cancel/replace return at once, and every outcome
// (accepted, fills, cancels, rejects, expiries) comes back as a BrokerEvent through the sink. Adapters call the
// sink on the owning (execution) thread only — from inside a call or from poll()/onQuote()/onBar().
#include "core/common/Result.h"
#include "core/domain/Types.h"

#include <functional>
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
  void setSink(BrokerEventSink sink) { m_sink = std::move(sink); }

  // True when the venue runs bracket / OCO groups itself (submitBracket / submitOco); otherwise the OMS
  // emulates them (activating the exits after the entry fills, cancelling the other OCO leg).
  virtual bool nativeOrderGroups() const { return false; }

  virtual void submit(const domain::Order& order) = 0;
  // Native groups only (the default rejects every leg).
  virtual void submitBracket(const domain::Order& entry, const domain::Order& takeProfit, const domain::Order& stopLoss);
  virtual void submitOco(const domain::Order& first, const domain::Order& second);
  virtual void cancel(const domain::Order& order) = 0;
  // Replaces `existing` by `replacement` (same symbol/side/type; new quantity/prices; new clientOrderId).
  virtual void replace(const domain::Order& existing, const domain::Order& replacement) = 0;

  // Restart reconciliation: `journalOpen` are the orders the journal says are not terminal. The broker makes its
  // state agree (paper: re-arms them; Alpaca: queries each by client order id, adopts what it finds and submits
  // what never arrived) and reports every difference as events. Never submits an order twice.
  virtual void reconcile(const std::vector<domain::Order>& journalOpen) = 0;

  // Queries (synchronous; paper answers from memory).
  virtual Result<std::vector<domain::Order>> openOrders() = 0;
  virtual Result<std::optional<domain::Order>> orderByClientId(const std::string& clientOrderId) = 0;
  virtual Result<AccountInfo> account() = 0;
  virtual Result<std::vector<domain::Position>> positions() = 0;

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

 protected:
  void report(BrokerEvent e) const {
    if (m_sink) m_sink(std::move(e));
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
