#include "core/runtime/LiveComparison.h"

#include "core/execution/paper/PaperBroker.h"
#include "core/live/StrategyRunner.h"
#include "core/research/PnlReport.h"

#include <fmt/core.h>

namespace meridian::runtime {

Result<contract::RunBacktest> liveComparisonRun(const common::Config& config, const contract::CompareLiveStrategy& cmd) {
  const std::string prefix = "live:";
  if (!cmd.strategyId.starts_with(prefix))
    return makeError(kNotLiveCode, fmt::format("{} is not a live strategy: compare needs live:<instance> (e.g. "
                                               "live:sma_cross:AAPL)", cmd.strategyId.empty() ? "(none)" : cmd.strategyId));
  const QDate from = QDate::fromString(QString::fromStdString(cmd.fromDate), Qt::ISODate);
  const QDate to = QDate::fromString(QString::fromStdString(cmd.toDate), Qt::ISODate);
  if (!from.isValid() || !to.isValid() || to < from)
    return makeError("usage", fmt::format("compare needs a date range (YYYY-MM-DD), got '{}' .. '{}'", cmd.fromDate,
                                          cmd.toDate));
  const auto& registry = strategy::StrategyRegistry::builtin();
  const std::string liveText = config.value(QStringLiteral("strategy.live")).toStdString();
  auto specs = live::parseLiveStrategies(liveText, config, registry);
  if (!specs) return makeError("config", fmt::format("strategy.live: {}", specs.error().message));
  auto runner = live::StrategyRunnerOptions::fromConfig(config);
  if (!runner) return runner.error();
  const std::string id = cmd.strategyId.substr(prefix.size());
  std::string known;
  for (const live::LiveStrategySpec& spec : *specs) {
    if (spec.id() == id) {
      research::LiveStrategyBacktest b{cmd.strategyId, spec.strategy, spec.params, spec.symbols, runner->timeframe,
                                       runner->historySource, runner->capital, runner->sizing, runner->historyDays};
      contract::RunBacktest run = research::comparisonRun(b, from, to);
      // Filled as the paper venue fills (paper.slippage_bps, participation, commissions): live and backtest pay the
      // same assumed costs, so the difference is the strategy's, not the fill model's.
      run.config.fill = execution::PaperBrokerConfig::fromConfig(config).fill;
      return run;
    }
    known += (known.empty() ? "" : ", ") + prefix + spec.id();
  }
  return makeError(kNotLiveCode, fmt::format("{} is not a configured live strategy (strategy.live: {})",
                                             cmd.strategyId, known.empty() ? "none" : known));
}

}  // namespace meridian::runtime
