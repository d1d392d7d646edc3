#pragma once
// The strategy timer queue (StrategyContext::scheduleTimer / IStrategy::onTimer) that the backtest engine
// (BacktestEngine.cpp) and the live strategy host (core/runtime/LiveStrategyHost) both run. Like SimOrderBook it
// exists once so that a strategy's timers fire on the same bars, in the same order, in a backtest and live.
//
// Rules (the engine's, unchanged):
//  * A timer scheduled for `at` fires on the first fireDue(now) with at <= now, receiving that `now` (a timer for
//    a time already past fires on the next bar). Timers fire in order of `at`; timers with the same `at` fire in
//    the order they were scheduled.
//  * fireDue fires only the timers that were due when it was called. A timer scheduled from inside onTimer waits
//    for the next fireDue even when it is already due, so a callback that reschedules itself cannot loop within
//    one bar.
//
// Plain C++, one thread; fireDue must not be re-entered (from onTimer). No allocation per bar: both vectors are
// reused, so only a queue growing beyond its largest size so far allocates.
#include "core/domain/Types.h"
#include "core/strategy/IStrategy.h"

#include <cstdint>
#include <vector>

namespace meridian::backtest {

class StrategyTimers {
 public:
  // Queues strategy.onTimer(context, now, tag) for the first fireDue whose `now` reaches `at` (see the rules).
  void schedule(domain::Timestamp at, std::uint32_t tag);

  // Fires, in order, every timer queued before this call with at <= now. Inline: the host calls it on every bar and
  // most bars have nothing due.
  void fireDue(domain::Timestamp now, strategy::IStrategy& strategy, strategy::StrategyContext& context) {
    if (!m_pending.empty() && m_pending.front().at <= now) fire(now, strategy, context);
  }

  std::size_t pending() const { return m_pending.size(); }
  bool empty() const { return m_pending.empty(); }

 private:
  struct Timer {
    domain::Timestamp at;
    std::uint32_t tag;
  };
  void fire(domain::Timestamp now, strategy::IStrategy& strategy, strategy::StrategyContext& context);

  std::vector<Timer> m_pending;  // sorted by `at`; equal `at` in scheduling order
  std::vector<Timer> m_due;      // the timers fireDue is firing (reused scratch)
};

}  // namespace meridian::backtest
