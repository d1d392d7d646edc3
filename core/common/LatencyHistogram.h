#pragma once
// A fixed-bucket latency histogram for one writer thread and any number of readers (benchmarks, Ops): record() is a
// few relaxed atomic adds, no lock and no allocation, so a service thread can keep one on its hot path; readers take
// a consistent-enough snapshot at any time (counts are read one by one, each exact).
//
// Buckets: 1 us wide below 2 ms, 100 us wide below 200 ms, one bucket beyond. A percentile is reported as the upper
// edge of its bucket (never optimistic). steadyNowNs() is the monotonic clock the stamps and the reader share.
#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>

namespace meridian::common {

class LatencyHistogram {
 public:
  static constexpr std::int64_t kFineNs = 1'000;          // bucket width below kFineEndNs
  static constexpr std::int64_t kFineEndNs = 2'000'000;
  static constexpr std::int64_t kCoarseNs = 100'000;      // bucket width below kCoarseEndNs
  static constexpr std::int64_t kCoarseEndNs = 200'000'000;
  static constexpr std::size_t kFine = kFineEndNs / kFineNs;
  static constexpr std::size_t kBuckets = kFine + (kCoarseEndNs - kFineEndNs) / kCoarseNs + 1;

  static std::int64_t steadyNowNs() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  // Writer thread only. Negative values count as 0.
  void record(std::int64_t ns) {
    if (ns < 0) ns = 0;
    m_buckets[bucketOf(ns)].fetch_add(1, std::memory_order_relaxed);
    m_count.fetch_add(1, std::memory_order_relaxed);
    m_sumNs.fetch_add(static_cast<std::uint64_t>(ns), std::memory_order_relaxed);
    if (ns > m_maxNs.load(std::memory_order_relaxed)) m_maxNs.store(ns, std::memory_order_relaxed);
  }

  std::uint64_t count() const { return m_count.load(std::memory_order_relaxed); }
  std::int64_t maxNs() const { return m_maxNs.load(std::memory_order_relaxed); }
  double meanNs() const {
    const std::uint64_t n = count();
    return n == 0 ? 0.0 : static_cast<double>(m_sumNs.load(std::memory_order_relaxed)) / static_cast<double>(n);
  }
  // The upper edge of the bucket holding the q-quantile (0 < q <= 1), capped at the largest value recorded; 0 when
  // empty.
  std::int64_t percentileNs(double q) const {
    std::array<std::uint64_t, kBuckets> counts{};
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < kBuckets; ++i) total += counts[i] = m_buckets[i].load(std::memory_order_relaxed);
    if (total == 0) return 0;
    auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total) + 0.999999);
    rank = rank < 1 ? 1 : (rank > total ? total : rank);
    std::uint64_t seen = 0;
    std::size_t i = 0;
    for (; i < kBuckets; ++i) {
      seen += counts[i];
      if (seen >= rank) break;
    }
    const std::int64_t edge = upperEdgeNs(i);
    const std::int64_t max = maxNs();
    return edge < max ? edge : max;
  }

  static std::size_t bucketOf(std::int64_t ns) {
    if (ns < kFineEndNs) return static_cast<std::size_t>(ns / kFineNs);
    if (ns < kCoarseEndNs) return kFine + static_cast<std::size_t>((ns - kFineEndNs) / kCoarseNs);
    return kBuckets - 1;
  }
  static std::int64_t upperEdgeNs(std::size_t bucket) {
    if (bucket < kFine) return static_cast<std::int64_t>(bucket + 1) * kFineNs;
    if (bucket < kBuckets - 1) return kFineEndNs + static_cast<std::int64_t>(bucket - kFine + 1) * kCoarseNs;
    return INT64_MAX;
  }

 private:
  std::array<std::atomic<std::uint64_t>, kBuckets> m_buckets{};
  std::atomic<std::uint64_t> m_count{0};
  std::atomic<std::uint64_t> m_sumNs{0};
  std::atomic<std::int64_t> m_maxNs{0};
};

}  // namespace meridian::common
