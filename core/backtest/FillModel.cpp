#include "core/backtest/FillModel.h"

#include <algorithm>
#include <cmath>

namespace meridian::backtest {
namespace {

using domain::OrderType;
using domain::Side;

// Raw trigger/fill price of a stop at `stop` against the bar, or NaN when not touched.
double stopPrice(Side side, double stop, const domain::Bar& bar) {
  if (side == Side::Buy) {
    if (bar.open >= stop) return bar.open;
    if (bar.high >= stop) return stop;
  } else {
    if (bar.open <= stop) return bar.open;
    if (bar.low <= stop) return stop;
  }
  return std::nan("");
}

double limitPrice(Side side, double limit, const domain::Bar& bar) {
  if (side == Side::Buy) {
    if (bar.open <= limit) return bar.open;
    if (bar.low <= limit) return limit;
  } else {
    if (bar.open >= limit) return bar.open;
    if (bar.high >= limit) return limit;
  }
  return std::nan("");
}

}  // namespace

FillDecision FillModel::match(WorkingOrder& order, const domain::Bar& bar, double available) const {
  FillDecision d;
  const double qty = std::min(order.remaining, std::floor(available));
  double raw = std::nan("");
  bool limitFill = false;
  switch (order.type) {
    case OrderType::Market:
      raw = bar.open;
      break;
    case OrderType::Limit:
      raw = limitPrice(order.side, order.limitPrice, bar);
      limitFill = true;
      break;
    case OrderType::Stop:
      raw = stopPrice(order.side, order.stopPrice, bar);
      break;
    case OrderType::StopLimit:
      if (order.triggered) {
        raw = limitPrice(order.side, order.limitPrice, bar);
        limitFill = true;
      } else {
        const double trig = stopPrice(order.side, order.stopPrice, bar);
        if (!std::isnan(trig)) {
          order.triggered = true;
          const bool within = order.side == Side::Buy ? trig <= order.limitPrice : trig >= order.limitPrice;
          if (within) {
            raw = trig;
            limitFill = true;
          }
        }
      }
      break;
    case OrderType::TrailingStop: {
      const double f = order.trailPercent / 100.0;
      const double stop = order.side == Side::Sell ? order.trailAnchor * (1.0 - f) : order.trailAnchor * (1.0 + f);
      raw = stopPrice(order.side, stop, bar);
      if (std::isnan(raw)) {
        order.trailAnchor = order.side == Side::Sell ? std::max(order.trailAnchor, bar.high)
                                                     : std::min(order.trailAnchor, bar.low);
      }
      break;
    }
  }
  if (std::isnan(raw) || !(qty > 0.0)) return d;
  double px = slip(order.side, raw);
  if (limitFill) {
    const double lim = order.limitPrice;
    px = order.side == Side::Buy ? std::min(px, lim) : std::max(px, lim);
  }
  d.quantity = qty;
  d.price = px;
  return d;
}

}  // namespace meridian::backtest
