#include "core/relay/RedisBridge.h"

#include "core/common/Logging.h"
#include "core/relay/CommandDeadline.h"
#include "core/contract/Catalogue.h"
#include "core/contract/Wire.h"

#include <QCoreApplication>
#include <QSysInfo>

#include <fmt/format.h>

#include <algorithm>
#include <random>

namespace meridian::relay {

namespace {

constexpr auto kMalformedWarnEvery = std::chrono::seconds(10);
constexpr std::size_t kMaxInjectedTracked = 100'000;

}  // namespace

Result<bool> redisAcceptsAnonymous(const std::string& url, std::chrono::milliseconds timeout) {
  auto endpoint = storage::parseRedisUrl(url);
  if (!endpoint.ok()) return endpoint.error();
  storage::RedisOptions o;
  o.connectTimeout = timeout;
  o.commandTimeout = timeout;
  const std::string anonymous = fmt::format("redis://{}:{}/{}", endpoint->host, endpoint->port, endpoint->db);
  storage::RedisCache probe(anonymous, o);
  Status ping = probe.ping();
  if (ping.ok()) return true;
  const std::string& why = ping.error().message;
  if (why.find("NOAUTH") != std::string::npos || why.find("WRONGPASS") != std::string::npos ||
      why.find("Authentication required") != std::string::npos)
    return false;
  return ping.error();
}

std::string RelayOptions::generateInstanceId() {
  std::random_device rd;
  const auto host = QSysInfo::machineHostName().toStdString();
  return fmt::format("{}:{}:{:08x}", host.empty() ? "host" : host, QCoreApplication::applicationPid(), rd());
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
  // Until the first check has seen a fresh heartbeat, nothing is sent.
  m_link.state = contract::ServerLink::NotResponding;
  m_link.detail = "no heartbeat seen yet on " + serverKey();
}

RedisBridge::~RedisBridge() { stop(); }

Status RedisBridge::start() {
  if (m_running) return {};
  if (auto ep = storage::parseRedisUrl(m_url); !ep.ok()) return ep.error();
  const bool takesOrGivesCommands =
      m_relay.role == RelayRole::Attach || (m_relay.role == RelayRole::Serve && m_relay.acceptCommands);
  if (m_relay.role == RelayRole::Serve && !m_relay.acceptCommands && m_relay.key.empty())
    common::logger("redis")->warn("relay.key is not set: events are published unsigned, and attached GUIs will not "
                                  "accept them (the quote/bar/order mirror for dashboards is unaffected)");
  if (takesOrGivesCommands && m_relay.key.empty())
    return makeError("relay.key",
                     "no relay key: serve and attach sign and check every relayed message with one. Set "
                     "MERIDIAN_RELAY_KEY (the same long random value on the server and every attached GUI) or store "
                     "relay.key in the keychain (File > Settings)");
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
    // The lease is checked for life, not presence: a heartbeat that is not signed with our key (forged, or another
    // deployment's) or that stopped beating (a server killed within its TTL, a key written with a long expiry)
    // cannot block a start.
    if (auto beat = m_cache.getValue(serverKey()); beat.ok() && beat->has_value()) {
      std::string why;
      if (auto live = liveHeartbeat(*beat, &why); live && live->origin != m_relay.instanceId)
        return makeError("relay.conflict",
                         fmt::format("another serving process ({}) is active on {} namespace '{}': it beat {} ms ago; "
                                     "two servers would execute every command twice. Stop it, or use another "
                                     "redis.namespace",
                                     live->origin, m_cache.redactedUrl(), m_relay.ns,
                                     (m_clock.now() - live->ts) / domain::kNanosPerMilli));
      common::logger("redis")->warn("replacing the serving process key {}: {}", serverKey(), why);
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

std::optional<contract::Heartbeat> RedisBridge::liveHeartbeat(const std::optional<std::string>& value,
                                                              std::string* why) {
  auto beat = checkHeartbeat(value, m_relay.key, m_clock.now(), m_relay.heartbeatTtl);
  if (!beat.ok()) {
    *why = beat.error().message;
    return std::nullopt;
  }
  return std::move(beat).value();
}

void RedisBridge::noteServerMode(const contract::Heartbeat& beat) {
  auto log = common::logger("redis");
  const TradingMode mode = beat.mode;
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
  s.unsigned_ = m_unsigned;
  s.stale = m_stale;
  s.replayed = m_replayed;
  s.republished = m_republished;
  s.accepted = m_accepted;
  s.expired = m_expired;
  s.unanswered = m_unanswered;
  return s;
}

void RedisBridge::noteRefused(const std::string& origin, const std::string& reason,
                              std::atomic<std::uint64_t>& counter) {
  ++counter;
  std::lock_guard lock(m_trustMutex);
  if (!m_refusalsLogged.emplace(origin, reason).second) return;  // once per origin and reason
  if (m_refusalsLogged.size() > kMaxInjectedTracked) m_refusalsLogged.clear();
  common::logger("redis")->warn("refused relay message(s) from '{}': {} (further ones from it are counted, not logged)",
                                origin, reason);
}

bool RedisBridge::trusted(const contract::RelayMessage& m, bool fromSnapshot) {
  if (!contract::verifyRelayMessage(m, m_relay.key)) {
    noteRefused(m.origin, m.sig.empty() ? "unsigned" : "not signed with this deployment's relay key", m_unsigned);
    return false;
  }
  if (fromSnapshot) return true;
  const domain::Timestamp age = m_clock.now() - m.ts;
  const domain::Timestamp maxAge = std::chrono::duration_cast<std::chrono::nanoseconds>(m_relay.maxAge).count();
  if (age > maxAge || age < -maxAge) {
    noteRefused(m.origin, fmt::format("stale: sent {} ms from our clock (limit {} ms)", age / domain::kNanosPerMilli,
                                      maxAge / domain::kNanosPerMilli),
                m_stale);
    return false;
  }
  bool replay = false;
  {
    std::lock_guard lock(m_trustMutex);
    auto [it, first] = m_lastSeq.try_emplace(m.origin, m.seq);
    if (!first) {
      replay = m.seq <= it->second;
      if (!replay) it->second = m.seq;
    }
    if (m_lastSeq.size() > kMaxInjectedTracked) m_lastSeq.clear();  // a forgotten origin's old messages are stale
  }
  if (replay) noteRefused(m.origin, "replayed: a sequence number it already used", m_replayed);
  return !replay;
}

void RedisBridge::noteResult(const Status& s) {
  auto log = common::logger("redis");
  if (s.ok()) {
    ++m_forwarded;
    if (!m_healthy.exchange(true)) {
      log->info("redis is back; relay resumed");
      m_republishPending = m_relay.role == RelayRole::Serve;  // a restarted Redis lost the state for late joiners
    }
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

void RedisBridge::publishRelay(const relay::Encoded& m, std::chrono::milliseconds deadline) {
  const bool command = m.relay == contract::Relay::ToServer;
  if (command && !m_link.ok()) {
    // Never sent into the void: the server could not take it now, and might take it much later.
    rejectLocally(m.correlationId, fmt::format("Not sent: {} ({})", contract::toString(m_link.state), m_link.detail));
    return;
  }
  const domain::Timestamp now = m_clock.now();
  contract::RelayMessage msg{m_relay.instanceId, ++m_seq, m.kind, now, m.body, {}};
  if (command) msg.expires = now + std::chrono::duration_cast<std::chrono::nanoseconds>(deadline).count();
  const std::string json = contract::encodeRelayMessage(msg, m_relay.key);
  if (command) {
    // Waiting for the server's answer before the PUBLISH: the answer may arrive before publish() returns.
    std::lock_guard lock(m_pendingMutex);
    m_pending[m.correlationId] = {std::chrono::steady_clock::now() + deadline + kAnswerGrace, deadline + kAnswerGrace};
  }
  auto r = m_cache.publish(command ? commandsChannel() : eventsChannel(), json);
  noteResult(r.ok() ? Status{} : Status{r.error()});
  if (command) {
    // A receiver count proves nothing (any subscriber counts): only the server's answer does. Zero, though, proves
    // that nobody got it.
    std::string why;
    if (!r.ok()) why = "Not sent: Redis unavailable (" + r.error().message + ")";
    else if (*r == 0)
      why = "Not sent: no serving process (meridian-cli serve) is listening on " + m_cache.redactedUrl() +
            " namespace '" + m_relay.ns + "'";
    if (!why.empty()) {
      {
        std::lock_guard lock(m_pendingMutex);
        m_pending.erase(m.correlationId);
      }
      rejectLocally(m.correlationId, why);
    }
    return;
  }
  // Latest state for processes that attach later, kept here too so it can be written again after an outage.
  if (m.relay == contract::Relay::KeyedSnapshot && !m.key.empty()) {
    if (m.final) m_orderJson.erase(m.key);
    else m_orderJson[m.key] = json;
    if (r.ok())
      noteResult(m.final ? m_cache.hashDelete(ordersKey(), m.key) : m_cache.hashSet(ordersKey(), m.key, json));
  } else if (m.relay == contract::Relay::Snapshot) {
    m_stateJson[m.kind] = json;
    if (r.ok()) noteResult(m_cache.hashSet(stateKey(), m.kind, json));
  }
}

void RedisBridge::republishState() {
  // The open orders as this server last published them replace whatever the hash holds (a restarted Redis holds
  // nothing; a surviving one may list orders that finished during the outage).
  Status s = m_cache.deleteKey(ordersKey());
  for (const auto& [id, json] : m_orderJson)
    if (s.ok()) s = m_cache.hashSet(ordersKey(), id, json);
  for (const auto& [kind, json] : m_stateJson)
    if (s.ok()) s = m_cache.hashSet(stateKey(), kind, json);
  noteResult(s);
  if (!s.ok()) return;  // still down: tried again after the next successful write
  m_republishPending = false;
  ++m_republished;
  common::logger("redis")->info("republished the state for late joiners: {} open order(s), {} state record(s)",
                                m_orderJson.size(), m_stateJson.size());
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
    publishRelay(*m, command ? commandDeadline(e) : std::chrono::milliseconds{});
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
  if (m_relay.role == RelayRole::Attach) expireUnanswered();
  if (m_republishPending && m_relay.role == RelayRole::Serve) republishState();
  if (now < m_nextPeriodic) return;
  if (m_relay.role == RelayRole::Serve && m_relay.acceptCommands) {  // "a server takes commands here"
    m_nextPeriodic = now + m_relay.heartbeatInterval;
    const std::string beat =
        contract::encodeHeartbeat({m_relay.instanceId, m_clock.now(), tradingMode(), {}}, m_relay.key);
    noteResult(m_cache.setValue(serverKey(), beat, m_relay.heartbeatTtl));
  } else if (m_relay.role == RelayRole::Attach) {
    m_nextPeriodic = now + m_relay.heartbeatInterval / 4;  // a stale server shows within ~2 periods
    checkServer();
  }
}

void RedisBridge::checkServer() {
  bool subscribed = false;
  {
    std::lock_guard lock(m_subscriberMutex);
    subscribed = m_subscriber && m_subscriber->isSubscribed();
  }
  if (!subscribed && m_wasSubscribed) {
    std::lock_guard lock(m_stateMutex);
    m_liveKinds.clear();
  }
  // Alive = a heartbeat signed with our key, fresh by its time stamp, and a new one within serverStaleAfter on our
  // own steady clock (a stopped server's key outlives it by its TTL; the steady clock needs no synchronised clocks).
  auto r = m_cache.getValue(serverKey());
  noteResult(r.ok() ? Status{} : Status{r.error()});
  if (!r.ok()) {
    m_serverAlive = false;
    if (m_wasSubscribed) {
      std::lock_guard lock(m_stateMutex);
      m_liveKinds.clear();
    }
    m_wasSubscribed = false;
    updateLink(contract::ServerLink::RedisDown, r.error().message);
    return;
  }
  std::string why;
  const auto steadyNow = std::chrono::steady_clock::now();
  auto beat = liveHeartbeat(*r, &why);
  if (beat) {
    noteServerMode(*beat);
    if (beat->ts != m_lastBeatTs) {
      // First seen now; its age on the server's clock says how old it already was (bounded: clocks may differ).
      const auto age = std::chrono::nanoseconds(std::clamp<std::int64_t>(m_clock.now() - beat->ts, 0,
                                                                         domain::kNanosPerMilli * 60'000));
      m_lastBeatTs = beat->ts;
      m_lastBeatSeen = steadyNow - std::min<std::chrono::nanoseconds>(age, m_relay.serverStaleAfter + m_relay.heartbeatInterval);
    }
    const auto silent = std::chrono::duration_cast<std::chrono::milliseconds>(steadyNow - m_lastBeatSeen);
    if (silent > m_relay.serverStaleAfter) {
      why = fmt::format("no heartbeat for {:.1f} s", double(silent.count()) / 1000.0);
      beat.reset();
    }
  }
  m_link.lastBeat = m_lastBeatTs;
  const bool alive = beat.has_value();
  // First attach, and after every Redis outage: subscribed again, then the server's state loaded (retried on the
  // next pass while it fails).
  if (subscribed && !m_wasSubscribed) m_wasSubscribed = loadSnapshot();
  if (!subscribed) m_wasSubscribed = false;
  if (!subscribed || !m_wasSubscribed)
    updateLink(contract::ServerLink::Reconnecting,
               subscribed ? "loading the server's state" : "subscribing to " + eventsChannel());
  else if (!alive)
    updateLink(contract::ServerLink::NotResponding, why + " (" + serverKey() + ")");
  else
    updateLink(contract::ServerLink::Ok, "server " + beat->origin);
  m_serverAlive = m_link.ok();  // alive = it can take commands now
}

void RedisBridge::updateLink(contract::ServerLink state, const std::string& detail) {
  if (state == contract::ServerLink::RedisDown) ++m_link.retries;
  if (m_linkPublished && state == m_link.state) {
    m_link.detail = detail;  // shown with the next refusal; not a change worth a line
    return;
  }
  auto log = common::logger("redis");
  const std::uint64_t retries = m_link.retries;
  if (state == contract::ServerLink::Ok)
    log->info("link to the serving process: ok ({}){}", detail,
              retries ? fmt::format(", after {} Redis retr{}", retries, retries == 1 ? "y" : "ies") : std::string());
  else
    log->warn("link to the serving process: {} ({}){}; commands are refused until it is back",
              contract::toString(state), detail,
              retries ? fmt::format(", Redis retry {}", retries) : std::string());
  if (state == contract::ServerLink::Ok || state == contract::ServerLink::NotResponding) m_link.retries = 0;
  m_link.state = state;
  m_link.detail = detail;
  m_link.since = m_clock.now();
  m_linkPublished = true;
  m_bus.publish(m_link);
}

void RedisBridge::expireUnanswered() {
  const auto now = std::chrono::steady_clock::now();
  std::vector<std::pair<std::string, std::chrono::milliseconds>> expired;
  {
    std::lock_guard lock(m_pendingMutex);
    for (auto it = m_pending.begin(); it != m_pending.end();) {
      if (it->second.giveUp > now) {
        ++it;
        continue;
      }
      expired.emplace_back(it->first, it->second.waited);
      it = m_pending.erase(it);
    }
  }
  for (const auto& [id, waited] : expired) {
    ++m_unanswered;
    const auto secs = (waited.count() + 999) / 1000;
    common::logger("redis")->warn("command {} expired: the server did not answer in {} s", id, secs);
    m_bus.publish(contract::CommandRejected{
        id, fmt::format("Expired: the server did not answer in {} s (a command it reads after its deadline is "
                        "not executed)",
                        secs)});
  }
}

void RedisBridge::noteAnswer(const std::string& correlationId) {
  if (correlationId.empty()) return;
  std::lock_guard lock(m_pendingMutex);
  m_pending.erase(correlationId);
}

bool RedisBridge::inTime(const contract::RelayMessage& m, const std::string& correlationId) {
  std::string why;
  if (m.expires == 0) {
    why = "Refused: the command carries no deadline (an older Meridian?); not executed";
  } else if (const domain::Timestamp late = m_clock.now() - m.expires; late > 0) {
    why = fmt::format("Expired: the server read it {} ms after its deadline; not executed",
                      late / domain::kNanosPerMilli);
  } else {
    return true;
  }
  noteRefused(m.origin, m.expires == 0 ? "commands without a deadline" : "commands read after their deadline",
              m_expired);
  m_bus.publish(contract::CommandRejected{correlationId, why});
  return false;
}

bool RedisBridge::loadSnapshot() {
  auto log = common::logger("redis");
  std::size_t n = 0;
  for (const auto& key : {stateKey(), ordersKey()}) {
    auto all = m_cache.hashGetAll(key);
    noteResult(all.ok() ? Status{} : Status{all.error()});
    if (!all.ok()) {
      // One line per outage, not one per retry.
      if (m_snapshotFailures++ == 0)
        log->warn("cannot load the server state from {}: {} (retrying quietly)", key, all.error().message);
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
  log->info("loaded {} state record(s) of the serving process from Redis{}", n,
            m_snapshotFailures ? fmt::format(" after {} retries", m_snapshotFailures) : std::string());
  m_snapshotFailures = 0;
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
  if (!trusted(m, fromSnapshot)) return;
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
  if (command && !inTime(m, d->correlationId)) return;
  if (m_relay.role == RelayRole::Attach && !fromSnapshot &&
      (d->type == std::type_index(typeid(contract::CommandAccepted)) ||
       d->type == std::type_index(typeid(contract::CommandRejected))))
    noteAnswer(d->correlationId);
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
  // A command carries its deadline on to the service that executes it, which checks it again right before acting
  // (a backlogged or hung execution thread must not run it late either).
  if (Status s = d->deliver(m_bus, command ? m.expires : 0); !s.ok()) {
    // A command this server cannot take now (its execution queue is full): the sender hears why.
    common::logger("redis")->warn("relayed command {} {} from {} refused: {}", m.kind, d->correlationId, m.origin,
                                  s.error().message);
    m_bus.publish(contract::CommandRejected{d->correlationId, s.error().message});
    return;
  }
  ++m_injected;
  if (command) {
    ++m_accepted;
    m_bus.publish(contract::CommandAccepted{d->correlationId, m_relay.instanceId});
  }
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
