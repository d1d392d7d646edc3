#include "core/bus/EventBus.h"

#include <algorithm>

namespace meridian::bus {

bool topicMatches(std::string_view pattern, std::string_view topic) {
  std::size_t p = 0, t = 0;
  while (true) {
    const std::size_t pe = pattern.find('.', p);
    const std::string_view pseg = pattern.substr(p, pe == std::string_view::npos ? pattern.npos : pe - p);
    if (pseg == ">") return t < topic.size();  // one or more remaining segments
    const std::size_t te = topic.find('.', t);
    const std::string_view tseg = topic.substr(t, te == std::string_view::npos ? topic.npos : te - t);
    if (pseg != "*" && pseg != tseg) return false;
    if (pseg == "*" && tseg.empty()) return false;
    const bool pEnd = pe == std::string_view::npos;
    const bool tEnd = te == std::string_view::npos;
    if (pEnd || tEnd) return pEnd && tEnd;
    p = pe + 1;
    t = te + 1;
  }
}

void Mailbox::push(Envelope e) {
  std::function<void()> notify;
  {
    std::lock_guard lock(m_mutex);
    if (m_closed) return;
    if (m_queue.size() >= m_capacity) {
      m_queue.pop_front();
      ++m_dropped;
    }
    const bool wasEmpty = m_queue.empty();
    m_queue.push_back(std::move(e));
    if (wasEmpty) notify = m_notifier;
  }
  m_cv.notify_one();
  if (notify) notify();
}

std::size_t Mailbox::drain(std::vector<Envelope>& out, std::size_t max) {
  std::lock_guard lock(m_mutex);
  const std::size_t n = std::min(max, m_queue.size());
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(std::move(m_queue.front()));
    m_queue.pop_front();
  }
  return n;
}

bool Mailbox::waitNonEmpty(std::chrono::milliseconds timeout) {
  std::unique_lock lock(m_mutex);
  m_cv.wait_for(lock, timeout, [this] { return !m_queue.empty() || m_closed; });
  return !m_queue.empty();
}

void Mailbox::close() {
  {
    std::lock_guard lock(m_mutex);
    m_closed = true;
  }
  m_cv.notify_all();
}

std::size_t Mailbox::size() const {
  std::lock_guard lock(m_mutex);
  return m_queue.size();
}

std::uint64_t Mailbox::dropped() const {
  std::lock_guard lock(m_mutex);
  return m_dropped;
}

void Mailbox::setNotifier(std::function<void()> notifier) {
  std::lock_guard lock(m_mutex);
  m_notifier = std::move(notifier);
}

SubscriptionId EventBus::subscribe(std::string pattern, std::shared_ptr<Mailbox> mailbox) {
  std::lock_guard lock(m_mutex);
  auto next = std::make_shared<std::vector<Subscription>>(*m_subs);
  const SubscriptionId id = m_nextId++;
  next->push_back(Subscription{id, std::move(pattern), mailbox});
  m_subs = std::move(next);
  return id;
}

void EventBus::unsubscribe(SubscriptionId id) {
  std::lock_guard lock(m_mutex);
  auto next = std::make_shared<std::vector<Subscription>>(*m_subs);
  std::erase_if(*next, [id](const Subscription& s) { return s.id == id; });
  m_subs = std::move(next);
}

std::uint64_t EventBus::published() const {
  std::lock_guard lock(m_mutex);
  return m_seq;
}

void EventBus::publishErased(std::string topic, std::type_index type, std::shared_ptr<const void> payload) {
  std::shared_ptr<const std::vector<Subscription>> subs;
  std::uint64_t seq;
  {
    std::lock_guard lock(m_mutex);
    subs = m_subs;
    seq = ++m_seq;
  }
  for (const auto& s : *subs) {
    if (!topicMatches(s.pattern, topic)) continue;
    if (auto mb = s.mailbox.lock()) mb->push(Envelope{topic, type, payload, seq});
  }
}

bool Dispatcher::dispatch(const Envelope& e) const {
  auto it = m_handlers.find(e.type);
  if (it == m_handlers.end()) return false;
  it->second(e);
  return true;
}

}  // namespace meridian::bus
