#pragma once
// Redis link of a process (hiredis). Two jobs, by role (IEventRelay.h):
//
// 1. Mirror (every role but Attach, unless redis.mirror=false): latest quotes into the md:quote:<SYM> hash cache,
//    bars and order updates onto the pub/sub channels md.bar.<SYM> and exec.order.<ID>, for dashboards.
// 2. Relay between a serving process and attached GUIs, on two pub/sub channels of a namespace (redis.namespace,
//    default "meridian"; pub/sub ignores the Redis db index, so the namespace is what separates deployments):
//      <ns>.relay.events    server -> attached: every contract message whose Spec says Relay::ToAttached, Snapshot or
//                           KeyedSnapshot (orders, fills, positions, account, risk, rejections, quotes coalesced per
//                           batch, bars, signals, jobs)
//      <ns>.relay.commands  attached -> server: every Relay::ToServer command (orders, risk controls, job run-now)
//    The list comes from contract::Catalogue (relay/RelayCodec.h); each message is a contract::RelayMessage carrying the sender's origin (instance id). No echo loops: a message
//    with our own origin is dropped, and a value injected from Redis is never forwarded back out (the bridge
//    remembers the identity of every payload it injects and skips it when its own bus subscription hands it back).
//    Latest state for processes that attach later: the server keeps <ns>:relay:state (hash: wire kind of every
//    Relay::Snapshot message -> its last message) and <ns>:relay:orders (hash: key of the Relay::KeyedSnapshot
//    message, the open client order id -> its last message), and a server that takes commands keeps a heartbeat key
//    <ns>:relay:server (TTL 5 s; contract::Heartbeat: its instance id and trading mode, paper/live + broker, which an
//    attached process reports as its own and announces on its bus as contract::TradingMode whenever it first shows
//    or changes); a second such server on the same namespace refuses to start (every command would be executed
//    twice). An attaching process subscribes first, then loads those keys
//    (an order is injected from the snapshot only if no newer update already arrived live), and reloads them
//    every time its subscription is re-established after a Redis outage.
//    Command results come back as the server's events carrying the command's correlation id.
//    Every command gets exactly one answer by correlation id, and only the server's answer counts as delivered
//    (never PUBLISH's receiver count, which any other subscriber on the channel inflates):
//      - refused at once, locally (CommandRejected "Not sent: ..."), while the link is not Ok: Redis down,
//        reconnecting, or the server's heartbeat absent or stale (no new beat for serverStaleAfter, ~2 periods);
//        also when the PUBLISH fails or reaches no subscriber at all;
//      - otherwise stamped with a deadline (expires = now + commandDeadline(), CommandDeadline.h) and sent; the
//        server answers CommandAccepted when it hands the command to its bus before the deadline, or
//        CommandRejected "Expired: ..." when it reads it after (and does not execute it); the command goes on the
//        server's bus with its deadline (bus::Envelope::deadline), and the service that executes it checks it
//        again right before acting (a backlogged execution or scheduler thread answers "Expired" too);
//      - no answer by deadline + kAnswerGrace: answered locally "Expired: the server did not answer in N s".
//    The attached relay publishes contract::ServerLinkState on its bus on every change of the link (Ok, server
//    not responding, Redis unavailable, reconnecting), logging one line per change (with the retry count).
//
// Threads: one bridge thread (bus mailbox -> Redis writes, heartbeat, snapshot loads) and one subscriber thread
// (Redis -> decode -> local bus). Redis being absent or dropping never blocks the bus or any other component:
// writes fail fast (RedisCache back-off), are counted and logged once per outage. Malformed messages are dropped,
// counted and reported by a rate-limited warning (at most one line per 10 s).
#include "core/bus/EventBus.h"
#include "core/common/Clock.h"
#include "core/relay/IEventRelay.h"
#include "core/contract/Wire.h"
#include "core/relay/Heartbeat.h"
#include "core/relay/RelayCodec.h"
#include "core/storage/redis/RedisCache.h"
#include "core/storage/redis/RedisSubscriber.h"

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <typeindex>
#include <unordered_map>

namespace meridian::relay {

struct RelayOptions {
  RelayRole role = RelayRole::Mirror;
  std::string ns = "meridian";      // redis.namespace
  std::string instanceId;           // generated (host:pid:random) when empty
  bool mirror = true;               // redis.mirror: legacy md:quote / md.bar / exec.order mirror (not in Attach)
  bool acceptCommands = true;       // Serve: execute relayed commands (redis.accept_commands)
  std::chrono::milliseconds heartbeatInterval = kHeartbeatInterval;
  std::chrono::milliseconds heartbeatTtl = kHeartbeatTtl;
  // The HMAC key every relay message and heartbeat is signed with (relay.key: MERIDIAN_RELAY_KEY or the keychain).
  // Required to take commands (Serve) or send them (Attach): without it a server would obey anyone who can reach
  // Redis. A Serve bridge that takes no commands publishes unsigned without one (attached GUIs ignore that).
  std::string key;
  // A relayed message whose time is further than this from our clock is refused (a delayed or replayed command).
  std::chrono::milliseconds maxAge{30'000};
  // Attach: the server counts as not responding when no new heartbeat arrived for this long (~2 periods).
  std::chrono::milliseconds serverStaleAfter = kHeartbeatInterval * 2;

  static std::string generateInstanceId();
};

// True when the Redis server at url answers a client that sends no credentials: anyone who can reach it could
// subscribe to the relay and flood it (signatures stop forged commands, not eavesdropping). False when it demands
// AUTH. Error when it cannot be reached.
Result<bool> redisAcceptsAnonymous(const std::string& url, std::chrono::milliseconds timeout);

class RedisBridge final : public IEventRelay {
 public:
  // bus and clock must outlive the bridge.
  RedisBridge(std::string url, bus::EventBus& bus, const common::IClock& clock, RelayOptions relay = {},
              storage::RedisOptions options = {});
  ~RedisBridge() override;
  RedisBridge(const RedisBridge&) = delete;
  RedisBridge& operator=(const RedisBridge&) = delete;

  Status start() override;
  Status startInbound() override;
  void stop() override;  // forwards what is already queued (best effort), then joins
  RelayRole role() const override { return m_relay.role; }
  bool healthy() const override;
  bool serverAlive() const override;
  void setTradingMode(const TradingMode& mode) override;
  TradingMode tradingMode() const override;
  std::string instanceId() const override { return m_relay.instanceId; }
  std::string endpoint() const override { return m_cache.redactedUrl(); }
  RelayStats stats() const override;

  std::uint64_t forwarded() const { return m_forwarded.load(); }
  std::uint64_t failed() const { return m_failed.load(); }

  std::string eventsChannel() const { return m_relay.ns + ".relay.events"; }
  std::string commandsChannel() const { return m_relay.ns + ".relay.commands"; }
  std::string stateKey() const { return m_relay.ns + ":relay:state"; }
  std::string ordersKey() const { return m_relay.ns + ":relay:orders"; }
  std::string serverKey() const { return relay::serverKey(m_relay.ns); }

 private:
  void run();
  void forward(std::vector<bus::Envelope>& batch);
  void mirror(const bus::Envelope& e, std::unordered_map<std::string, const domain::Quote*>& latestQuote);
  void relayOut(const bus::Envelope& e, std::unordered_map<std::string, const bus::Envelope*>& latestQuote);
  // deadline: commands only (how long the server may take to read it).
  void publishRelay(const relay::Encoded& m, std::chrono::milliseconds deadline = {});
  void rejectLocally(const std::string& correlationId, const std::string& reason);
  void periodic();
  bool loadSnapshot();  // false when Redis failed (retried)
  void onMessage(const std::string& channel, const std::string& payload);
  void handle(const contract::RelayMessage& m, bool fromSnapshot);
  void noteResult(const Status& s);
  void noteMalformed(const std::string& why);
  void noteServerMode(const contract::Heartbeat& beat);
  // Signature, freshness and replay checks of a message read from Redis; false (counted, logged once per origin and
  // reason) when it must not be acted upon. Snapshot records are old by nature: only their signature is checked.
  bool trusted(const contract::RelayMessage& m, bool fromSnapshot);
  void noteRefused(const std::string& origin, const std::string& reason, std::atomic<std::uint64_t>& counter);
  // The heartbeat at serverKey(): decoded, signed with our key and fresh (nullopt otherwise; why in *why).
  std::optional<contract::Heartbeat> liveHeartbeat(const std::optional<std::string>& value, std::string* why);
  void republishState();  // Serve: after Redis came back, write the state and open orders again
  // Attach: the link state from this pass's checks; published and logged when it changed.
  void updateLink(contract::ServerLink state, const std::string& detail);
  void checkServer();           // Attach: heartbeat poll (every heartbeatInterval / 4)
  void expireUnanswered();      // Attach: commands with no answer past deadline + grace
  void noteAnswer(const std::string& correlationId);  // Attach: the server answered (subscriber thread)
  // Serve: a command read after its deadline (or without one) is answered and dropped; true when it may run.
  bool inTime(const contract::RelayMessage& m, const std::string& correlationId);
  bool wasInjected(const bus::Envelope& e);

  bus::EventBus& m_bus;
  const common::IClock& m_clock;
  RelayOptions m_relay;
  std::string m_url;
  storage::RedisCache m_cache;
  mutable std::mutex m_subscriberMutex;  // guards the pointer (set by startInbound, read by health probes)
  std::unique_ptr<storage::RedisSubscriber> m_subscriber;
  std::shared_ptr<bus::Mailbox> m_mailbox;
  std::vector<bus::SubscriptionId> m_subscriptions;
  std::set<std::type_index> m_outTypes;  // message types this bridge follows on the bus (sends out)
  std::thread m_thread;
  std::atomic<bool> m_running{false};
  std::atomic<bool> m_inbound{false};
  std::atomic<std::uint64_t> m_seq{0};

  std::atomic<std::uint64_t> m_forwarded{0};
  std::atomic<std::uint64_t> m_failed{0};
  std::atomic<std::uint64_t> m_received{0};
  std::atomic<std::uint64_t> m_injected{0};
  std::atomic<std::uint64_t> m_malformed{0};
  std::atomic<std::uint64_t> m_echoes{0};
  std::atomic<std::uint64_t> m_ignored{0};
  std::atomic<std::uint64_t> m_undelivered{0};
  std::atomic<std::uint64_t> m_unsigned{0};
  std::atomic<std::uint64_t> m_stale{0};
  std::atomic<std::uint64_t> m_replayed{0};
  std::atomic<std::uint64_t> m_republished{0};
  std::atomic<std::uint64_t> m_accepted{0};
  std::atomic<std::uint64_t> m_expired{0};
  std::atomic<std::uint64_t> m_unanswered{0};
  std::atomic<bool> m_healthy{true};
  std::atomic<bool> m_serverAlive{false};

  // Payloads this bridge published on the bus (shared_ptr keeps the address unique until it is seen again).
  std::mutex m_injectedMutex;
  std::unordered_map<const void*, std::shared_ptr<const void>> m_injectedPayloads;

  // Attach: newest updated_ts per order seen live, and the state kinds received live since the last subscribe.
  std::mutex m_stateMutex;
  std::unordered_map<std::string, std::int64_t> m_orderSeen;
  std::set<std::string> m_liveKinds;

  // Serve: the mode announced in the heartbeat; Attach: the server's, from its latest heartbeat.
  mutable std::mutex m_modeMutex;
  TradingMode m_tradingMode;

  // Inbound checks (subscriber thread): the highest sequence seen per origin, and the (origin, reason) pairs already
  // logged, so a flood of forged messages writes one line per origin.
  std::mutex m_trustMutex;
  std::unordered_map<std::string, std::uint64_t> m_lastSeq;
  std::set<std::pair<std::string, std::string>> m_refusalsLogged;

  // Serve (bridge thread): the latest state message per kind and per open order, written again after an outage.
  std::unordered_map<std::string, std::string> m_stateJson;
  std::unordered_map<std::string, std::string> m_orderJson;
  bool m_republishPending = false;

  std::mutex m_warnMutex;
  std::chrono::steady_clock::time_point m_lastMalformedWarn{};
  std::uint64_t m_malformedSinceWarn = 0;

  // Attach: commands sent and not answered yet (correlation id -> when to give up, the deadline it carried).
  struct Pending {
    std::chrono::steady_clock::time_point giveUp;
    std::chrono::milliseconds waited{};
  };
  std::mutex m_pendingMutex;
  std::map<std::string, Pending> m_pending;

  // Attach (bridge thread): the link as last published, the newest heartbeat and when it was first seen.
  contract::ServerLinkState m_link;
  bool m_linkPublished = false;
  std::int64_t m_lastBeatTs = 0;
  std::chrono::steady_clock::time_point m_lastBeatSeen{};
  std::uint64_t m_snapshotFailures = 0;

  // Bridge-thread state.
  bool m_wasSubscribed = false;
  std::chrono::steady_clock::time_point m_nextPeriodic{};
};

}  // namespace meridian::relay
