#pragma once
// EventWatcher: turns what happens on the bus into notifications (NotificationRules names the events).
//
//   OrderUpdated      filled quantity grew: "partial_fill" (the fill's quantity and price), or "fill" once the
//                     order is complete (its quantity and average price). Orders last updated before the watcher
//                     started (replayed at reconciliation) are not announced again.
//   RiskRejected      "risk_rejected" with the order's symbol / side / quantity / price from the OrderUpdated that
//                     follows it (or without them after 500 ms).
//   RiskStateChanged  "kill_switch_engaged" / "kill_switch_reset", "breaker_tripped" / "breaker_reset" on a change
//                     (the first state seen is the baseline).
//   HealthSnapshot    the broker component going down ("broker_disconnected", also when it is down at the first
//                     snapshot) and coming back ("broker_reconnected"); a data stream turning stale ("stale_feed",
//                     one key per feed: a market-wide stall is one message and a count).
// Job failures and time-outs come from the scheduler's run callback (jobFinished), not the bus.
// RiskStateChanged and HealthSnapshot are states on the coalescing lane: a change undone before the watcher drains
// its mailbox (a kill switch engaged and reset within the same few milliseconds) is not reported.
//
// Threading: its own thread drains its own mailbox; notify() is non-blocking. The sink may be any thread-safe
// function (the Kernel's is Notifier::notify).
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/bus/EventBus.h"
#include "core/common/Clock.h"
#include "core/contract/Orders.h"
#include "core/contract/Risk.h"
#include "core/contract/System.h"

namespace meridian::notify {

class EventWatcher {
 public:
  using Sink = std::function<void(contract::Notification)>;

  // bus and clock must outlive the watcher.
  EventWatcher(bus::EventBus& bus, const common::IClock& clock, Sink sink);
  ~EventWatcher();  // stop()
  EventWatcher(const EventWatcher&) = delete;
  EventWatcher& operator=(const EventWatcher&) = delete;

  void start();
  void stop();

  // A finished job run: status "failed" -> job_failed, "timed_out" -> job_timed_out; anything else is ignored.
  static std::optional<contract::Notification> jobFinished(const std::string& jobName, const std::string& status,
                                                           int attempt, const std::string& message);

 private:
  struct PendingRejection {
    contract::RiskRejected rejection;
    std::chrono::steady_clock::time_point seen;
  };
  void loop();
  void onOrder(const contract::OrderUpdated& u);
  void onRejected(const contract::RiskRejected& r);
  void onRiskState(const contract::RiskStateChanged& s);
  void onHealth(const contract::HealthSnapshot& h);
  void flushRejections(bool all);
  void emitRejection(const contract::RiskRejected& r, const domain::Order* order);

  bus::EventBus& m_bus;
  const common::IClock& m_clock;
  Sink m_sink;
  std::shared_ptr<bus::Mailbox> m_mailbox;
  std::vector<bus::SubscriptionId> m_subscriptions;
  std::atomic<bool> m_stop{false};
  std::thread m_thread;
  domain::Timestamp m_startTs = 0;

  // watcher thread only
  std::map<std::string, double> m_filled;       // client order id -> filled quantity announced
  std::map<std::string, double> m_filledPrice;  // client order id -> its average price then
  std::vector<PendingRejection> m_rejections;
  bool m_riskKnown = false;
  contract::RiskStateChanged m_risk;
  std::map<std::string, contract::HealthState> m_brokers;  // component name -> last state
  std::map<std::string, bool> m_stale;                     // symbol|kind|source -> stale
};

}  // namespace meridian::notify
