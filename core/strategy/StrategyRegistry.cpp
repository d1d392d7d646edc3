#include "core/strategy/StrategyRegistry.h"

#include "core/strategy/builtin/BollingerBreakout.h"
#include "core/strategy/builtin/Momentum.h"
#include "core/strategy/builtin/PairsTrading.h"
#include "core/strategy/builtin/RsiReversion.h"
#include "core/strategy/builtin/SmaCross.h"

#include <fmt/core.h>

namespace meridian::strategy {
namespace {

template <class S>
StrategyInfo infoOf(std::string description, std::size_t instruments) {
  return StrategyInfo{std::string(S::kName), std::move(description), instruments, S::paramSpecs(), &S::create};
}

StrategyRegistry makeBuiltin() {
  StrategyRegistry r;
  r.add(infoOf<SmaCross>("long when the fast SMA crosses above the slow SMA, flat when it crosses below", 1));
  r.add(infoOf<RsiReversion>("long when Wilder RSI < lower, flat when RSI > upper", 1));
  r.add(infoOf<BollingerBreakout>("long when close breaks above the upper band, flat below the middle band", 1));
  r.add(infoOf<Momentum>("long when the rate of change over lookback > entry, flat when < exit", 1));
  r.add(infoOf<PairsTrading>(
      "log-spread mean reversion of two cointegrated series (Engle-Granger, z-score entry/exit/stop)", 2));
  return r;
}

}  // namespace

const StrategyRegistry& StrategyRegistry::builtin() {
  static const StrategyRegistry registry = makeBuiltin();
  return registry;
}

void StrategyRegistry::add(StrategyInfo info) {
  for (auto& i : m_infos) {
    if (i.name == info.name) {
      i = std::move(info);
      return;
    }
  }
  m_infos.push_back(std::move(info));
}

const StrategyInfo* StrategyRegistry::find(std::string_view name) const {
  for (const auto& i : m_infos)
    if (i.name == name) return &i;
  return nullptr;
}

static Error unknownStrategy(const std::vector<StrategyInfo>& infos, std::string_view name) {
  std::string known;
  for (const auto& i : infos) known += (known.empty() ? "" : ", ") + i.name;
  return makeError("strategy.unknown", fmt::format("unknown strategy '{}' (known: {})", name, known));
}

Result<ParamSet> StrategyRegistry::resolve(std::string_view name,
                                           std::span<const std::pair<std::string, double>> overrides) const {
  const StrategyInfo* info = find(name);
  if (!info) return unknownStrategy(m_infos, name);
  ParamSet p = ParamSet::defaults(info->params);
  ParamSet given;
  for (const auto& [k, v] : overrides) given.set(k, v);
  if (Status s = validate(info->params, given); !s) return s.error();
  for (const auto& [k, v] : given.values()) p.set(k, v);
  return p;
}

Result<std::unique_ptr<IStrategy>> StrategyRegistry::create(std::string_view name, const ParamSet& params) const {
  const StrategyInfo* info = find(name);
  if (!info) return unknownStrategy(m_infos, name);
  if (Status s = validate(info->params, params); !s) return s.error();
  ParamSet full = ParamSet::defaults(info->params);
  for (const auto& [k, v] : params.values()) full.set(k, v);
  return info->factory(full);
}

}  // namespace meridian::strategy
