#include "core/contract/Wire.h"

#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QMessageAuthenticationCode>

#include <fmt/format.h>

#include <optional>

namespace meridian::contract {
namespace {

constexpr int kVersion = 1;

QString qs(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

std::string toJson(const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString(); }

Result<QJsonObject> parseObject(std::string_view json, std::string_view expectedType) {
  QJsonParseError err{};
  const auto doc = QJsonDocument::fromJson(QByteArray(json.data(), qsizetype(json.size())), &err);
  if (err.error != QJsonParseError::NoError)
    return makeError(kDecodeError, fmt::format("{} event: invalid JSON at offset {}: {}", expectedType, err.offset,
                                                err.errorString().toStdString()));
  if (!doc.isObject()) return makeError(kDecodeError, fmt::format("{} event: not a JSON object", expectedType));
  const auto o = doc.object();
  const auto type = o.value(QLatin1String("type")).toString();
  if (type != qs(expectedType))
    return makeError(kDecodeError,
                     fmt::format("expected a {} event, got type '{}'", expectedType, type.toStdString()));
  const auto v = o.value(QLatin1String("v")).toInt(0);
  if (v > kVersion)
    return makeError(kDecodeError, fmt::format("{} event version {} is newer than supported {}", expectedType, v, kVersion));
  return o;
}

}  // namespace

std::string barChannel(std::string_view symbol) { return topicFor<BarClosed>(symbol); }
std::string orderChannel(std::string_view clientOrderId) { return topicFor<OrderUpdated>(clientOrderId); }

// A bar event is the bar object (barToJson, the relay's encoding too) flattened next to symbol / source, like an
// order event is orderToJson plus type / v: one field mapping per domain type.
std::string encodeBarEvent(const BarEvent& e) {
  QJsonObject o = barToJson(e.bar);
  o.insert(QLatin1String("type"), QLatin1String("bar"));
  o.insert(QLatin1String("v"), kVersion);
  o.insert(QLatin1String("symbol"), qs(e.symbol));
  o.insert(QLatin1String("source"), qs(e.source));
  return toJson(o);
}

Result<BarEvent> decodeBarEvent(std::string_view json) {
  auto o = parseObject(json, "bar");
  if (!o.ok()) return o.error();
  JsonReader r{*o, {}};
  BarEvent e;
  e.symbol = r.text("symbol");
  e.source = r.text("source", false);
  if (!r.missing.empty())
    return makeError(kDecodeError, fmt::format("bar event: field '{}' missing or mistyped", r.missing));
  auto bar = barFromJson(*o);
  if (!bar.ok()) return makeError(kDecodeError, "bar event " + bar.error().message);
  if (e.symbol.empty()) return makeError(kDecodeError, "bar event: empty symbol");
  e.bar = *bar;
  return e;
}

QJsonValue JsonReader::get(const char* name, bool required) {
  const auto v = o.value(QLatin1String(name));
  if (required && v.isUndefined() && missing.empty()) missing = name;
  return v;
}

std::string JsonReader::text(const char* name, bool required) {
  const auto v = get(name, required);
  if (!v.isUndefined() && !v.isString() && !v.isNull() && missing.empty()) missing = name;
  return v.toString().toStdString();
}

double JsonReader::real(const char* name, bool required) {
  const auto v = get(name, required);
  if (!v.isUndefined() && !v.isDouble() && missing.empty()) missing = name;
  return v.toDouble();
}

std::int64_t JsonReader::integer(const char* name, bool required) {
  const auto v = get(name, required);
  if (v.isString()) {  // tolerated: some producers quote 64-bit integers
    bool ok = false;
    const auto n = v.toString().toLongLong(&ok);
    if (!ok && missing.empty()) missing = name;
    return n;
  }
  if (!v.isUndefined() && !v.isDouble() && missing.empty()) missing = name;
  return v.toInteger();
}

bool JsonReader::boolean(const char* name, bool required) {
  const auto v = get(name, required);
  if (!v.isUndefined() && !v.isBool() && missing.empty()) missing = name;
  return v.toBool();
}

QJsonObject JsonReader::object(const char* name, bool required) {
  const auto v = get(name, required);
  if (!v.isUndefined() && !v.isObject() && missing.empty()) missing = name;
  return v.toObject();
}

Status JsonReader::status(std::string_view what) const {
  if (missing.empty()) return {};
  return makeError(kDecodeError, fmt::format("{}: field '{}' missing or mistyped", what, missing));
}

QJsonObject orderToJson(const domain::Order& x) {
  QJsonObject o;
  o.insert(QLatin1String("client_order_id"), qs(x.clientOrderId));
  o.insert(QLatin1String("broker_order_id"), qs(x.brokerOrderId));
  o.insert(QLatin1String("symbol"), qs(x.symbol));
  o.insert(QLatin1String("side"), qs(domain::toString(x.side)));
  o.insert(QLatin1String("order_type"), qs(domain::toString(x.type)));
  o.insert(QLatin1String("tif"), qs(domain::toString(x.tif)));
  o.insert(QLatin1String("quantity"), x.quantity);
  o.insert(QLatin1String("limit_price"), x.limitPrice);
  o.insert(QLatin1String("stop_price"), x.stopPrice);
  o.insert(QLatin1String("trail_percent"), x.trailPercent);
  o.insert(QLatin1String("status"), qs(domain::toString(x.status)));
  o.insert(QLatin1String("filled_quantity"), x.filledQuantity);
  o.insert(QLatin1String("avg_fill_price"), x.avgFillPrice);
  o.insert(QLatin1String("strategy_id"), qs(x.strategyId));
  o.insert(QLatin1String("parent_id"), qs(x.parentId));
  o.insert(QLatin1String("reject_reason"), qs(x.rejectReason));
  o.insert(QLatin1String("created_ts"), qint64(x.createdTs));
  o.insert(QLatin1String("updated_ts"), qint64(x.updatedTs));
  return o;
}

Result<domain::Order> orderFromJson(const QJsonObject& o) {
  JsonReader r{o, {}};
  domain::Order x;
  x.clientOrderId = r.text("client_order_id");
  x.brokerOrderId = r.text("broker_order_id", false);
  x.symbol = r.text("symbol");
  const auto side = domain::sideFromString(r.text("side"));
  const auto type = domain::orderTypeFromString(r.text("order_type"));
  const auto tif = domain::timeInForceFromString(r.text("tif"));
  const auto status = domain::orderStatusFromString(r.text("status"));
  x.quantity = r.real("quantity");
  x.limitPrice = r.real("limit_price", false);
  x.stopPrice = r.real("stop_price", false);
  x.trailPercent = r.real("trail_percent", false);
  x.filledQuantity = r.real("filled_quantity", false);
  x.avgFillPrice = r.real("avg_fill_price", false);
  x.strategyId = r.text("strategy_id", false);
  x.parentId = r.text("parent_id", false);
  x.rejectReason = r.text("reject_reason", false);
  x.createdTs = r.integer("created_ts", false);
  x.updatedTs = r.integer("updated_ts", false);
  if (Status s = r.status("order event"); !s.ok()) return s.error();
  if (!side || !type || !tif || !status)
    return makeError(kDecodeError, fmt::format("order event {}: unknown side/order_type/tif/status", x.clientOrderId));
  x.side = *side;
  x.type = *type;
  x.tif = *tif;
  x.status = *status;
  return x;
}

std::string encodeOrderEvent(const domain::Order& x) {
  QJsonObject o = orderToJson(x);
  o.insert(QLatin1String("type"), QLatin1String("order"));
  o.insert(QLatin1String("v"), kVersion);
  return toJson(o);
}

Result<domain::Order> decodeOrderEvent(std::string_view json) {
  auto o = parseObject(json, "order");
  if (!o.ok()) return o.error();
  auto x = orderFromJson(*o);
  if (!x.ok()) return x.error();
  // A relay may carry a new order without an id (the server assigns it); a published order event always has one.
  if (x->clientOrderId.empty()) return makeError(kDecodeError, "order event: empty client_order_id");
  return x;
}

QJsonObject fillToJson(const domain::Fill& f) {
  QJsonObject o;
  o.insert(QLatin1String("fill_id"), qs(f.fillId));
  o.insert(QLatin1String("client_order_id"), qs(f.clientOrderId));
  o.insert(QLatin1String("symbol"), qs(f.symbol));
  o.insert(QLatin1String("side"), qs(domain::toString(f.side)));
  o.insert(QLatin1String("quantity"), f.quantity);
  o.insert(QLatin1String("price"), f.price);
  o.insert(QLatin1String("commission"), f.commission);
  o.insert(QLatin1String("ts"), qint64(f.ts));
  o.insert(QLatin1String("strategy_id"), qs(f.strategyId));
  return o;
}

Result<domain::Fill> fillFromJson(const QJsonObject& o) {
  JsonReader r{o, {}};
  domain::Fill f;
  f.fillId = r.text("fill_id");
  f.clientOrderId = r.text("client_order_id");
  f.symbol = r.text("symbol");
  const auto side = domain::sideFromString(r.text("side"));
  f.quantity = r.real("quantity");
  f.price = r.real("price");
  f.commission = r.real("commission", false);
  f.ts = r.integer("ts");
  f.strategyId = r.text("strategy_id", false);
  if (Status s = r.status("fill"); !s.ok()) return s.error();
  if (!side) return makeError(kDecodeError, fmt::format("fill {}: unknown side", f.fillId));
  if (f.symbol.empty()) return makeError(kDecodeError, "fill: empty symbol");
  f.side = *side;
  return f;
}

QJsonObject positionToJson(const domain::Position& p) {
  QJsonObject o;
  o.insert(QLatin1String("symbol"), qs(p.symbol));
  o.insert(QLatin1String("strategy_id"), qs(p.strategyId));
  o.insert(QLatin1String("quantity"), p.quantity);
  o.insert(QLatin1String("avg_cost"), p.avgCost);
  o.insert(QLatin1String("realized_pnl"), p.realizedPnl);
  o.insert(QLatin1String("last_price"), p.lastPrice);
  o.insert(QLatin1String("updated_ts"), qint64(p.updatedTs));
  return o;
}

Result<domain::Position> positionFromJson(const QJsonObject& o) {
  JsonReader r{o, {}};
  domain::Position p;
  p.symbol = r.text("symbol");
  p.strategyId = r.text("strategy_id", false);
  p.quantity = r.real("quantity");
  p.avgCost = r.real("avg_cost");
  p.realizedPnl = r.real("realized_pnl", false);
  p.lastPrice = r.real("last_price", false);
  p.updatedTs = r.integer("updated_ts", false);
  if (Status s = r.status("position"); !s.ok()) return s.error();
  if (p.symbol.empty()) return makeError(kDecodeError, "position: empty symbol");
  return p;
}

QJsonObject quoteToJson(const domain::Quote& q) {
  QJsonObject o;
  o.insert(QLatin1String("symbol"), qs(q.symbol));
  o.insert(QLatin1String("ts"), qint64(q.ts));
  o.insert(QLatin1String("bid"), q.bid);
  o.insert(QLatin1String("ask"), q.ask);
  o.insert(QLatin1String("bid_size"), q.bidSize);
  o.insert(QLatin1String("ask_size"), q.askSize);
  o.insert(QLatin1String("last"), q.last);
  o.insert(QLatin1String("last_size"), q.lastSize);
  return o;
}

Result<domain::Quote> quoteFromJson(const QJsonObject& o) {
  JsonReader r{o, {}};
  domain::Quote q;
  q.symbol = r.text("symbol");
  q.ts = r.integer("ts");
  q.bid = r.real("bid");
  q.ask = r.real("ask");
  q.bidSize = r.real("bid_size", false);
  q.askSize = r.real("ask_size", false);
  q.last = r.real("last", false);
  q.lastSize = r.real("last_size", false);
  if (Status s = r.status("quote"); !s.ok()) return s.error();
  if (q.symbol.empty()) return makeError(kDecodeError, "quote: empty symbol");
  return q;
}

QJsonObject barToJson(const domain::Bar& b) {
  QJsonObject o;
  o.insert(QLatin1String("ts"), qint64(b.ts));
  o.insert(QLatin1String("open"), b.open);
  o.insert(QLatin1String("high"), b.high);
  o.insert(QLatin1String("low"), b.low);
  o.insert(QLatin1String("close"), b.close);
  o.insert(QLatin1String("volume"), b.volume);
  o.insert(QLatin1String("vwap"), b.vwap);
  o.insert(QLatin1String("trades"), qint64(b.trades));
  return o;
}

Result<domain::Bar> barFromJson(const QJsonObject& o) {
  JsonReader r{o, {}};
  domain::Bar b;
  b.ts = r.integer("ts");
  b.open = r.real("open");
  b.high = r.real("high");
  b.low = r.real("low");
  b.close = r.real("close");
  b.volume = r.real("volume");
  b.vwap = r.real("vwap", false);
  b.trades = r.integer("trades", false);
  if (Status s = r.status("bar"); !s.ok()) return s.error();
  return b;
}

namespace {

QJsonObject relayObject(const RelayMessage& m) {
  QJsonObject o;
  o.insert(QLatin1String("type"), QLatin1String("relay"));
  o.insert(QLatin1String("v"), kVersion);
  o.insert(QLatin1String("origin"), qs(m.origin));
  o.insert(QLatin1String("seq"), qint64(m.seq));
  o.insert(QLatin1String("kind"), qs(m.kind));
  o.insert(QLatin1String("ts"), qint64(m.ts));
  o.insert(QLatin1String("body"), m.body);
  if (m.expires != 0) o.insert(QLatin1String("expires"), qint64(m.expires));
  return o;
}

QJsonObject heartbeatObject(const Heartbeat& beat) {
  QJsonObject o;
  o.insert("origin", qs(beat.origin));
  o.insert("ts", qint64(beat.ts));
  if (beat.mode.known) {
    o.insert("trading_mode", beat.mode.live ? "live" : "paper");
    o.insert("broker", qs(beat.mode.broker));
  }
  return o;
}

// HMAC-SHA256 of the compact JSON of `content` (no "sig" in it), as lower-case hex.
std::string mac(const QJsonObject& content, std::string_view key) {
  QMessageAuthenticationCode code(QCryptographicHash::Sha256, QByteArray(key.data(), qsizetype(key.size())));
  code.addData(QJsonDocument(content).toJson(QJsonDocument::Compact));
  return code.result().toHex().toStdString();
}

bool equalConstantTime(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

std::string encodeRelayMessage(const RelayMessage& m, std::string_view key) {
  QJsonObject o = relayObject(m);
  if (!key.empty()) o.insert(QLatin1String("sig"), qs(mac(o, key)));
  return toJson(o);
}

bool verifyRelayMessage(const RelayMessage& m, std::string_view key) {
  return !key.empty() && !m.sig.empty() && equalConstantTime(mac(relayObject(m), key), m.sig);
}

Result<RelayMessage> decodeRelayMessage(std::string_view json) {
  auto o = parseObject(json, "relay");
  if (!o.ok()) return o.error();
  JsonReader r{*o, {}};
  RelayMessage m;
  m.origin = r.text("origin");
  m.seq = static_cast<std::uint64_t>(r.integer("seq", false));
  m.kind = r.text("kind");
  m.ts = r.integer("ts", false);
  m.body = r.object("body");
  m.sig = r.text("sig", false);
  m.expires = r.integer("expires", false);
  if (Status s = r.status("relay message"); !s.ok()) return s.error();
  if (m.origin.empty()) return makeError(kDecodeError, "relay message: empty origin");
  if (m.kind.empty()) return makeError(kDecodeError, "relay message: empty kind");
  return m;
}

std::string encodeHeartbeat(const Heartbeat& beat, std::string_view key) {
  QJsonObject o = heartbeatObject(beat);
  if (!key.empty()) o.insert(QLatin1String("sig"), qs(mac(o, key)));
  return toJson(o);
}

bool verifyHeartbeat(const Heartbeat& beat, std::string_view key) {
  return !key.empty() && !beat.sig.empty() && equalConstantTime(mac(heartbeatObject(beat), key), beat.sig);
}

Result<Heartbeat> decodeHeartbeat(std::string_view json) {
  QJsonParseError err{};
  const auto doc = QJsonDocument::fromJson(QByteArray(json.data(), qsizetype(json.size())), &err);
  if (!doc.isObject())
    return makeError(kDecodeError, fmt::format("relay heartbeat: not a JSON object ({})", err.errorString().toStdString()));
  const QJsonObject o = doc.object();
  JsonReader r{o, {}};
  Heartbeat beat;
  beat.origin = r.text("origin");
  beat.ts = r.integer("ts", false);
  const std::string mode = r.text("trading_mode", false);
  beat.mode.broker = r.text("broker", false);
  beat.sig = r.text("sig", false);
  if (Status s = r.status("relay heartbeat"); !s.ok()) return s.error();
  if (beat.origin.empty()) return makeError(kDecodeError, "relay heartbeat: empty origin");
  if (!mode.empty()) {
    if (mode != "live" && mode != "paper")
      return makeError(kDecodeError, fmt::format("relay heartbeat: trading_mode must be paper or live, not '{}'", mode));
    beat.mode.known = true;
    beat.mode.live = mode == "live";
    beat.mode.origin = beat.origin;
  }
  return beat;
}

}  // namespace meridian::contract
