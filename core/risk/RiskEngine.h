#pragma once
// RiskEngine: the pre-trade gate between every order command and the broker.
//
// Plain C++ (no Qt, no locks, no virtual calls). check() does not allocate: its reason text is formatted into the
// decision's fixed buffer, the order-rate window is a ring allocated once. Owned by the execution thread.
//
// Rules, in evaluation order (the first failing rule answers):
//   kill switch -> invalid order -> trading hours (NYSE calendar) -> circuit breaker (trips here or in
//   updateEquity) -> daily loss -> reference price -> max order qty -> max order notional -> price band (limit /
//   stop vs last) -> max position per symbol -> max gross exposure -> pairs correlation guard -> order rate.
// Kill switch: blocks every new order until resetKillSwitch() (the caller also cancels all working orders).
// Circuit breaker: trips when equity < (1 - drawdownPct) * peak equity; stays tripped until resetCircuitBreaker().
#include "core/risk/RiskTypes.h"

#include <string>
#include <vector>

namespace meridian::time {
class NyseCalendar;
}

namespace meridian::risk {

class RiskEngine {
 public:
  // calendar = nullptr uses time::NyseCalendar::instance().
  explicit RiskEngine(RiskLimits limits = {}, const time::NyseCalendar* calendar = nullptr);

  // Checks one new (or replacement) order. When it passes, the order is counted in the rate window.
  RiskDecision check(const domain::Order& order, const RiskState& state);

  // Feeds the equity curve; trips the breaker when equity falls through the threshold. Returns true when this
  // call tripped it.
  bool updateEquity(double equity, double peakEquity);

  void engageKillSwitch(std::string reason);
  void resetKillSwitch();
  bool killSwitchEngaged() const { return m_killSwitch; }
  const std::string& killSwitchReason() const { return m_killReason; }

  void resetCircuitBreaker();
  bool circuitBreakerTripped() const { return m_breaker; }
  const std::string& circuitBreakerReason() const { return m_breakerReason; }

  const RiskLimits& limits() const { return m_limits; }
  void setLimits(const RiskLimits& limits);

  // Orders counted in the current rate window (diagnostics, tests).
  std::size_t ordersInWindow(Timestamp now) const;

 private:
  bool tripBreakerIfNeeded(double equity, double peak);
  void recordOrder(Timestamp now);

  RiskLimits m_limits;
  const time::NyseCalendar* m_calendar;
  bool m_killSwitch = false;
  bool m_breaker = false;
  std::string m_killReason;
  std::string m_breakerReason;
  std::vector<Timestamp> m_rateRing;  // timestamps of the last maxOrdersPerWindow accepted orders
  std::size_t m_rateHead = 0;
  std::size_t m_rateCount = 0;
};

}  // namespace meridian::risk
