#pragma once
// SMA crossover, long only: buy defaultQuantity when SMA(fast) crosses above SMA(slow) while flat, sell the whole
// position when it crosses below. A cross at bar t means diff(t-1) <= 0 < diff(t) (up) or diff(t-1) >= 0 > diff(t)
// (down), diff = SMA(fast) - SMA(slow), evaluated once both averages are ready.
#include "core/common/Result.h"
#include "core/strategy/IStrategy.h"
#include "core/strategy/Params.h"
#include "core/strategy/indicators/Sma.h"

#include <memory>
#include <vector>

namespace meridian::strategy {

class SmaCross final : public IStrategy {
 public:
  static constexpr std::string_view kName = "sma_cross";
  static std::vector<ParamSpec> paramSpecs();
  static Result<std::unique_ptr<IStrategy>> create(const ParamSet& params);

  SmaCross(std::size_t fast, std::size_t slow) : m_fast(fast), m_slow(slow) {}
  std::string_view name() const override { return kName; }
  std::size_t warmupBars() const override { return m_slow.period(); }
  void onBar(StrategyContext& ctx, const BarSlice& bars) override;
  // sma_fast, sma_slow (NaN until ready).
  void indicators(std::vector<std::pair<std::string, double>>& out) const override {
    out.emplace_back("sma_fast", m_fast.value());
    out.emplace_back("sma_slow", m_slow.value());
  }

 private:
  Sma m_fast;
  Sma m_slow;
  double m_prevDiff = 0.0;
  bool m_havePrev = false;
};

}  // namespace meridian::strategy
