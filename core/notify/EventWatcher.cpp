#include "core/notify/EventWatcher.h"

#include <fmt/core.h>

#include <algorithm>

#include "core/common/Logging.h"

namespace meridian::notify {
namespace {

using contract::Notification;
using contract::Severity;
using domain::OrderStatus;

Notification make(const char* event, Severity severity, std::string title, std::string body, std::string source) {
  Notification n;
  n.event = event;
  n.severity = severity;
  n.title = std::move(title);
  n.body = std::move(body);
  n.source = std::move(source);
  return n;
}

std::string qty(double q) { return fmt::format("{:g}", q); }

void orderFacts(Notification& n, const domain::Order& o) {
  n.symbol = o.symbol;
  n.side = std::string(domain::toString(o.side));
  n.orderId = o.clientOrderId;
}

}  // namespace

EventWatcher::EventWatcher(bus::EventBus& bus, const common::IClock& clock, Sink sink)
    : m_bus(bus), m_clock(clock), m_sink(std::move(sink)), m_mailbox(std::make_shared<bus::Mailbox>("notify-events")) {
  m_subscriptions = {m_bus.subscribe<contract::OrderUpdated>(m_mailbox), m_bus.subscribe<contract::RiskRejected>(m_mailbox),
                     m_bus.subscribe<contract::RiskStateChanged>(m_mailbox),
                     m_bus.subscribe<contract::HealthSnapshot>(m_mailbox)};
}

EventWatcher::~EventWatcher() {
  stop();
  for (auto id : m_subscriptions) m_bus.unsubscribe(id);
}

void EventWatcher::start() {
  if (m_thread.joinable()) return;
  m_startTs = m_clock.now();
  m_stop = false;
  m_thread = std::thread(&EventWatcher::loop, this);
}

void EventWatcher::stop() {
  if (!m_thread.joinable()) return;
  m_stop = true;
  m_mailbox->close();
  m_thread.join();
}

void EventWatcher::loop() {
  bus::Dispatcher d;
  d.on<contract::OrderUpdated>([this](const contract::OrderUpdated& u) { onOrder(u); });
  d.on<contract::RiskRejected>([this](const contract::RiskRejected& r) { onRejected(r); });
  d.on<contract::RiskStateChanged>([this](const contract::RiskStateChanged& s) { onRiskState(s); });
  d.on<contract::HealthSnapshot>([this](const contract::HealthSnapshot& h) { onHealth(h); });
  std::vector<bus::Envelope> batch;
  while (true) {
    const bool any = m_mailbox->waitNonEmpty(std::chrono::milliseconds(250));
    batch.clear();
    if (any) m_mailbox->drain(batch);
    for (const auto& e : batch) d.dispatch(e);
    flushRejections(false);
    if (m_stop && m_mailbox->size() == 0) break;
  }
  flushRejections(true);
}

void EventWatcher::onOrder(const contract::OrderUpdated& u) {
  const domain::Order& o = u.order;
  // A risk rejection waiting for its order's facts.
  if (o.status == OrderStatus::Rejected) {
    auto it = std::find_if(m_rejections.begin(), m_rejections.end(),
                           [&](const PendingRejection& p) { return p.rejection.clientOrderId == o.clientOrderId; });
    if (it != m_rejections.end()) {
      emitRejection(it->rejection, &o);
      m_rejections.erase(it);
    }
  }
  const bool terminal = o.status == OrderStatus::Filled || o.status == OrderStatus::Cancelled ||
                        o.status == OrderStatus::Rejected || o.status == OrderStatus::Expired ||
                        o.status == OrderStatus::Replaced;
  auto it = m_filled.find(o.clientOrderId);
  const double before = it == m_filled.end() ? 0.0 : it->second;
  const bool known = it != m_filled.end();
  // Replayed state of an order this process did not see change (reconciliation at start): not news.
  const bool fresh = known || o.updatedTs >= m_startTs;
  if (o.filledQuantity > before + 1e-9 && fresh) {
    if (o.status == OrderStatus::Filled) {
      Notification n = make("fill", Severity::Success,
                            fmt::format("Filled: {} {} {} @ {:g}", domain::toString(o.side), qty(o.filledQuantity),
                                        o.symbol, o.avgFillPrice),
                            fmt::format("Order {} filled completely: {} at an average price of {:g}.", o.clientOrderId,
                                        qty(o.filledQuantity), o.avgFillPrice),
                            "execution");
      orderFacts(n, o);
      n.quantity = o.filledQuantity;
      n.price = o.avgFillPrice;
      n.key = "fill:" + o.clientOrderId;
      m_sink(std::move(n));
    } else {
      const double delta = o.filledQuantity - before;
      // The price of this fill, from the change in the average price.
      const double price = before > 0.0 ? (o.avgFillPrice * o.filledQuantity - before * m_filledPrice[o.clientOrderId]) / delta
                                        : o.avgFillPrice;
      Notification n = make("partial_fill", Severity::Info,
                            fmt::format("Partial fill: {} {} {} @ {:g} ({} of {})", domain::toString(o.side), qty(delta),
                                        o.symbol, price, qty(o.filledQuantity), qty(o.quantity)),
                            fmt::format("Order {}: {} of {} filled, {} remaining; average price {:g}.", o.clientOrderId,
                                        qty(o.filledQuantity), qty(o.quantity), qty(o.remaining()), o.avgFillPrice),
                            "execution");
      orderFacts(n, o);
      n.quantity = delta;
      n.price = price;
      n.key = fmt::format("partial_fill:{}:{}", o.clientOrderId, qty(o.filledQuantity));
      m_sink(std::move(n));
    }
  }
  if (terminal) {
    m_filled.erase(o.clientOrderId);
    m_filledPrice.erase(o.clientOrderId);
  } else {
    m_filled[o.clientOrderId] = std::max(before, o.filledQuantity);
    m_filledPrice[o.clientOrderId] = o.avgFillPrice;
  }
}

void EventWatcher::onRejected(const contract::RiskRejected& r) {
  m_rejections.push_back({r, std::chrono::steady_clock::now()});
}

void EventWatcher::flushRejections(bool all) {
  const auto limit = std::chrono::steady_clock::now() - std::chrono::milliseconds(500);
  for (auto it = m_rejections.begin(); it != m_rejections.end();) {
    if (all || it->seen <= limit) {
      emitRejection(it->rejection, nullptr);
      it = m_rejections.erase(it);
    } else {
      ++it;
    }
  }
}

void EventWatcher::emitRejection(const contract::RiskRejected& r, const domain::Order* o) {
  Notification n = make("risk_rejected", Severity::Warning,
                        o ? fmt::format("Rejected by risk [{}]: {} {} {}", r.rule, domain::toString(o->side),
                                        qty(o->quantity), o->symbol)
                          : fmt::format("Rejected by risk [{}]: order {}", r.rule, r.clientOrderId),
                        r.reason, "risk");
  n.orderId = r.clientOrderId;
  if (o) {
    orderFacts(n, *o);
    n.quantity = o->quantity;
    n.price = o->limitPrice != 0.0 ? o->limitPrice : o->stopPrice;
  }
  n.key = "risk_rejected:" + r.rule + ":" + n.symbol;
  m_sink(std::move(n));
}

void EventWatcher::onRiskState(const contract::RiskStateChanged& s) {
  if (!m_riskKnown) {
    m_riskKnown = true;
    m_risk = s;
    return;
  }
  if (s.killSwitch != m_risk.killSwitch) {
    Notification n = s.killSwitch
                         ? make("kill_switch_engaged", Severity::Error, "Kill switch engaged",
                                "Every working order is being cancelled and new orders are blocked until the kill switch "
                                "is reset.\nReason: " + (s.killSwitchReason.empty() ? std::string("(none given)") : s.killSwitchReason),
                                "risk")
                         : make("kill_switch_reset", Severity::Warning, "Kill switch reset",
                                "New orders are accepted again.", "risk");
    n.ts = s.ts;
    m_sink(std::move(n));
  }
  if (s.circuitBreaker != m_risk.circuitBreaker) {
    Notification n = s.circuitBreaker
                         ? make("breaker_tripped", Severity::Error, "Drawdown breaker tripped",
                                "New orders are blocked until the breaker is reset by hand.\nReason: " +
                                    (s.circuitBreakerReason.empty() ? std::string("(none given)") : s.circuitBreakerReason),
                                "risk")
                         : make("breaker_reset", Severity::Warning, "Drawdown breaker reset",
                                "The equity peak restarts from the current equity; new orders are accepted again.", "risk");
    n.ts = s.ts;
    m_sink(std::move(n));
  }
  m_risk = s;
}

void EventWatcher::onHealth(const contract::HealthSnapshot& h) {
  using contract::HealthState;
  for (const auto& c : h.components) {
    if (c.kind != "broker" || c.state == HealthState::Unknown || c.state == HealthState::Disabled) continue;
    const bool down = c.state == HealthState::Down;
    auto it = m_brokers.find(c.name);
    const bool wasDown = it != m_brokers.end() && it->second == HealthState::Down;
    const bool first = it == m_brokers.end();
    m_brokers[c.name] = c.state;
    if (down && !wasDown) {
      Notification n = make("broker_disconnected", Severity::Error, c.name + " disconnected",
                            c.detail.empty() ? std::string("The broker does not answer.") : c.detail, "execution");
      n.key = "broker_disconnected:" + c.name;
      m_sink(std::move(n));
    } else if (!down && wasDown && !first) {
      Notification n = make("broker_reconnected", Severity::Success, c.name + " reconnected",
                            c.detail.empty() ? std::string("The broker answers again.") : c.detail, "execution");
      n.key = "broker_reconnected:" + c.name;
      m_sink(std::move(n));
    }
  }
  for (const auto& f : h.freshness) {
    const std::string id = f.symbol + "|" + f.kind + "|" + f.source;
    bool& was = m_stale[id];
    if (f.stale && !was) {
      const double minutes = double(f.staleAfterNs) / 60e9;
      Notification n = make("stale_feed", Severity::Warning,
                            fmt::format("Data feed stale: {} {}{}", f.symbol, f.kind, f.source.empty() ? "" : " (" + f.source + ")"),
                            fmt::format("No {} for {} for more than {:g} min while the market is open.", f.kind, f.symbol,
                                        minutes),
                            "marketdata");
      n.symbol = f.symbol;
      n.key = "stale_feed:" + f.kind + ":" + f.source;
      m_sink(std::move(n));
    }
    was = f.stale;
  }
}

std::optional<contract::Notification> EventWatcher::jobFinished(const std::string& jobName, const std::string& status,
                                                                int attempt, const std::string& message) {
  if (status != "failed" && status != "timed_out") return std::nullopt;
  const bool timedOut = status == "timed_out";
  Notification n = make(timedOut ? "job_timed_out" : "job_failed", Severity::Error,
                        fmt::format("Job {} {}", jobName, timedOut ? "timed out" : "failed"),
                        fmt::format("Attempt {}: {}", attempt, message), "jobs");
  n.key = n.event + ":" + jobName;
  return n;
}

}  // namespace meridian::notify
