#pragma once
// Lock-free single-producer single-consumer ring for hot paths (feed thread -> engine thread).
#include <atomic>
#include <cstddef>
#include <new>
#include <optional>
#include <type_traits>
#include <vector>

namespace meridian::bus {

template <class T>
class SpscQueue {
  static_assert(std::is_nothrow_move_constructible_v<T>);

 public:
  // Capacity is rounded up to a power of two; one slot is kept free.
  explicit SpscQueue(std::size_t capacity) {
    std::size_t cap = 2;
    while (cap < capacity + 1) cap <<= 1;
    m_mask = cap - 1;
    m_slots.resize(cap);
  }
  bool tryPush(T v) {  // producer thread only
    const std::size_t head = m_head.load(std::memory_order_relaxed);
    const std::size_t next = (head + 1) & m_mask;
    if (next == m_tail.load(std::memory_order_acquire)) return false;  // full
    m_slots[head] = std::move(v);
    m_head.store(next, std::memory_order_release);
    return true;
  }
  std::optional<T> tryPop() {  // consumer thread only
    const std::size_t tail = m_tail.load(std::memory_order_relaxed);
    if (tail == m_head.load(std::memory_order_acquire)) return std::nullopt;  // empty
    std::optional<T> v(std::move(m_slots[tail]));
    m_tail.store((tail + 1) & m_mask, std::memory_order_release);
    return v;
  }
  std::size_t capacity() const { return m_mask; }
  bool empty() const { return m_tail.load(std::memory_order_acquire) == m_head.load(std::memory_order_acquire); }

 private:
  std::vector<T> m_slots;
  std::size_t m_mask = 0;
  alignas(64) std::atomic<std::size_t> m_head{0};
  alignas(64) std::atomic<std::size_t> m_tail{0};
};

}  // namespace meridian::bus
