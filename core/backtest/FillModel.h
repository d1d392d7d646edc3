#pragma once
// Fill model shared by the backtest engine and (later) the paper broker: plain C++, no Qt, no virtual calls.
//
// Matching an order against a bar it is eligible for (orders placed during bar t are first eligible on t+1):
//  * Market: fills at the bar's open (no look-ahead: never at the close of the bar that produced the signal).
//  * Limit buy L: open <= L -> fills at the open (gapped through, better price); else low <= L -> fills at L;
//    otherwise no fill. Sell symmetric (open >= L -> open; high >= L -> L).
//  * Stop buy S: open >= S -> fills at the open (gap through the stop: the worse price); else high >= S -> at S.
//    Sell stop: open <= S -> open; low <= S -> S.
//  * StopLimit: triggers like a stop; on the trigger bar it fills only if the trigger price (open or S) is within
//    the limit, at that price; otherwise it rests as a limit order from the next bar on.
//  * TrailingStop (trailPercent): a sell trails the highest high seen since submission (a buy the lowest low),
//    stop = anchor * (1 -/+ trail%); matched like a stop, and the anchor is updated with the bar AFTER matching
//    (conservative: a bar cannot both raise the stop and hit it).
//  * Slippage (bps) moves market, stop and trailing-stop fills against the trader; limit fills get slippage too
//    but never beyond the limit price.
//  * Volume participation cap (0 = off): at most floor(cap x bar volume) shares per bar and instrument; the rest
//    stays working (partial fills) unless the time in force says otherwise (engine).
//  * Commission per fill: per share, percent of notional, or fixed per fill, then clamped to [minimum, maximum]
//    (maximum 0 = none). A minimum applies to every partial fill.
#include "core/domain/Types.h"

#include <cmath>
#include <cstdint>
#include <limits>

namespace meridian::backtest {

struct CommissionModel {
  enum class Kind : std::uint8_t { None, PerShare, Percent, Fixed };
  Kind kind = Kind::None;
  double rate = 0.0;     // $ per share | fraction of notional (0.001 = 0.1 %) | $ per fill
  double minimum = 0.0;  // $ per fill
  double maximum = 0.0;  // $ per fill, 0 = no cap

  static CommissionModel perShare(double dollarsPerShare, double minimum = 0.0, double maximum = 0.0) {
    return {Kind::PerShare, dollarsPerShare, minimum, maximum};
  }
  static CommissionModel percent(double fraction, double minimum = 0.0, double maximum = 0.0) {
    return {Kind::Percent, fraction, minimum, maximum};
  }
  static CommissionModel fixed(double dollars) { return {Kind::Fixed, dollars, 0.0, 0.0}; }

  double compute(double quantity, double price) const {
    double c = 0.0;
    switch (kind) {
      case Kind::None: return 0.0;
      case Kind::PerShare: c = rate * quantity; break;
      case Kind::Percent: c = rate * quantity * price; break;
      case Kind::Fixed: c = rate; break;
    }
    if (c < minimum) c = minimum;
    if (maximum > 0.0 && c > maximum) c = maximum;
    return c;
  }
};

struct FillModelConfig {
  double slippageBps = 0.0;
  CommissionModel commission;
  double maxParticipation = 0.0;  // fraction of bar volume per bar, 0 = unlimited
};

// The fill model's view of a working order (mutable trigger / trailing state lives here).
struct WorkingOrder {
  domain::Side side = domain::Side::Buy;
  domain::OrderType type = domain::OrderType::Market;
  double remaining = 0.0;
  double limitPrice = 0.0;
  double stopPrice = 0.0;
  double trailPercent = 0.0;
  double trailAnchor = 0.0;  // best price since submission (TrailingStop); set by the submitter
  bool triggered = false;    // StopLimit has triggered and now rests as a limit order
};

struct FillDecision {
  double quantity = 0.0;  // 0 = no fill on this bar
  double price = 0.0;     // after slippage
};

class FillModel {
 public:
  FillModel() = default;
  explicit FillModel(const FillModelConfig& config) : m_config(config) {}
  const FillModelConfig& config() const { return m_config; }

  // Matches `order` against `bar`; at most `available` shares may fill (volume cap left for this bar).
  // Updates the order's trigger / trailing state; does not change `remaining`.
  FillDecision match(WorkingOrder& order, const domain::Bar& bar, double available) const;

  // Shares this bar can absorb for one instrument (infinity when participation is off).
  double volumeCap(const domain::Bar& bar) const {
    if (!(m_config.maxParticipation > 0.0)) return std::numeric_limits<double>::infinity();
    return std::floor(m_config.maxParticipation * bar.volume);
  }
  double commission(double quantity, double price) const { return m_config.commission.compute(quantity, price); }
  double slip(domain::Side side, double price) const {
    const double s = m_config.slippageBps * 1e-4;
    return side == domain::Side::Buy ? price * (1.0 + s) : price * (1.0 - s);
  }

 private:
  FillModelConfig m_config;
};

}  // namespace meridian::backtest
