#include "core/domain/Types.h"

#include <array>
#include <cmath>
#include <utility>

namespace meridian::domain {
namespace {

template <class E, std::size_t N>
std::optional<E> lookup(const std::array<std::pair<E, std::string_view>, N>& table, std::string_view s) {
  for (const auto& [value, name] : table)
    if (name == s) return value;
  return std::nullopt;
}
template <class E, std::size_t N>
std::string_view name(const std::array<std::pair<E, std::string_view>, N>& table, E v) {
  for (const auto& [value, text] : table)
    if (value == v) return text;
  return "unknown";
}

constexpr std::array<std::pair<Side, std::string_view>, 2> kSides{{{Side::Buy, "buy"}, {Side::Sell, "sell"}}};
constexpr std::array<std::pair<OrderType, std::string_view>, 5> kTypes{{{OrderType::Market, "market"},
                                                                        {OrderType::Limit, "limit"},
                                                                        {OrderType::Stop, "stop"},
                                                                        {OrderType::StopLimit, "stop_limit"},
                                                                        {OrderType::TrailingStop, "trailing_stop"}}};
constexpr std::array<std::pair<TimeInForce, std::string_view>, 4> kTifs{
    {{TimeInForce::Day, "day"}, {TimeInForce::Gtc, "gtc"}, {TimeInForce::Ioc, "ioc"}, {TimeInForce::Fok, "fok"}}};
constexpr std::array<std::pair<OrderStatus, std::string_view>, 10> kStatuses{
    {{OrderStatus::New, "new"},
     {OrderStatus::PendingSubmit, "pending_submit"},
     {OrderStatus::Accepted, "accepted"},
     {OrderStatus::PartiallyFilled, "partially_filled"},
     {OrderStatus::Filled, "filled"},
     {OrderStatus::PendingCancel, "pending_cancel"},
     {OrderStatus::Cancelled, "cancelled"},
     {OrderStatus::Rejected, "rejected"},
     {OrderStatus::Expired, "expired"},
     {OrderStatus::Replaced, "replaced"}}};
constexpr std::array<std::pair<AssetClass, std::string_view>, 3> kAssets{
    {{AssetClass::Equity, "equity"}, {AssetClass::Etf, "etf"}, {AssetClass::Index, "index"}}};

}  // namespace

std::string_view toString(Side v) { return name(kSides, v); }
std::string_view toString(OrderType v) { return name(kTypes, v); }
std::string_view toString(TimeInForce v) { return name(kTifs, v); }
std::string_view toString(OrderStatus v) { return name(kStatuses, v); }
std::string_view toString(AssetClass v) { return name(kAssets, v); }
std::optional<Side> sideFromString(std::string_view s) { return lookup(kSides, s); }
std::optional<OrderType> orderTypeFromString(std::string_view s) { return lookup(kTypes, s); }
std::optional<TimeInForce> timeInForceFromString(std::string_view s) { return lookup(kTifs, s); }
std::optional<OrderStatus> orderStatusFromString(std::string_view s) { return lookup(kStatuses, s); }
std::optional<AssetClass> assetClassFromString(std::string_view s) { return lookup(kAssets, s); }

bool isSane(const Bar& b) {
  const bool finite = std::isfinite(b.open) && std::isfinite(b.high) && std::isfinite(b.low) &&
                      std::isfinite(b.close) && std::isfinite(b.volume);
  return finite && b.open > 0.0 && b.high > 0.0 && b.low > 0.0 && b.close > 0.0 && b.volume >= 0.0 &&
         b.low <= b.open && b.low <= b.close && b.high >= b.open && b.high >= b.close;
}

void Position::apply(const Fill& f) {
  const double signedQty = sign(f.side) * f.quantity;
  realizedPnl -= f.commission;
  if (quantity == 0.0 || (quantity > 0.0) == (signedQty > 0.0)) {
    // Opening or adding: weighted average cost.
    const double newQty = quantity + signedQty;
    avgCost = (avgCost * quantity + f.price * signedQty) / newQty;
    quantity = newQty;
  } else {
    // Reducing, closing or flipping.
    const double closing = std::min(std::abs(signedQty), std::abs(quantity));
    const double direction = quantity > 0.0 ? 1.0 : -1.0;
    realizedPnl += closing * (f.price - avgCost) * direction;
    const double newQty = quantity + signedQty;
    if (std::abs(newQty) < 1e-12) {
      quantity = 0.0;
      avgCost = 0.0;
    } else if ((newQty > 0.0) != (quantity > 0.0)) {
      quantity = newQty;  // flipped: the remainder opens at the fill price
      avgCost = f.price;
    } else {
      quantity = newQty;  // partial reduction keeps the average cost
    }
  }
  lastPrice = f.price;
  updatedTs = f.ts;
}

}  // namespace meridian::domain
