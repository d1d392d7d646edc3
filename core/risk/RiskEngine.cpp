#include "core/risk/RiskEngine.h"

#include "core/common/Config.h"
#include "core/time/NyseCalendar.h"

#include <fmt/format.h>

#include <QStringList>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <utility>

namespace meridian::risk {
namespace {

using domain::OrderType;
using domain::Side;

template <class... Args>
RiskDecision reject(RiskRule rule, fmt::format_string<Args...> format, Args&&... args) {
  RiskDecision d;
  d.ok = false;
  d.rule = rule;
  const auto r = fmt::format_to_n(d.reasonText.data(), d.reasonText.size(), format, std::forward<Args>(args)...);
  d.reasonLength = std::min<std::size_t>(r.size, d.reasonText.size());
  return d;
}

// Position-reducing: opposite side of a non-flat position and no larger than it.
bool reducesPosition(const domain::Order& o, double positionQty) {
  if (positionQty == 0.0) return false;
  const bool opposite = (positionQty > 0.0) == (o.side == Side::Sell);
  return opposite && o.quantity <= std::abs(positionQty) + 1e-9;
}

// Tolerance for "at the limit": values are doubles built from prices and quantities.
constexpr double kEps = 1e-9;
bool beyond(double value, double limit) { return value > limit * (1.0 + kEps) + kEps; }

}  // namespace

std::string_view toString(RiskRule rule) {
  switch (rule) {
    case RiskRule::None: return "none";
    case RiskRule::KillSwitch: return "kill_switch";
    case RiskRule::CircuitBreaker: return "circuit_breaker";
    case RiskRule::TradingHours: return "trading_hours";
    case RiskRule::InvalidOrder: return "invalid_order";
    case RiskRule::NoReferencePrice: return "no_reference_price";
    case RiskRule::MaxOrderQty: return "max_order_qty";
    case RiskRule::MaxOrderNotional: return "max_order_notional";
    case RiskRule::PriceBand: return "price_band";
    case RiskRule::MaxPosition: return "max_position";
    case RiskRule::MaxGrossExposure: return "max_gross_exposure";
    case RiskRule::DailyLoss: return "daily_loss";
    case RiskRule::Correlation: return "correlation";
    case RiskRule::RateLimit: return "rate_limit";
  }
  return "unknown";
}

namespace {

// Every risk.* key once: what its value must be (checkSetting) and the field it sets (fromConfig). The two whole-number
// keys set an int and a duration, so fromConfig reads them by name.
enum class Form { Amount, Fraction, Count, Bool };
struct LimitKey {
  std::string_view key;
  Form form;
  double RiskLimits::*number = nullptr;
  bool RiskLimits::*flag = nullptr;
};
const LimitKey kLimitKeys[] = {
    {"risk.max_order_qty", Form::Amount, &RiskLimits::maxOrderQty},
    {"risk.max_order_notional", Form::Amount, &RiskLimits::maxOrderNotional},
    {"risk.max_position_qty", Form::Amount, &RiskLimits::maxPositionQty},
    {"risk.max_position_notional", Form::Amount, &RiskLimits::maxPositionNotional},
    {"risk.max_gross_exposure_pct", Form::Amount, &RiskLimits::maxGrossExposurePct},
    {"risk.price_band_pct", Form::Fraction, &RiskLimits::priceBandPct},
    {"risk.max_orders_per_window", Form::Count},
    {"risk.rate_window_ms", Form::Count},
    {"risk.max_daily_loss_pct", Form::Fraction, &RiskLimits::maxDailyLossPct},
    {"risk.max_daily_loss", Form::Amount, &RiskLimits::maxDailyLoss},
    {"risk.drawdown_pct", Form::Fraction, &RiskLimits::drawdownPct},
    {"risk.max_pair_correlation", Form::Fraction, &RiskLimits::maxPairCorrelation},
    {"risk.trading_hours", Form::Bool, nullptr, &RiskLimits::enforceTradingHours},
    {"risk.require_reference_price", Form::Bool, nullptr, &RiskLimits::requireReferencePrice},
    {"risk.allow_reducing_when_halted", Form::Bool, nullptr, &RiskLimits::allowReducingWhenHalted},
};

}  // namespace

RiskLimits RiskLimits::fromConfig(const common::Config& c) { return fromConfig(c, RiskLimits{}); }

RiskLimits RiskLimits::fromConfig(const common::Config& c, const RiskLimits& base) {
  RiskLimits l = base;
  const RiskLimits defaults;
  // A key set to nothing (a cleared Settings field) means its default; an unparsable one keeps `base`.
  const auto blank = [&](const QString& key) { return c.contains(key) && c.value(key).trimmed().isEmpty(); };
  for (const LimitKey& k : kLimitKeys) {
    const QString key = QString::fromLatin1(k.key.data(), qsizetype(k.key.size()));
    if (k.number) l.*k.number = blank(key) ? defaults.*k.number : c.doubleValue(key, l.*k.number);
    if (k.flag) l.*k.flag = blank(key) ? defaults.*k.flag : c.boolValue(key, l.*k.flag);
  }
  l.maxOrdersPerWindow = blank("risk.max_orders_per_window") ? defaults.maxOrdersPerWindow
                                                              : c.intValue("risk.max_orders_per_window", l.maxOrdersPerWindow);
  l.rateWindow = blank("risk.rate_window_ms")
                     ? defaults.rateWindow
                     : domain::fromMillis(c.intValue("risk.rate_window_ms", int(domain::toMillis(l.rateWindow))));
  return l;
}

std::string RiskLimits::checkSetting(std::string_view key, std::string_view value) {
  const auto* it = std::find_if(std::begin(kLimitKeys), std::end(kLimitKeys), [&](const LimitKey& k) { return k.key == key; });
  if (it == std::end(kLimitKeys)) return fmt::format("{} is not a risk limit", key);
  const QString v = QString::fromUtf8(value.data(), qsizetype(value.size())).trimmed().toLower();
  if (v.isEmpty()) return {};  // back to its default
  if (it->form == Form::Bool) {
    static const QStringList kBools = {"1", "true", "yes", "on", "0", "false", "no", "off"};
    return kBools.contains(v) ? std::string() : fmt::format("{}: '{}' is not true or false", key, value);
  }
  bool ok = false;
  const double x = v.toDouble(&ok);
  if (!ok || !std::isfinite(x)) return fmt::format("{}: '{}' is not a number", key, value);
  if (x < 0) return fmt::format("{}: {} is negative", key, value);
  if (it->form == Form::Fraction && x > 1) return fmt::format("{}: {} is a fraction, at most 1", key, value);
  if (it->form == Form::Count && (x != std::floor(x) || x > std::numeric_limits<int>::max()))
    return fmt::format("{}: {} is not a whole number", key, value);
  return {};
}

RiskEngine::RiskEngine(RiskLimits limits, const time::NyseCalendar* calendar)
    : m_calendar(calendar ? calendar : &time::NyseCalendar::instance()) {
  setLimits(limits);
}

void RiskEngine::setLimits(const RiskLimits& limits) {
  const bool sameRate = limits.maxOrdersPerWindow == m_limits.maxOrdersPerWindow && !m_rateRing.empty();
  m_limits = limits;
  if (sameRate) return;  // a live change of other limits keeps the orders already counted in the window
  m_rateRing.assign(static_cast<std::size_t>(std::max(0, limits.maxOrdersPerWindow)), 0);
  m_rateHead = 0;
  m_rateCount = 0;
}

RiskDecision RiskEngine::check(const domain::Order& o, const RiskState& s) {
  const RiskLimits& l = m_limits;

  if (m_killSwitch) return reject(RiskRule::KillSwitch, "kill switch engaged ({}): new orders are blocked until reset", m_killReason);

  if (!(o.quantity > 0.0) || !std::isfinite(o.quantity))
    return reject(RiskRule::InvalidOrder, "invalid quantity {}", o.quantity);
  const bool needsLimit = domain::hasLimitPrice(o.type);
  const bool needsStop = domain::hasStopPrice(o.type);
  if (needsLimit && !(o.limitPrice > 0.0)) return reject(RiskRule::InvalidOrder, "{} order needs a limit price > 0", domain::toString(o.type));
  if (needsStop && !(o.stopPrice > 0.0)) return reject(RiskRule::InvalidOrder, "{} order needs a stop price > 0", domain::toString(o.type));
  if (o.type == OrderType::TrailingStop && !(o.trailPercent > 0.0 && o.trailPercent < 100.0))
    return reject(RiskRule::InvalidOrder, "trailing stop needs a trail percent in (0, 100)");
  if (o.symbol.empty()) return reject(RiskRule::InvalidOrder, "order has no symbol");

  if (l.enforceTradingHours && !m_calendar->isOpen(s.now))
    return reject(RiskRule::TradingHours, "NYSE is closed: orders are accepted during the regular session only (09:30-16:00 ET)");

  const bool reducing = reducesPosition(o, s.positionQty);
  const bool haltExempt = reducing && l.allowReducingWhenHalted;
  tripBreakerIfNeeded(s.equity, s.peakEquity);
  if (m_breaker && !haltExempt)
    return reject(RiskRule::CircuitBreaker, "drawdown circuit breaker tripped ({}); manual reset required", m_breakerReason);

  if (!haltExempt) {
    const double dayPnl = s.equity - s.dayStartEquity;
    if (l.maxDailyLoss > 0.0 && beyond(-dayPnl, l.maxDailyLoss))
      return reject(RiskRule::DailyLoss, "daily loss ${:.2f} exceeds the limit ${:.2f}", -dayPnl, l.maxDailyLoss);
    if (l.maxDailyLossPct > 0.0 && s.dayStartEquity > 0.0 && beyond(-dayPnl, l.maxDailyLossPct * s.dayStartEquity))
      return reject(RiskRule::DailyLoss, "daily loss ${:.2f} exceeds {:.2f}% of start-of-day equity (${:.2f})", -dayPnl,
                    l.maxDailyLossPct * 100.0, l.maxDailyLossPct * s.dayStartEquity);
  }

  // Reference price: last trade, else the order's own limit / stop.
  double ref = s.lastPrice;
  if (!(ref > 0.0)) ref = o.limitPrice > 0.0 ? o.limitPrice : o.stopPrice;
  if (!(ref > 0.0) && l.requireReferencePrice)
    return reject(RiskRule::NoReferencePrice, "no last price for {}: cannot value the order", o.symbol);

  if (l.maxOrderQty > 0.0 && beyond(o.quantity, l.maxOrderQty))
    return reject(RiskRule::MaxOrderQty, "quantity {} exceeds the max order quantity {}", o.quantity, l.maxOrderQty);
  const double notional = o.quantity * ref;
  if (l.maxOrderNotional > 0.0 && beyond(notional, l.maxOrderNotional))
    return reject(RiskRule::MaxOrderNotional, "notional ${:.2f} exceeds the max order notional ${:.2f}", notional, l.maxOrderNotional);

  if (l.priceBandPct > 0.0 && s.lastPrice > 0.0) {
    const double px = needsLimit ? o.limitPrice : (needsStop ? o.stopPrice : 0.0);
    if (px > 0.0) {
      const double dev = std::abs(px - s.lastPrice) / s.lastPrice;
      if (beyond(dev, l.priceBandPct))
        return reject(RiskRule::PriceBand, "price {:.4f} is {:.2f}% away from last {:.4f} (band {:.2f}%)", px, dev * 100.0,
                      s.lastPrice, l.priceBandPct * 100.0);
    }
  }

  const double signedQty = o.side == domain::Side::Buy ? o.quantity : -o.quantity;
  const double working = o.side == domain::Side::Buy ? s.workingBuyQty : -s.workingSellQty;
  const double after = s.positionQty + working + signedQty;
  if (!reducing) {
    if (l.maxPositionQty > 0.0 && beyond(std::abs(after), l.maxPositionQty))
      return reject(RiskRule::MaxPosition, "position in {} would be {} shares (max {})", o.symbol, after, l.maxPositionQty);
    if (l.maxPositionNotional > 0.0 && beyond(std::abs(after) * ref, l.maxPositionNotional))
      return reject(RiskRule::MaxPosition, "position in {} would be ${:.2f} (max ${:.2f})", o.symbol, std::abs(after) * ref,
                    l.maxPositionNotional);
    if (l.maxGrossExposurePct > 0.0) {
      const double grossAfter = s.grossExposure + notional;
      const double cap = l.maxGrossExposurePct * std::max(0.0, s.equity);
      if (beyond(grossAfter, cap))
        return reject(RiskRule::MaxGrossExposure, "gross exposure would be ${:.2f}, over {:.0f}% of equity (${:.2f})", grossAfter,
                      l.maxGrossExposurePct * 100.0, cap);
    }
  }

  if (s.pairsLeg && l.maxPairCorrelation > 0.0 && std::isfinite(s.pairCorrelation) &&
      beyond(std::abs(s.pairCorrelation), l.maxPairCorrelation))
    return reject(RiskRule::Correlation, "pairs legs are too correlated: |r| = {:.3f} > {:.2f}", std::abs(s.pairCorrelation),
                  l.maxPairCorrelation);

  if (!m_rateRing.empty() && m_rateCount == m_rateRing.size()) {
    const Timestamp oldest = m_rateRing[m_rateHead];  // the ring is full: head is the oldest entry
    if (s.now - oldest < l.rateWindow)
      return reject(RiskRule::RateLimit, "order rate limit: more than {} orders in {} ms", l.maxOrdersPerWindow,
                    domain::toMillis(l.rateWindow));
  }
  recordOrder(s.now);

  RiskDecision d;
  d.ok = true;
  d.rule = RiskRule::None;
  d.reasonLength = 0;
  return d;
}

void RiskEngine::recordOrder(Timestamp now) {
  if (m_rateRing.empty()) return;
  m_rateRing[m_rateHead] = now;
  m_rateHead = m_rateHead + 1 == m_rateRing.size() ? 0 : m_rateHead + 1;
  if (m_rateCount < m_rateRing.size()) ++m_rateCount;
}

std::size_t RiskEngine::ordersInWindow(Timestamp now) const {
  std::size_t n = 0;
  for (std::size_t i = 0; i < m_rateCount; ++i)
    if (now - m_rateRing[i] < m_limits.rateWindow) ++n;
  return n;
}

bool RiskEngine::tripBreakerIfNeeded(double equity, double peak) {
  if (m_breaker || !(m_limits.drawdownPct > 0.0) || !(peak > 0.0)) return false;
  const double threshold = (1.0 - m_limits.drawdownPct) * peak;
  if (equity < threshold * (1.0 - kEps)) {
    m_breaker = true;
    m_breakerReason = fmt::format("equity ${:.2f} fell below {:.1f}% under the peak ${:.2f}", equity,
                                  m_limits.drawdownPct * 100.0, peak);
    return true;
  }
  return false;
}

bool RiskEngine::updateEquity(double equity, double peakEquity) { return tripBreakerIfNeeded(equity, peakEquity); }

void RiskEngine::engageKillSwitch(std::string reason) {
  m_killSwitch = true;
  m_killReason = reason.empty() ? std::string("manual") : std::move(reason);
}

void RiskEngine::resetKillSwitch() {
  m_killSwitch = false;
  m_killReason.clear();
}

void RiskEngine::resetCircuitBreaker() {
  m_breaker = false;
  m_breakerReason.clear();
}

}  // namespace meridian::risk
