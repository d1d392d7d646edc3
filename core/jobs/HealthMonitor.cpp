#include "core/jobs/HealthMonitor.h"

#include "core/contract/MarketData.h"
#include "core/common/Logging.h"
#include "core/common/Redact.h"
#include "core/time/NyseCalendar.h"

namespace meridian::jobs {

HealthMonitor::HealthMonitor(const common::IClock& clock, bus::EventBus& bus) : HealthMonitor(clock, bus, Options{}) {}

HealthMonitor::HealthMonitor(const common::IClock& clock, bus::EventBus& bus, Options options)
    : m_clock(clock), m_bus(bus), m_options(options), m_mailbox(std::make_shared<bus::Mailbox>("health")) {
  m_mailbox->setNotifier([wake = m_wake] {
    {
      std::lock_guard lock(wake->mutex);
      wake->data = true;
    }
    wake->cv.notify_one();
  });
  m_subscriptions = {m_bus.subscribe<contract::QuoteUpdated>(m_mailbox), m_bus.subscribe<contract::BarClosed>(m_mailbox),
                     m_bus.subscribe<contract::ServerLinkState>(m_mailbox)};
}

HealthMonitor::~HealthMonitor() {
  stop();
  m_mailbox->close();
  for (auto id : m_subscriptions) m_bus.unsubscribe(id);
}

void HealthMonitor::addProbe(std::string name, std::string kind, Probe probe, bool required) {
  std::lock_guard lock(m_mutex);
  for (auto& c : m_components) {
    if (c.name == name) {
      c.kind = std::move(kind);
      c.required = required;
      c.probe = std::move(probe);
      c.last.required = required;
      return;
    }
  }
  Component c;
  c.name = std::move(name);
  c.kind = std::move(kind);
  c.required = required;
  c.probe = std::move(probe);
  c.last.name = c.name;
  c.last.kind = c.kind;
  c.last.required = required;
  m_components.push_back(std::move(c));
}

void HealthMonitor::addDisabled(std::string name, std::string kind, std::string reason) {
  std::lock_guard lock(m_mutex);
  Component c;
  c.name = name;
  c.kind = kind;
  c.last.name = std::move(name);
  c.last.kind = std::move(kind);
  c.last.state = contract::HealthState::Disabled;
  c.last.detail = std::move(reason);
  for (auto& existing : m_components) {
    if (existing.name == c.name) {
      existing = std::move(c);
      return;
    }
  }
  m_components.push_back(std::move(c));
}

void HealthMonitor::start() {
  if (m_running.exchange(true)) return;
  m_stopping = false;
  m_thread = std::thread(&HealthMonitor::loop, this);
}

void HealthMonitor::stop() {
  if (!m_running.load()) return;
  {
    std::lock_guard lock(m_wake->mutex);
    m_stopping = true;
  }
  m_wake->cv.notify_all();
  if (m_thread.joinable()) m_thread.join();
  m_running = false;
}

void HealthMonitor::checkNow() {
  {
    std::lock_guard lock(m_wake->mutex);
    m_wake->check = true;
  }
  m_wake->cv.notify_one();
}

std::shared_ptr<const contract::HealthSnapshot> HealthMonitor::snapshot() const {
  std::lock_guard lock(m_mutex);
  return m_snapshot;
}

std::shared_ptr<const contract::HealthSnapshot> HealthMonitor::runOnce() {
  drainMarketData();
  auto snap = probeAndBuild();
  m_bus.publish(snap);
  return snap;
}

void HealthMonitor::loop() {
  auto next = std::chrono::steady_clock::now();
  while (!m_stopping.load()) {
    // The link to the serving process changed (attached process): the Ops panel shows it now, not on the next period.
    if (drainMarketData()) next = std::chrono::steady_clock::now();
    if (std::chrono::steady_clock::now() >= next) {
      m_bus.publish(probeAndBuild());
      next = std::chrono::steady_clock::now() + m_options.interval;
    }
    std::unique_lock lock(m_wake->mutex);
    m_wake->cv.wait_until(lock, next, [this] { return m_wake->data || m_wake->check || m_stopping.load(); });
    if (m_wake->check) next = std::chrono::steady_clock::now();
    m_wake->data = m_wake->check = false;
  }
}

bool HealthMonitor::drainMarketData() {
  std::vector<bus::Envelope> batch;
  m_mailbox->drain(batch);
  if (batch.empty()) return false;
  bool linkChanged = false;
  const domain::Timestamp now = m_clock.now();
  std::lock_guard lock(m_mutex);
  const auto touch = [&](const std::string& symbol, const std::string& source, const char* kind, domain::Timestamp ts) {
    auto& f = m_freshness[{symbol, kind, source}];
    if (f.symbol.empty()) {
      f.symbol = symbol;
      f.source = source;
      f.kind = kind;
    }
    f.lastDataTs = std::max(f.lastDataTs, ts);
    f.lastReceivedTs = now;
  };
  for (const auto& e : batch) {
    if (const auto* b = e.as<contract::BarClosed>()) {
      touch(b->symbol, b->source, "bar", b->bar.ts);
    } else if (const auto* q = e.as<contract::QuoteUpdated>()) {
      touch(q->quote.symbol, std::string(), "quote", q->quote.ts);
    } else if (e.as<contract::ServerLinkState>()) {
      linkChanged = true;
    }
  }
  return linkChanged;
}

std::shared_ptr<const contract::HealthSnapshot> HealthMonitor::probeAndBuild() {
  // Copy the probes so they run without the lock (they may take up to their own timeout).
  std::vector<std::pair<std::size_t, Probe>> probes;
  {
    std::lock_guard lock(m_mutex);
    for (std::size_t i = 0; i < m_components.size(); ++i)
      if (m_components[i].probe) probes.emplace_back(i, m_components[i].probe);
  }
  std::vector<std::pair<std::size_t, contract::ComponentHealth>> results;
  for (auto& [index, probe] : probes) {
    contract::ComponentHealth h;
    try {
      h = probe();
    } catch (const std::exception& e) {
      h.state = contract::HealthState::Down;
      h.detail = std::string("probe failed: ") + e.what();
    }
    h.detail = common::redact(h.detail);
    h.checkedTs = m_clock.now();
    results.emplace_back(index, std::move(h));
  }

  auto snap = std::make_shared<contract::HealthSnapshot>();
  const domain::Timestamp now = m_clock.now();
  snap->asOf = now;
  snap->marketOpen = time::NyseCalendar::instance().isOpen(now);
  std::lock_guard lock(m_mutex);
  for (auto& [index, h] : results) {
    if (index >= m_components.size()) continue;
    Component& c = m_components[index];
    h.name = c.name;
    h.kind = c.kind;
    h.required = c.required;
    h.sinceTs = (c.last.state == h.state && c.last.sinceTs != 0) ? c.last.sinceTs : now;
    if (c.last.state != h.state && c.last.state != contract::HealthState::Unknown) {
      auto log = common::logger("health");
      if (h.state == contract::HealthState::Ok)
        log->info("{} is {} again", c.name, contract::toString(h.state));
      else
        log->warn("{} is {}: {}", c.name, contract::toString(h.state), h.detail);
    }
    c.last = std::move(h);
  }
  for (const auto& c : m_components) snap->components.push_back(c.last);
  for (auto& [key, f] : m_freshness) {
    f.staleAfterNs = m_options.staleAfter;
    f.stale = snap->marketOpen && now - f.lastReceivedTs > m_options.staleAfter;
    snap->freshness.push_back(f);
  }
  for (const bus::MailboxStats& m : m_bus.mailboxStats())
    snap->lanes.push_back(contract::LaneStats{m.name, m.lossless, m.losslessPeak, m.coalesced, m.refused});
  m_snapshot = snap;
  return snap;
}

HealthMonitor::Probe HealthMonitor::makeProbe(std::function<Status()> check, std::string okDetail, double degradedLatencyMs) {
  return [check = std::move(check), okDetail = std::move(okDetail), degradedLatencyMs] {
    contract::ComponentHealth h;
    const auto t0 = std::chrono::steady_clock::now();
    const Status s = check();
    h.latencyMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    if (s.ok()) {
      h.state = h.latencyMs > degradedLatencyMs ? contract::HealthState::Degraded : contract::HealthState::Ok;
      h.detail = h.state == contract::HealthState::Ok ? okDetail : okDetail + " (slow)";
    } else {
      h.state = contract::HealthState::Down;
      h.detail = s.error().message;
    }
    return h;
  };
}

}  // namespace meridian::jobs
