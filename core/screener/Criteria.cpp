#include "core/screener/Criteria.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QSet>
#include <QString>

#include <fmt/core.h>

#include <array>
#include <cmath>

namespace meridian::screener {
namespace {

struct ColumnInfo {
  Column column;
  std::string_view key;
  std::string_view title;
  bool descending;
};

constexpr std::array<ColumnInfo, kColumnCount> kColumns{{
    {Column::Symbol, "symbol", "Symbol", false},
    {Column::Sector, "sector", "Sector", false},
    {Column::MarketCap, "market_cap", "Mkt cap", true},
    {Column::Price, "price", "Last", true},
    {Column::Volume, "volume", "Volume", true},
    {Column::AvgVolume, "avg_volume", "Avg vol 20d", true},
    {Column::Change1d, "change_1d", "1d %", true},
    {Column::Change5d, "change_5d", "5d %", true},
    {Column::Change30d, "change_30d", "30d %", true},
    {Column::Volatility, "volatility", "Vol % ann.", false},
    {Column::Rsi, "rsi", "RSI 14", false},
    {Column::VsSma20, "vs_sma20", "vs SMA20 %", true},
    {Column::Cross, "cross", "50/200 cross", true},
    {Column::Macd, "macd_hist", "MACD hist", true},  // the histogram (line - signal), not the MACD line
    {Column::Bollinger, "bollinger", "Boll %B", false},
    {Column::Sma50, "sma50", "SMA50", true},
    {Column::VsSma50, "price_vs_sma50_pct", "vs SMA50 %", true},
    {Column::Sma200, "sma200", "SMA200", true},
    {Column::VsSma200, "price_vs_sma200_pct", "vs SMA200 %", true},
    {Column::High52w, "high_52w", "52w high", true},
    {Column::FromHigh52w, "pct_from_52w_high", "From 52w high %", true},
    {Column::Low52w, "low_52w", "52w low", true},
    {Column::FromLow52w, "pct_from_52w_low", "From 52w low %", true},
    {Column::AvgDollarVolume, "avg_dollar_volume_20d", "Avg $ vol 20d", true},
    {Column::AtrPct, "atr14_pct", "ATR14 %", true},
    {Column::GapPct, "gap_pct", "Gap %", true},
    {Column::RelVolume, "rel_volume_20d", "Rel vol 20d", true},
    {Column::LastDate, "last_date", "Last bar", true},
    {Column::Bars, "bars", "Bars", true},
}};

const ColumnInfo& info(Column c) { return kColumns[static_cast<std::size_t>(c)]; }

Error jsonError(std::string message) { return makeError(kJsonErrorCode, std::move(message)); }
Error invalid(std::string message) { return makeError(kInvalidCriteriaCode, std::move(message)); }

Status checkRange(const Range& r, std::string_view name, bool nonNegative) {
  for (const auto* b : {&r.min, &r.max})
    if (*b && !std::isfinite(**b)) return invalid(fmt::format("{}: bounds must be finite numbers", name));
  if (r.min && r.max && *r.min > *r.max)
    return invalid(fmt::format("{}: min {} is greater than max {}", name, *r.min, *r.max));
  if (nonNegative && ((r.min && *r.min < 0) || (r.max && *r.max < 0)))
    return invalid(fmt::format("{}: bounds cannot be negative", name));
  return {};
}

Status checkMin(const std::optional<double>& v, std::string_view name) {
  if (v && (!std::isfinite(*v) || *v < 0))
    return invalid(fmt::format("{}: must be a finite number >= 0, got {}", name, *v));
  return {};
}

QJsonObject rangeJson(const Range& r) {
  QJsonObject o;
  if (r.min) o.insert("min", *r.min);
  if (r.max) o.insert("max", *r.max);
  return o;
}

// ---- Reading ----------------------------------------------------------------------------------------------------

class Reader {
 public:
  explicit Reader(const QJsonObject& o) : m_o(o) {}

  Status number(const char* key, std::optional<double>& out) {
    m_known.insert(QString::fromLatin1(key));
    const QJsonValue v = m_o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) return {};
    if (!v.isDouble()) return jsonError(fmt::format("'{}' must be a number", key));
    out = v.toDouble();
    return {};
  }
  Status range(const char* key, Range& out) {
    m_known.insert(QString::fromLatin1(key));
    const QJsonValue v = m_o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) return {};
    if (!v.isObject()) return jsonError(fmt::format("'{}' must be an object like {{\"min\": 1, \"max\": 2}}", key));
    const QJsonObject o = v.toObject();
    for (auto it = o.begin(); it != o.end(); ++it)
      if (it.key() != "min" && it.key() != "max")
        return jsonError(fmt::format("'{}': unknown key '{}' (expected min and/or max)", key, it.key().toStdString()));
    for (const char* bound : {"min", "max"}) {
      const QJsonValue b = o.value(QLatin1String(bound));
      if (b.isUndefined() || b.isNull()) continue;
      if (!b.isDouble()) return jsonError(fmt::format("'{}.{}' must be a number", key, bound));
      (bound[1] == 'i' ? out.min : out.max) = b.toDouble();
    }
    return {};
  }
  template <class E>
  Status choice(const char* key, E& out, std::initializer_list<std::pair<const char*, E>> values) {
    m_known.insert(QString::fromLatin1(key));
    const QJsonValue v = m_o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) return {};
    if (!v.isString()) return jsonError(fmt::format("'{}' must be a string", key));
    const QString s = v.toString().trimmed().toLower();
    std::string allowed;
    for (const auto& [name, value] : values) {
      if (s == QLatin1String(name)) {
        out = value;
        return {};
      }
      allowed += allowed.empty() ? name : fmt::format(", {}", name);
    }
    return jsonError(fmt::format("'{}': unknown value '{}' (expected one of {})", key, v.toString().toStdString(), allowed));
  }
  Status count(const char* key, std::size_t& out) {
    m_known.insert(QString::fromLatin1(key));
    const QJsonValue v = m_o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) return {};
    const double d = v.toDouble(-1.0);
    if (!v.isDouble() || d < 0 || d != std::floor(d) || d > 1e9)
      return jsonError(fmt::format("'{}' must be a whole number >= 0", key));
    out = static_cast<std::size_t>(d);
    return {};
  }
  const QJsonObject& object() const { return m_o; }
  void known(const char* key) { m_known.insert(QString::fromLatin1(key)); }
  Status unknownKeys() const {
    for (auto it = m_o.begin(); it != m_o.end(); ++it)
      if (!m_known.contains(it.key())) return jsonError(fmt::format("unknown key '{}'", it.key().toStdString()));
    return {};
  }

 private:
  const QJsonObject& m_o;
  QSet<QString> m_known;
};

}  // namespace

std::string_view columnKey(Column c) { return info(c).key; }
std::string_view columnTitle(Column c) { return info(c).title; }
bool defaultDescending(Column c) { return info(c).descending; }
std::optional<Column> columnFromKey(std::string_view key) {
  if (key == "macd") return Column::Macd;  // the key before it was named for what it holds (saved presets)
  for (const auto& c : kColumns)
    if (c.key == key) return c.column;
  return std::nullopt;
}

std::string_view toString(Sma20Filter f) {
  switch (f) {
    case Sma20Filter::Any: return "any";
    case Sma20Filter::Above: return "above";
    case Sma20Filter::Below: return "below";
  }
  return "any";
}
std::string_view toString(CrossFilter f) {
  switch (f) {
    case CrossFilter::Any: return "any";
    case CrossFilter::Golden: return "golden";
    case CrossFilter::Death: return "death";
  }
  return "any";
}
std::string_view toString(MacdFilter f) {
  switch (f) {
    case MacdFilter::Any: return "any";
    case MacdFilter::Bullish: return "bullish";
    case MacdFilter::Bearish: return "bearish";
  }
  return "any";
}

bool Criteria::empty() const {
  return sectors.empty() && !price.active() && !minVolume && !minAvgVolume && !minMarketCap && !rsi.active() &&
         !change1d.active() && !change5d.active() && !change30d.active() && !maxVolatility &&
         sma20 == Sma20Filter::Any && cross == CrossFilter::Any && macd == MacdFilter::Any && !bollinger.active();
}

Status validate(const Criteria& c) {
  for (const auto& s : c.sectors)
    if (QString::fromStdString(s).trimmed().isEmpty()) return invalid("sectors: empty sector name");
  if (Status s = checkRange(c.price, "price", true); !s) return s;
  if (Status s = checkMin(c.minVolume, "minVolume"); !s) return s;
  if (Status s = checkMin(c.minAvgVolume, "minAvgVolume"); !s) return s;
  if (Status s = checkMin(c.minMarketCap, "minMarketCap"); !s) return s;
  if (Status s = checkRange(c.rsi, "rsi", true); !s) return s;
  if ((c.rsi.min && *c.rsi.min > 100) || (c.rsi.max && *c.rsi.max > 100)) return invalid("rsi: bounds must be within 0..100");
  if (Status s = checkRange(c.change1d, "change1d", false); !s) return s;
  if (Status s = checkRange(c.change5d, "change5d", false); !s) return s;
  if (Status s = checkRange(c.change30d, "change30d", false); !s) return s;
  if (Status s = checkMin(c.maxVolatility, "maxVolatility"); !s) return s;
  if (Status s = checkRange(c.bollinger, "bollinger", false); !s) return s;
  if (c.crossLookback < 1 || c.crossLookback > kMaxCrossLookback)
    return invalid(fmt::format("crossLookback: must be 1..{} bars, got {}", kMaxCrossLookback, c.crossLookback));
  return {};
}

std::string toJson(const Criteria& c) {
  QJsonObject o;
  o.insert("version", 1);
  if (!c.sectors.empty()) {
    QJsonArray a;
    for (const auto& s : c.sectors) a.append(QString::fromStdString(s));
    o.insert("sectors", a);
  }
  auto putRange = [&](const char* key, const Range& r) {
    if (r.active()) o.insert(QLatin1String(key), rangeJson(r));
  };
  auto putNumber = [&](const char* key, const std::optional<double>& v) {
    if (v) o.insert(QLatin1String(key), *v);
  };
  putRange("price", c.price);
  putNumber("minVolume", c.minVolume);
  putNumber("minAvgVolume", c.minAvgVolume);
  putNumber("minMarketCap", c.minMarketCap);
  putRange("rsi", c.rsi);
  putRange("change1d", c.change1d);
  putRange("change5d", c.change5d);
  putRange("change30d", c.change30d);
  putNumber("maxVolatility", c.maxVolatility);
  if (c.sma20 != Sma20Filter::Any) o.insert("sma20", QString::fromLatin1(toString(c.sma20).data()));
  if (c.cross != CrossFilter::Any) o.insert("cross", QString::fromLatin1(toString(c.cross).data()));
  if (c.crossLookback != kDefaultCrossLookback) o.insert("crossLookback", static_cast<double>(c.crossLookback));
  if (c.macd != MacdFilter::Any) o.insert("macd", QString::fromLatin1(toString(c.macd).data()));
  putRange("bollinger", c.bollinger);
  QJsonObject sort;
  sort.insert("by", QString::fromLatin1(columnKey(c.sortBy).data(), qsizetype(columnKey(c.sortBy).size())));
  sort.insert("order", c.descending ? "desc" : "asc");
  o.insert("sort", sort);
  if (c.limit) o.insert("limit", static_cast<double>(c.limit));
  return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

Result<Criteria> criteriaFromJson(std::string_view json) {
  QJsonParseError err{};
  const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json.data(), qsizetype(json.size())), &err);
  if (err.error != QJsonParseError::NoError)
    return jsonError(fmt::format("malformed JSON at offset {}: {}", err.offset, err.errorString().toStdString()));
  if (!doc.isObject()) return jsonError("screener criteria must be a JSON object");
  const QJsonObject o = doc.object();
  Reader r(o);
  Criteria c;
  r.known("version");
  if (const QJsonValue v = o.value("version"); !v.isUndefined() && v.toInt(-1) != 1)
    return jsonError("unsupported criteria version (this build reads version 1)");

  r.known("sectors");
  if (const QJsonValue v = o.value("sectors"); !v.isUndefined() && !v.isNull()) {
    if (!v.isArray()) return jsonError("'sectors' must be an array of strings");
    for (const QJsonValue& s : v.toArray()) {
      if (!s.isString()) return jsonError("'sectors' must be an array of strings");
      c.sectors.push_back(s.toString().trimmed().toStdString());
    }
  }
  Status s;
  if (!(s = r.range("price", c.price))) return s.error();
  if (!(s = r.number("minVolume", c.minVolume))) return s.error();
  if (!(s = r.number("minAvgVolume", c.minAvgVolume))) return s.error();
  if (!(s = r.number("minMarketCap", c.minMarketCap))) return s.error();
  if (!(s = r.range("rsi", c.rsi))) return s.error();
  if (!(s = r.range("change1d", c.change1d))) return s.error();
  if (!(s = r.range("change5d", c.change5d))) return s.error();
  if (!(s = r.range("change30d", c.change30d))) return s.error();
  if (!(s = r.number("maxVolatility", c.maxVolatility))) return s.error();
  if (!(s = r.choice<Sma20Filter>("sma20", c.sma20,
                                  {{"any", Sma20Filter::Any}, {"above", Sma20Filter::Above}, {"below", Sma20Filter::Below}})))
    return s.error();
  if (!(s = r.choice<CrossFilter>("cross", c.cross,
                                  {{"any", CrossFilter::Any}, {"golden", CrossFilter::Golden}, {"death", CrossFilter::Death}})))
    return s.error();
  if (!(s = r.count("crossLookback", c.crossLookback))) return s.error();
  if (!(s = r.choice<MacdFilter>("macd", c.macd,
                                 {{"any", MacdFilter::Any}, {"bullish", MacdFilter::Bullish}, {"bearish", MacdFilter::Bearish}})))
    return s.error();
  if (!(s = r.range("bollinger", c.bollinger))) return s.error();
  if (!(s = r.count("limit", c.limit))) return s.error();

  r.known("sort");
  if (const QJsonValue v = o.value("sort"); !v.isUndefined() && !v.isNull()) {
    if (!v.isObject()) return jsonError("'sort' must be an object like {\"by\": \"rsi\", \"order\": \"asc\"}");
    const QJsonObject so = v.toObject();
    for (auto it = so.begin(); it != so.end(); ++it)
      if (it.key() != "by" && it.key() != "order")
        return jsonError(fmt::format("'sort': unknown key '{}' (expected by and/or order)", it.key().toStdString()));
    if (const QJsonValue by = so.value("by"); !by.isUndefined()) {
      const auto col = by.isString() ? columnFromKey(by.toString().trimmed().toLower().toStdString()) : std::nullopt;
      if (!col) {
        std::string keys;
        for (int i = 0; i < kColumnCount; ++i)
          keys += fmt::format("{}{}", i ? ", " : "", columnKey(static_cast<Column>(i)));
        return jsonError(fmt::format("'sort.by': unknown column '{}' (expected one of {})",
                                     by.toVariant().toString().toStdString(), keys));
      }
      c.sortBy = *col;
      c.descending = defaultDescending(*col);
    }
    if (const QJsonValue order = so.value("order"); !order.isUndefined()) {
      const QString ord = order.toString().trimmed().toLower();
      if (ord == "asc") c.descending = false;
      else if (ord == "desc") c.descending = true;
      else return jsonError("'sort.order' must be \"asc\" or \"desc\"");
    }
  }
  if (!(s = r.unknownKeys())) return s.error();
  if (Status v = validate(c); !v) return v.error();
  return c;
}

}  // namespace meridian::screener
