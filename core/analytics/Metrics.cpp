#include "core/analytics/Metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace meridian::analytics {
namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

EquityStats::EquityStats(double initialValue, const MetricsConfig& config)
    : m_config(config),
      m_target(config.periodsPerYear > 0.0 ? config.riskFreeRate / config.periodsPerYear : 0.0),
      m_initial(initialValue),
      m_last(initialValue),
      m_peak(initialValue) {}

void EquityStats::add(double equity, bool invested) {
  const double r = m_last != 0.0 ? equity / m_last - 1.0 : 0.0;
  ++m_n;
  m_sum += r;
  m_sumSq += r * r;
  const double excess = r - m_target;
  if (excess < 0.0) m_downside += excess * excess;
  if (invested) ++m_invested;
  m_last = equity;
  if (equity >= m_peak) {
    m_peak = equity;
    m_ddRun = 0;
  } else {
    ++m_ddRun;
    if (m_ddRun > m_maxDdRun) m_maxDdRun = m_ddRun;
    // Divide only when this could be a new maximum drawdown.
    if (m_peak > 0.0 && equity < m_peak * (1.0 - m_maxDd)) m_maxDd = std::max(m_maxDd, 1.0 - equity / m_peak);
  }
}

Metrics EquityStats::finish(std::span<const TradeRecord> trades) const {
  Metrics m;
  const double ppy = m_config.periodsPerYear;
  m.initialValue = m_initial;
  m.finalValue = m_last;
  m.bars = m_n;
  m.totalReturn = m_initial != 0.0 ? m_last / m_initial - 1.0 : kNaN;
  m.years = ppy > 0.0 ? double(m_n) / ppy : kNaN;
  m.cagr = (m.years > 0.0 && m_initial > 0.0 && m_last > 0.0) ? std::pow(m_last / m_initial, 1.0 / m.years) - 1.0
                                                             : kNaN;
  const double nn = double(m_n);
  const double mean = m_n > 0 ? m_sum / nn : kNaN;
  const double var = m_n > 1 ? std::max(0.0, (m_sumSq - m_sum * mean) / (nn - 1.0)) : kNaN;
  // Relative rounding of the one-pass variance is ~1e-16 * sumSq / var: zero-variance curves must stay zero.
  const double sd = var > 1e-12 * (m_sumSq / nn) ? std::sqrt(var) : (m_n > 1 ? 0.0 : kNaN);
  m.annualVolatility = sd * std::sqrt(ppy);
  m.sharpe = sd > 0.0 ? (mean - m_target) / sd * std::sqrt(ppy) : kNaN;
  const double dd = m_n > 0 ? std::sqrt(m_downside / nn) : kNaN;
  m.sortino = dd > 0.0 ? (mean - m_target) / dd * std::sqrt(ppy) : kNaN;
  m.maxDrawdown = m_maxDd;
  m.maxDrawdownDuration = m_maxDdRun;
  m.calmar = m_maxDd > 0.0 ? m.cagr / m_maxDd : kNaN;
  m.exposure = m_n > 0 ? double(m_invested) / double(m_n) : kNaN;
  applyTradeStats(m, trades);
  return m;
}

void applyTradeStats(Metrics& m, std::span<const TradeRecord> trades) {
  m.trades = std::int64_t(trades.size());
  m.wins = m.losses = 0;
  m.grossProfit = m.grossLoss = 0.0;
  double total = 0.0;
  for (const auto& t : trades) {
    total += t.pnl;
    if (t.pnl > 0.0) {
      ++m.wins;
      m.grossProfit += t.pnl;
    } else {
      ++m.losses;
      m.grossLoss += -t.pnl;
    }
  }
  m.winRate = m.trades > 0 ? double(m.wins) / double(m.trades) : kNaN;
  m.profitFactor = m.grossLoss > 0.0 ? m.grossProfit / m.grossLoss : kNaN;
  m.avgWin = m.wins > 0 ? m.grossProfit / double(m.wins) : kNaN;
  m.avgLoss = m.losses > 0 ? -m.grossLoss / double(m.losses) : kNaN;
  m.avgTrade = m.trades > 0 ? total / double(m.trades) : kNaN;
}

Metrics computeMetrics(double initialValue, std::span<const EquityPoint> curve, std::span<const TradeRecord> trades,
                       const MetricsConfig& config) {
  EquityStats s(initialValue, config);
  for (const auto& p : curve) s.add(p.equity, p.exposure != 0.0);
  return s.finish(trades);
}

}  // namespace meridian::analytics
