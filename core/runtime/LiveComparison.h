#pragma once
// The backtest of a configured live strategy over a P&L report's dates (contract::CompareLiveStrategy, meridian-cli
// report --compare-backtest): its strategy.live entry and strategy.<name>.<param> parameters, strategy.size /
// size_pct, strategy.capital, strategy.timeframe and strategy.history_source, warmed up on the
// strategy.history_days before the first date (research::comparisonRun), filled with the paper venue's fill model
// (paper.slippage_bps, paper.max_participation, paper.commission_per_share / commission_min).
#include "core/common/Config.h"
#include "core/common/Result.h"
#include "core/contract/Backtest.h"

namespace meridian::runtime {

inline constexpr const char* kNotLiveCode = "strategy.not_live";

// Errors: the id does not start with "live:" or is not configured ("... is not a configured live strategy
// (strategy.live: live:a, live:b)", code kNotLiveCode), a bad strategy.* setting, dates that are not YYYY-MM-DD.
Result<contract::RunBacktest> liveComparisonRun(const common::Config& config, const contract::CompareLiveStrategy& cmd);

}  // namespace meridian::runtime
