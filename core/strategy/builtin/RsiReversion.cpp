#include "core/strategy/builtin/RsiReversion.h"

#include <fmt/core.h>

namespace meridian::strategy {

std::vector<ParamSpec> RsiReversion::paramSpecs() {
  return {
      {"period", 14, 2, 500, 1, true, "RSI period (bars)"},
      {"lower", 30, 1, 50, 5, false, "buy below this RSI"},
      {"upper", 70, 50, 99, 5, false, "sell above this RSI"},
  };
}

Result<std::unique_ptr<IStrategy>> RsiReversion::create(const ParamSet& p) {
  const double lower = p.get("lower", 30), upper = p.get("upper", 70);
  if (lower >= upper)
    return makeError(paramerr::kInvalid, fmt::format("rsi_reversion needs lower < upper ({} >= {})", lower, upper));
  return std::unique_ptr<IStrategy>(new RsiReversion(std::size_t(p.getInt("period", 14)), lower, upper));
}

void RsiReversion::onBar(StrategyContext& ctx, const BarSlice& bars) {
  const double close = bars[0].close;
  const double rsi = m_rsi.update(close);
  if (!m_rsi.ready()) return;
  const double pos = ctx.position(0);
  if (pos == 0.0 && rsi < m_lower && ctx.openOrders() == 0) {
    const double q = ctx.defaultQuantity(0, close);
    if (q > 0.0) ctx.marketOrder(0, domain::Side::Buy, q);
  } else if (pos > 0.0 && rsi > m_upper && ctx.openOrders() == 0) {
    ctx.marketOrder(0, domain::Side::Sell, pos);
  }
}

}  // namespace meridian::strategy
