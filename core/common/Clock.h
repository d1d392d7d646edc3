#pragma once
// Time source for core components. Live code uses RealClock; backtests and tests drive a SimulatedClock,
// so the same components run unchanged in every environment.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace meridian::common {

class IClock {
 public:
  virtual ~IClock() = default;
  virtual std::int64_t now() const = 0;  // UTC ns
};

class RealClock final : public IClock {
 public:
  std::int64_t now() const override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// The process's wall clock, for a component built without one injected (a CLI command, a test's default options).
// Composition roots pass their own clock (Kernel::clock()) instead.
inline const IClock& systemClock() {
  static const RealClock clock;
  return clock;
}

class SimulatedClock final : public IClock {
 public:
  explicit SimulatedClock(std::int64_t start = 0) : m_now(start) {}
  std::int64_t now() const override { return m_now.load(std::memory_order_acquire); }
  void set(std::int64_t t) { m_now.store(t, std::memory_order_release); }
  void advance(std::int64_t dt) { m_now.fetch_add(dt, std::memory_order_acq_rel); }

 private:
  std::atomic<std::int64_t> m_now;
};

// How long something took, for the elapsed times reports carry (a request's storage time, one HTTP attempt):
// the monotonic clock, which neither the injected IClock nor a wall-clock step moves.
class Stopwatch {
 public:
  std::int64_t elapsedMs() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - m_start).count();
  }

 private:
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
};

}  // namespace meridian::common
