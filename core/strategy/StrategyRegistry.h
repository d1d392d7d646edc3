#pragma once
// Strategy registry: name -> factory plus typed parameter specs (for GUI forms and optimizer grids).
#include "core/common/Result.h"
#include "core/strategy/IStrategy.h"
#include "core/strategy/Params.h"

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meridian::strategy {

// Builds a strategy from a validated ParamSet (all specs present). May still reject combinations (param.invalid).
using StrategyFactory = std::function<Result<std::unique_ptr<IStrategy>>(const ParamSet&)>;

struct StrategyInfo {
  std::string name;
  std::string description;
  std::size_t instruments = 1;  // series the strategy needs
  std::vector<ParamSpec> params;
  StrategyFactory factory;
};

class StrategyRegistry {
 public:
  // The built-in strategies: sma_cross, rsi_reversion, bollinger_breakout, momentum, pairs.
  static const StrategyRegistry& builtin();

  void add(StrategyInfo info);  // replaces an entry with the same name
  const StrategyInfo* find(std::string_view name) const;
  const std::vector<StrategyInfo>& all() const { return m_infos; }

  // Defaults of `name` overridden by `overrides`, validated (unknown / out of range / integer).
  Result<ParamSet> resolve(std::string_view name, std::span<const std::pair<std::string, double>> overrides) const;
  // Validates params (missing ones take defaults) and builds the strategy.
  Result<std::unique_ptr<IStrategy>> create(std::string_view name, const ParamSet& params) const;

 private:
  std::vector<StrategyInfo> m_infos;
};

}  // namespace meridian::strategy
