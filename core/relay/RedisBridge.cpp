#include "core/relay/RedisBridge.h"

#include "core/common/Logging.h"
#include "core/contract/Catalogue.h"
#include "core/contract/Wire.h"

#include <QSysInfo>

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <unistd.h>

namespace meridian::relay {

namespace {

constexpr auto kMalformedWarnEvery = std::chrono::seconds(10);
constexpr std::size_t kMaxInjectedTracked = 100'000;

}  // namespace

std::string RelayOptions::generateInstanceId() {
  std::random_device rd;
  const auto host = QSysInfo::machineHostName().toStdString();
  return fmt::format("{}:{}:{:08x}", host.empty() ? "host" : host, ::getpid(), rd());
}

RedisBridge::RedisBridge(std::string url, bus::EventBus& bus, const common::IClock& clock, RelayOptions relay,
                         storage::RedisOptions options)
    : m_bus(bus),
      m_clock(clock),
      m_relay(std::move(relay)),
      m_url(url),
      m_cache(std::move(url), options),
      m_mailbox(std::make_shared<bus::Mailbox>("relay", 262'144)) {
  if (m_relay.instanceId.empty()) m_relay.instanceId = RelayOptions::generateInstanceId();
  if (m_relay.ns.empty()) m_relay.ns = "meridian";
  if (m_relay.role == RelayRole::Attach) m_relay.mirror = false;  // an attached GUI has nothing of its own to mirror
}

RedisBridge::~RedisBridge() { stop(); }

Status RedisBridge::start() {
  if (m_running) return {};
  if (auto ep = storage::parseRedisUrl(m_url); !ep.ok()) return ep.error();
  auto log = common::logger("redis");
  // What goes out, from the catalogue: a server's relayed events, an attached process's commands; the mirror's three.
  auto follow = [this]<class T>() {
    m_outTypes.insert(std::type_index(typeid(T)));
    m_subscriptions.push_back(m_bus.subscribe<T>(m_mailbox));
  };
  if (m_relay.role == RelayRole::Mirror) {
    follow.operator()<contract::QuoteUpdated>();
    follow.operator()<contract::BarClosed>();
    follow.operator()<contract::OrderUpdated>();
  } else {
    const bool attach = m_relay.role == RelayRole::Attach;
    contract::forEachMessage([&]<class T>() {
      if constexpr (contract::Relayed<T>) {
        const bool command = contract::Spec<T>::relay == contract::Relay::ToServer;
        if (command == attach) follow.template operator()<T>();
      }
    });
  }
  m_running = true;
  m_thread = std::thread(&RedisBridge::run, this);
  switch (m_relay.role) {
    case RelayRole::Mirror: log->info("mirroring quotes, bars and orders to {}", m_cache.redactedUrl()); break;
    case RelayRole::Serve:
      log->info("serving over {} (namespace '{}', instance {}): events out{}{}", m_cache.redactedUrl(), m_relay.ns,
                m_relay.instanceId, m_relay.acceptCommands ? ", commands in" : ", remote commands NOT accepted",
                m_relay.mirror ? ", quote/bar/order mirror on" : "");
      break;
    case RelayRole::Attach:
      log->info("attached to {} (namespace '{}', instance {}): commands out, events in", m_cache.redactedUrl(),
                m_relay.ns, m_relay.instanceId);
      break;
  }
  return {};
}

Status RedisBridge::startInbound() {
  if (!m_running) return makeError("relay", "startInbound() before start()");
  if (m_inbound) return {};
  if (m_relay.role == RelayRole::Serve && m_relay.acceptCommands) {
    // Two servers on one namespace would both execute every relayed command: refuse to be the second one.
    // (A crashed server's heartbeat expires after heartbeatTtl; Redis down here: nothing to check, go on.)
    if (auto beat = m_cache.getValue(serverKey()); beat.ok() && beat->has_value()) {
      const std::string& value = **beat;
      const auto decoded = contract::decodeHeartbeat(value);
      if (!decoded.ok() || decoded->origin != m_relay.instanceId)
        return makeError("relay.conflict",
                         fmt::format("another serving process is active on {} namespace '{}' ({}); two servers would "
                                     "execute every command twice. Stop it, or use another redis.namespace",
                                     m_cache.redactedUrl(), m_relay.ns, value));
    }
  }
  std::string inbound;
  if (m_relay.role == RelayRole::Attach) inbound = eventsChannel();
  if (m_relay.role == RelayRole::Serve && m_relay.acceptCommands) inbound = commandsChannel();
  if (!inbound.empty()) {
    auto subscriber = std::make_unique<storage::RedisSubscriber>(
        m_url, [this](const std::string& channel, const std::string& payload) { onMessage(channel, payload); });
    if (Status s = subscriber->start({inbound}, {}); !s.ok()) return s;
    std::lock_guard lock(m_subscriberMutex);
    m_subscriber = std::move(subscriber);
  }
  m_inbound = true;
  return {};
}

void RedisBridge::stop() {
  if (!m_running.exchange(false)) return;
  for (auto id : m_subscriptions) m_bus.unsubscribe(id);
  m_subscriptions.clear();
  {
    std::lock_guard lock(m_subscriberMutex);
    if (m_subscriber) m_subscriber->stop();  // no more injections from here on
  }
  m_mailbox->close();
  if (m_thread.joinable()) m_thread.join();
  {
    std::lock_guard lock(m_subscriberMutex);
    m_subscriber.reset();
  }
  std::lock_guard lock(m_injectedMutex);
  m_injectedPayloads.clear();
}

bool RedisBridge::healthy() const {
  if (!m_healthy.load()) return false;
  std::lock_guard lock(m_subscriberMutex);
  return !m_subscriber || m_subscriber->isSubscribed();
}

bool RedisBridge::serverAlive() const { return m_relay.role != RelayRole::Attach || m_serverAlive.load(); }

void RedisBridge::setTradingMode(const TradingMode& mode) {
  if (m_relay.role == RelayRole::Attach) return;  // an attached process reports the server's mode, never its own
  std::lock_guard lock(m_modeMutex);
  m_tradingMode = mode;
}

TradingMode RedisBridge::tradingMode() const {
  std::lock_guard lock(m_modeMutex);
  return m_tradingMode;
}

void RedisBridge::noteServerMode(const std::optional<std::string>& beat) {
  if (!beat) return;  // no server: keep the last known mode (a server that went away did not switch to paper)
  auto decoded = contract::decodeHeartbeat(*beat);
  auto log = common::logger("redis");
  if (!decoded.ok()) {
    noteMalformed(serverKey() + ": " + decoded.error().message);
    return;
  }
  const TradingMode mode = decoded->mode;
  if (!mode.known) return;  // a server that does not announce its mode (older build): stays unknown
  {
    std::lock_guard lock(m_modeMutex);
    if (m_tradingMode == mode) return;
    m_tradingMode = mode;
  }
  log->log(mode.live ? spdlog::level::warn : spdlog::level::info, "serving process {} trades {} (broker {})",
           mode.origin, mode.label(), mode.broker.empty() ? "?" : mode.broker);
  m_bus.publish(mode);
}

RelayStats RedisBridge::stats() const {
  RelayStats s;
  s.forwarded = m_forwarded;
  s.failed = m_failed;
  s.received = m_received;
  s.injected = m_injected;
  s.malformed = m_malformed;
  s.echoes = m_echoes;
  s.ignored = m_ignored;
  s.undelivered = m_undelivered;
  return s;
}

void RedisBridge::noteResult(const Status& s) {
  auto log = common::logger("redis");
  if (s.ok()) {
    ++m_forwarded;
    if (!m_healthy.exchange(true)) log->info("redis is back; relay resumed");
  } else {
    ++m_failed;
    if (m_healthy.exchange(false)) log->warn("redis unavailable, events are not relayed: {}", s.error().message);
  }
}

void RedisBridge::noteMalformed(const std::string& why) {
  ++m_malformed;
  std::lock_guard lock(m_warnMutex);
  ++m_malformedSinceWarn;
  const auto now = std::chrono::steady_clock::now();
  if (now - m_lastMalformedWarn < kMalformedWarnEvery) return;
  common::logger("redis")->warn("dropped {} malformed relay message(s) (total {}); latest: {}", m_malformedSinceWarn,
                                m_malformed.load(), why);
  m_malformedSinceWarn = 0;
  m_lastMalformedWarn = now;
}

bool RedisBridge::wasInjected(const bus::Envelope& e) {
  std::lock_guard lock(m_injectedMutex);
  return m_injectedPayloads.erase(e.payload.get()) > 0;
}

void RedisBridge::mirror(const bus::Envelope& e, std::unordered_map<std::string, const domain::Quote*>& latestQuote) {
  if (const auto* q = e.as<contract::QuoteUpdated>()) {
    latestQuote[q->quote.symbol] = &q->quote;
  } else if (const auto* b = e.as<contract::BarClosed>()) {
    auto r = m_cache.publish(contract::barChannel(b->symbol), contract::encodeBarEvent({b->symbol, b->source, b->bar}));
    noteResult(r.ok() ? Status{} : Status{r.error()});
  } else if (const auto* o = e.as<contract::OrderUpdated>()) {
    auto r = m_cache.publish(contract::orderChannel(o->order.clientOrderId), contract::encodeOrderEvent(o->order));
    noteResult(r.ok() ? Status{} : Status{r.error()});
  }
}

void RedisBridge::rejectLocally(const std::string& correlationId, const std::string& reason) {
  ++m_undelivered;
  common::logger("redis")->warn("command {} not delivered: {}", correlationId, reason);
  m_bus.publish(contract::CommandRejected{correlationId, reason});
}

void RedisBridge::publishRelay(const relay::Encoded& m) {
  contract::RelayMessage msg{m_relay.instanceId, ++m_seq, m.kind, m_clock.now(), m.body};
  const std::string json = contract::encodeRelayMessage(msg);
  const bool command = m.relay == contract::Relay::ToServer;
  auto r = m_cache.publish(command ? commandsChannel() : eventsChannel(), json);
  noteResult(r.ok() ? Status{} : Status{r.error()});
  if (command) {
    if (!r.ok()) {
      rejectLocally(m.correlationId, "not delivered: Redis unavailable (" + r.error().message + ")");
    } else if (*r == 0) {
      rejectLocally(m.correlationId, "not delivered: no serving process (meridian-cli serve) is listening on " +
                                         m_cache.redactedUrl() + " namespace '" + m_relay.ns + "'");
    }
    return;
  }
  if (!r.ok()) return;
  // Latest state for processes that attach later.
  if (m.relay == contract::Relay::KeyedSnapshot) {
    if (!m.key.empty())
      noteResult(m.final ? m_cache.hashDelete(ordersKey(), m.key) : m_cache.hashSet(ordersKey(), m.key, json));
  } else if (m.relay == contract::Relay::Snapshot) {
    noteResult(m_cache.hashSet(stateKey(), m.kind, json));
  }
}

void RedisBridge::relayOut(const bus::Envelope& e, std::unordered_map<std::string, const bus::Envelope*>& latestQuote) {
  if (const auto* q = e.as<contract::QuoteUpdated>()) {
    latestQuote[q->quote.symbol] = &e;
    return;
  }
  if (auto m = relay::encode(e)) {
    // Commands go out only from an attached process, events only from a serving one.
    const bool command = m->relay == contract::Relay::ToServer;
    if (command != (m_relay.role == RelayRole::Attach)) return;
    publishRelay(*m);
  }
}

void RedisBridge::forward(std::vector<bus::Envelope>& batch) {
  // Quotes are coalesced per batch: only the latest per symbol reaches Redis.
  std::unordered_map<std::string, const domain::Quote*> mirrorQuotes;
  std::unordered_map<std::string, const bus::Envelope*> relayQuotes;
  for (const auto& e : batch) {
    if (wasInjected(e)) continue;  // came from Redis: never sent back (no echo loops)
    if (m_relay.mirror && m_relay.role != RelayRole::Attach) mirror(e, mirrorQuotes);
    if (m_relay.role != RelayRole::Mirror) relayOut(e, relayQuotes);
  }
  for (const auto& [symbol, quote] : mirrorQuotes) noteResult(m_cache.setLatestQuote(*quote, m_clock.now()));
  for (const auto& [symbol, env] : relayQuotes)
    if (auto m = relay::encode(*env)) publishRelay(*m);
}

void RedisBridge::periodic() {
  const auto now = std::chrono::steady_clock::now();
  if (!m_inbound) return;  // a server announces itself only once it takes commands
  if (m_relay.role == RelayRole::Attach) {
    bool subscribed = false;
    {
      std::lock_guard lock(m_subscriberMutex);
      subscribed = m_subscriber && m_subscriber->isSubscribed();
    }
    if (!subscribed && m_wasSubscribed) {
      std::lock_guard lock(m_stateMutex);
      m_liveKinds.clear();
    }
    // First attach, and after every Redis outage; a failed load is retried on the next pass.
    if (subscribed && !m_wasSubscribed) m_wasSubscribed = loadSnapshot();
    if (!subscribed) m_wasSubscribed = false;
  }
  if (now < m_nextPeriodic) return;
  m_nextPeriodic = now + m_relay.heartbeatInterval;
  if (m_relay.role == RelayRole::Serve && m_relay.acceptCommands) {  // "a server takes commands here"
    const std::string beat = contract::encodeHeartbeat({m_relay.instanceId, m_clock.now(), tradingMode()});
    noteResult(m_cache.setValue(serverKey(), beat, m_relay.heartbeatTtl));
  } else if (m_relay.role == RelayRole::Attach) {
    auto r = m_cache.getValue(serverKey());
    noteResult(r.ok() ? Status{} : Status{r.error()});
    const bool alive = r.ok() && r->has_value();
    if (alive) noteServerMode(*r);
    if (alive != m_serverAlive.exchange(alive))
      common::logger("redis")->log(alive ? spdlog::level::info : spdlog::level::warn, "serving process {}",
                                   alive ? "seen (heartbeat)" : "not seen: no heartbeat on " + serverKey());
  }
}

bool RedisBridge::loadSnapshot() {
  auto log = common::logger("redis");
  std::size_t n = 0;
  for (const auto& key : {stateKey(), ordersKey()}) {
    auto all = m_cache.hashGetAll(key);
    noteResult(all.ok() ? Status{} : Status{all.error()});
    if (!all.ok()) {
      log->warn("cannot load the server state from {}: {}", key, all.error().message);
      return false;
    }
    for (const auto& [field, json] : *all) {
      auto m = contract::decodeRelayMessage(json);
      if (!m.ok()) {
        noteMalformed(key + "/" + field + ": " + m.error().message);
        continue;
      }
      handle(*m, true);
      ++n;
    }
  }
  log->info("loaded {} state record(s) of the serving process from Redis", n);
  return true;
}

void RedisBridge::onMessage(const std::string& channel, const std::string& payload) {
  ++m_received;
  auto m = contract::decodeRelayMessage(payload);
  if (!m.ok()) {
    noteMalformed(channel + ": " + m.error().message);
    return;
  }
  handle(*m, false);
}

void RedisBridge::handle(const contract::RelayMessage& m, bool fromSnapshot) {
  if (m.origin == m_relay.instanceId) {
    ++m_echoes;  // our own message came back: never act on it twice
    return;
  }
  auto d = relay::decode(m.kind, m.body);
  if (!d.ok()) {
    noteMalformed("from " + m.origin + ": " + d.error().message);
    return;
  }
  const bool command = d->command();
  const bool accepted = m_relay.role == RelayRole::Serve ? command && m_relay.acceptCommands
                                                         : m_relay.role == RelayRole::Attach && !command;
  if (!accepted) {
    ++m_ignored;
    return;
  }
  if (m_relay.role == RelayRole::Attach) {
    std::lock_guard lock(m_stateMutex);
    if (d->relay == contract::Relay::KeyedSnapshot) {
      auto [it, inserted] = m_orderSeen.try_emplace(d->key, d->version);
      if (!inserted) {
        if (fromSnapshot && it->second >= d->version) return;  // a newer update already arrived live
        it->second = std::max(it->second, d->version);
      }
      if (m_orderSeen.size() > kMaxInjectedTracked) m_orderSeen.clear();
    } else if (d->relay == contract::Relay::Snapshot) {
      if (fromSnapshot && m_liveKinds.count(d->kind)) return;
      if (!fromSnapshot) m_liveKinds.insert(d->kind);
    }
  }
  if (command) common::logger("redis")->info("relayed command {} {} from {}", m.kind, d->correlationId, m.origin);
  // Remember the payload only where our own subscription would hand it back to us.
  if (m_outTypes.count(d->type)) {
    std::lock_guard lock(m_injectedMutex);
    if (m_injectedPayloads.size() >= kMaxInjectedTracked) m_injectedPayloads.clear();
    m_injectedPayloads.emplace(d->payload.get(), d->payload);
  }
  if (Status s = d->deliver(m_bus); !s.ok()) {
    // A command this server cannot take now (its execution queue is full): the sender hears why.
    common::logger("redis")->warn("relayed command {} {} from {} refused: {}", m.kind, d->correlationId, m.origin,
                                  s.error().message);
    m_bus.publish(contract::CommandRejected{d->correlationId, s.error().message});
    return;
  }
  ++m_injected;
}

void RedisBridge::run() {
  std::vector<bus::Envelope> batch;
  while (true) {
    const bool any = m_mailbox->waitNonEmpty(std::chrono::milliseconds(100));
    if (!any && !m_running) break;
    batch.clear();
    m_mailbox->drain(batch, 4096);
    forward(batch);
    if (m_running) periodic();
  }
  if (m_relay.role == RelayRole::Serve && m_relay.acceptCommands && m_inbound)
    (void)m_cache.deleteKey(serverKey());  // a clean stop: no stale heartbeat
}

}  // namespace meridian::relay
