#pragma once
// Pairs trading on instruments 0 (A) and 1 (B), as in the Python seed:
//  * formation: the last `formation` closes give log prices; OLS of log A on log B gives the hedge ratio b,
//    Engle-Granger ADF (MacKinnon p-value) tests cointegration, AR(1) of the spread gives the half-life.
//    Re-estimated every `refit` bars while flat (0 = never).
//  * signal: spread = log A - b log B, z-score over min(max(10, 2 half-life), 60) bars.
//  * entry when |z| > entry_z (and < stop_z, p-value <= max_pvalue, finite half-life): z > 0 sells the spread
//    (short A, B hedged by b), z < 0 buys it. Exit when |z| < exit_z, stop when |z| > stop_z, expire after
//    expiry x half-life bars in the trade.
//  * sizing: leg A notional = f x equity, leg B notional = |b| f x equity, each capped at max_fraction x equity;
//    f = fixed_fraction for the first kelly_after pair trades, then kelly_scale (0.5 = Half-Kelly) x Kelly
//    fraction W - (1 - W) / R from the strategy's own closed pair trades (W win rate, R avg win / avg loss of
//    trade returns), clamped to [min_fraction, max_fraction].
#include "core/common/Result.h"
#include "core/strategy/IStrategy.h"
#include "core/strategy/Params.h"
#include "core/strategy/indicators/RingBuffer.h"
#include "core/strategy/indicators/RollingStats.h"

#include <memory>
#include <vector>

namespace meridian::strategy {

struct PairsTradingConfig {
  std::size_t formation = 252;
  std::size_t refit = 63;
  double entryZ = 2.0;
  double exitZ = 0.5;
  double stopZ = 3.0;
  double expiry = 3.0;
  double maxPValue = 0.05;
  double fixedFraction = 0.02;
  std::size_t kellyAfter = 20;
  double kellyScale = 0.5;
  double maxFraction = 0.10;
  double minFraction = 0.005;
};

class PairsTrading final : public IStrategy {
 public:
  static constexpr std::string_view kName = "pairs";
  static std::vector<ParamSpec> paramSpecs();
  static Result<std::unique_ptr<IStrategy>> create(const ParamSet& params);

  explicit PairsTrading(const PairsTradingConfig& config);
  std::string_view name() const override { return kName; }
  std::size_t instruments() const override { return 2; }
  std::size_t warmupBars() const override { return m_cfg.formation; }
  void onBar(StrategyContext& ctx, const BarSlice& bars) override;
  void onFill(StrategyContext& ctx, const FillEvent& fill) override;
  void onOrderUpdate(StrategyContext& ctx, const OrderUpdate& update) override;
  // z (last z-score), hedge, p_value, half_life.
  void indicators(std::vector<std::pair<std::string, double>>& out) const override;

  // Introspection (tests, UI).
  double hedgeRatio() const { return m_hedge; }
  double halfLife() const { return m_halfLife; }
  double pValue() const { return m_pValue; }
  double lastZ() const { return m_lastZ; }
  std::size_t closedTrades() const { return m_wins + m_losses; }
  // Fraction of equity per leg the next entry would use.
  double nextFraction() const;

 private:
  enum class Phase { Flat, Entering, Open, Exiting };
  void fit();
  void enter(StrategyContext& ctx, const BarSlice& bars, double z);
  void exit(StrategyContext& ctx);
  void finishTrade();

  PairsTradingConfig m_cfg;
  RingBuffer<double> m_logA;
  RingBuffer<double> m_logB;
  RollingStats m_spread;
  bool m_fitted = false;
  bool m_tradable = false;
  double m_hedge = 0.0;
  double m_halfLife = 0.0;
  double m_pValue = 1.0;
  double m_lastZ = 0.0;
  std::size_t m_barsSinceFit = 0;

  Phase m_phase = Phase::Flat;
  int m_pending = 0;
  bool m_entryFailed = false;
  std::size_t m_holding = 0;
  double m_tradeCash = 0.0;   // net cash flow of the current pair trade (incl. commissions)
  double m_tradeGross = 0.0;  // entry notional of both legs
  std::size_t m_wins = 0, m_losses = 0;
  double m_sumWin = 0.0, m_sumLoss = 0.0;  // sums of trade returns (losses as positive numbers)
};

}  // namespace meridian::strategy
