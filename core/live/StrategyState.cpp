#include "core/live/StrategyState.h"

#include "core/contract/Wire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <fmt/format.h>

#include <algorithm>

namespace meridian::live {

namespace {

QString qs(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

Error bad(std::string_view what) { return makeError(contract::kDecodeError, fmt::format("strategy state: {}", what)); }

void writeSymbols(QJsonObject& o, const std::vector<std::string>& symbols) {
  QJsonArray array;
  for (const auto& sym : symbols) array.append(qs(sym));
  o.insert(QLatin1String("symbols"), array);
}

}  // namespace

const SavedSlot* SavedInstance::slot(std::string_view symbol) const {
  auto it = std::find_if(slots.begin(), slots.end(), [&](const SavedSlot& s) { return s.symbol == symbol; });
  return it == slots.end() ? nullptr : &*it;
}

bool SavedInstance::tradedAt(domain::Timestamp ts) const {
  if (tradingSinceTs == 0 || ts < tradingSinceTs || ts > lastBarTs) return false;
  return std::none_of(refused.begin(), refused.end(), [ts](const auto& r) { return ts >= r.first && ts <= r.second; });
}

std::string encodeSavedInstance(const SavedInstance& s) {
  QJsonObject o;
  o.insert(QLatin1String("v"), SavedInstance::kVersion);
  o.insert(QLatin1String("instance"), qs(s.instance));
  o.insert(QLatin1String("strategy"), qs(s.strategy));
  writeSymbols(o, s.symbols);
  o.insert(QLatin1String("trading_since_ts"), qint64(s.tradingSinceTs));
  o.insert(QLatin1String("last_bar_ts"), qint64(s.lastBarTs));
  o.insert(QLatin1String("paused"), s.paused);
  o.insert(QLatin1String("flatten"), s.flatten);
  QJsonArray refused;
  for (const auto& [from, to] : s.refused) refused.append(QJsonArray{qint64(from), qint64(to)});
  o.insert(QLatin1String("refused"), refused);
  QJsonArray slots;
  for (const auto& slot : s.slots) {
    QJsonObject j;
    j.insert(QLatin1String("symbol"), qs(slot.symbol));
    j.insert(QLatin1String("target"), slot.target);
    j.insert(QLatin1String("filled"), slot.filled);
    j.insert(QLatin1String("hold"), slot.hold);
    j.insert(QLatin1String("deferred"), slot.deferred);
    QJsonArray orders;
    for (const auto& w : slot.orders) {
      QJsonObject oj;
      oj.insert(QLatin1String("client_order_id"), qs(w.clientOrderId));
      oj.insert(QLatin1String("correlation_id"), qs(w.correlationId));
      oj.insert(QLatin1String("side"), qs(domain::toString(w.side)));
      oj.insert(QLatin1String("filled"), w.filled);
      orders.append(oj);
    }
    j.insert(QLatin1String("orders"), orders);
    slots.append(j);
  }
  o.insert(QLatin1String("slots"), slots);
  return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

namespace {

// A JSON object text -> the object (no version check).
Result<QJsonObject> parseObject(std::string_view json) {
  QJsonParseError err{};
  const auto doc = QJsonDocument::fromJson(QByteArray(json.data(), qsizetype(json.size())), &err);
  if (err.error != QJsonParseError::NoError)
    return bad(fmt::format("invalid JSON at offset {}: {}", err.offset, err.errorString().toStdString()));
  if (!doc.isObject()) return bad("not a JSON object");
  return doc.object();
}

// The object of a versioned record, its "v" between 1 and maxVersion.
Result<QJsonObject> parseVersioned(std::string_view json, int maxVersion) {
  auto o = parseObject(json);
  if (!o) return o;
  contract::JsonReader r{*o, {}};
  const auto version = r.integer("v");
  if (!r.missing.empty()) return bad("no version field 'v'");
  if (version < 1 || version > maxVersion)
    return bad(fmt::format("version {} is not supported (this build reads up to {})", version, maxVersion));
  return o;
}

Status readSymbols(const QJsonObject& o, std::vector<std::string>& out) {
  const auto symbols = o.value(QLatin1String("symbols"));
  if (!symbols.isArray()) return bad("symbols must be an array");
  for (const auto& v : symbols.toArray()) {
    if (!v.isString() || v.toString().isEmpty()) return bad("a symbol is not a non-empty string");
    out.push_back(v.toString().toStdString());
  }
  return {};
}

}  // namespace

Result<SavedInstance> decodeSavedInstance(std::string_view json) {
  auto parsed = parseVersioned(json, SavedInstance::kVersion);
  if (!parsed) return parsed.error();
  const QJsonObject o = std::move(parsed).value();
  contract::JsonReader r{o, {}};
  SavedInstance s;
  s.instance = r.text("instance");
  s.strategy = r.text("strategy");
  s.tradingSinceTs = r.integer("trading_since_ts");
  s.lastBarTs = r.integer("last_bar_ts");
  s.paused = r.boolean("paused", false);    // absent in states saved before pause existed: not paused
  s.flatten = r.boolean("flatten", false);
  if (Status st = r.status("strategy state"); !st.ok()) return st.error();
  const auto refused = o.value(QLatin1String("refused"));
  const auto slots = o.value(QLatin1String("slots"));
  if (!refused.isArray() || !slots.isArray()) return bad("refused and slots must be arrays");
  if (Status st = readSymbols(o, s.symbols); !st.ok()) return st.error();
  for (const auto& v : refused.toArray()) {
    const QJsonArray range = v.toArray();
    if (!v.isArray() || range.size() != 2 || !range[0].isDouble() || !range[1].isDouble())
      return bad("a refused range is not [from, to]");
    s.refused.emplace_back(range[0].toInteger(), range[1].toInteger());
  }
  for (const auto& v : slots.toArray()) {
    if (!v.isObject()) return bad("a slot is not an object");
    const QJsonObject jo = v.toObject();
    contract::JsonReader sr{jo, {}};
    SavedSlot slot;
    slot.symbol = sr.text("symbol");
    slot.target = sr.real("target");
    slot.filled = sr.real("filled");
    slot.hold = sr.boolean("hold");
    slot.deferred = sr.boolean("deferred");
    if (Status st = sr.status("strategy state slot"); !st.ok()) return st.error();
    const auto orders = jo.value(QLatin1String("orders"));
    if (!orders.isArray()) return bad(fmt::format("slot {}: orders must be an array", slot.symbol));
    for (const auto& ov : orders.toArray()) {
      if (!ov.isObject()) return bad(fmt::format("slot {}: an order is not an object", slot.symbol));
      const QJsonObject oo = ov.toObject();
      contract::JsonReader orr{oo, {}};
      SavedOrder w;
      w.clientOrderId = orr.text("client_order_id");
      w.correlationId = orr.text("correlation_id", false);
      const auto side = domain::sideFromString(orr.text("side"));
      w.filled = orr.real("filled");
      if (Status st = orr.status("strategy state order"); !st.ok()) return st.error();
      if (!side || w.clientOrderId.empty()) return bad(fmt::format("slot {}: an order has no id or side", slot.symbol));
      w.side = *side;
      slot.orders.push_back(std::move(w));
    }
    if (slot.symbol.empty()) return bad("a slot has no symbol");
    s.slots.push_back(std::move(slot));
  }
  return s;
}

std::string encodePromotedInstance(const PromotedInstance& p) {
  QJsonObject o;
  o.insert(QLatin1String("v"), PromotedInstance::kVersion);
  o.insert(QLatin1String("strategy"), qs(p.strategy));
  writeSymbols(o, p.symbols);
  o.insert(QLatin1String("mode"), qs(p.mode));
  o.insert(QLatin1String("origin"), qs(p.origin));
  o.insert(QLatin1String("promoted_ts"), qint64(p.promotedTs));
  return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

Result<PromotedInstance> decodePromotedInstance(std::string_view stateJson, std::string_view paramsJson) {
  auto parsed = parseVersioned(stateJson, PromotedInstance::kVersion);
  if (!parsed) return parsed.error();
  const QJsonObject o = std::move(parsed).value();
  contract::JsonReader r{o, {}};
  PromotedInstance p;
  p.strategy = r.text("strategy");
  p.mode = r.text("mode", false);
  p.origin = r.text("origin", false);
  p.promotedTs = r.integer("promoted_ts", false);
  if (Status st = r.status("promoted instance"); !st.ok()) return st.error();
  if (p.strategy.empty()) return bad("a promoted instance has no strategy");
  if (Status st = readSymbols(o, p.symbols); !st.ok()) return st.error();
  if (p.symbols.empty()) return bad("a promoted instance has no symbol");
  auto params = parseObject(paramsJson);
  if (!params) return params.error();
  for (auto it = params->begin(); it != params->end(); ++it) {
    if (!it.value().isDouble()) return bad(fmt::format("parameter {} is not a number", it.key().toStdString()));
    p.params.emplace_back(it.key().toStdString(), it.value().toDouble());
  }
  return p;
}

}  // namespace meridian::live
