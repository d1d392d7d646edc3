#include "core/strategy/builtin/SmaCross.h"

#include <fmt/core.h>

namespace meridian::strategy {

std::vector<ParamSpec> SmaCross::paramSpecs() {
  return {
      {"fast", 10, 1, 1000, 1, true, "fast SMA period (bars)"},
      {"slow", 30, 2, 5000, 1, true, "slow SMA period (bars), > fast"},
  };
}

Result<std::unique_ptr<IStrategy>> SmaCross::create(const ParamSet& p) {
  const int fast = p.getInt("fast", 10);
  const int slow = p.getInt("slow", 30);
  if (fast >= slow)
    return makeError(paramerr::kInvalid, fmt::format("sma_cross needs fast < slow (fast={}, slow={})", fast, slow));
  return std::unique_ptr<IStrategy>(new SmaCross(std::size_t(fast), std::size_t(slow)));
}

void SmaCross::onBar(StrategyContext& ctx, const BarSlice& bars) {
  const double close = bars[0].close;
  m_fast.update(close);
  m_slow.update(close);
  if (!m_slow.ready()) return;
  const double diff = m_fast.value() - m_slow.value();
  if (m_havePrev) {
    if (m_prevDiff <= 0.0 && diff > 0.0) {
      if (ctx.position(0) == 0.0 && ctx.openOrders() == 0) {
        const double q = ctx.defaultQuantity(0, close);
        if (q > 0.0) ctx.marketOrder(0, domain::Side::Buy, q);
      }
    } else if (m_prevDiff >= 0.0 && diff < 0.0) {
      const double pos = ctx.position(0);
      if (pos > 0.0) ctx.marketOrder(0, domain::Side::Sell, pos);
    }
  }
  m_prevDiff = diff;
  m_havePrev = true;
}

}  // namespace meridian::strategy
