#include "core/storage/Codec.h"

#include "core/storage/Records.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <fmt/format.h>

#include <optional>

namespace meridian::storage {
namespace {

constexpr int kVersion = 1;

QString qs(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

std::string toJson(const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString(); }

Result<QJsonObject> parseObject(std::string_view json, std::string_view expectedType) {
  QJsonParseError err{};
  const auto doc = QJsonDocument::fromJson(QByteArray(json.data(), qsizetype(json.size())), &err);
  if (err.error != QJsonParseError::NoError)
    return makeError(errc::kDecode, fmt::format("{} event: invalid JSON at offset {}: {}", expectedType, err.offset,
                                                err.errorString().toStdString()));
  if (!doc.isObject()) return makeError(errc::kDecode, fmt::format("{} event: not a JSON object", expectedType));
  const auto o = doc.object();
  const auto type = o.value(QLatin1String("type")).toString();
  if (type != qs(expectedType))
    return makeError(errc::kDecode,
                     fmt::format("expected a {} event, got type '{}'", expectedType, type.toStdString()));
  const auto v = o.value(QLatin1String("v")).toInt(0);
  if (v > kVersion)
    return makeError(errc::kDecode, fmt::format("{} event version {} is newer than supported {}", expectedType, v, kVersion));
  return o;
}

// Reads a field, recording the first missing / mistyped one in `missing`.
struct Reader {
  const QJsonObject& o;
  std::string missing;

  QJsonValue get(const char* name) {
    const auto v = o.value(QLatin1String(name));
    if (v.isUndefined() && missing.empty()) missing = name;
    return v;
  }
  std::string text(const char* name, bool required = true) {
    const auto v = required ? get(name) : o.value(QLatin1String(name));
    if (!v.isUndefined() && !v.isString() && !v.isNull() && missing.empty()) missing = name;
    return v.toString().toStdString();
  }
  double real(const char* name, bool required = true) {
    const auto v = required ? get(name) : o.value(QLatin1String(name));
    if (!v.isUndefined() && !v.isDouble() && missing.empty()) missing = name;
    return v.toDouble();
  }
  std::int64_t integer(const char* name, bool required = true) {
    const auto v = required ? get(name) : o.value(QLatin1String(name));
    if (v.isString()) {  // tolerated: some producers quote 64-bit integers
      bool ok = false;
      const auto n = v.toString().toLongLong(&ok);
      if (!ok && missing.empty()) missing = name;
      return n;
    }
    if (!v.isUndefined() && !v.isDouble() && missing.empty()) missing = name;
    return v.toInteger();
  }
};


}  // namespace

std::string barChannel(std::string_view symbol) { return fmt::format("md.bar.{}", symbol); }
std::string orderChannel(std::string_view clientOrderId) { return fmt::format("exec.order.{}", clientOrderId); }

std::string encodeBarEvent(const BarEvent& e) {
  QJsonObject o;
  o.insert(QLatin1String("type"), QLatin1String("bar"));
  o.insert(QLatin1String("v"), kVersion);
  o.insert(QLatin1String("symbol"), qs(e.symbol));
  o.insert(QLatin1String("source"), qs(e.source));
  o.insert(QLatin1String("ts"), qint64(e.bar.ts));
  o.insert(QLatin1String("open"), e.bar.open);
  o.insert(QLatin1String("high"), e.bar.high);
  o.insert(QLatin1String("low"), e.bar.low);
  o.insert(QLatin1String("close"), e.bar.close);
  o.insert(QLatin1String("volume"), e.bar.volume);
  o.insert(QLatin1String("vwap"), e.bar.vwap);
  o.insert(QLatin1String("trades"), qint64(e.bar.trades));
  return toJson(o);
}

Result<BarEvent> decodeBarEvent(std::string_view json) {
  auto o = parseObject(json, "bar");
  if (!o.ok()) return o.error();
  Reader r{*o, {}};
  BarEvent e;
  e.symbol = r.text("symbol");
  e.source = r.text("source", false);
  e.bar.ts = r.integer("ts");
  e.bar.open = r.real("open");
  e.bar.high = r.real("high");
  e.bar.low = r.real("low");
  e.bar.close = r.real("close");
  e.bar.volume = r.real("volume");
  e.bar.vwap = r.real("vwap", false);
  e.bar.trades = r.integer("trades", false);
  if (!r.missing.empty())
    return makeError(errc::kDecode, fmt::format("bar event: field '{}' missing or mistyped", r.missing));
  if (e.symbol.empty()) return makeError(errc::kDecode, "bar event: empty symbol");
  return e;
}

std::string encodeOrderEvent(const domain::Order& x) {
  QJsonObject o;
  o.insert(QLatin1String("type"), QLatin1String("order"));
  o.insert(QLatin1String("v"), kVersion);
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
  return toJson(o);
}

Result<domain::Order> decodeOrderEvent(std::string_view json) {
  auto o = parseObject(json, "order");
  if (!o.ok()) return o.error();
  Reader r{*o, {}};
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
  if (!r.missing.empty())
    return makeError(errc::kDecode, fmt::format("order event: field '{}' missing or mistyped", r.missing));
  if (!side || !type || !tif || !status)
    return makeError(errc::kDecode, fmt::format("order event {}: unknown side/order_type/tif/status", x.clientOrderId));
  if (x.clientOrderId.empty()) return makeError(errc::kDecode, "order event: empty client_order_id");
  x.side = *side;
  x.type = *type;
  x.tif = *tif;
  x.status = *status;
  return x;
}

}  // namespace meridian::storage
