#include "core/execution/alpaca/AlpacaHttp.h"

#include "core/common/Logging.h"
#include "core/common/Redact.h"

#include <QDateTime>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QThread>
#include <QTimer>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace meridian::execution {

QByteArray HttpReply::header(const QByteArray& name) const {
  for (const auto& [k, v] : headers)
    if (k.compare(name, Qt::CaseInsensitive) == 0) return v;
  return {};
}

AlpacaHttp::AlpacaHttp(QUrl baseUrl, QByteArray keyId, QByteArray secretKey, AlpacaHttpOptions options)
    : m_base(std::move(baseUrl)), m_keyId(std::move(keyId)), m_secret(std::move(secretKey)), m_options(options) {
  common::registerSecret(m_keyId.toStdString());
  common::registerSecret(m_secret.toStdString());
}

AlpacaHttp::~AlpacaHttp() {
  // The manager belongs to the thread that used it; release it without touching it from another thread.
  if (m_nam && m_namThread != QThread::currentThread()) (void)m_nam.release()->deleteLater();
}

void AlpacaHttp::reset() { m_nam.reset(); }

void AlpacaHttp::ensureManager() {
  if (m_nam && m_namThread == QThread::currentThread()) return;
  if (m_nam) (void)m_nam.release()->deleteLater();
  m_nam = std::make_unique<QNetworkAccessManager>();
  m_namThread = QThread::currentThread();
}

Result<HttpReply> AlpacaHttp::request(const QByteArray& method, const QString& pathAndQuery, const QByteArray& body) {
  ensureManager();
  QString base = m_base.toString();
  while (base.endsWith('/')) base.chop(1);
  const QUrl url(base + pathAndQuery);
  const std::string what = method.toStdString() + " " + url.path().toStdString();
  auto log = common::logger("alpaca");

  for (int attempt = 1;; ++attempt) {
    if (const int pace = int(std::min<std::int64_t>(
            m_rateHeaders.paceDelay(m_options.clock->now() / 1'000'000).count(), m_options.maxRetryAfterMs));
        pace > 0) {
      log->info("alpaca {}: {} of {} requests left in the rate-limit window; waiting {} ms", what,
                m_rateHeaders.remaining.value_or(0), m_rateHeaders.limit.value_or(0), pace);
      std::this_thread::sleep_for(std::chrono::milliseconds(pace));
    }
    QNetworkRequest req(url);
    req.setRawHeader("APCA-API-KEY-ID", m_keyId);
    req.setRawHeader("APCA-API-SECRET-KEY", m_secret);
    req.setRawHeader("Accept", "application/json");
    req.setRawHeader("User-Agent", QByteArray("Meridian/") + MERIDIAN_VERSION);
    if (!body.isEmpty()) req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    req.setTransferTimeout(m_options.timeoutMs);
    QNetworkReply* reply = m_nam->sendCustomRequest(req, method, body);
    ++m_sent;
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished()) loop.exec();

    HttpReply r;
    r.attempts = attempt;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const auto netError = reply->error();
    r.body = reply->readAll();
    for (const auto& h : reply->rawHeaderPairs()) r.headers.append(h);
    reply->deleteLater();

    if (r.status == 0) {
      const bool timeout = netError == QNetworkReply::OperationCanceledError || netError == QNetworkReply::TimeoutError;
      log->warn("alpaca {}: transport failure ({})", what, timeout ? "timeout" : "network");
      return makeError(timeout ? "http.timeout" : "http.network",
                       fmt::format("alpaca: {} failed: {}", what,
                                   timeout ? "timed out" : "cannot reach the server (network error)"));
    }
    const auto limits = common::RateLimitHeaders::parse(r.header("X-RateLimit-Limit"), r.header("X-RateLimit-Remaining"),
                                                        r.header("X-RateLimit-Reset"));
    if (limits.any()) m_rateHeaders = limits;
    const bool retryable = r.status == 429 || (r.status >= 500 && r.status <= 599);
    if (!retryable || attempt >= m_options.maxAttempts) return r;

    int delayMs = std::min(m_options.backoffMaxMs, m_options.backoffBaseMs << std::min(attempt - 1, 10));
    bool ok = false;
    const int retryAfter = r.header("Retry-After").trimmed().toInt(&ok);
    if (ok && retryAfter >= 0) {
      delayMs = std::min(retryAfter * 1000, m_options.maxRetryAfterMs);
    } else if (r.status == 429 && limits.resetEpochSeconds) {  // documented: wait until the window resets
      delayMs = int(std::min<std::int64_t>(limits.untilReset(m_options.clock->now() / 1'000'000)->count(),
                                           m_options.maxRetryAfterMs));
    }
    log->warn("alpaca {}: HTTP {}, retry {} in {} ms", what, r.status, attempt, delayMs);
    std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
  }
}

}  // namespace meridian::execution
