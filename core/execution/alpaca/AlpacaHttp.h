#pragma once
// Synchronous HTTP for the Alpaca trading API: QNetworkAccessManager driven by a local QEventLoop on the calling
// thread, which is AlpacaBroker's worker (never a service thread: DESIGN.md rule 5). GET / POST / PATCH / DELETE with JSON bodies and Alpaca's header auth
// (APCA-API-KEY-ID / APCA-API-SECRET-KEY; both values are registered with common::registerSecret so they never
// reach a log).
// Retries: 429 and 5xx are retried with exponential backoff (Retry-After honoured, capped; a 429 without it waits
// until X-RateLimit-Reset, and X-RateLimit-Remaining paces requests: common/RateLimitHeaders.h); transport failures
// (connection refused, reset, timeout) are NOT retried here and come back as Error "http.network" /
// "http.timeout": the caller decides (an order whose POST failed stays pending and is reconciled later by its
// client order id, so a retry can never double it).
#include "core/common/Clock.h"
#include "core/common/RateLimitHeaders.h"
#include "core/common/Result.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrl>

#include <memory>

class QNetworkAccessManager;
class QThread;

namespace meridian::execution {

struct HttpReply {
  int status = 0;
  QByteArray body;
  QList<QPair<QByteArray, QByteArray>> headers;
  int attempts = 1;
  bool ok() const { return status >= 200 && status < 300; }
  QByteArray header(const QByteArray& name) const;
};

struct AlpacaHttpOptions {
  int timeoutMs = 10'000;
  int maxAttempts = 4;        // for 429 / 5xx
  int backoffBaseMs = 200;
  int backoffMaxMs = 5'000;
  int maxRetryAfterMs = 30'000;
  // Wall time for rate-limit windows and the broker's event times; outlives the adapter (the Kernel's clock).
  const common::IClock* clock = &common::systemClock();
};

class AlpacaHttp {
 public:
  AlpacaHttp(QUrl baseUrl, QByteArray keyId, QByteArray secretKey, AlpacaHttpOptions options = {});
  ~AlpacaHttp();
  AlpacaHttp(const AlpacaHttp&) = delete;
  AlpacaHttp& operator=(const AlpacaHttp&) = delete;

  // pathAndQuery like "/v2/orders?status=open". body: JSON for POST / PATCH (empty otherwise).
  Result<HttpReply> request(const QByteArray& method, const QString& pathAndQuery, const QByteArray& body = {});
  const QUrl& baseUrl() const { return m_base; }
  void setBaseUrl(const QUrl& url) { m_base = url; }
  std::uint64_t requestsSent() const { return m_sent; }
  void reset();  // releases the network manager (call on the thread that used it)

 private:
  void ensureManager();
  QUrl m_base;
  QByteArray m_keyId;
  QByteArray m_secret;
  AlpacaHttpOptions m_options;
  std::unique_ptr<QNetworkAccessManager> m_nam;
  QThread* m_namThread = nullptr;
  std::uint64_t m_sent = 0;
  common::RateLimitHeaders m_rateHeaders;  // X-RateLimit-* of the last response: pacing, and 429 without Retry-After
};

}  // namespace meridian::execution
