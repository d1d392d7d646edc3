#include "core/marketdata/RateLimiter.h"

#include <algorithm>
#include <thread>

namespace meridian::marketdata {

RateLimiter::RateLimiter(double permitsPerSecond, double burst)
    : m_rate(permitsPerSecond), m_burst(std::max(1.0, burst)), m_tokens(std::max(1.0, burst)), m_last(Clock::now()) {}

std::shared_ptr<RateLimiter> RateLimiter::perMinute(double permits, double burst) {
  return std::make_shared<RateLimiter>(permits / 60.0, burst);
}

void RateLimiter::refill(Clock::time_point now) const {
  if (now <= m_last) return;
  const double elapsed = std::chrono::duration<double>(now - m_last).count();
  m_tokens = std::min(m_burst, m_tokens + elapsed * m_rate);
  m_last = now;
}

std::chrono::nanoseconds RateLimiter::acquire() {
  if (m_rate <= 0.0) return std::chrono::nanoseconds{0};
  std::chrono::nanoseconds wait{0};
  {
    std::lock_guard lock(m_mutex);
    refill(Clock::now());
    m_tokens -= 1.0;
    if (m_tokens < 0.0) wait = std::chrono::nanoseconds(static_cast<std::int64_t>(-m_tokens / m_rate * 1e9));
  }
  if (wait.count() > 0) std::this_thread::sleep_for(wait);
  return wait;
}

bool RateLimiter::tryAcquire() {
  if (m_rate <= 0.0) return true;
  std::lock_guard lock(m_mutex);
  refill(Clock::now());
  if (m_tokens < 1.0) return false;
  m_tokens -= 1.0;
  return true;
}

std::chrono::nanoseconds RateLimiter::timeUntilAvailable() const {
  if (m_rate <= 0.0) return std::chrono::nanoseconds{0};
  std::lock_guard lock(m_mutex);
  refill(Clock::now());
  if (m_tokens >= 1.0) return std::chrono::nanoseconds{0};
  return std::chrono::nanoseconds(static_cast<std::int64_t>((1.0 - m_tokens) / m_rate * 1e9));
}

}  // namespace meridian::marketdata
