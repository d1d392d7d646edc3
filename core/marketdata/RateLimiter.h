#pragma once
// Token-bucket rate limiter shared by every request of one vendor account (all threads).
//
// The bucket holds up to `burst` permits and refills at `permitsPerSecond`. acquire() reserves a permit in FIFO
// order and sleeps (outside the lock) until it is due, so concurrent callers are spaced correctly.
// Default for Polygon's free tier (5 calls/min): 4/min with burst 1, i.e. one call every 15 s, which never exceeds
// 4 calls in any 60 s window.
#include <chrono>
#include <memory>
#include <mutex>

namespace meridian::marketdata {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // permitsPerSecond <= 0 means unlimited. burst is clamped to >= 1. The bucket starts full.
  explicit RateLimiter(double permitsPerSecond, double burst = 1.0);
  static std::shared_ptr<RateLimiter> perMinute(double permits, double burst = 1.0);

  // Blocks until a permit is available and takes it. Returns how long the caller waited.
  std::chrono::nanoseconds acquire();
  // Takes a permit only if one is available now.
  bool tryAcquire();
  // How long acquire() would wait now (0 = a permit is available).
  std::chrono::nanoseconds timeUntilAvailable() const;

  double permitsPerSecond() const { return m_rate; }
  double burst() const { return m_burst; }

 private:
  void refill(Clock::time_point now) const;  // under m_mutex

  const double m_rate;
  const double m_burst;
  mutable std::mutex m_mutex;
  mutable double m_tokens;  // may go negative: permits reserved by waiting callers
  mutable Clock::time_point m_last;
};

}  // namespace meridian::marketdata
