#pragma once
// Grid parameter optimization across all cores, and walk-forward analysis.
//
// Every grid point is one independent backtest (fresh strategy instance) on the same read-only series; a pool of
// std::threads pulls indices from an atomic counter and writes into a pre-sized result vector, so the result
// order (grid order) and the best point (highest score, ties -> lowest grid index) do not depend on the thread
// count or scheduling. Progress and cancellation come from RunControl; progress is reported from the calling
// thread.
#include "core/backtest/BacktestEngine.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::backtest {

enum class Objective { Sharpe, Sortino, TotalReturn, Cagr, Calmar, FinalValue, ProfitFactor, MaxDrawdown };
Result<Objective> objectiveFromString(std::string_view name);  // "sharpe", "total_return", ...
std::string_view toString(Objective o);
// Score to maximise (MaxDrawdown is negated); NaN metrics score -infinity.
double score(const analytics::Metrics& m, Objective o);

struct ParamAxis {
  std::string name;
  std::vector<double> values;
};

class ParamGrid {
 public:
  void add(ParamAxis axis) { m_axes.push_back(std::move(axis)); }
  // "fast=5:30:5" (start:stop:step, inclusive) or "fast=5,10,20".
  static Result<ParamAxis> parseAxis(std::string_view text);
  // Axis over [spec.min, spec.max] (or [from, to]) with spec.step.
  const std::vector<ParamAxis>& axes() const { return m_axes; }
  std::size_t size() const;  // product of axis sizes (1 when there are no axes)
  // Grid point `index` (row-major: the last axis varies fastest) applied over `base`.
  strategy::ParamSet at(std::size_t index, const strategy::ParamSet& base) const;

 private:
  std::vector<ParamAxis> m_axes;
};

struct OptimizerConfig {
  Objective objective = Objective::Sharpe;
  unsigned threads = 0;  // 0 = std::thread::hardware_concurrency()
};

struct OptimizationRun {
  strategy::ParamSet params;
  bool valid = false;     // false: the strategy rejected the combination or the run failed (see error)
  std::string error;
  double score = 0.0;
  double finalValue = 0.0;
  analytics::Metrics metrics;
};

struct OptimizationResult {
  std::vector<OptimizationRun> runs;  // grid order
  std::optional<std::size_t> best;    // index into runs
  std::int64_t barsProcessed = 0;     // over all valid runs
  unsigned threads = 0;
};

// How the best grid point compares with its grid neighbours (one step either way on each axis, the other axes
// fixed): a best point whose valid neighbours score on average less than half of it (best score > 0) is an isolated
// spike — likely fitted to noise, a parameter set that will not hold out of sample.
struct BestPointStability {
  std::size_t neighbours = 0;   // valid neighbours of the best point
  double bestScore = 0.0;
  double neighbourMean = 0.0;   // mean score of those neighbours (NaN without any)
  bool isolatedSpike = false;
};
BestPointStability bestPointStability(const OptimizationResult& result, const ParamGrid& grid);

Result<OptimizationResult> optimize(const strategy::StrategyRegistry& registry, std::string_view strategyName,
                                    const strategy::ParamSet& base, const ParamGrid& grid,
                                    std::span<const SeriesView> series, const BacktestConfig& config,
                                    const OptimizerConfig& options = {}, const RunControl& control = {});

// ---- Walk-forward ------------------------------------------------------------------------------------------

struct WalkForwardConfig {
  std::size_t inSampleBars = 504;
  std::size_t outOfSampleBars = 126;  // also the step: out-of-sample windows tile the data without overlap
  bool anchored = false;              // true: every in-sample window starts at bar 0
};

// Half-open bar ranges.
struct WalkForwardWindow {
  std::size_t inBegin = 0, inEnd = 0, outBegin = 0, outEnd = 0;
  friend bool operator==(const WalkForwardWindow&, const WalkForwardWindow&) = default;
};

// Windows: in-sample [s, s + IS) (anchored: [0, s + IS)) then out-of-sample [s + IS, s + IS + OOS), s advancing
// by OOS; the last out-of-sample window is truncated at totalBars. Errors when IS or OOS is 0 or the data has no full in-sample
// window plus one out-of-sample bar.
Result<std::vector<WalkForwardWindow>> walkForwardWindows(std::size_t totalBars, const WalkForwardConfig& config);

struct WalkForwardSegment {
  WalkForwardWindow window;
  strategy::ParamSet params;     // chosen in-sample
  double inSampleScore = 0.0;
  analytics::Metrics inSample;   // of the chosen parameters on the in-sample bars (zeros: nothing chosen)
  analytics::Metrics outOfSample;
  double startValue = 0.0;       // capital carried into the segment
  double endValue = 0.0;
  std::int64_t trades = 0;
  // Walk-forward efficiency (see walkForwardEfficiency): annualised returns in and out of sample and their ratio.
  double inSampleAnnualReturn = 0.0;
  double outOfSampleAnnualReturn = 0.0;
  double efficiency = 0.0;
};

struct WalkForwardResult {
  std::vector<WalkForwardSegment> segments;
  std::vector<analytics::EquityPoint> equity;    // stitched out-of-sample curve
  std::vector<analytics::TradeRecord> trades;    // all out-of-sample trades
  analytics::Metrics metrics;                    // of the stitched curve
  double initialCash = 0.0;
  double finalValue = 0.0;
  // Overall efficiency: the stitched out-of-sample curve's annualised return over the mean in-sample annualised
  // return of the windows that chose parameters (see applyEfficiency).
  double inSampleAnnualReturn = 0.0;   // that mean
  double outOfSampleAnnualReturn = 0.0;
  double efficiency = 0.0;
};

// Walk-forward efficiency (Pardo): out-of-sample annualised return / in-sample annualised return.
//   annualised return  totalReturn / years  (simple, not compounded: short windows are not blown up; years = bars /
//                      periodsPerYear as in Metrics); NaN when years <= 0 or the return is undefined
//   efficiency         out / in; NaN unless in > 0 (a losing or flat in-sample fit has no meaningful ratio)
// Near 1 (or above): the fit held out of sample; near 0 or negative: it did not.
double annualisedReturn(const analytics::Metrics& m);
double walkForwardEfficiency(double outOfSampleAnnual, double inSampleAnnual);
// Fills the segments' and the result's efficiency fields from their metrics (walkForward calls it).
void applyEfficiency(WalkForwardResult& result);

// For each window: optimize on the in-sample bars, then run the chosen parameters on the out-of-sample bars,
// with the in-sample bars as indicator warm-up (no trading), positions liquidated at the window's last close,
// and the capital carried over from the previous window.
Result<WalkForwardResult> walkForward(const strategy::StrategyRegistry& registry, std::string_view strategyName,
                                      const strategy::ParamSet& base, const ParamGrid& grid,
                                      std::span<const SeriesView> series, const BacktestConfig& config,
                                      const WalkForwardConfig& wf, const OptimizerConfig& options = {},
                                      const RunControl& control = {});

}  // namespace meridian::backtest
