#pragma once
// Bollinger breakout, long only: buy defaultQuantity when the close is above the upper band while flat, sell the
// whole position when the close falls below the middle band.
#include "core/common/Result.h"
#include "core/strategy/IStrategy.h"
#include "core/strategy/Params.h"
#include "core/strategy/indicators/BollingerBands.h"

#include <memory>
#include <vector>

namespace meridian::strategy {

class BollingerBreakout final : public IStrategy {
 public:
  static constexpr std::string_view kName = "bollinger_breakout";
  static std::vector<ParamSpec> paramSpecs();
  static Result<std::unique_ptr<IStrategy>> create(const ParamSet& params);

  BollingerBreakout(std::size_t period, double k) : m_bands(period, k), m_period(period) {}
  std::string_view name() const override { return kName; }
  std::size_t warmupBars() const override { return m_period; }
  void onBar(StrategyContext& ctx, const BarSlice& bars) override;

 private:
  BollingerBands m_bands;
  std::size_t m_period;
};

}  // namespace meridian::strategy
