#pragma once
// Alpaca trading API v2 JSON <-> domain types. Alpaca sends numerics as strings ("qty": "10",
// "filled_avg_price": "187.25") or null; timestamps are RFC 3339 with fractional seconds.
#include "core/common/Result.h"
#include "core/domain/Types.h"
#include "core/execution/IBroker.h"

#include <QByteArray>
#include <QJsonObject>

#include <optional>
#include <string_view>
#include <vector>

namespace meridian::execution::alpaca {

// An Alpaca order as received (the fields Meridian uses).
struct AlpacaOrder {
  domain::Order order;             // mapped: clientOrderId = client_order_id, brokerOrderId = id, status mapped
  std::string alpacaStatus;        // raw status text, e.g. "pending_new", "done_for_day"
  std::string orderClass;          // "", "simple", "bracket", "oco", "oto"
  std::string replacedBy;          // id of the replacing order when status is "replaced"
  std::vector<AlpacaOrder> legs;   // bracket / OCO legs (nested=true)
};

// Numeric field that may be a string, a number or null / absent (-> fallback).
double number(const QJsonObject& o, const char* key, double fallback = 0.0);
// RFC 3339 -> UTC ns (0 when absent / invalid).
domain::Timestamp timestamp(const QJsonObject& o, const char* key);

std::optional<domain::OrderStatus> mapStatus(std::string_view alpacaStatus);
Result<AlpacaOrder> parseOrder(const QJsonObject& o);
Result<AlpacaOrder> parseOrder(const QByteArray& json);
Result<std::vector<AlpacaOrder>> parseOrders(const QByteArray& json);
Result<AccountInfo> parseAccount(const QByteArray& json);
Result<std::vector<domain::Position>> parsePositions(const QByteArray& json);
Result<MarketClock> parseClock(const QByteArray& json);
Result<AssetInfo> parseAsset(const QByteArray& json);
// Alpaca's error body {"code": 40310000, "message": "..."}; the body text (shortened) when not JSON.
std::string errorMessage(const QByteArray& body);

// POST /v2/orders body for a simple order (numbers as strings, as Alpaca documents them).
QJsonObject orderRequest(const domain::Order& o);
// Bracket: entry + take_profit.limit_price + stop_loss.stop_price (+ limit_price for a stop-limit stop).
QJsonObject bracketRequest(const domain::Order& entry, const domain::Order& takeProfit, const domain::Order& stopLoss);
// OCO (exit-only): the limit leg carries order_class "oco", take_profit and stop_loss.
QJsonObject ocoRequest(const domain::Order& limitLeg, const domain::Order& stopLeg);
// PATCH /v2/orders/{id} body.
QJsonObject replaceRequest(const domain::Order& replacement);

QString formatNumber(double v);

}  // namespace meridian::execution::alpaca
