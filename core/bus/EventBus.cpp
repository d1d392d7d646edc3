#include "core/bus/EventBus.h"

#include <algorithm>
#include <set>

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

// ---- Mailbox ----------------------------------------------------------------------------------------------------

Mailbox::Mailbox(std::string name, std::size_t losslessCapacity, std::size_t coalescingTopics)
    : m_name(std::move(name)),
      m_losslessCapacity(std::max<std::size_t>(1, losslessCapacity)),
      m_coalescingTopics(std::max<std::size_t>(1, coalescingTopics)) {
  m_stats.name = m_name;
}

bool Mailbox::pushLocked(Envelope& e, bool command, std::function<void()>& notify) {
  if (m_closed) return false;
  const bool wasEmpty = sizeLocked() == 0;
  if (command || e.lane == Lane::Lossless) {
    if (command && m_lossless.size() >= m_losslessCapacity) {
      ++m_stats.refused;
      return false;
    }
    m_lossless.push_back(Slot{++m_arrivals, std::move(e)});
    m_stats.losslessPeak = std::max(m_stats.losslessPeak, m_lossless.size());
  } else if (auto it = m_latest.find(e.topic); it != m_latest.end()) {
    m_coalescing[it->second] = Slot{++m_arrivals, std::move(e)};
    ++m_stats.coalesced;
  } else if (m_coalescing.size() >= m_coalescingTopics) {
    ++m_stats.overflowed;
    return false;
  } else {
    m_latest.emplace(e.topic, m_coalescing.size());
    m_coalescing.push_back(Slot{++m_arrivals, std::move(e)});
  }
  if (wasEmpty) notify = m_notifier;
  return true;
}

void Mailbox::push(Envelope e) {
  std::function<void()> notify;
  {
    std::lock_guard lock(m_mutex);
    if (!pushLocked(e, false, notify)) return;
  }
  m_cv.notify_one();
  if (notify) notify();
}

void Mailbox::pushAll(std::vector<Envelope>& envelopes) {
  std::function<void()> notify;
  bool pushed = false;
  {
    std::lock_guard lock(m_mutex);
    for (auto& e : envelopes) {
      std::function<void()> first;
      if (pushLocked(e, false, first)) pushed = true;
      if (first) notify = std::move(first);
    }
  }
  if (!pushed) return;
  m_cv.notify_one();
  if (notify) notify();
}

bool Mailbox::tryPush(Envelope e) {
  std::function<void()> notify;
  {
    std::lock_guard lock(m_mutex);
    if (!pushLocked(e, true, notify)) return false;
  }
  m_cv.notify_one();
  if (notify) notify();
  return true;
}

bool Mailbox::refuses() {
  std::lock_guard lock(m_mutex);
  if (m_lossless.size() < m_losslessCapacity) return false;
  ++m_stats.refused;
  return true;
}

std::size_t Mailbox::drain(std::vector<Envelope>& out, std::size_t max) {
  std::lock_guard lock(m_mutex);
  // The coalescing lane holds one slot per topic (a few dozen symbols): order it by arrival and merge it with the
  // lossless lane, which is in arrival order already.
  std::vector<std::size_t> order(m_coalescing.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [this](std::size_t a, std::size_t b) { return m_coalescing[a].arrival < m_coalescing[b].arrival; });
  std::size_t n = 0, c = 0;
  while (n < max && (!m_lossless.empty() || c < order.size())) {
    const bool takeLossless =
        !m_lossless.empty() && (c == order.size() || m_lossless.front().arrival < m_coalescing[order[c]].arrival);
    if (takeLossless) {
      out.push_back(std::move(m_lossless.front().envelope));
      m_lossless.pop_front();
    } else {
      out.push_back(std::move(m_coalescing[order[c]].envelope));
      m_coalescing[order[c]].arrival = 0;  // taken
      ++c;
    }
    ++n;
  }
  if (c == m_coalescing.size()) {
    m_coalescing.clear();
    m_latest.clear();
  } else if (c > 0) {  // a bounded drain stopped part-way: keep the rest
    std::erase_if(m_coalescing, [](const Slot& s) { return s.arrival == 0; });
    m_latest.clear();
    for (std::size_t i = 0; i < m_coalescing.size(); ++i) m_latest.emplace(m_coalescing[i].envelope.topic, i);
  }
  return n;
}

bool Mailbox::waitNonEmpty(std::chrono::milliseconds timeout) {
  std::unique_lock lock(m_mutex);
  m_cv.wait_for(lock, timeout, [this] { return sizeLocked() > 0 || m_closed; });
  return sizeLocked() > 0;
}

void Mailbox::close() {
  {
    std::lock_guard lock(m_mutex);
    m_closed = true;
  }
  m_cv.notify_all();
}

bool Mailbox::closed() const {
  std::lock_guard lock(m_mutex);
  return m_closed;
}

std::size_t Mailbox::size() const {
  std::lock_guard lock(m_mutex);
  return sizeLocked();
}

MailboxStats Mailbox::stats() const {
  std::lock_guard lock(m_mutex);
  MailboxStats s = m_stats;
  s.lossless = m_lossless.size();
  s.coalescing = m_coalescing.size();
  return s;
}

void Mailbox::setNotifier(std::function<void()> notifier) {
  std::lock_guard lock(m_mutex);
  m_notifier = std::move(notifier);
}

// ---- EventBus ---------------------------------------------------------------------------------------------------

SubscriptionId EventBus::subscribeErased(std::type_index type, std::string pattern, std::shared_ptr<Mailbox> mailbox) {
  std::lock_guard lock(m_mutex);
  auto next = std::make_shared<Table>(*m_subs);
  const SubscriptionId id = m_nextId++;
  (*next)[type].push_back(Subscription{id, type, std::move(pattern), mailbox});
  m_subs = std::move(next);
  return id;
}

SubscriptionId EventBus::subscribe(std::string pattern, std::shared_ptr<Mailbox> mailbox) {
  return subscribeErased(std::type_index(typeid(void)), std::move(pattern), std::move(mailbox));
}

void EventBus::unsubscribe(SubscriptionId id) {
  std::lock_guard lock(m_mutex);
  auto next = std::make_shared<Table>(*m_subs);
  for (auto& [type, subs] : *next) std::erase_if(subs, [id](const Subscription& s) { return s.id == id; });
  m_subs = std::move(next);
}

std::uint64_t EventBus::published() const {
  std::lock_guard lock(m_mutex);
  return m_seq;
}

std::vector<MailboxStats> EventBus::mailboxStats() const {
  std::shared_ptr<const Table> subs;
  {
    std::lock_guard lock(m_mutex);
    subs = m_subs;
  }
  std::set<const Mailbox*> seen;
  std::vector<MailboxStats> out;
  for (const auto& [type, list] : *subs)
    for (const auto& s : list)
      if (auto mb = s.mailbox.lock(); mb && !mb->closed() && seen.insert(mb.get()).second) out.push_back(mb->stats());
  std::sort(out.begin(), out.end(), [](const MailboxStats& a, const MailboxStats& b) { return a.name < b.name; });
  return out;
}

void EventBus::receiversOf(const Table& subs, std::type_index type, const std::string& topic,
                           std::vector<std::shared_ptr<Mailbox>>& receivers) {
  // Typed subscriptions of this type, then pattern subscriptions of every type; one push per mailbox.
  const std::size_t first = receivers.size();
  for (const std::type_index t : {type, std::type_index(typeid(void))}) {
    const auto it = subs.find(t);
    if (it == subs.end()) continue;
    for (const auto& s : it->second) {
      if (!topicMatches(s.pattern, topic)) continue;
      auto mb = s.mailbox.lock();
      if (!mb || mb->closed() || std::find(receivers.begin() + static_cast<std::ptrdiff_t>(first), receivers.end(), mb) !=
                                     receivers.end())
        continue;
      receivers.push_back(std::move(mb));
    }
  }
}

void EventBus::deliverAll(std::type_index type, std::vector<Published>& items, Lane lane) {
  std::shared_ptr<const Table> subs;
  std::uint64_t seq;
  {
    std::lock_guard lock(m_mutex);
    subs = m_subs;
    seq = m_seq + 1;
    m_seq += items.size();
  }
  // Each receiving mailbox with its envelopes, in publish order.
  std::vector<std::pair<std::shared_ptr<Mailbox>, std::vector<Envelope>>> out;
  std::vector<std::shared_ptr<Mailbox>> receivers;
  for (auto& item : items) {
    receivers.clear();
    receiversOf(*subs, type, item.topic, receivers);
    for (auto& mb : receivers) {
      auto it = std::find_if(out.begin(), out.end(), [&](const auto& o) { return o.first == mb; });
      if (it == out.end()) {
        out.emplace_back(std::move(mb), std::vector<Envelope>{});
        out.back().second.reserve(items.size());
        it = out.end() - 1;
      }
      it->second.push_back(Envelope{item.topic, type, item.payload, seq, lane});
    }
    ++seq;
  }
  for (auto& [mb, envelopes] : out) mb->pushAll(envelopes);
}

Status EventBus::deliver(const std::string& topic, std::type_index type, std::shared_ptr<const void> payload,
                         Lane lane, bool command, std::string_view name, std::int64_t deadline) {
  std::shared_ptr<const Table> subs;
  std::uint64_t seq;
  {
    std::lock_guard lock(m_mutex);
    subs = m_subs;
    seq = ++m_seq;
  }
  std::vector<std::shared_ptr<Mailbox>> receivers;
  receiversOf(*subs, type, topic, receivers);
  if (!command) {
    for (const auto& mb : receivers) mb->push(Envelope{topic, type, payload, seq, lane});
    return {};
  }
  if (receivers.empty())
    return makeError("bus.refused", std::string(name) + " not sent: nothing in this process handles it");
  // All or nothing: a command reaches every receiver or none. (Between this check and the push another sender may
  // take the last slot of a lane; that rare race is reported like a full lane, naming the queue.)
  for (const auto& mb : receivers)
    if (mb->refuses())
      return makeError("bus.refused", std::string(name) + " not sent: the " + mb->name() +
                                          " queue is full; it is not keeping up (nothing was queued)");
  std::string refusedBy;
  for (const auto& mb : receivers)
    if (!mb->tryPush(Envelope{topic, type, payload, seq, Lane::Lossless, deadline}) && refusedBy.empty())
      refusedBy = mb->name();
  if (!refusedBy.empty())
    return makeError("bus.refused", std::string(name) + " refused by the full " + refusedBy + " queue");
  return {};
}

bool Dispatcher::dispatch(const Envelope& e) const {
  auto it = m_handlers.find(e.type);
  if (it == m_handlers.end()) return false;
  it->second(e);
  return true;
}

}  // namespace meridian::bus
