#pragma once
// Fixed-capacity ring buffer: storage is allocated once at construction, push() never allocates.
#include <cassert>
#include <cstddef>
#include <vector>

namespace meridian::strategy {

template <class T>
class RingBuffer {
 public:
  explicit RingBuffer(std::size_t capacity) : m_data(capacity > 0 ? capacity : 1) {}

  std::size_t capacity() const { return m_data.size(); }
  std::size_t size() const { return m_size; }
  bool full() const { return m_size == m_data.size(); }
  bool empty() const { return m_size == 0; }
  void clear() {
    m_size = 0;
    m_head = 0;
  }

  // Appends x; when full, the oldest element is overwritten and returned through `evicted`.
  bool push(const T& x, T* evicted = nullptr) {
    const bool wasFull = full();
    if (wasFull && evicted) *evicted = m_data[m_head];
    m_data[m_head] = x;
    m_head = m_head + 1 == m_data.size() ? 0 : m_head + 1;
    if (!wasFull) ++m_size;
    return wasFull;
  }
  // i = 0 is the oldest element, size()-1 the newest.
  const T& operator[](std::size_t i) const {
    assert(i < m_size);
    std::size_t k = m_head + (m_data.size() - m_size) + i;
    if (k >= m_data.size()) k -= m_data.size();
    return m_data[k];
  }
  // back(0) is the newest element, back(1) the one before...
  const T& back(std::size_t ago = 0) const { return (*this)[m_size - 1 - ago]; }
  const T& front() const { return (*this)[0]; }

 private:
  std::vector<T> m_data;
  std::size_t m_head = 0;  // next write position
  std::size_t m_size = 0;
};

}  // namespace meridian::strategy
