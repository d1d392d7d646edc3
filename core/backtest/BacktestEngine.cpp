#include "core/backtest/BacktestEngine.h"

#include "core/backtest/SimOrderBook.h"
#include "core/backtest/StrategyTimers.h"
#include "core/common/LargePages.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

namespace meridian::backtest {
namespace {

// One run: the bar loop and result. Orders, fills and the account (SimOrderBook) and the strategy's timers
// (StrategyTimers) are shared with the live host (core/runtime/LiveStrategyHost), so a strategy trades the same
// way in both.
class Simulation final : public strategy::StrategyContext {
 public:
  Simulation(const BacktestConfig& cfg, strategy::IStrategy& strategy, std::span<const SeriesView> data,
             std::span<const std::string> symbols)
      : m_cfg(cfg),
        m_strategy(strategy),
        m_data(data),
        m_n(data.size()),
        m_bars(data[0].bars.size()),
        m_book(bookConfig(cfg), symbols, strategy, *this),
        m_stats(cfg.initialCash, cfg.metrics),
        m_slice(m_n) {
    // The curve is filled front to back, one point per traded bar, and never grows past this: large pages keep a
    // 10M-bar curve (240 MB) from costing a page fault every 170 bars.
    if (cfg.recordEquityCurve) common::reserveLarge(m_equity, m_bars > cfg.tradeStart ? m_bars - cfg.tradeStart : 0);
  }

  Result<BacktestResult> run(const RunControl& control) {
    const std::size_t T = m_bars;
    const std::size_t progressStep = std::max<std::size_t>(1, T / 100);
    std::size_t nextProgress = progressStep;
    // onStart sees bar index 0 and time 0: an order it places anchors on bar 0 and is eligible from bar 1.
    m_book.beginBar(0, 0, barsAt(0), m_cfg.tradeStart == 0);
    m_strategy.onStart(*this);
    for (std::size_t t = 0; t < T; ++t) {
      if ((t & 1023) == 0 && control.cancelled())
        return makeError(kCancelledCode, fmt::format("backtest cancelled at bar {} of {}", t, T));
      const std::span<const domain::Bar> bars = barsAt(t);
      const domain::Timestamp now = bars[0].ts;
      m_book.beginBar(t, now, bars, t >= m_cfg.tradeStart);
      m_timers.fireDue(now, m_strategy, *this);
      m_book.matchWorking();
      m_book.markToClose();

      strategy::BarSlice slice;
      slice.ts = now;
      slice.index = t;
      slice.bars = bars;
      m_strategy.onBar(*this, slice);

      if (t + 1 == T && m_cfg.liquidateAtEnd && t >= m_cfg.tradeStart) m_book.liquidate();
      if (t >= m_cfg.tradeStart) {
        double eq, gross;
        m_book.portfolio().valuation(eq, gross);
        m_stats.add(eq, gross != 0.0);
        if (m_cfg.recordEquityCurve) m_equity.push_back({now, eq, gross});
      }
      if (control.progress && t + 1 >= nextProgress) {
        control.progress(t + 1, T);
        nextProgress += progressStep;
      }
    }
    if (control.progress && nextProgress - progressStep < T) control.progress(T, T);  // always end at 100 %
    m_strategy.onStop(*this);
    m_book.cancelAllAtEnd();  // still working at the end of data
    return buildResult();
  }

  // ---- StrategyContext ------------------------------------------------------------------------------------
  domain::Timestamp now() const override { return m_book.now(); }
  std::size_t instrumentCount() const override { return m_n; }
  std::string_view symbol(std::size_t i) const override { return i < m_n ? m_data[i].symbol : std::string_view{}; }
  double position(std::size_t i) const override { return i < m_n ? m_book.portfolio().position(i).quantity : 0.0; }
  double cash() const override { return m_book.portfolio().cash(); }
  double equity() const override { return m_book.portfolio().equity(); }
  double defaultQuantity(std::size_t, double price) const override {
    return m_cfg.sizing.quantity(m_book.portfolio().equity(), price);
  }
  std::size_t openOrders() const override { return m_book.openOrders(); }
  strategy::OrderId submit(const strategy::OrderRequest& r) override { return m_book.submit(r); }
  bool cancel(strategy::OrderId id) override { return m_book.cancel(id); }

  void scheduleTimer(domain::Timestamp at, std::uint32_t tag) override { m_timers.schedule(at, tag); }

 private:
  static SimOrderBookConfig bookConfig(const BacktestConfig& cfg) {
    SimOrderBookConfig b;
    b.initialCash = cfg.initialCash;
    b.fill = cfg.fill;
    b.allowShort = cfg.allowShort;
    b.allowMargin = cfg.allowMargin;
    b.recordFills = cfg.recordFills;
    return b;
  }

  // Bar t of every series. A single series is viewed in place; several are gathered into m_slice (reused, so
  // no allocation per bar).
  std::span<const domain::Bar> barsAt(std::size_t t) {
    if (m_n == 1) return m_data[0].bars.subspan(t, 1);
    for (std::size_t i = 0; i < m_n; ++i) m_slice[i] = m_data[i].bars[t];
    return m_slice;
  }

  BacktestResult buildResult() {
    BacktestResult r;
    r.strategy = std::string(m_strategy.name());
    for (const auto& s : m_data) r.symbols.emplace_back(s.symbol);
    r.initialCash = m_cfg.initialCash;
    r.finalValue = m_bars > m_cfg.tradeStart ? m_stats.last() : m_cfg.initialCash;
    r.startTs = m_bars > m_cfg.tradeStart ? m_data[0].bars[m_cfg.tradeStart].ts : 0;
    r.endTs = m_bars ? m_data[0].bars[m_bars - 1].ts : 0;
    r.bars = std::int64_t(m_bars);
    r.trades = m_book.portfolio().takeTrades();
    r.metrics = m_stats.finish(r.trades);
    r.monthlyReturns = analytics::monthlyReturns(m_cfg.initialCash, m_equity);
    r.equity = std::move(m_equity);
    r.fills = m_book.takeFills();
    r.positions = m_book.portfolio().positions();
    r.orders = m_book.counts();
    return r;
  }

  const BacktestConfig& m_cfg;
  strategy::IStrategy& m_strategy;
  std::span<const SeriesView> m_data;
  std::size_t m_n;
  std::size_t m_bars;
  SimOrderBook m_book;
  analytics::EquityStats m_stats;
  std::vector<domain::Bar> m_slice;
  StrategyTimers m_timers;
  std::vector<analytics::EquityPoint> m_equity;
};

}  // namespace

Result<BacktestResult> BacktestEngine::run(strategy::IStrategy& strategy, std::span<const SeriesView> series,
                                           const RunControl& control) const {
  if (Status s = checkAligned(series); !s) return s.error();
  if (series[0].bars.empty()) return makeError("series.empty", "the bar series are empty");
  if (series.size() < strategy.instruments())
    return makeError("backtest.input", fmt::format("strategy {} needs {} series, got {}", strategy.name(),
                                                   strategy.instruments(), series.size()));
  if (!(m_config.initialCash > 0.0) || !std::isfinite(m_config.initialCash))
    return makeError("backtest.input", "initial cash must be positive");
  std::vector<std::string> symbols;
  for (const auto& s : series) symbols.emplace_back(s.symbol);
  Simulation sim(m_config, strategy, series, symbols);
  return sim.run(control);
}

Result<BacktestResult> runBacktest(const strategy::StrategyRegistry& registry, std::string_view name,
                                   const strategy::ParamSet& params, std::span<const SeriesView> series,
                                   const BacktestConfig& config, const RunControl& control) {
  auto strat = registry.create(name, params);
  if (!strat) return strat.error();
  auto result = BacktestEngine(config).run(**strat, series, control);
  if (!result) return result.error();
  BacktestResult r = std::move(result).value();
  const strategy::StrategyInfo* info = registry.find(name);
  r.params = strategy::ParamSet::defaults(info->params);
  for (const auto& [k, v] : params.values()) r.params.set(k, v);
  return r;
}

}  // namespace meridian::backtest
