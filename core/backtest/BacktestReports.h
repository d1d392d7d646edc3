#pragma once
// What an optimization or a walk-forward hands to a viewer besides its raw result: axis names and window dates
// (carried by contract::BacktestFinished; the bars are not needed to draw them).
#include "core/backtest/Optimizer.h"

#include <string>
#include <vector>

namespace meridian::backtest {

struct WalkForwardReport {
  struct WindowDates {
    domain::Timestamp inStart = 0;
    domain::Timestamp outStart = 0;
    domain::Timestamp outEnd = 0;  // last out-of-sample bar
  };
  WalkForwardResult result;
  std::vector<WindowDates> dates;  // per segment
  Objective objective = Objective::Sharpe;
};

struct OptimizationReport {
  OptimizationResult result;      // runs in grid order: params + score (the objective) per combination
  std::vector<std::string> axes;  // names of the grid axes
  Objective objective = Objective::Sharpe;
  BestPointStability stability;   // of the best point among its grid neighbours
};

}  // namespace meridian::backtest
