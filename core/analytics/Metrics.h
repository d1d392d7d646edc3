#pragma once
// Performance metrics of an equity curve and its trades.
//
// Definitions (periodic returns r_i = E_i / E_{i-1} - 1, E_0 = initial value, one return per bar):
//   total return  E_n / E_0 - 1
//   years         n / periodsPerYear (252 trading days)
//   CAGR          (E_n / E_0)^(1 / years) - 1
//   ann. vol      sample stddev(r) * sqrt(periodsPerYear)
//   Sharpe        (mean(r) - rf / periodsPerYear) / sample stddev(r) * sqrt(periodsPerYear)
//   Sortino       (mean(r) - rf_p) / sqrt(mean(min(0, r - rf_p)^2)) * sqrt(periodsPerYear)  (target downside dev.)
//   max drawdown  max over t of 1 - E_t / max_{s<=t} E_s (a positive fraction; peaks include E_0)
//   max DD duration  longest run of consecutive bars below the running peak
//   Calmar        CAGR / max drawdown
//   exposure      fraction of bars that ended with an open position
//   win rate, profit factor (gross profit / gross loss), average win / loss: over closed trades; a trade with
//   pnl > 0 is a win, otherwise a loss.
// Undefined values (zero variance, no trades, no losses...) are NaN (written as null in JSON).
#include "core/analytics/TradeRecord.h"
#include "core/domain/Types.h"

#include <cstddef>
#include <cstdint>
#include <span>

namespace meridian::analytics {

struct MetricsConfig {
  double riskFreeRate = 0.0;      // annual, e.g. 0.02
  double periodsPerYear = 252.0;
};

struct EquityPoint {
  domain::Timestamp ts = 0;
  double equity = 0.0;
  double exposure = 0.0;  // gross market value of open positions at this point
  friend bool operator==(const EquityPoint&, const EquityPoint&) = default;
};

struct Metrics {
  double initialValue = 0.0;
  double finalValue = 0.0;
  double totalReturn = 0.0;
  double cagr = 0.0;
  double annualVolatility = 0.0;
  double sharpe = 0.0;
  double sortino = 0.0;
  double calmar = 0.0;
  double maxDrawdown = 0.0;
  std::int64_t maxDrawdownDuration = 0;  // bars
  double exposure = 0.0;                 // fraction of bars
  std::int64_t bars = 0;
  double years = 0.0;
  std::int64_t trades = 0;
  std::int64_t wins = 0;
  std::int64_t losses = 0;
  double winRate = 0.0;
  double profitFactor = 0.0;
  double avgWin = 0.0;
  double avgLoss = 0.0;  // negative number (mean pnl of losing trades)
  double avgTrade = 0.0;
  double grossProfit = 0.0;
  double grossLoss = 0.0;  // positive number
};

// Streaming accumulator: O(1) per point, no allocation; the backtest engine feeds it bar by bar.
class EquityStats {
 public:
  explicit EquityStats(double initialValue = 0.0, const MetricsConfig& config = {});
  void add(double equity, bool invested);
  std::int64_t count() const { return m_n; }
  double last() const { return m_last; }
  // Metrics of everything added so far plus the given closed trades.
  Metrics finish(std::span<const TradeRecord> trades) const;

 private:
  MetricsConfig m_config;
  double m_target = 0.0;  // per-period risk-free rate
  double m_initial = 0.0;
  double m_last = 0.0;
  double m_peak = 0.0;
  std::int64_t m_n = 0;   // returns
  double m_sum = 0.0;     // sum of returns (returns are O(1e-2): plain sums lose nothing measurable and
  double m_sumSq = 0.0;   // save the per-bar division of Welford's update)
  double m_downside = 0.0;  // sum of min(0, r - target)^2
  std::int64_t m_invested = 0;
  double m_maxDd = 0.0;
  std::int64_t m_ddRun = 0;
  std::int64_t m_maxDdRun = 0;
};

// Batch form over a recorded curve (exposure > 0 counts as invested).
Metrics computeMetrics(double initialValue, std::span<const EquityPoint> curve, std::span<const TradeRecord> trades,
                       const MetricsConfig& config = {});

// Trade statistics only (fills the trade fields of m).
void applyTradeStats(Metrics& m, std::span<const TradeRecord> trades);

}  // namespace meridian::analytics
