#include "core/strategy/builtin/Momentum.h"

#include <fmt/core.h>

namespace meridian::strategy {

std::vector<ParamSpec> Momentum::paramSpecs() {
  return {
      {"lookback", 20, 1, 1000, 1, true, "rate-of-change lookback (bars)"},
      {"entry", 0.0, -1.0, 1.0, 0.01, false, "enter when the rate of change exceeds this (0.05 = 5 %)"},
      {"exit", 0.0, -1.0, 1.0, 0.01, false, "exit when the rate of change falls below this"},
  };
}

Result<std::unique_ptr<IStrategy>> Momentum::create(const ParamSet& p) {
  const double entry = p.get("entry", 0.0), exit = p.get("exit", 0.0);
  if (exit > entry)
    return makeError(paramerr::kInvalid, fmt::format("momentum needs exit <= entry ({} > {})", exit, entry));
  return std::unique_ptr<IStrategy>(new Momentum(std::size_t(p.getInt("lookback", 20)), entry, exit));
}

void Momentum::onBar(StrategyContext& ctx, const BarSlice& bars) {
  const double close = bars[0].close;
  m_closes.push(close);
  if (!m_closes.full()) return;
  const double base = m_closes.front();
  if (!(base > 0.0)) return;
  const double roc = close / base - 1.0;
  const double pos = ctx.position(0);
  if (pos == 0.0 && roc > m_entry && ctx.openOrders() == 0) {
    const double q = ctx.defaultQuantity(0, close);
    if (q > 0.0) ctx.marketOrder(0, domain::Side::Buy, q);
  } else if (pos > 0.0 && roc < m_exit && ctx.openOrders() == 0) {
    ctx.marketOrder(0, domain::Side::Sell, pos);
  }
}

}  // namespace meridian::strategy
