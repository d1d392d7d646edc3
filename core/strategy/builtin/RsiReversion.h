#pragma once
// RSI mean reversion, long only: buy defaultQuantity when Wilder RSI(period) < lower while flat, sell the whole
// position when RSI > upper.
#include "core/common/Result.h"
#include "core/strategy/IStrategy.h"
#include "core/strategy/Params.h"
#include "core/strategy/indicators/Rsi.h"

#include <memory>
#include <vector>

namespace meridian::strategy {

class RsiReversion final : public IStrategy {
 public:
  static constexpr std::string_view kName = "rsi_reversion";
  static std::vector<ParamSpec> paramSpecs();
  static Result<std::unique_ptr<IStrategy>> create(const ParamSet& params);

  RsiReversion(std::size_t period, double lower, double upper) : m_rsi(period), m_lower(lower), m_upper(upper) {}
  std::string_view name() const override { return kName; }
  std::size_t warmupBars() const override { return m_rsi.period() + 1; }
  void onBar(StrategyContext& ctx, const BarSlice& bars) override;

 private:
  Rsi m_rsi;
  double m_lower;
  double m_upper;
};

}  // namespace meridian::strategy
