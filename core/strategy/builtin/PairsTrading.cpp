#include "core/strategy/builtin/PairsTrading.h"

#include "core/strategy/pairs/Cointegration.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace meridian::strategy {

std::vector<ParamSpec> PairsTrading::paramSpecs() {
  return {
      {"formation", 252, 30, 10000, 21, true, "bars used to estimate hedge ratio, cointegration and half-life"},
      {"refit", 63, 0, 10000, 21, true, "re-estimate every N bars while flat (0 = never)"},
      {"entry_z", 2.0, 0.5, 10.0, 0.25, false, "enter when |z| exceeds this"},
      {"exit_z", 0.5, 0.0, 5.0, 0.25, false, "exit when |z| falls below this"},
      {"stop_z", 3.0, 1.0, 20.0, 0.5, false, "stop out when |z| exceeds this"},
      {"expiry", 3.0, 0.0, 50.0, 0.5, false, "close after expiry x half-life bars (0 = never)"},
      {"max_pvalue", 0.05, 0.0, 1.0, 0.01, false, "trade only when the Engle-Granger p-value is at most this"},
      {"fixed_fraction", 0.02, 0.0001, 1.0, 0.01, false, "equity fraction per leg for the first kelly_after trades"},
      {"kelly_after", 20, 0, 100000, 5, true, "closed trades before switching to fractional Kelly"},
      {"kelly_scale", 0.5, 0.0, 1.0, 0.25, false, "Kelly multiplier (0.5 = Half-Kelly)"},
      {"max_fraction", 0.10, 0.0001, 1.0, 0.01, false, "hard cap of equity per leg"},
      {"min_fraction", 0.005, 0.0, 1.0, 0.005, false, "floor of the Kelly fraction per leg"},
  };
}

Result<std::unique_ptr<IStrategy>> PairsTrading::create(const ParamSet& p) {
  PairsTradingConfig c;
  c.formation = std::size_t(p.getInt("formation", 252));
  c.refit = std::size_t(p.getInt("refit", 63));
  c.entryZ = p.get("entry_z", 2.0);
  c.exitZ = p.get("exit_z", 0.5);
  c.stopZ = p.get("stop_z", 3.0);
  c.expiry = p.get("expiry", 3.0);
  c.maxPValue = p.get("max_pvalue", 0.05);
  c.fixedFraction = p.get("fixed_fraction", 0.02);
  c.kellyAfter = std::size_t(p.getInt("kelly_after", 20));
  c.kellyScale = p.get("kelly_scale", 0.5);
  c.maxFraction = p.get("max_fraction", 0.10);
  c.minFraction = p.get("min_fraction", 0.005);
  if (!(c.exitZ < c.entryZ && c.entryZ < c.stopZ))
    return makeError(paramerr::kInvalid, fmt::format("pairs needs exit_z < entry_z < stop_z ({}, {}, {})", c.exitZ,
                                                     c.entryZ, c.stopZ));
  if (c.minFraction > c.maxFraction)
    return makeError(paramerr::kInvalid, "pairs needs min_fraction <= max_fraction");
  return std::unique_ptr<IStrategy>(new PairsTrading(c));
}

PairsTrading::PairsTrading(const PairsTradingConfig& config)
    : m_cfg(config), m_logA(config.formation), m_logB(config.formation), m_spread(60) {}

double PairsTrading::nextFraction() const {
  const std::size_t n = m_wins + m_losses;
  double f = m_cfg.fixedFraction;
  if (n >= m_cfg.kellyAfter && n > 0) {
    const double w = double(m_wins) / double(n);
    double kelly;
    if (m_losses == 0) {
      kelly = 1.0;
    } else if (m_wins == 0) {
      kelly = -1.0;
    } else {
      const double r = (m_sumWin / double(m_wins)) / (m_sumLoss / double(m_losses));
      kelly = w - (1.0 - w) / r;
    }
    f = std::clamp(m_cfg.kellyScale * kelly, m_cfg.minFraction, m_cfg.maxFraction);
  }
  return std::min(f, m_cfg.maxFraction);
}

void PairsTrading::fit() {
  // Runs every `refit` bars, not per bar: copying the formation window here is fine.
  std::vector<double> a(m_logA.size()), b(m_logB.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    a[i] = m_logA[i];
    b[i] = m_logB[i];
  }
  const CointegrationResult eg = engleGranger(a, b);
  m_fitted = eg.ols.valid;
  m_barsSinceFit = 0;
  if (!m_fitted) {
    m_tradable = false;
    return;
  }
  m_hedge = eg.ols.slope;
  m_pValue = eg.valid ? eg.pValue : 1.0;
  const std::vector<double> spread = spreadSeries(a, b, m_hedge, eg.ols.intercept);
  m_halfLife = strategy::halfLife(spread);
  m_tradable = eg.valid && m_pValue <= m_cfg.maxPValue && std::isfinite(m_halfLife) && m_halfLife > 0.0;
  const std::size_t w = std::size_t(zWindowForHalfLife(m_halfLife));
  m_spread = RollingStats(w);
  for (std::size_t i = a.size() > w ? a.size() - w : 0; i < a.size(); ++i) m_spread.update(a[i] - m_hedge * b[i]);
}

void PairsTrading::onBar(StrategyContext& ctx, const BarSlice& bars) {
  if (bars.size() < 2 || !(bars[0].close > 0.0) || !(bars[1].close > 0.0)) return;
  const double la = std::log(bars[0].close);
  const double lb = std::log(bars[1].close);
  m_logA.push(la);
  m_logB.push(lb);
  const double spread = la - m_hedge * lb;
  if (m_logA.full() && (!m_fitted || (m_cfg.refit > 0 && m_phase == Phase::Flat && m_barsSinceFit >= m_cfg.refit))) {
    fit();
  } else if (m_fitted) {
    m_spread.update(spread);
    ++m_barsSinceFit;
  }
  if (!m_fitted || !m_spread.ready()) return;
  double z = m_spread.zscore(la - m_hedge * lb);
  if (!std::isfinite(z)) z = 0.0;  // constant window: the spread sits on its mean
  m_lastZ = z;
  if (m_pending > 0) return;

  if (m_phase == Phase::Entering) {
    m_phase = Phase::Open;
    m_holding = 0;
    if (m_entryFailed) {
      exit(ctx);
      return;
    }
  }
  if (m_phase == Phase::Exiting) {
    finishTrade();
    m_phase = Phase::Flat;
  }
  const double az = std::abs(z);
  if (m_phase == Phase::Open) {
    ++m_holding;
    const bool expired = m_cfg.expiry > 0.0 && double(m_holding) > m_cfg.expiry * m_halfLife;
    if (az < m_cfg.exitZ || az > m_cfg.stopZ || expired) exit(ctx);
  } else if (m_phase == Phase::Flat && m_tradable && az > m_cfg.entryZ && az < m_cfg.stopZ) {
    enter(ctx, bars, z);
  }
}

void PairsTrading::enter(StrategyContext& ctx, const BarSlice& bars, double z) {
  const double f = nextFraction();
  const double equity = ctx.equity();
  const double qa = std::floor(f * equity / bars[0].close);
  const double qb = std::floor(std::min(std::abs(m_hedge) * f, m_cfg.maxFraction) * equity / bars[1].close);
  if (qa < 1.0 || qb < 1.0) return;
  const double dir = z > 0.0 ? -1.0 : 1.0;  // -1: sell the spread
  const double bDir = -dir * (m_hedge >= 0.0 ? 1.0 : -1.0);
  m_tradeCash = 0.0;
  m_tradeGross = 0.0;
  m_entryFailed = false;
  m_pending = 0;
  m_phase = Phase::Entering;
  if (ctx.marketOrder(0, dir > 0 ? domain::Side::Buy : domain::Side::Sell, qa) != kNoOrder) ++m_pending;
  else m_entryFailed = true;
  if (ctx.marketOrder(1, bDir > 0 ? domain::Side::Buy : domain::Side::Sell, qb) != kNoOrder) ++m_pending;
  else m_entryFailed = true;
}

void PairsTrading::exit(StrategyContext& ctx) {
  m_phase = Phase::Exiting;
  m_pending = 0;
  for (std::uint32_t i = 0; i < 2; ++i) {
    const double pos = ctx.position(i);
    if (pos != 0.0 && ctx.marketOrder(i, pos > 0 ? domain::Side::Sell : domain::Side::Buy, std::abs(pos)) != kNoOrder)
      ++m_pending;
  }
}

void PairsTrading::finishTrade() {
  if (m_tradeGross <= 0.0) return;
  const double r = m_tradeCash / m_tradeGross;
  if (r > 0.0) {
    ++m_wins;
    m_sumWin += r;
  } else {
    ++m_losses;
    m_sumLoss += -r;
  }
}

void PairsTrading::onFill(StrategyContext&, const FillEvent& fill) {
  const double signedQty = fill.side == domain::Side::Buy ? fill.quantity : -fill.quantity;
  m_tradeCash += -signedQty * fill.price - fill.commission;
  if (m_phase == Phase::Entering) m_tradeGross += fill.quantity * fill.price;
  if (fill.orderDone && m_pending > 0) --m_pending;
}

void PairsTrading::onOrderUpdate(StrategyContext&, const OrderUpdate&) {
  if (m_pending > 0) --m_pending;
  if (m_phase == Phase::Entering) m_entryFailed = true;
}

void PairsTrading::indicators(std::vector<std::pair<std::string, double>>& out) const {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  out.emplace_back("z", m_fitted && m_spread.ready() ? m_lastZ : nan);
  out.emplace_back("hedge", m_fitted ? m_hedge : nan);
  out.emplace_back("p_value", m_fitted ? m_pValue : nan);
  out.emplace_back("half_life", m_fitted ? m_halfLife : nan);
}

}  // namespace meridian::strategy
