#include "core/backtest/Optimizer.h"

#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <limits>
#include <mutex>
#include <thread>

namespace meridian::backtest {
namespace {

struct ObjectiveName {
  Objective objective;
  std::string_view name;
};
constexpr ObjectiveName kObjectives[] = {
    {Objective::Sharpe, "sharpe"},           {Objective::Sortino, "sortino"},
    {Objective::TotalReturn, "total_return"}, {Objective::Cagr, "cagr"},
    {Objective::Calmar, "calmar"},           {Objective::FinalValue, "final_value"},
    {Objective::ProfitFactor, "profit_factor"}, {Objective::MaxDrawdown, "max_drawdown"},
};

bool parseDouble(std::string_view s, double& v) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(v);
}

}  // namespace

Result<Objective> objectiveFromString(std::string_view name) {
  for (const auto& o : kObjectives)
    if (o.name == name) return o.objective;
  std::string known;
  for (const auto& o : kObjectives) known += fmt::format("{}{}", known.empty() ? "" : ", ", o.name);
  return makeError("optimizer.objective", fmt::format("unknown objective '{}' (known: {})", name, known));
}

std::string_view toString(Objective o) {
  for (const auto& x : kObjectives)
    if (x.objective == o) return x.name;
  return "?";
}

double score(const analytics::Metrics& m, Objective o) {
  double v = 0.0;
  switch (o) {
    case Objective::Sharpe: v = m.sharpe; break;
    case Objective::Sortino: v = m.sortino; break;
    case Objective::TotalReturn: v = m.totalReturn; break;
    case Objective::Cagr: v = m.cagr; break;
    case Objective::Calmar: v = m.calmar; break;
    case Objective::FinalValue: v = m.finalValue; break;
    case Objective::ProfitFactor: v = m.profitFactor; break;
    case Objective::MaxDrawdown: v = -m.maxDrawdown; break;
  }
  return std::isnan(v) ? -std::numeric_limits<double>::infinity() : v;
}

Result<ParamAxis> ParamGrid::parseAxis(std::string_view text) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0)
    return makeError("param.syntax", fmt::format("expected name=start:stop:step or name=v1,v2,..., got '{}'", text));
  ParamAxis axis;
  axis.name = std::string(text.substr(0, eq));
  const std::string_view spec = text.substr(eq + 1);
  auto bad = [&] { return makeError("param.syntax", fmt::format("cannot parse grid '{}'", text)); };
  if (spec.find(':') != std::string_view::npos) {
    double v[3] = {0, 0, 1};
    std::size_t start = 0;
    for (int k = 0; k < 3; ++k) {
      const std::size_t colon = spec.find(':', start);
      const std::string_view part = spec.substr(start, colon == std::string_view::npos ? spec.size() - start : colon - start);
      if (!parseDouble(part, v[k])) return bad();
      if (colon == std::string_view::npos) {
        if (k < 1) return bad();
        break;
      }
      start = colon + 1;
      if (k == 2) return bad();
    }
    if (!(v[2] > 0.0) || v[1] < v[0]) return bad();
    const auto count = static_cast<std::size_t>(std::floor((v[1] - v[0]) / v[2] + 1e-9)) + 1;
    if (count > 100000) return bad();
    for (std::size_t i = 0; i < count; ++i) axis.values.push_back(v[0] + double(i) * v[2]);
  } else {
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = spec.find(',', start);
      double x = 0;
      if (!parseDouble(spec.substr(start, comma == std::string_view::npos ? spec.size() - start : comma - start), x))
        return bad();
      axis.values.push_back(x);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  return axis;
}

std::size_t ParamGrid::size() const {
  std::size_t n = 1;
  for (const auto& a : m_axes) n *= a.values.size();
  return n;
}

strategy::ParamSet ParamGrid::at(std::size_t index, const strategy::ParamSet& base) const {
  strategy::ParamSet p = base;
  for (std::size_t k = m_axes.size(); k-- > 0;) {
    const auto& a = m_axes[k];
    if (a.values.empty()) continue;
    p.set(a.name, a.values[index % a.values.size()]);
    index /= a.values.size();
  }
  return p;
}

Result<OptimizationResult> optimize(const strategy::StrategyRegistry& registry, std::string_view strategyName,
                                    const strategy::ParamSet& base, const ParamGrid& grid,
                                    std::span<const SeriesView> series, const BacktestConfig& config,
                                    const OptimizerConfig& options, const RunControl& control) {
  const strategy::StrategyInfo* info = registry.find(strategyName);
  if (!info) return makeError("strategy.unknown", fmt::format("unknown strategy '{}'", strategyName));
  for (const auto& axis : grid.axes()) {
    bool known = false;
    for (const auto& s : info->params) known = known || s.name == axis.name;
    if (!known) return makeError(strategy::paramerr::kUnknown, fmt::format("unknown parameter '{}'", axis.name));
    if (axis.values.empty()) return makeError("param.syntax", fmt::format("grid axis '{}' is empty", axis.name));
  }
  if (Status s = checkAligned(series); !s) return s.error();

  const std::size_t total = grid.size();
  OptimizationResult out;
  out.runs.resize(total);
  BacktestConfig runConfig = config;
  runConfig.recordEquityCurve = false;
  runConfig.recordFills = false;

  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = unsigned(std::min<std::size_t>(threads, std::max<std::size_t>(1, total)));
  out.threads = threads;

  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable cv;
  RunControl inner;  // cancellation only; progress is reported by this thread
  inner.cancel = &stop;
  inner.stop = control.stop;

  auto worker = [&] {
    for (;;) {
      if (control.cancelled()) stop.store(true);
      const std::size_t i = next.fetch_add(1, std::memory_order_relaxed);
      if (i >= total || stop.load(std::memory_order_relaxed)) break;
      OptimizationRun run;
      run.params = grid.at(i, base);
      auto r = runBacktest(registry, strategyName, run.params, series, runConfig, inner);
      if (r) {
        run.valid = true;
        run.metrics = r->metrics;
        run.finalValue = r->finalValue;
        run.score = score(run.metrics, options.objective);
        run.params = r->params;
      } else {
        run.error = r.error().message;
        run.score = -std::numeric_limits<double>::infinity();
      }
      out.runs[i] = std::move(run);
      done.fetch_add(1, std::memory_order_release);
      cv.notify_one();
    }
  };

  std::vector<std::thread> pool;
  pool.reserve(threads);
  for (unsigned k = 0; k < threads; ++k) pool.emplace_back(worker);
  std::size_t reported = 0;
  {
    std::unique_lock lock(mutex);
    for (;;) {
      cv.wait_for(lock, std::chrono::milliseconds(20));
      if (control.cancelled()) stop.store(true);
      const std::size_t d = done.load(std::memory_order_acquire);
      if (d != reported && control.progress) {
        lock.unlock();
        control.progress(d, total);
        lock.lock();
      }
      reported = d;
      if (d >= total || stop.load()) break;
    }
  }
  for (auto& t : pool) t.join();
  if (stop.load() || control.cancelled()) return makeError(kCancelledCode, "optimization cancelled");

  for (std::size_t i = 0; i < total; ++i) {
    const auto& r = out.runs[i];
    if (!r.valid) continue;
    out.barsProcessed += r.metrics.bars;
    if (!std::isfinite(r.score) && r.score < 0) continue;
    if (!out.best || r.score > out.runs[*out.best].score) out.best = i;
  }
  return out;
}

Result<std::vector<WalkForwardWindow>> walkForwardWindows(std::size_t totalBars, const WalkForwardConfig& c) {
  if (c.inSampleBars == 0 || c.outOfSampleBars == 0)
    return makeError("walkforward.config", "in-sample and out-of-sample lengths must be positive");
  const std::size_t step = c.outOfSampleBars;
  std::vector<WalkForwardWindow> w;
  for (std::size_t s = 0;; s += step) {
    WalkForwardWindow x;
    x.inBegin = c.anchored ? 0 : s;
    x.inEnd = s + c.inSampleBars;
    x.outBegin = x.inEnd;
    if (x.outBegin >= totalBars) break;
    x.outEnd = std::min(totalBars, x.outBegin + c.outOfSampleBars);
    w.push_back(x);
    if (x.outEnd == totalBars) break;
  }
  if (w.empty())
    return makeError("walkforward.config",
                     fmt::format("{} bars are not enough for {} in-sample bars plus out-of-sample bars", totalBars,
                                 c.inSampleBars));
  return w;
}

Result<WalkForwardResult> walkForward(const strategy::StrategyRegistry& registry, std::string_view strategyName,
                                      const strategy::ParamSet& base, const ParamGrid& grid,
                                      std::span<const SeriesView> series, const BacktestConfig& config,
                                      const WalkForwardConfig& wf, const OptimizerConfig& options,
                                      const RunControl& control) {
  if (Status s = checkAligned(series); !s) return s.error();
  auto windows = walkForwardWindows(series[0].bars.size(), wf);
  if (!windows) return windows.error();

  WalkForwardResult out;
  out.initialCash = config.initialCash;
  analytics::EquityStats stats(config.initialCash, config.metrics);
  double capital = config.initialCash;
  RunControl inner;
  inner.cancel = control.cancel;
  inner.stop = control.stop;

  const std::size_t n = windows->size();
  for (std::size_t k = 0; k < n; ++k) {
    const WalkForwardWindow& win = (*windows)[k];
    if (control.cancelled()) return makeError(kCancelledCode, "walk-forward cancelled");
    WalkForwardSegment seg;
    seg.window = win;
    seg.startValue = capital;

    const auto inSample = slice(series, win.inBegin, win.inEnd);
    auto opt = optimize(registry, strategyName, base, grid, inSample, config, options, inner);
    if (!opt) return opt.error();

    const auto oos = slice(series, win.inBegin, win.outEnd);
    if (opt->best) {
      const OptimizationRun& best = opt->runs[*opt->best];
      seg.params = best.params;
      seg.inSampleScore = best.score;
      seg.inSample = best.metrics;
      BacktestConfig oc = config;
      oc.initialCash = capital;
      oc.tradeStart = win.outBegin - win.inBegin;
      oc.liquidateAtEnd = true;
      oc.recordEquityCurve = true;
      auto run = runBacktest(registry, strategyName, best.params, oos, oc, inner);
      if (!run) return run.error();
      for (const auto& p : run->equity) {
        stats.add(p.equity, p.exposure != 0.0);
        out.equity.push_back(p);
      }
      out.trades.insert(out.trades.end(), run->trades.begin(), run->trades.end());
      seg.outOfSample = run->metrics;
      seg.trades = std::int64_t(run->trades.size());
      capital = run->finalValue;
    } else {
      // No valid parameter set in-sample: stay flat out of sample.
      seg.inSampleScore = -std::numeric_limits<double>::infinity();
      analytics::EquityStats flat(capital, config.metrics);
      for (std::size_t t = win.outBegin; t < win.outEnd; ++t) {
        const analytics::EquityPoint p{series[0].bars[t].ts, capital, 0.0};
        stats.add(capital, false);
        flat.add(capital, false);
        out.equity.push_back(p);
      }
      seg.outOfSample = flat.finish({});
    }
    seg.endValue = capital;
    out.segments.push_back(std::move(seg));
    if (control.progress) control.progress(k + 1, n);
  }
  out.finalValue = capital;
  out.metrics = stats.finish(out.trades);
  applyEfficiency(out);
  return out;
}

double annualisedReturn(const analytics::Metrics& m) {
  if (!(m.years > 0.0) || !std::isfinite(m.totalReturn)) return std::numeric_limits<double>::quiet_NaN();
  return m.totalReturn / m.years;
}

double walkForwardEfficiency(double outOfSampleAnnual, double inSampleAnnual) {
  if (!(inSampleAnnual > 0.0) || !std::isfinite(outOfSampleAnnual)) return std::numeric_limits<double>::quiet_NaN();
  return outOfSampleAnnual / inSampleAnnual;
}

void applyEfficiency(WalkForwardResult& r) {
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  double sum = 0.0;
  std::size_t n = 0;
  for (WalkForwardSegment& s : r.segments) {
    const bool chosen = std::isfinite(s.inSampleScore);
    s.inSampleAnnualReturn = chosen ? annualisedReturn(s.inSample) : kNaN;
    s.outOfSampleAnnualReturn = annualisedReturn(s.outOfSample);
    s.efficiency = walkForwardEfficiency(s.outOfSampleAnnualReturn, s.inSampleAnnualReturn);
    if (std::isfinite(s.inSampleAnnualReturn)) {
      sum += s.inSampleAnnualReturn;
      ++n;
    }
  }
  r.inSampleAnnualReturn = n > 0 ? sum / double(n) : kNaN;
  r.outOfSampleAnnualReturn = annualisedReturn(r.metrics);
  r.efficiency = walkForwardEfficiency(r.outOfSampleAnnualReturn, r.inSampleAnnualReturn);
}

BestPointStability bestPointStability(const OptimizationResult& result, const ParamGrid& grid) {
  BestPointStability out;
  out.neighbourMean = std::numeric_limits<double>::quiet_NaN();
  if (!result.best || result.runs.size() != grid.size()) return out;
  const std::size_t best = *result.best;
  out.bestScore = result.runs[best].score;
  const auto& axes = grid.axes();
  // Row-major: the last axis varies fastest; stride[k] = product of the sizes of the axes after k.
  std::vector<std::size_t> stride(axes.size(), 1);
  for (std::size_t k = axes.size(); k-- > 1;) stride[k - 1] = stride[k] * std::max<std::size_t>(1, axes[k].values.size());
  double sum = 0.0;
  for (std::size_t k = 0; k < axes.size(); ++k) {
    const std::size_t n = std::max<std::size_t>(1, axes[k].values.size());
    const std::size_t coord = (best / stride[k]) % n;
    for (int d : {-1, 1}) {
      if ((d < 0 && coord == 0) || (d > 0 && coord + 1 >= n)) continue;
      const std::size_t i = d < 0 ? best - stride[k] : best + stride[k];
      if (!result.runs[i].valid || !std::isfinite(result.runs[i].score)) continue;
      sum += result.runs[i].score;
      ++out.neighbours;
    }
  }
  if (out.neighbours == 0) return out;
  out.neighbourMean = sum / double(out.neighbours);
  out.isolatedSpike = out.bestScore > 0.0 && out.neighbourMean < 0.5 * out.bestScore;
  return out;
}

}  // namespace meridian::backtest
