#pragma once
// Typed, topic-based event bus with two lanes per mailbox (DESIGN.md threading contract 1-3).
//
// - Messages are the structs declared in core/contract/ (contract::Spec gives each its topic and lane). Publishers
//   hand over immutable payloads (std::shared_ptr<const T>); nothing published is ever mutated, so one payload is
//   shared by every subscriber on every thread without copies or locks.
// - Each subscriber owns a Mailbox and drains it on its own thread. The bus never calls subscriber code on the
//   publisher's thread except the optional wake-up notifier.
// - Lanes: the lossless lane is a FIFO that never drops. Commands and requests go through send(), which refuses the
//   whole command (delivering it to no one) when a receiver's lossless lane is full or no one subscribes, so the
//   sender can say so. Events on the lossless lane are always queued. The coalescing lane keeps the latest message
//   per topic: a newer quote replaces an undelivered older one for the same symbol, counted per mailbox.
//   drain() hands both lanes out in arrival order, a coalesced message at the arrival of its newest value, so a
//   consumer sees an order after the quote that was current when it was sent.
// - Topics are dot-separated ("md.bar.AAPL", "exec.order.MRD-1"). Patterns: "*" matches exactly one segment, a
//   trailing ">" matches one or more remaining segments ("md.>" matches "md.bar.AAPL").
// - subscribe<T>() follows one message type (every key, or one key); subscribe(pattern) follows every type on the
//   matching topics (diagnostics and tests).
#include "core/common/Result.h"
#include "core/contract/Message.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <typeindex>
#include <unordered_map>
#include <vector>

namespace meridian::bus {

bool topicMatches(std::string_view pattern, std::string_view topic);

using contract::Lane;

struct Envelope {
  std::string topic;
  std::type_index type = typeid(void);
  std::shared_ptr<const void> payload;
  std::uint64_t seq = 0;  // bus-wide publish sequence number (0: pushed straight into a mailbox)
  Lane lane = Lane::Lossless;
  // A command relayed from another process carries the deadline its sender stamped (common::IClock nanoseconds;
  // 0: none, e.g. a command of this process). The service that executes it checks it with its own clock right
  // before it acts (pastDeadline) and answers an expired command instead of executing it.
  std::int64_t deadline = 0;

  bool pastDeadline(std::int64_t now) const { return deadline != 0 && now > deadline; }

  template <class T>
  const T* as() const {
    return type == std::type_index(typeid(T)) ? static_cast<const T*>(payload.get()) : nullptr;
  }
  template <class T>
  std::shared_ptr<const T> share() const {
    return type == std::type_index(typeid(T)) ? std::static_pointer_cast<const T>(payload) : nullptr;
  }
  // A private message for one mailbox (a component's own acknowledgements and callbacks): lossless, no topic.
  template <class T>
  static Envelope local(T value) {
    Envelope e;
    e.type = std::type_index(typeid(T));
    e.payload = std::make_shared<const T>(std::move(value));
    return e;
  }
};

struct MailboxStats {
  std::string name;
  std::size_t lossless = 0;        // queued on the lossless lane now
  std::size_t losslessPeak = 0;    // highest lossless depth seen
  std::size_t coalescing = 0;      // distinct topics waiting on the coalescing lane now
  std::uint64_t coalesced = 0;     // coalescing-lane messages replaced by a newer one before delivery
  std::uint64_t refused = 0;       // commands refused because the lossless lane was full
  std::uint64_t overflowed = 0;    // coalescing-lane messages dropped: more distinct topics than the lane holds
};

class Mailbox {
 public:
  static constexpr std::size_t kDefaultLosslessCapacity = 65'536;
  static constexpr std::size_t kDefaultCoalescingTopics = 65'536;

  explicit Mailbox(std::string name = "mailbox", std::size_t losslessCapacity = kDefaultLosslessCapacity,
                   std::size_t coalescingTopics = kDefaultCoalescingTopics);

  // Queues by e.lane. Lossless: always (an event is never dropped). Coalescing: replaces the waiting message of the
  // same topic. Ignored after close().
  void push(Envelope e);
  // Lossless lane only, for commands: false (nothing queued) when the lane already holds its capacity or the
  // mailbox is closed.
  bool tryPush(Envelope e);
  // push() of each, in order, under one lock and with at most one wake-up.
  void pushAll(std::vector<Envelope>& envelopes);
  // True (and counted as a refusal) when the lossless lane holds its capacity: a command sent now is refused.
  bool refuses();

  // Moves up to max envelopes into out (appending), both lanes merged in arrival order. Returns how many moved.
  std::size_t drain(std::vector<Envelope>& out, std::size_t max = SIZE_MAX);
  // Blocks until the mailbox is non-empty, it is closed, or the timeout expires. Returns true if non-empty.
  bool waitNonEmpty(std::chrono::milliseconds timeout);
  void close();  // wakes waiters; later pushes are ignored
  bool closed() const;
  std::size_t size() const;
  MailboxStats stats() const;
  const std::string& name() const { return m_name; }
  // Called (on the publisher's thread, outside the lock) when a push makes an empty mailbox non-empty.
  // Must be cheap and thread-safe, e.g. QMetaObject::invokeMethod(..., Qt::QueuedConnection) or cv notify.
  void setNotifier(std::function<void()> notifier);

 private:
  struct Slot {
    std::uint64_t arrival = 0;  // this mailbox's push counter (the newest value's, on the coalescing lane)
    Envelope envelope;
  };
  bool pushLocked(Envelope& e, bool command, std::function<void()>& notify);
  std::size_t sizeLocked() const { return m_lossless.size() + m_coalescing.size(); }

  const std::string m_name;
  const std::size_t m_losslessCapacity;
  const std::size_t m_coalescingTopics;
  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<Slot> m_lossless;                            // arrivals increase front to back
  std::vector<Slot> m_coalescing;                         // one per topic
  std::unordered_map<std::string, std::size_t> m_latest;  // topic -> index in m_coalescing
  std::uint64_t m_arrivals = 0;
  std::function<void()> m_notifier;
  MailboxStats m_stats;
  bool m_closed = false;
};

using SubscriptionId = std::uint64_t;

class EventBus {
 public:
  // Every message of type T (key empty), or of one key (topic root.key, e.g. one symbol's bars).
  template <contract::Message T>
  SubscriptionId subscribe(std::shared_ptr<Mailbox> mailbox, std::string_view key = {}) {
    return subscribeErased(std::type_index(typeid(T)), key.empty() ? contract::patternOf<T>() : contract::topicFor<T>(key),
                           std::move(mailbox));
  }
  // Every message type on matching topics (diagnostics, tests).
  SubscriptionId subscribe(std::string pattern, std::shared_ptr<Mailbox> mailbox);
  void unsubscribe(SubscriptionId id);

  // Events, state and answers: queued for every subscriber on the message's lane; never refused.
  template <contract::Message T>
  void publish(std::shared_ptr<const T> payload) {
    static_assert(!contract::isSent<T>(), "commands and requests go through send()");
    const std::string topic = contract::topicOf(*payload);
    (void)deliver(topic, std::type_index(typeid(T)), std::move(payload), contract::Spec<T>::lane, false, {});
  }
  template <contract::Message T>
  void publish(T value) {
    publish<T>(std::make_shared<const T>(std::move(value)));
  }

  // Many events of one type at once (a feed's burst of quotes): the same as publishing them one by one, in order,
  // but each receiving mailbox takes its share under one lock and is woken once, so a subscriber's thread is not
  // woken per message and the publisher pays the per-mailbox cost per batch.
  template <contract::Message T>
  void publishAll(const std::vector<std::shared_ptr<const T>>& payloads) {
    static_assert(!contract::isSent<T>(), "commands and requests go through send()");
    if (payloads.empty()) return;
    std::vector<Published> items;
    items.reserve(payloads.size());
    for (const auto& p : payloads) items.push_back(Published{contract::topicOf(*p), p});
    deliverAll(std::type_index(typeid(T)), items, contract::Spec<T>::lane);
  }

  // Commands and requests: lossless, all or nothing. Refused (delivered to no one, error code "bus.refused") when a
  // receiver's lossless lane is full or nothing subscribes, with a message the sender can show. deadline: see
  // Envelope::deadline (the relay passes a remote sender's; 0 = none).
  template <contract::Message T>
  [[nodiscard]] Status send(std::shared_ptr<const T> payload, std::int64_t deadline = 0) {
    static_assert(contract::isSent<T>(), "events go through publish()");
    const std::string topic = contract::topicOf(*payload);
    return deliver(topic, std::type_index(typeid(T)), std::move(payload), Lane::Lossless, true,
                   contract::nameOf<T>(), deadline);
  }
  template <contract::Message T>
  [[nodiscard]] Status send(T value, std::int64_t deadline = 0) {
    return send<T>(std::make_shared<const T>(std::move(value)), deadline);
  }

  // A type outside the contract on an explicit topic (the bus's own tests, diagnostics). Lossless.
  template <class T>
  void publishRaw(std::string topic, T value) {
    static_assert(!contract::Message<T>, "contract messages take their topic from contract::Spec");
    (void)deliver(topic, std::type_index(typeid(T)), std::make_shared<const T>(std::move(value)), Lane::Lossless, false,
                  {});
  }

  std::uint64_t published() const;
  // Every live subscribed mailbox (once each), for the Ops view of lanes.
  std::vector<MailboxStats> mailboxStats() const;

 private:
  struct Subscription {
    SubscriptionId id;
    std::type_index type;  // typeid(void): every type
    std::string pattern;
    std::weak_ptr<Mailbox> mailbox;
  };
  using Table = std::unordered_map<std::type_index, std::vector<Subscription>>;

  struct Published {
    std::string topic;
    std::shared_ptr<const void> payload;
  };
  SubscriptionId subscribeErased(std::type_index type, std::string pattern, std::shared_ptr<Mailbox> mailbox);
  // The live mailboxes subscribed to (type, topic), once each, appended to receivers.
  static void receiversOf(const Table& subs, std::type_index type, const std::string& topic,
                          std::vector<std::shared_ptr<Mailbox>>& receivers);
  void deliverAll(std::type_index type, std::vector<Published>& items, Lane lane);
  Status deliver(const std::string& topic, std::type_index type, std::shared_ptr<const void> payload, Lane lane,
                 bool command, std::string_view name, std::int64_t deadline = 0);

  mutable std::mutex m_mutex;
  // Copy-on-write, by type (typeid(void): pattern subscriptions of every type). Publishers take a reference under
  // the lock and match outside it.
  std::shared_ptr<const Table> m_subs = std::make_shared<Table>();
  SubscriptionId m_nextId = 1;
  std::uint64_t m_seq = 0;
};

// Routes drained envelopes to typed handlers on the consumer's thread.
class Dispatcher {
 public:
  template <class T>
  void on(std::function<void(const Envelope&, const T&)> handler) {
    m_handlers[std::type_index(typeid(T))] = [h = std::move(handler)](const Envelope& e) { h(e, *e.as<T>()); };
  }
  template <class T>
  void on(std::function<void(const T&)> handler) {
    m_handlers[std::type_index(typeid(T))] = [h = std::move(handler)](const Envelope& e) { h(*e.as<T>()); };
  }
  // Returns false when no handler is registered for the envelope's type.
  bool dispatch(const Envelope& e) const;

 private:
  std::unordered_map<std::type_index, std::function<void(const Envelope&)>> m_handlers;
};

}  // namespace meridian::bus
