#pragma once
// Time-series momentum, long only: rate of change roc = close / close[lookback bars ago] - 1; buy defaultQuantity
// when roc > entry while flat, sell the whole position when roc < exit.
#include "core/common/Result.h"
#include "core/strategy/IStrategy.h"
#include "core/strategy/Params.h"
#include "core/strategy/indicators/RingBuffer.h"

#include <memory>
#include <vector>

namespace meridian::strategy {

class Momentum final : public IStrategy {
 public:
  static constexpr std::string_view kName = "momentum";
  static std::vector<ParamSpec> paramSpecs();
  static Result<std::unique_ptr<IStrategy>> create(const ParamSet& params);

  Momentum(std::size_t lookback, double entry, double exit) : m_closes(lookback + 1), m_entry(entry), m_exit(exit) {}
  std::string_view name() const override { return kName; }
  std::size_t warmupBars() const override { return m_closes.capacity(); }
  void onBar(StrategyContext& ctx, const BarSlice& bars) override;

 private:
  RingBuffer<double> m_closes;
  double m_entry;
  double m_exit;
};

}  // namespace meridian::strategy
