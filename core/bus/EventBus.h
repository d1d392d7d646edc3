#pragma once
// Typed, topic-based event bus.
//
// - Publishers hand over immutable payloads (std::shared_ptr<const T>); nothing published is ever mutated,
//   so the same payload is shared by every subscriber on every thread without copies or locks.
// - Each subscriber owns a Mailbox (a bounded multi-producer queue) and drains it on its own thread.
//   The bus never calls subscriber code on the publisher's thread except the optional wake-up notifier.
// - Topics are dot-separated ("md.bar.AAPL", "exec.order.MRD-1"). Patterns: "*" matches exactly one
//   segment, a trailing ">" matches one or more remaining segments ("md.>" matches "md.bar.AAPL").
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

struct Envelope {
  std::string topic;
  std::type_index type = typeid(void);
  std::shared_ptr<const void> payload;
  std::uint64_t seq = 0;  // bus-wide publish sequence number

  template <class T>
  const T* as() const {
    return type == std::type_index(typeid(T)) ? static_cast<const T*>(payload.get()) : nullptr;
  }
  template <class T>
  std::shared_ptr<const T> share() const {
    return type == std::type_index(typeid(T)) ? std::static_pointer_cast<const T>(payload) : nullptr;
  }
};

// Bounded MPSC queue of envelopes. When full, the oldest envelope is dropped and counted, so a stalled
// consumer can never grow memory without bound or block a publisher.
class Mailbox {
 public:
  explicit Mailbox(std::size_t capacity = 65'536) : m_capacity(capacity) {}

  void push(Envelope e);
  // Moves up to max envelopes into out (appending). Returns how many were moved.
  std::size_t drain(std::vector<Envelope>& out, std::size_t max = SIZE_MAX);
  // Blocks until the mailbox is non-empty, it is closed, or the timeout expires. Returns true if non-empty.
  bool waitNonEmpty(std::chrono::milliseconds timeout);
  void close();  // wakes waiters; later pushes are ignored
  std::size_t size() const;
  std::uint64_t dropped() const;
  // Called (on the publisher's thread, outside the lock) when a push makes an empty mailbox non-empty.
  // Must be cheap and thread-safe, e.g. QMetaObject::invokeMethod(..., Qt::QueuedConnection) or cv notify.
  void setNotifier(std::function<void()> notifier);

 private:
  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<Envelope> m_queue;
  std::function<void()> m_notifier;
  std::size_t m_capacity;
  std::uint64_t m_dropped = 0;
  bool m_closed = false;
};

using SubscriptionId = std::uint64_t;

class EventBus {
 public:
  SubscriptionId subscribe(std::string pattern, std::shared_ptr<Mailbox> mailbox);
  void unsubscribe(SubscriptionId id);

  template <class T>
  void publish(std::string topic, std::shared_ptr<const T> payload) {
    publishErased(std::move(topic), std::type_index(typeid(T)), std::move(payload));
  }
  template <class T>
  void publish(std::string topic, T value) {
    publish<T>(std::move(topic), std::shared_ptr<const T>(std::make_shared<T>(std::move(value))));
  }

  std::uint64_t published() const;

 private:
  struct Subscription {
    SubscriptionId id;
    std::string pattern;
    std::weak_ptr<Mailbox> mailbox;
  };
  void publishErased(std::string topic, std::type_index type, std::shared_ptr<const void> payload);

  mutable std::mutex m_mutex;
  // Copy-on-write list: publishers take a reference under the lock and match outside it.
  std::shared_ptr<const std::vector<Subscription>> m_subs = std::make_shared<std::vector<Subscription>>();
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
  // Returns false when no handler is registered for the envelope's type.
  bool dispatch(const Envelope& e) const;

 private:
  std::unordered_map<std::type_index, std::function<void(const Envelope&)>> m_handlers;
};

// Latest-value holder for immutable snapshots (positions, account, health). Writers replace, readers get a
// shared_ptr to a snapshot that stays valid and unchanged for as long as they hold it.
template <class T>
class SnapshotSlot {
 public:
  void store(std::shared_ptr<const T> s) {
    std::lock_guard lock(m_mutex);
    m_value = std::move(s);
    ++m_version;
  }
  std::shared_ptr<const T> load() const {
    std::lock_guard lock(m_mutex);
    return m_value;
  }
  std::uint64_t version() const {
    std::lock_guard lock(m_mutex);
    return m_version;
  }

 private:
  mutable std::mutex m_mutex;
  std::shared_ptr<const T> m_value;
  std::uint64_t m_version = 0;
};

}  // namespace meridian::bus
