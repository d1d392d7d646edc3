#include "core/marketdata/polygon/PolygonProvider.h"

#include "core/common/Redact.h"
#include "core/marketdata/VendorBarFields.h"
#include "core/time/TimeZones.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>
#include <QUrlQuery>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace meridian::marketdata {
namespace {

constexpr const char* kVendor = "polygon";

Error parseError(const std::string& what) { return makeError("parse", fmt::format("polygon: malformed {}", what)); }

const char* spanOf(Timeframe tf) {
  switch (tf) {
    case Timeframe::Minute1:
    case Timeframe::Minute5:
    case Timeframe::Minute15: return "minute";
    case Timeframe::Hour1: return "hour";
    case Timeframe::Day1: return "day";
  }
  return "day";
}

// Bars per request unit: 5m = range/5/minute, 15m = range/15/minute (Polygon aligns them to clock minutes, so
// to the 09:30 open), else 1.
int multiplierOf(Timeframe tf) {
  if (tf == Timeframe::Minute5) return 5;
  if (tf == Timeframe::Minute15) return 15;
  return 1;
}

std::string exchangeFromMic(const QString& mic) {
  if (mic == "XNAS") return "NASDAQ";
  if (mic == "XNYS") return "NYSE";
  if (mic == "ARCX") return "NYSEARCA";
  if (mic == "XASE") return "NYSEAMERICAN";
  if (mic == "BATS") return "CBOE";
  return mic.toStdString();
}

std::optional<double> optNumber(const QJsonObject& o, const char* key) {
  const QJsonValue v = o.value(QLatin1String(key));
  if (!v.isDouble()) return std::nullopt;
  return v.toDouble();
}

}  // namespace

PolygonProvider::PolygonProvider(Options options)
    : m_options(std::move(options)),
      m_http(kVendor, m_options.http,
             m_options.limiter ? m_options.limiter : RateLimiter::perMinute(m_options.ratePerMinute, m_options.burst)) {
  common::registerSecret(m_options.apiKey);
}

std::string PolygonProvider::vendorMessage(const QByteArray& body) {
  const QJsonDocument doc = QJsonDocument::fromJson(body);
  if (!doc.isObject()) return {};
  const QJsonObject o = doc.object();
  const QString status = o.value("status").toString();
  QString msg = o.value("message").toString();
  if (msg.isEmpty()) msg = o.value("error").toString();
  QString out = status;
  if (!msg.isEmpty()) out += (out.isEmpty() ? "" : ": ") + msg;
  const QString rid = o.value("request_id").toString();
  if (!rid.isEmpty()) out += " (request_id " + rid + ")";
  return out.toStdString();
}

QUrl PolygonProvider::withKey(QUrl url) const {
  QUrlQuery q(url);
  q.removeAllQueryItems("apiKey");
  q.addQueryItem("apiKey", QString::fromStdString(m_options.apiKey));
  url.setQuery(q);
  return url;
}

Result<QJsonObject> PolygonProvider::getJson(const QUrl& url, const std::string& what) {
  auto resp = m_http.get(url);
  if (!resp) return resp.error();
  if (!resp->ok()) {
    std::string msg = vendorMessage(resp->body);
    if (msg.empty()) msg = bodySnippet(resp->body);
    return m_http.statusError(*resp, msg);
  }
  auto obj = m_http.parseJsonObject(*resp, what);
  if (!obj) return obj.error();
  const QString status = obj->value("status").toString();
  if (status == "ERROR" || status == "NOT_AUTHORIZED" || status == "NOT_FOUND")
    return makeError("vendor", common::redact(fmt::format("polygon: {}", vendorMessage(resp->body))));
  return obj;
}

Result<std::vector<domain::Bar>> PolygonProvider::fetchBars(std::string_view symbol, Timestamp from, Timestamp to,
                                                            Timeframe tf) {
  struct ResetGuard {
    HttpClient& http;
    ~ResetGuard() { http.reset(); }
  } guard{m_http};
  if (m_options.apiKey.empty())
    return makeError("config", "polygon: no API key configured: set POLYGON_API_KEY (polygon.api_key)");
  std::vector<domain::Bar> out;
  if (from >= to) return out;

  QString fromText, toText;
  if (tf == Timeframe::Day1) {
    const auto [first, last] = dailyDateRange(from, to);
    if (first > last) return out;
    fromText = first.toString(Qt::ISODate);
    toText = last.toString(Qt::ISODate);
  } else {
    const std::int64_t fromMs = (from + domain::kNanosPerMilli - 1) / domain::kNanosPerMilli;  // ceil (from >= 0)
    const std::int64_t toMs = (to + domain::kNanosPerMilli - 1) / domain::kNanosPerMilli - 1;  // inclusive
    fromText = QString::number(fromMs);
    toText = QString::number(toMs);
  }
  const QString sym = QString::fromUtf8(symbol.data(), qsizetype(symbol.size()));
  QUrl url = joinUrl(m_options.baseUrl, QStringLiteral("v2/aggs/ticker/%1/range/%2/%3/%4/%5")
                                            .arg(encodeSegment(sym), QString::number(multiplierOf(tf)),
                                                 QLatin1String(spanOf(tf)), fromText, toText));
  QUrlQuery query;
  query.addQueryItem("adjusted", m_options.adjusted ? "true" : "false");
  query.addQueryItem("sort", "asc");
  query.addQueryItem("limit", QString::number(m_options.limit));
  url.setQuery(query);
  url = withKey(url);

  std::set<QString> seen;
  for (int page = 1;; ++page) {
    if (page > m_options.maxPages)
      return makeError("vendor", fmt::format("polygon: more than {} pages for {}; giving up", m_options.maxPages, symbol));
    const std::string what = fmt::format("aggregates page {} for {}", page, symbol);
    auto obj = getJson(url, what);
    if (!obj) return obj.error();  // all or nothing: earlier pages are dropped

    auto bars = parseAggregates(*obj, tf, what);
    if (!bars) return bars.error();
    for (const domain::Bar& b : *bars)
      if (b.ts >= from && b.ts < to) out.push_back(b);

    const QString next = obj->value("next_url").toString();
    if (next.isEmpty()) break;
    // Re-base onto the configured host so the key never leaves it, then re-attach the key.
    const QUrl nextUrl(next);
    QUrl rebased = joinUrl(m_options.baseUrl, nextUrl.path(QUrl::FullyEncoded));
    rebased.setQuery(nextUrl.query(QUrl::FullyEncoded), QUrl::StrictMode);
    rebased = withKey(rebased);
    if (!seen.insert(rebased.toString()).second)
      return makeError("vendor", fmt::format("polygon: next_url repeats on page {} for {}", page, symbol));
    url = rebased;
  }
  std::stable_sort(out.begin(), out.end(), [](const domain::Bar& a, const domain::Bar& b) { return a.ts < b.ts; });
  return out;
}

Result<Fundamentals> PolygonProvider::fetchFundamentals(std::string_view symbol) {
  struct ResetGuard {
    HttpClient& http;
    ~ResetGuard() { http.reset(); }
  } guard{m_http};
  if (m_options.apiKey.empty())
    return makeError("config", "polygon: no API key configured: set POLYGON_API_KEY (polygon.api_key)");
  const QString sym = QString::fromUtf8(symbol.data(), qsizetype(symbol.size()));
  const QUrl url = withKey(joinUrl(m_options.baseUrl, "v3/reference/tickers/" + encodeSegment(sym)));
  const std::string what = fmt::format("ticker details for {}", symbol);
  auto obj = getJson(url, what);
  if (!obj) return obj.error();
  return parseTickerDetails(*obj, sym, what);
}

Result<std::vector<domain::Bar>> PolygonProvider::parseAggregates(const QJsonObject& page, Timeframe tf,
                                                                  const std::string& what) {
  // Millisecond range whose nanosecond Timestamp fits in int64 (t is a double: a cast outside it would be UB).
  constexpr double kMaxAbsMs = double(std::numeric_limits<Timestamp>::max() / domain::kNanosPerMilli) - 1.0;
  std::vector<domain::Bar> out;
  const QJsonValue resultsV = page.value("results");
  if (!resultsV.isUndefined() && !resultsV.isNull() && !resultsV.isArray())
    return parseError(what + ": results is not an array");
  const QJsonArray results = resultsV.toArray();
  out.reserve(std::size_t(results.size()));
  for (qsizetype i = 0; i < results.size(); ++i) {
    if (!results[i].isObject()) return parseError(fmt::format("{}: results[{}] is not an object", what, i));
    const QJsonObject r = results[i].toObject();
    const char* missing = missingOhlcField(r);
    if (!missing && !r.value("t").isDouble()) missing = "t";
    if (missing) return parseError(fmt::format("{}: results[{}].{} is missing or not a number", what, i, missing));
    const double tMs = r.value("t").toDouble();
    if (!(std::abs(tMs) <= kMaxAbsMs)) return parseError(fmt::format("{}: results[{}].t is out of range", what, i));
    domain::Bar b;
    if (!readOhlcvFields(r, b)) return parseError(fmt::format("{}: results[{}].n is out of range", what, i));
    const Timestamp t = domain::fromMillis(std::int64_t(tMs));
    b.ts = tf == Timeframe::Day1 ? dailyBarTsOf(t) : t;
    out.push_back(b);
  }
  return out;
}

Result<Fundamentals> PolygonProvider::parseTickerDetails(const QJsonObject& body, const QString& sym,
                                                         const std::string& what) {
  const QJsonValue rv = body.value("results");
  if (!rv.isObject()) return parseError(what + ": no results object");
  const QJsonObject r = rv.toObject();

  Fundamentals f;
  const std::string ticker = r.value("ticker").toString(sym).toStdString();
  auto& inst = f.symbol.instrument;
  inst.symbol = ticker;
  inst.name = r.value("name").toString().toStdString();
  inst.exchange = exchangeFromMic(r.value("primary_exchange").toString());
  const QString type = r.value("type").toString().toUpper();
  inst.assetClass = type == "ETF" ? domain::AssetClass::Etf
                    : type == "INDEX" ? domain::AssetClass::Index
                                      : domain::AssetClass::Equity;
  inst.active = r.value("active").toBool(true);
  const QString delisted = r.value("delisted_utc").toString();
  if (!delisted.isEmpty()) {
    const QDateTime dt = QDateTime::fromString(delisted, Qt::ISODateWithMs);
    if (dt.isValid()) f.symbol.delistedTs = time::TimeZones::fromQDateTime(dt);
    inst.active = false;
  }

  f.company.symbol = ticker;
  f.company.name = inst.name;
  f.company.industry = r.value("sic_description").toString().toStdString();
  f.company.country = r.value("locale").toString().toUpper().toStdString();
  f.company.website = r.value("homepage_url").toString().toStdString();
  f.company.description = r.value("description").toString().toStdString();
  const double employees = r.value("total_employees").toDouble(-1.0);
  if (employees >= 0.0 && employees <= 9.0e18) f.company.employees = std::int64_t(employees);

  f.statistics.symbol = ticker;
  f.statistics.marketCap = optNumber(r, "market_cap");
  f.statistics.sharesOutstanding = optNumber(r, "share_class_shares_outstanding");
  if (!f.statistics.sharesOutstanding) f.statistics.sharesOutstanding = optNumber(r, "weighted_shares_outstanding");
  return f;
}

}  // namespace meridian::marketdata
