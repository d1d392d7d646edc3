#pragma once
// HealthMonitor: periodically runs health probes (database, Redis, data providers, broker) and tracks market-data
// freshness from the bus (quotes and bars), publishing a contract::HealthSnapshot for the Ops dock, with the
// lanes of every mailbox on the bus (queued commands, coalesced market data, refusals).
//
// Threading: one owned thread. Probes run on it, one after the other, and must bound their own waiting (e.g. a
// storage ping posted to the storage thread and awaited with a timeout: see makeProbe). Market-data events are
// drained from the monitor's own mailbox whenever they arrive (cheap map updates); snapshots are published every
// Options::interval, on checkNow(), and at once when an attached process's link to its server changes
// (contract::ServerLinkState).
#include <QString>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "core/bus/EventBus.h"
#include "core/contract/System.h"
#include "core/common/Clock.h"
#include "core/common/Result.h"

namespace meridian::jobs {

class HealthMonitor {
 public:
  struct Options {
    std::chrono::milliseconds interval{15'000};  // probe + publish period (real time)
    domain::Timestamp staleAfter = 3 * domain::kNanosPerMinute;  // while the market is open
    double degradedLatencyMs = 1000.0;           // a successful probe slower than this is Degraded
  };
  // Returns the probed state; name/kind/checkedTs/sinceTs are filled in by the monitor.
  using Probe = std::function<contract::ComponentHealth()>;

  HealthMonitor(const common::IClock& clock, bus::EventBus& bus);
  HealthMonitor(const common::IClock& clock, bus::EventBus& bus, Options options);
  ~HealthMonitor();
  HealthMonitor(const HealthMonitor&) = delete;
  HealthMonitor& operator=(const HealthMonitor&) = delete;

  // Components are listed in the order they were added. Adding a name again replaces its probe. `required` is
  // copied into the component's ComponentHealth.
  void addProbe(std::string name, std::string kind, Probe probe, bool required = false);
  // A component that is not configured (shown as Disabled with the reason, never probed, never required).
  void addDisabled(std::string name, std::string kind, std::string reason);

  void start();
  void stop();  // idempotent
  // Probe and publish now (asynchronously, on the monitor thread).
  void checkNow();
  // Synchronous probe + snapshot on the caller's thread (tests, CLI). Do not call while started.
  std::shared_ptr<const contract::HealthSnapshot> runOnce();
  std::shared_ptr<const contract::HealthSnapshot> snapshot() const;

  // Wraps a Status-returning check: Ok (Degraded when slower than degradedLatencyMs), Down with the error's
  // message. `okDetail` is shown when the check succeeds.
  static Probe makeProbe(std::function<Status()> check, std::string okDetail = "ok", double degradedLatencyMs = 1000.0);

 private:
  struct Component {
    std::string name;
    std::string kind;
    bool required = false;
    Probe probe;          // empty = disabled
    contract::ComponentHealth last;
  };
  void loop();
  bool drainMarketData();  // true when the link to the serving process changed (probe now)
  std::shared_ptr<const contract::HealthSnapshot> probeAndBuild();

  const common::IClock& m_clock;
  bus::EventBus& m_bus;
  Options m_options;
  std::shared_ptr<bus::Mailbox> m_mailbox;
  std::vector<bus::SubscriptionId> m_subscriptions;

  mutable std::mutex m_mutex;
  std::vector<Component> m_components;
  // (symbol, kind, source) -> freshness; touched by the monitor thread (or runOnce) only, under m_mutex.
  std::map<std::tuple<std::string, std::string, std::string>, contract::DataFreshness> m_freshness;
  std::shared_ptr<const contract::HealthSnapshot> m_snapshot;

  // Shared with the mailbox notifier, which a publisher thread may still be running while the monitor is destroyed.
  struct Wake {
    std::mutex mutex;
    std::condition_variable cv;
    bool data = false;
    bool check = false;
  };
  std::shared_ptr<Wake> m_wake = std::make_shared<Wake>();
  std::atomic<bool> m_running{false};
  std::atomic<bool> m_stopping{false};
  std::thread m_thread;
};

}  // namespace meridian::jobs
