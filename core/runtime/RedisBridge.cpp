#include "core/runtime/RedisBridge.h"

#include "core/bus/Events.h"
#include "core/common/Logging.h"
#include "core/storage/Codec.h"

#include <unordered_map>

namespace meridian::runtime {

RedisBridge::RedisBridge(std::string url, bus::EventBus& bus, storage::RedisOptions options)
    : m_bus(bus), m_cache(std::move(url), options), m_mailbox(std::make_shared<bus::Mailbox>(262'144)) {}

RedisBridge::~RedisBridge() { stop(); }

void RedisBridge::start() {
  if (m_running.exchange(true)) return;
  for (const char* pattern : {"md.quote.>", "md.bar.>", "exec.order.>"})
    m_subscriptions.push_back(m_bus.subscribe(pattern, m_mailbox));
  m_thread = std::thread(&RedisBridge::run, this);
  common::logger("redis")->info("mirroring quotes, bars and orders to {}", m_cache.redactedUrl());
}

void RedisBridge::stop() {
  if (!m_running.exchange(false)) return;
  for (auto id : m_subscriptions) m_bus.unsubscribe(id);
  m_subscriptions.clear();
  m_mailbox->close();
  if (m_thread.joinable()) m_thread.join();
}

void RedisBridge::noteResult(const Status& s) {
  auto log = common::logger("redis");
  if (s.ok()) {
    ++m_forwarded;
    if (!m_healthy.exchange(true)) log->info("redis is back; mirroring resumed");
  } else {
    ++m_failed;
    if (m_healthy.exchange(false)) log->warn("redis unavailable, events are not mirrored: {}", s.error().message);
  }
}

void RedisBridge::forward(std::vector<bus::Envelope>& batch) {
  // Quotes are coalesced per batch: only the latest per symbol reaches the cache.
  std::unordered_map<std::string, const domain::Quote*> latestQuote;
  for (const auto& e : batch) {
    if (const auto* q = e.as<bus::QuoteUpdated>()) {
      latestQuote[q->quote.symbol] = &q->quote;
    } else if (const auto* b = e.as<bus::BarClosed>()) {
      auto r = m_cache.publish(storage::barChannel(b->symbol), storage::encodeBarEvent({b->symbol, b->source, b->bar}));
      noteResult(r.ok() ? Status{} : Status{r.error()});
    } else if (const auto* o = e.as<bus::OrderUpdated>()) {
      auto r = m_cache.publish(storage::orderChannel(o->order.clientOrderId), storage::encodeOrderEvent(o->order));
      noteResult(r.ok() ? Status{} : Status{r.error()});
    }
  }
  for (const auto& [symbol, quote] : latestQuote) noteResult(m_cache.setLatestQuote(*quote));
}

void RedisBridge::run() {
  std::vector<bus::Envelope> batch;
  while (true) {
    const bool any = m_mailbox->waitNonEmpty(std::chrono::milliseconds(200));
    if (!any && !m_running) break;
    batch.clear();
    m_mailbox->drain(batch, 4096);
    forward(batch);
  }
}

}  // namespace meridian::runtime
