#include "core/execution/alpaca/AlpacaJson.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace meridian::execution::alpaca {
namespace {

std::string str(const QJsonObject& o, const char* key) { return o.value(QLatin1String(key)).toString().toStdString(); }

Result<QJsonDocument> parseDoc(const QByteArray& json, std::string_view what) {
  QJsonParseError err{};
  QJsonDocument doc = QJsonDocument::fromJson(json, &err);
  if (err.error != QJsonParseError::NoError)
    return makeError("parse", fmt::format("alpaca: cannot parse {}: {}", what, err.errorString().toStdString()));
  return doc;
}

Result<QJsonObject> parseObject(const QByteArray& json, std::string_view what) {
  auto doc = parseDoc(json, what);
  if (!doc.ok()) return doc.error();
  if (!doc->isObject()) return makeError("parse", fmt::format("alpaca: {} is not a JSON object", what));
  return doc->object();
}

Result<QJsonArray> parseArray(const QByteArray& json, std::string_view what) {
  auto doc = parseDoc(json, what);
  if (!doc.ok()) return doc.error();
  if (!doc->isArray()) return makeError("parse", fmt::format("alpaca: {} is not a JSON array", what));
  return doc->array();
}

domain::OrderType mapType(const std::string& t) {
  if (t == "limit") return domain::OrderType::Limit;
  if (t == "stop") return domain::OrderType::Stop;
  if (t == "stop_limit") return domain::OrderType::StopLimit;
  if (t == "trailing_stop") return domain::OrderType::TrailingStop;
  return domain::OrderType::Market;
}

domain::TimeInForce mapTif(const std::string& t) {
  if (t == "gtc") return domain::TimeInForce::Gtc;
  if (t == "ioc") return domain::TimeInForce::Ioc;
  if (t == "fok") return domain::TimeInForce::Fok;
  return domain::TimeInForce::Day;  // day, opg, cls
}

void putPrices(QJsonObject& j, const domain::Order& o) {
  if (domain::hasLimitPrice(o.type))
    j.insert("limit_price", formatNumber(o.limitPrice));
  if (domain::hasStopPrice(o.type))
    j.insert("stop_price", formatNumber(o.stopPrice));
  if (o.type == domain::OrderType::TrailingStop) j.insert("trail_percent", formatNumber(o.trailPercent));
}

}  // namespace

QString formatNumber(double v) {
  // Shortest round-trip text without exponent for prices and quantities ("10", "187.25").
  QString s = QString::number(v, 'f', 6);
  if (s.contains('.')) {
    while (s.endsWith('0')) s.chop(1);
    if (s.endsWith('.')) s.chop(1);
  }
  return s;
}

double number(const QJsonObject& o, const char* key, double fallback) {
  const QJsonValue v = o.value(QLatin1String(key));
  if (v.isDouble()) return v.toDouble();
  if (v.isString()) {
    bool ok = false;
    const double d = v.toString().toDouble(&ok);
    return ok && std::isfinite(d) ? d : fallback;
  }
  return fallback;
}

domain::Timestamp timestamp(const QJsonObject& o, const char* key) {
  const QString s = o.value(QLatin1String(key)).toString();
  if (s.isEmpty()) return 0;
  QDateTime t = QDateTime::fromString(s, Qt::ISODateWithMs);
  if (!t.isValid()) t = QDateTime::fromString(s, Qt::ISODate);
  if (!t.isValid()) return 0;
  // Alpaca sends microseconds / nanoseconds ("2021-03-16T18:38:01.942282Z"); Qt keeps milliseconds.
  // Beyond the int64 nanosecond range (before 1677 / after 2262) the product would overflow: treat as absent.
  const qint64 ms = t.toMSecsSinceEpoch();
  constexpr qint64 kMaxMs = std::numeric_limits<domain::Timestamp>::max() / domain::kNanosPerMilli;
  if (ms > kMaxMs || ms < -kMaxMs) return 0;
  return ms * domain::kNanosPerMilli;
}

std::optional<domain::OrderStatus> mapStatus(std::string_view s) {
  using S = domain::OrderStatus;
  if (s == "new" || s == "accepted" || s == "pending_new" || s == "accepted_for_bidding" || s == "held" ||
      s == "calculated" || s == "stopped" || s == "suspended" || s == "pending_replace")
    return S::Accepted;
  if (s == "partially_filled") return S::PartiallyFilled;
  if (s == "filled") return S::Filled;
  if (s == "done_for_day" || s == "expired") return S::Expired;
  if (s == "canceled" || s == "cancelled") return S::Cancelled;
  if (s == "replaced") return S::Replaced;
  if (s == "pending_cancel") return S::PendingCancel;
  if (s == "rejected") return S::Rejected;
  return std::nullopt;
}

Result<AlpacaOrder> parseOrder(const QJsonObject& j) {
  AlpacaOrder a;
  domain::Order& o = a.order;
  o.brokerOrderId = str(j, "id");
  o.clientOrderId = str(j, "client_order_id");
  o.symbol = str(j, "symbol");
  if (o.brokerOrderId.empty() || o.symbol.empty()) return makeError("parse", "alpaca: order without id or symbol");
  const std::string side = str(j, "side");
  if (side != "buy" && side != "sell") return makeError("parse", "alpaca: order " + o.brokerOrderId + " has side '" + side + "'");
  o.side = side == "buy" ? domain::Side::Buy : domain::Side::Sell;
  std::string type = str(j, "type");
  if (type.empty()) type = str(j, "order_type");
  o.type = mapType(type);
  o.tif = mapTif(str(j, "time_in_force"));
  o.quantity = number(j, "qty");
  o.filledQuantity = number(j, "filled_qty");
  o.avgFillPrice = number(j, "filled_avg_price");
  o.limitPrice = number(j, "limit_price");
  o.stopPrice = number(j, "stop_price");
  o.trailPercent = number(j, "trail_percent");
  a.alpacaStatus = str(j, "status");
  const auto st = mapStatus(a.alpacaStatus);
  if (!st) return makeError("parse", "alpaca: unknown order status '" + a.alpacaStatus + "'");
  o.status = *st;
  o.createdTs = timestamp(j, "created_at");
  o.updatedTs = timestamp(j, "updated_at");
  if (o.updatedTs == 0) o.updatedTs = o.createdTs;
  a.orderClass = str(j, "order_class");
  a.replacedBy = str(j, "replaced_by");
  const QJsonValue legs = j.value("legs");
  if (legs.isArray()) {
    for (const QJsonValue& l : legs.toArray()) {
      auto leg = parseOrder(l.toObject());
      if (!leg.ok()) return leg.error();
      a.legs.push_back(std::move(leg).value());
    }
  }
  return a;
}

Result<AlpacaOrder> parseOrder(const QByteArray& json) {
  auto o = parseObject(json, "order");
  if (!o.ok()) return o.error();
  return parseOrder(o.value());
}

Result<std::vector<AlpacaOrder>> parseOrders(const QByteArray& json) {
  auto arr = parseArray(json, "orders");
  if (!arr.ok()) return arr.error();
  std::vector<AlpacaOrder> out;
  for (const QJsonValue& v : arr.value()) {
    auto o = parseOrder(v.toObject());
    if (!o.ok()) return o.error();
    out.push_back(std::move(o).value());
  }
  return out;
}

Result<AccountInfo> parseAccount(const QByteArray& json) {
  auto o = parseObject(json, "account");
  if (!o.ok()) return o.error();
  const QJsonObject& j = o.value();
  AccountInfo a;
  a.cash = number(j, "cash");
  a.equity = number(j, "equity", number(j, "portfolio_value"));
  a.buyingPower = number(j, "buying_power");
  a.lastEquity = number(j, "last_equity", a.equity);
  a.status = str(j, "status");
  a.tradingBlocked = j.value("trading_blocked").toBool() || j.value("account_blocked").toBool();
  return a;
}

Result<std::vector<domain::Position>> parsePositions(const QByteArray& json) {
  auto arr = parseArray(json, "positions");
  if (!arr.ok()) return arr.error();
  std::vector<domain::Position> out;
  for (const QJsonValue& v : arr.value()) {
    const QJsonObject j = v.toObject();
    domain::Position p;
    p.symbol = str(j, "symbol");
    p.quantity = number(j, "qty");
    if (str(j, "side") == "short" && p.quantity > 0) p.quantity = -p.quantity;
    p.avgCost = number(j, "avg_entry_price");
    p.lastPrice = number(j, "current_price");
    out.push_back(std::move(p));
  }
  return out;
}

Result<MarketClock> parseClock(const QByteArray& json) {
  auto o = parseObject(json, "clock");
  if (!o.ok()) return o.error();
  MarketClock c;
  c.isOpen = o->value("is_open").toBool();
  c.ts = timestamp(o.value(), "timestamp");
  c.nextOpen = timestamp(o.value(), "next_open");
  c.nextClose = timestamp(o.value(), "next_close");
  return c;
}

Result<AssetInfo> parseAsset(const QByteArray& json) {
  auto o = parseObject(json, "asset");
  if (!o.ok()) return o.error();
  const QJsonObject& j = o.value();
  AssetInfo a;
  a.symbol = str(j, "symbol");
  a.exchange = str(j, "exchange");
  a.status = str(j, "status");
  a.tradable = j.value("tradable").toBool();
  a.shortable = j.value("shortable").toBool();
  a.fractionable = j.value("fractionable").toBool();
  return a;
}

std::string errorMessage(const QByteArray& body) {
  QJsonParseError err{};
  const QJsonDocument doc = QJsonDocument::fromJson(body, &err);
  if (err.error == QJsonParseError::NoError && doc.isObject()) {
    const QString m = doc.object().value("message").toString();
    if (!m.isEmpty()) return m.toStdString();
  }
  QByteArray s = body.simplified();
  if (s.size() > 200) s = s.left(200) + "...";
  return s.isEmpty() ? std::string("(no message)") : s.toStdString();
}

QJsonObject orderRequest(const domain::Order& o) {
  QJsonObject j;
  j.insert("symbol", QString::fromStdString(o.symbol));
  j.insert("qty", formatNumber(o.quantity));
  j.insert("side", o.side == domain::Side::Buy ? "buy" : "sell");
  j.insert("type", QString::fromLatin1(domain::toString(o.type).data(), qsizetype(domain::toString(o.type).size())));
  j.insert("time_in_force",
           QString::fromLatin1(domain::toString(o.tif).data(), qsizetype(domain::toString(o.tif).size())));
  putPrices(j, o);
  j.insert("client_order_id", QString::fromStdString(o.clientOrderId));
  return j;
}

QJsonObject bracketRequest(const domain::Order& entry, const domain::Order& tp, const domain::Order& sl) {
  QJsonObject j = orderRequest(entry);
  j.insert("order_class", "bracket");
  j.insert("take_profit", QJsonObject{{"limit_price", formatNumber(tp.limitPrice)}});
  QJsonObject stop{{"stop_price", formatNumber(sl.stopPrice)}};
  if (sl.type == domain::OrderType::StopLimit) stop.insert("limit_price", formatNumber(sl.limitPrice));
  j.insert("stop_loss", stop);
  return j;
}

QJsonObject ocoRequest(const domain::Order& limitLeg, const domain::Order& stopLeg) {
  QJsonObject j = orderRequest(limitLeg);
  j.insert("order_class", "oco");
  j.insert("take_profit", QJsonObject{{"limit_price", formatNumber(limitLeg.limitPrice)}});
  QJsonObject stop{{"stop_price", formatNumber(stopLeg.stopPrice)}};
  if (stopLeg.type == domain::OrderType::StopLimit) stop.insert("limit_price", formatNumber(stopLeg.limitPrice));
  j.insert("stop_loss", stop);
  return j;
}

QJsonObject replaceRequest(const domain::Order& r) {
  QJsonObject j;
  j.insert("qty", formatNumber(r.quantity));
  j.insert("time_in_force", QString::fromLatin1(domain::toString(r.tif).data(), qsizetype(domain::toString(r.tif).size())));
  putPrices(j, r);
  if (r.type == domain::OrderType::TrailingStop) {
    j.remove("trail_percent");
    j.insert("trail", formatNumber(r.trailPercent));
  }
  j.insert("client_order_id", QString::fromStdString(r.clientOrderId));
  return j;
}

}  // namespace meridian::execution::alpaca
