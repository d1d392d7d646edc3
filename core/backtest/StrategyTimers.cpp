#include "core/backtest/StrategyTimers.h"

#include <algorithm>

namespace meridian::backtest {

void StrategyTimers::schedule(domain::Timestamp at, std::uint32_t tag) {
  // After every timer with the same `at`: equal times fire in scheduling order.
  auto it = std::upper_bound(m_pending.begin(), m_pending.end(), at,
                             [](domain::Timestamp a, const Timer& x) { return a < x.at; });
  m_pending.insert(it, Timer{at, tag});
}

void StrategyTimers::fire(domain::Timestamp now, strategy::IStrategy& strategy, strategy::StrategyContext& context) {
  std::size_t k = 0;
  while (k < m_pending.size() && m_pending[k].at <= now) ++k;
  if (k == 0) return;
  // Copy out first: onTimer may schedule new timers (into m_pending), which wait for the next fireDue.
  m_due.assign(m_pending.begin(), m_pending.begin() + std::ptrdiff_t(k));
  m_pending.erase(m_pending.begin(), m_pending.begin() + std::ptrdiff_t(k));
  for (const Timer& t : m_due) strategy.onTimer(context, now, t.tag);
}

}  // namespace meridian::backtest
