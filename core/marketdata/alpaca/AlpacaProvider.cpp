#include "core/marketdata/alpaca/AlpacaProvider.h"

#include "core/common/Redact.h"
#include "core/marketdata/VendorBarFields.h"
#include "core/time/NyseCalendar.h"
#include "core/time/TimeZones.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>
#include <QUrlQuery>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

namespace meridian::marketdata {
namespace {

constexpr const char* kVendor = "alpaca";

Error parseError(const std::string& what) { return makeError("parse", fmt::format("alpaca: malformed {}", what)); }

const char* timeframeOf(Timeframe tf) {
  switch (tf) {
    case Timeframe::Minute1: return "1Min";
    case Timeframe::Minute5: return "5Min";
    case Timeframe::Minute15: return "15Min";
    case Timeframe::Hour1: return "1Hour";
    case Timeframe::Day1: return "1Day";
  }
  return "1Day";
}

QString rfc3339(Timestamp t) { return time::TimeZones::toUtcDateTime(t).toString(Qt::ISODate); }

// The close of the session of an exchange date (13:00 on early-close days), 16:00 ET on other dates.
Timestamp lastSessionEnd(QDate date) {
  if (auto s = time::NyseCalendar::instance().session(date)) return s->close;
  return time::TimeZones::fromExchange(date, QTime(16, 0));
}

}  // namespace

AlpacaProvider::AlpacaProvider(Options options)
    : m_options(std::move(options)),
      m_http(kVendor, m_options.http,
             m_options.limiter ? m_options.limiter : RateLimiter::perMinute(m_options.ratePerMinute, m_options.burst)) {
  common::registerSecret(m_options.keyId);
  common::registerSecret(m_options.secretKey);
}

std::string AlpacaProvider::vendorMessage(const QByteArray& body) {
  const QJsonDocument doc = QJsonDocument::fromJson(body);
  if (!doc.isObject()) return {};
  const QJsonObject o = doc.object();
  const QString msg = o.value("message").toString();
  const QJsonValue code = o.value("code");
  if (code.isDouble() && !msg.isEmpty() && std::abs(code.toDouble()) < 9.0e18)  // larger: the cast would be UB
    return fmt::format("{} (code {})", msg.toStdString(), qint64(code.toDouble()));
  return msg.toStdString();
}

Result<std::vector<domain::Bar>> AlpacaProvider::fetchBars(std::string_view symbol, Timestamp from, Timestamp to,
                                                           Timeframe tf) {
  struct ResetGuard {
    HttpClient& http;
    ~ResetGuard() { http.reset(); }
  } guard{m_http};
  if (m_options.keyId.empty() || m_options.secretKey.empty())
    return makeError("config",
                     "alpaca: no API credentials configured: set APCA_API_KEY_ID and APCA_API_SECRET_KEY");
  std::vector<domain::Bar> out;
  if (from >= to) return out;

  const QString sym = QString::fromUtf8(symbol.data(), qsizetype(symbol.size()));
  const QUrl base = joinUrl(m_options.baseUrl, "v2/stocks/" + encodeSegment(sym) + "/bars");
  QUrlQuery query;
  query.addQueryItem("timeframe", timeframeOf(tf));
  if (tf == Timeframe::Day1) {
    const auto [first, last] = dailyDateRange(from, to);
    if (first > last) return out;
    query.addQueryItem("start", first.toString(Qt::ISODate));
    // An explicit instant: a bare date would be read as midnight UTC, before Alpaca's daily bar of that date
    // (stamped at midnight New York, 04:00/05:00Z), and the last day would be lost.
    query.addQueryItem("end", rfc3339(lastSessionEnd(last)));
  } else {
    query.addQueryItem("start", rfc3339(from));
    query.addQueryItem("end", rfc3339(to - domain::kNanosPerSecond));
  }
  query.addQueryItem("limit", QString::number(m_options.limit));
  query.addQueryItem("adjustment", m_options.adjusted ? "all" : "raw");
  if (!m_options.feed.empty()) query.addQueryItem("feed", QString::fromStdString(m_options.feed));
  const HttpHeaders headers{{"APCA-API-KEY-ID", QByteArray::fromStdString(m_options.keyId)},
                            {"APCA-API-SECRET-KEY", QByteArray::fromStdString(m_options.secretKey)}};

  std::set<QString> seenTokens;
  QString pageToken;
  for (int page = 1;; ++page) {
    if (page > m_options.maxPages)
      return makeError("vendor", fmt::format("alpaca: more than {} pages for {}; giving up", m_options.maxPages, symbol));
    QUrl url = base;
    QUrlQuery q = query;
    if (!pageToken.isEmpty()) q.addQueryItem("page_token", pageToken);
    url.setQuery(q);
    const std::string what = fmt::format("bars page {} for {}", page, symbol);

    auto resp = m_http.get(url, headers);
    if (!resp) return resp.error();  // all or nothing
    if (!resp->ok()) {
      std::string msg = vendorMessage(resp->body);
      if (msg.empty()) msg = bodySnippet(resp->body);
      return m_http.statusError(*resp, msg);
    }
    auto obj = m_http.parseJsonObject(*resp, what);
    if (!obj) return obj.error();
    auto bars = parseBars(*obj, tf, what);
    if (!bars) return bars.error();
    for (const domain::Bar& b : *bars)
      if (b.ts >= from && b.ts < to) out.push_back(b);
    pageToken = obj->value("next_page_token").toString();
    if (pageToken.isEmpty()) break;
    if (!seenTokens.insert(pageToken).second)
      return makeError("vendor", fmt::format("alpaca: next_page_token repeats on page {} for {}", page, symbol));
  }
  std::stable_sort(out.begin(), out.end(), [](const domain::Bar& a, const domain::Bar& b) { return a.ts < b.ts; });
  return out;
}

Result<std::vector<domain::Bar>> AlpacaProvider::parseBars(const QJsonObject& page, Timeframe tf,
                                                           const std::string& what) {
  std::vector<domain::Bar> out;
  const QJsonValue barsV = page.value("bars");
  if (!barsV.isUndefined() && !barsV.isNull() && !barsV.isArray()) return parseError(what + ": bars is not an array");
  const QJsonArray bars = barsV.toArray();
  out.reserve(std::size_t(bars.size()));
  for (qsizetype i = 0; i < bars.size(); ++i) {
    if (!bars[i].isObject()) return parseError(fmt::format("{}: bars[{}] is not an object", what, i));
    const QJsonObject r = bars[i].toObject();
    if (const char* k = missingOhlcField(r))
      return parseError(fmt::format("{}: bars[{}].{} is missing or not a number", what, i, k));
    const QDateTime t = QDateTime::fromString(r.value("t").toString(), Qt::ISODateWithMs);
    if (!t.isValid()) return parseError(fmt::format("{}: bars[{}].t is not an RFC 3339 time", what, i));
    const Timestamp ts = time::TimeZones::fromQDateTime(t);
    if (ts == time::kInvalidTimestamp) return parseError(fmt::format("{}: bars[{}].t is out of range", what, i));
    domain::Bar b;
    if (!readOhlcvFields(r, b)) return parseError(fmt::format("{}: bars[{}].n is out of range", what, i));
    b.ts = tf == Timeframe::Day1 ? dailyBarTsOf(ts) : ts;
    out.push_back(b);
  }
  return out;
}

}  // namespace meridian::marketdata
