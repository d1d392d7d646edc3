#include "core/marketdata/yahoo/YahooProvider.h"

#include "core/time/TimeZones.h"

#include <QJsonArray>
#include <QJsonValue>
#include <QTimeZone>
#include <QUrlQuery>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace meridian::marketdata {
namespace {

constexpr const char* kVendor = "yahoo";

Error parseError(const std::string& what) { return makeError("parse", fmt::format("yahoo: malformed chart: {}", what)); }

const char* intervalOf(Timeframe tf) {
  switch (tf) {
    case Timeframe::Minute1: return "1m";
    case Timeframe::Minute5: return "5m";
    case Timeframe::Minute15: return "15m";
    case Timeframe::Hour1: return "1h";
    case Timeframe::Day1: return "1d";
  }
  return "1d";
}

Timestamp windowOf(Timeframe tf) {
  switch (tf) {
    case Timeframe::Minute1: return 7 * domain::kNanosPerDay;
    // Yahoo serves 2m..90m intervals for the last 60 days only, and at most 60 days per request.
    case Timeframe::Minute5:
    case Timeframe::Minute15: return 60 * domain::kNanosPerDay;
    case Timeframe::Hour1: return 180 * domain::kNanosPerDay;
    case Timeframe::Day1: return 0;  // one request
  }
  return 0;
}

// chart.error -> "code: description"
std::string chartErrorText(const QJsonObject& root) {
  const QJsonObject err = root.value("chart").toObject().value("error").toObject();
  if (err.isEmpty()) return {};
  const QString code = err.value("code").toString();
  const QString desc = err.value("description").toString();
  if (code.isEmpty()) return desc.toStdString();
  if (desc.isEmpty()) return code.toStdString();
  return (code + ": " + desc).toStdString();
}

// A numeric array of exactly n entries (null allowed) or an error.
Result<QJsonArray> numericArray(const QJsonObject& obj, const char* key, qsizetype n, const char* where,
                                bool required) {
  const QJsonValue v = obj.value(QLatin1String(key));
  if (v.isUndefined() || v.isNull()) {
    if (required) return parseError(fmt::format("{}.{} is missing", where, key));
    return QJsonArray{};
  }
  if (!v.isArray()) return parseError(fmt::format("{}.{} is not an array", where, key));
  QJsonArray a = v.toArray();
  if (a.size() != n)
    return parseError(fmt::format("{}.{} has {} entries for {} timestamps", where, key, a.size(), n));
  for (qsizetype i = 0; i < a.size(); ++i)
    if (!a[i].isNull() && !a[i].isDouble())
      return parseError(fmt::format("{}.{}[{}] is not a number", where, key, i));
  return a;
}

}  // namespace

HttpOptions YahooProvider::defaultHttpOptions() {
  HttpOptions o;
  o.userAgent = QByteArray("Mozilla/5.0 (X11; Linux x86_64) Meridian/") + MERIDIAN_VERSION;
  return o;
}

YahooProvider::YahooProvider() : YahooProvider(Options{}) {}

YahooProvider::YahooProvider(Options options)
    : m_options(std::move(options)),
      m_http(kVendor, m_options.http,
             m_options.limiter ? m_options.limiter : RateLimiter::perMinute(m_options.ratePerMinute, m_options.burst)) {}

Result<std::vector<domain::Bar>> YahooProvider::parseChart(const QJsonObject& root, Timeframe tf, bool adjusted) {
  const QJsonValue chartV = root.value("chart");
  if (!chartV.isObject()) return parseError("no \"chart\" object");
  const QJsonObject chart = chartV.toObject();
  const std::string err = chartErrorText(root);
  const QJsonValue resultV = chart.value("result");
  if (!resultV.isArray() || resultV.toArray().isEmpty()) {
    if (!err.empty()) return makeError("vendor", fmt::format("yahoo: {}", err));
    if (resultV.isNull() || resultV.isUndefined()) return parseError("no \"result\" and no \"error\"");
    return std::vector<domain::Bar>{};
  }
  const QJsonObject r0 = resultV.toArray().first().toObject();
  const QJsonValue tsV = r0.value("timestamp");
  if (tsV.isUndefined() || tsV.isNull()) return std::vector<domain::Bar>{};  // no bars in the range
  if (!tsV.isArray()) return parseError("timestamp is not an array");
  const QJsonArray ts = tsV.toArray();
  const qsizetype n = ts.size();

  const QJsonObject indicators = r0.value("indicators").toObject();
  const QJsonArray quotes = indicators.value("quote").toArray();
  if (quotes.isEmpty() || !quotes.first().isObject()) return parseError("indicators.quote is missing");
  const QJsonObject q = quotes.first().toObject();
  auto open = numericArray(q, "open", n, "quote", true);
  if (!open) return open.error();
  auto high = numericArray(q, "high", n, "quote", true);
  if (!high) return high.error();
  auto low = numericArray(q, "low", n, "quote", true);
  if (!low) return low.error();
  auto close = numericArray(q, "close", n, "quote", true);
  if (!close) return close.error();
  auto volume = numericArray(q, "volume", n, "quote", false);
  if (!volume) return volume.error();
  QJsonArray adj;
  const bool useAdj = adjusted && tf == Timeframe::Day1;
  if (useAdj) {
    const QJsonArray adjs = indicators.value("adjclose").toArray();
    if (adjs.isEmpty()) return parseError("adjusted bars requested but indicators.adjclose is missing");
    auto a = numericArray(adjs.first().toObject(), "adjclose", n, "adjclose", true);
    if (!a) return a.error();
    adj = std::move(a).value();
  }

  // Exchange-local calendar date for daily keys (meta.exchangeTimezoneName, else meta.gmtoffset).
  const QJsonObject meta = r0.value("meta").toObject();
  const QByteArray tzName = meta.value("exchangeTimezoneName").toString().toUtf8();
  const QTimeZone zone = tzName.isEmpty() ? QTimeZone() : QTimeZone(tzName);
  const double gmtOffsetSecs = meta.value("gmtoffset").toDouble(0);
  if (!(std::abs(gmtOffsetSecs) <= 86400.0)) return parseError("meta.gmtoffset is out of range");
  const qint64 gmtOffset = qint64(gmtOffsetSecs);

  std::vector<domain::Bar> bars;
  bars.reserve(std::size_t(n));
  for (qsizetype i = 0; i < n; ++i) {
    if (!ts[i].isDouble()) return parseError(fmt::format("timestamp[{}] is not a number", i));
    if (open->at(i).isNull() || high->at(i).isNull() || low->at(i).isNull() || close->at(i).isNull()) continue;
    // Timestamp is int64 nanoseconds (1677..2262): a larger value would overflow (and the cast would be UB).
    const double tsSecs = ts[i].toDouble();
    if (!(std::abs(tsSecs) <= 9.2e9)) return parseError(fmt::format("timestamp[{}] is out of range", i));
    const qint64 secs = qint64(tsSecs);
    domain::Bar b;
    b.open = open->at(i).toDouble();
    b.high = high->at(i).toDouble();
    b.low = low->at(i).toDouble();
    b.close = close->at(i).toDouble();
    b.volume = volume->isEmpty() ? 0.0 : volume->at(i).toDouble(0.0);
    if (useAdj) {
      if (adj[i].isNull()) continue;
      const double factor = b.close != 0.0 ? adj[i].toDouble() / b.close : 1.0;
      b.open *= factor;
      b.high *= factor;
      b.low *= factor;
      b.close = adj[i].toDouble();
    }
    if (tf == Timeframe::Day1) {
      QDate date;
      if (zone.isValid())
        date = QDateTime::fromSecsSinceEpoch(secs, zone).date();
      else
        date = QDateTime::fromSecsSinceEpoch(secs + gmtOffset, QTimeZone::utc()).date();
      b.ts = dailyBarTs(date);
    } else {
      b.ts = domain::fromSeconds(secs);
    }
    bars.push_back(b);
  }
  return bars;
}

std::string YahooProvider::vendorSymbol(std::string_view symbol) {
  std::string out(symbol);
  const std::size_t dot = out.rfind('.');
  // "BRK.B" -> "BRK-B": a one-letter suffix after a dot is a share class, which Yahoo writes with a dash.
  if (dot != std::string::npos && dot > 0 && dot + 2 == out.size() &&
      std::isalpha(static_cast<unsigned char>(out[dot + 1])))
    out[dot] = '-';
  return out;
}

Result<std::vector<domain::Bar>> YahooProvider::fetchWindow(std::string_view symbol, Timestamp from, Timestamp to,
                                                            Timeframe tf) {
  const std::string vendor = vendorSymbol(symbol);
  QUrl url = joinUrl(m_options.baseUrl,
                     "v8/finance/chart/" + encodeSegment(QString::fromUtf8(vendor.data(), qsizetype(vendor.size()))));
  // period1 inclusive, period2 exclusive (seconds): floor / ceil keep [from, to) covered.
  const qint64 p1 = qint64(std::floor(double(from) / 1e9));
  const qint64 p2 = qint64(std::ceil(double(to) / 1e9));
  QUrlQuery query;
  query.addQueryItem("period1", QString::number(p1));
  query.addQueryItem("period2", QString::number(p2));
  query.addQueryItem("interval", intervalOf(tf));
  query.addQueryItem("includeAdjustedClose", "true");
  query.addQueryItem("includePrePost", "false");
  url.setQuery(query);

  auto resp = m_http.get(url);
  if (!resp) return resp.error();
  const std::string what = fmt::format("chart response for {}", symbol);
  if (!resp->ok()) {
    auto parsed = m_http.parseJsonObject(*resp, what);
    std::string vendorMsg = parsed ? chartErrorText(*parsed) : std::string();
    if (vendorMsg.empty()) vendorMsg = bodySnippet(resp->body);
    return m_http.statusError(*resp, vendorMsg);
  }
  auto root = m_http.parseJsonObject(*resp, what);
  if (!root) return root.error();
  return parseChart(*root, tf, m_options.adjusted);
}

Result<std::vector<domain::Bar>> YahooProvider::fetchBars(std::string_view symbol, Timestamp from, Timestamp to,
                                                          Timeframe tf) {
  struct ResetGuard {
    HttpClient& http;
    ~ResetGuard() { http.reset(); }
  } guard{m_http};
  std::vector<domain::Bar> out;
  if (from >= to) return out;
  const Timestamp window = windowOf(tf);
  // Daily: widen by a day on each side so a bar keyed at 09:30 ET is found whatever Yahoo's own stamp is;
  // the range filter below restores [from, to).
  const Timestamp qFrom = tf == Timeframe::Day1 ? from - domain::kNanosPerDay : from;
  const Timestamp qTo = tf == Timeframe::Day1 ? to + domain::kNanosPerDay : to;
  for (Timestamp start = qFrom; start < qTo;) {
    const Timestamp end = window > 0 ? std::min(qTo, start + window) : qTo;
    auto part = fetchWindow(symbol, start, end, tf);
    if (!part) return part.error();  // all or nothing
    // Each window keeps its own slice, so a bar a vendor repeats at a window boundary is taken once.
    const Timestamp lo = std::max(from, start), hi = std::min(to, end);
    for (const auto& b : *part)
      if (b.ts >= lo && b.ts < hi) out.push_back(b);
    start = end;
  }
  std::stable_sort(out.begin(), out.end(), [](const domain::Bar& a, const domain::Bar& b) { return a.ts < b.ts; });
  return out;
}

}  // namespace meridian::marketdata
