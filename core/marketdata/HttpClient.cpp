#include "core/marketdata/HttpClient.h"

#include "core/common/Logging.h"
#include "core/common/Redact.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QThread>

#include <fmt/format.h>

#include <algorithm>
#include <thread>

namespace meridian::marketdata {
namespace {

std::string text(const QByteArray& b) { return b.toStdString(); }

bool isRetryableTransport(QNetworkReply::NetworkError e) {
  switch (e) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:  // transfer timeout
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyTimeoutError:
      return true;
    default:
      return false;
  }
}

// Errors raised below HTTP (no usable response): 1..199 network/proxy, 301..399 protocol.
bool isTransportError(QNetworkReply::NetworkError e) {
  const int v = int(e);
  return (v >= 1 && v <= 199) || (v >= 301 && v <= 399);
}

}  // namespace

QByteArray HttpResponse::header(const QByteArray& name) const {
  for (const auto& h : headers)
    if (h.first.compare(name, Qt::CaseInsensitive) == 0) return h.second;
  return {};
}

struct HttpClient::Attempt {
  std::optional<HttpResponse> response;
  QNetworkReply::NetworkError error = QNetworkReply::NoError;
  std::string errorText;
};

HttpClient::HttpClient(std::string vendor, HttpOptions options, std::shared_ptr<RateLimiter> limiter)
    : m_vendor(std::move(vendor)),
      m_options(std::move(options)),
      m_limiter(std::move(limiter)),
      m_rng(m_options.jitterSeed != 0 ? m_options.jitterSeed : std::random_device{}()) {}

HttpClient::~HttpClient() { reset(); }

void HttpClient::reset() {
  if (!m_nam) return;
  if (m_namThread == QThread::currentThread())
    m_nam.reset();
  else
    m_nam.release()->deleteLater();  // owned by another thread: let that thread delete it
  m_namThread = nullptr;
}

void HttpClient::ensureManager() {
  if (m_nam && m_namThread == QThread::currentThread()) return;
  reset();
  m_nam = std::make_unique<QNetworkAccessManager>();
  m_nam->setRedirectPolicy(QNetworkRequest::NoLessSafeRedirectPolicy);
  m_namThread = QThread::currentThread();
}

std::string HttpClient::describe(const QUrl& url) {
  return common::redact(url.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::RemoveFragment).toStdString());
}

std::optional<std::chrono::milliseconds> HttpClient::retryAfter(const HttpResponse& r, const QDateTime& now) {
  const QByteArray v = r.header("Retry-After").trimmed();
  if (v.isEmpty()) return std::nullopt;
  bool ok = false;
  const double seconds = v.toDouble(&ok);
  if (ok) {
    if (seconds < 0) return std::nullopt;
    return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000.0));
  }
  QString date = QString::fromLatin1(v);  // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT"
  if (date.endsWith(QLatin1String(" GMT")) || date.endsWith(QLatin1String(" UTC"))) date = date.chopped(4) + " +0000";
  const QDateTime at = QDateTime::fromString(date, Qt::RFC2822Date);
  if (!at.isValid()) return std::nullopt;
  return std::chrono::milliseconds(std::max<qint64>(0, now.msecsTo(at)));
}

std::chrono::milliseconds HttpClient::backoff(int attempt) {
  const auto base = m_options.backoffBase.count();
  std::int64_t d = base;
  for (int i = 1; i < attempt && d < m_options.backoffMax.count(); ++i) d *= 2;
  d = std::min<std::int64_t>(d, m_options.backoffMax.count());
  const std::int64_t half = d / 2;
  std::uniform_int_distribution<std::int64_t> jitter(0, std::max<std::int64_t>(0, d - half));
  return std::chrono::milliseconds(half + jitter(m_rng));
}

HttpClient::Attempt HttpClient::once(const QUrl& url, const HttpHeaders& headers) {
  ensureManager();
  QNetworkRequest req(url);
  req.setTransferTimeout(int(m_options.timeout.count()));
  req.setHeader(QNetworkRequest::UserAgentHeader, m_options.userAgent);
  req.setRawHeader("Accept", "application/json");
  for (const auto& h : headers) req.setRawHeader(h.first, h.second);

  ++m_requests;
  std::unique_ptr<QNetworkReply> reply(m_nam->get(req));
  if (!reply->isFinished()) {
    QEventLoop loop;
    QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec(QEventLoop::ExcludeUserInputEvents);
  }

  Attempt a;
  a.error = reply->error();
  const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
  if (isTransportError(a.error) || !status.isValid()) {
    a.errorText = reply->errorString().toStdString();
    if (a.error == QNetworkReply::NoError) {
      a.error = QNetworkReply::ProtocolFailure;
      a.errorText = "no HTTP status in response";
    }
    return a;
  }
  HttpResponse r;
  r.status = status.toInt();
  r.reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toByteArray();
  r.body = reply->readAll();
  r.headers = reply->rawHeaderPairs();
  a.response = std::move(r);
  return a;
}

Result<HttpResponse> HttpClient::get(const QUrl& url, const HttpHeaders& headers) {
  auto log = common::logger("marketdata");
  const int maxAttempts = std::max(1, m_options.maxAttempts);
  for (int attempt = 1;; ++attempt) {
    if (m_limiter) {
      const auto waited = m_limiter->acquire();
      if (waited > std::chrono::milliseconds(500))
        log->debug("{}: rate limiter held the request {} ms", m_vendor,
                   std::chrono::duration_cast<std::chrono::milliseconds>(waited).count());
    }
    if (const auto pace = std::min(m_rateHeaders.paceDelay(nowMs()),
                                   m_options.maxRetryAfter);
        pace.count() > 0) {
      log->info("{}: {} of {} requests left in the rate-limit window; waiting {} ms", m_vendor,
                m_rateHeaders.remaining.value_or(0), m_rateHeaders.limit.value_or(0), pace.count());
      std::this_thread::sleep_for(pace);
    }
    const common::Stopwatch watch;
    Attempt a = once(url, headers);
    const auto ms = watch.elapsedMs();
    const bool last = attempt >= maxAttempts;

    if (!a.response) {
      const bool timeout = a.error == QNetworkReply::TimeoutError || a.error == QNetworkReply::OperationCanceledError;
      const std::string what = timeout ? fmt::format("timed out after {} ms", m_options.timeout.count()) : a.errorText;
      if (!last && isRetryableTransport(a.error)) {
        const auto delay = backoff(attempt);
        log->warn("{}: GET {} failed ({}); retry {}/{} in {} ms", m_vendor, describe(url), common::redact(what),
                  attempt, maxAttempts - 1, delay.count());
        std::this_thread::sleep_for(delay);
        continue;
      }
      const char* code = timeout ? "http.timeout" : (int(a.error) >= 301 ? "http.protocol" : "http.network");
      return makeError(code, fmt::format("{}: GET {} failed after {} attempt(s): {}", m_vendor, describe(url), attempt,
                                         common::redact(what)));
    }

    HttpResponse& r = *a.response;
    r.attempts = attempt;
    log->debug("{}: GET {} -> {} ({} bytes, {} ms)", m_vendor, common::redact(url.toString().toStdString()), r.status,
               r.body.size(), ms);
    const auto limits = common::RateLimitHeaders::parse(r.header("X-RateLimit-Limit"), r.header("X-RateLimit-Remaining"),
                                                        r.header("X-RateLimit-Reset"));
    if (limits.any()) m_rateHeaders = limits;
    if (!last && isRetryableStatus(r.status)) {
      auto hinted = retryAfter(r, QDateTime::fromMSecsSinceEpoch(nowMs(), Qt::UTC));
      const bool untilReset = !hinted && r.status == 429 && limits.resetEpochSeconds;
      if (untilReset) hinted = limits.untilReset(nowMs());
      if (hinted && *hinted > m_options.maxRetryAfter) {
        log->warn("{}: GET {} -> {}; Retry-After {} s exceeds the {} s limit, giving up", m_vendor, describe(url),
                  r.status, hinted->count() / 1000, m_options.maxRetryAfter.count() / 1000);
        return std::move(r);
      }
      const auto delay = hinted ? *hinted : backoff(attempt);
      log->warn("{}: GET {} -> {} {}; retry {}/{} in {} ms{}", m_vendor, describe(url), r.status, text(r.reason),
                attempt, maxAttempts - 1, delay.count(),
                untilReset ? " (X-RateLimit-Reset)" : hinted ? " (Retry-After)" : "");
      std::this_thread::sleep_for(delay);
      continue;
    }
    return std::move(r);
  }
}

QUrl joinUrl(const QUrl& base, const QString& path) {
  QUrl u = base;
  QString p = base.path(QUrl::FullyEncoded);
  while (p.endsWith('/')) p.chop(1);
  QString rest = path;
  while (rest.startsWith('/')) rest.remove(0, 1);
  u.setPath(p + '/' + rest, QUrl::TolerantMode);
  u.setQuery(QString());
  return u;
}

QString encodeSegment(const QString& segment) { return QString::fromLatin1(QUrl::toPercentEncoding(segment)); }

std::string bodySnippet(const QByteArray& body, std::size_t max) {
  QByteArray s = body.simplified();
  if (std::size_t(s.size()) > max) s = s.left(qsizetype(max)) + "...";
  return s.toStdString();
}

Error HttpClient::statusError(const HttpResponse& r, std::string_view vendorMessage) const {
  std::string msg = fmt::format("{}: {}", m_vendor, r.status);
  if (!r.reason.isEmpty()) msg += " " + text(r.reason);
  if (!vendorMessage.empty()) msg += fmt::format(": {}", vendorMessage);
  if (r.attempts > 1) msg += fmt::format(" (after {} attempts)", r.attempts);
  return makeError(fmt::format("http.{}", r.status), common::redact(msg));
}

Result<QJsonObject> HttpClient::parseJsonObject(const HttpResponse& r, std::string_view what) const {
  QJsonParseError err{};
  const QJsonDocument doc = QJsonDocument::fromJson(r.body, &err);
  if (err.error != QJsonParseError::NoError)
    return makeError("parse", fmt::format("{}: malformed JSON in {} ({} at offset {} of {} bytes)", m_vendor, what,
                                          err.errorString().toStdString(), err.offset, r.body.size()));
  if (!doc.isObject())
    return makeError("parse", fmt::format("{}: malformed JSON in {}: expected an object", m_vendor, what));
  return doc.object();
}

}  // namespace meridian::marketdata
