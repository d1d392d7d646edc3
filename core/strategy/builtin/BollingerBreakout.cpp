#include "core/strategy/builtin/BollingerBreakout.h"

namespace meridian::strategy {

std::vector<ParamSpec> BollingerBreakout::paramSpecs() {
  return {
      {"period", 20, 2, 500, 1, true, "band period (bars)"},
      {"k", 2.0, 0.5, 5.0, 0.25, false, "band width in standard deviations"},
  };
}

Result<std::unique_ptr<IStrategy>> BollingerBreakout::create(const ParamSet& p) {
  return std::unique_ptr<IStrategy>(new BollingerBreakout(std::size_t(p.getInt("period", 20)), p.get("k", 2.0)));
}

void BollingerBreakout::onBar(StrategyContext& ctx, const BarSlice& bars) {
  const double close = bars[0].close;
  m_bands.update(close);
  if (!m_bands.ready()) return;
  const double pos = ctx.position(0);
  if (pos == 0.0 && close > m_bands.upper() && ctx.openOrders() == 0) {
    const double q = ctx.defaultQuantity(0, close);
    if (q > 0.0) ctx.marketOrder(0, domain::Side::Buy, q);
  } else if (pos > 0.0 && close < m_bands.middle() && ctx.openOrders() == 0) {
    ctx.marketOrder(0, domain::Side::Sell, pos);
  }
}

}  // namespace meridian::strategy
