#pragma once
// Synchronous HTTP GET for the provider adapters: QNetworkAccessManager driven by a local QEventLoop on the
// calling (worker) thread, with timeouts, a shared token-bucket RateLimiter, and retries with exponential backoff
// plus jitter on 429 / 5xx / transport failures, honouring Retry-After.
//
// - get() returns the final HttpResponse for ANY status once retries are exhausted or the status is not
//   retryable; the adapter turns non-2xx into a vendor Error (statusError) using the vendor's error JSON.
//   Transport failures that outlive the retries give Error "http.timeout" / "http.network" / "http.protocol".
// - Retry delay: Retry-After (delta-seconds or HTTP-date) when present; for a 429 without it, until
//   X-RateLimit-Reset (Alpaca, common/RateLimitHeaders.h); else min(backoffMax, base * 2^(n-1)),
//   half fixed + half random (jitter). A Retry-After longer than maxRetryAfter is not waited for.
// - Pacing: X-RateLimit-Remaining/-Reset of the last response hold the next request once fewer than a tenth of
//   the window remain (until the reset when none remain; at most maxRetryAfter).
// - URLs are logged through common::redact() and errors name only the path, so API keys in query strings never
//   reach logs or messages.
// - Not thread-safe; use from one thread at a time. The QNetworkAccessManager is created on first use in the
//   calling thread (recreated if the thread changes) and released by reset() or the destructor, so call
//   reset() on the thread that made the requests when done (the adapters do this after each fetch).
#include "core/common/Clock.h"
#include "core/common/Result.h"
#include "core/common/RateLimitHeaders.h"
#include "core/marketdata/RateLimiter.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QUrl>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>

class QNetworkAccessManager;
class QThread;

namespace meridian::marketdata {

using HttpHeaders = QList<QPair<QByteArray, QByteArray>>;

struct HttpResponse {
  int status = 0;
  QByteArray reason;    // HTTP reason phrase, e.g. "Forbidden"
  QByteArray body;
  HttpHeaders headers;
  int attempts = 1;     // requests made, including retries
  bool ok() const { return status >= 200 && status < 300; }
  QByteArray header(const QByteArray& name) const;  // case-insensitive; empty when absent
};

struct HttpOptions {
  std::chrono::milliseconds timeout{20'000};          // per attempt (QNetworkRequest transfer timeout)
  int maxAttempts = 5;                                // 1 = no retries
  std::chrono::milliseconds backoffBase{500};
  std::chrono::milliseconds backoffMax{30'000};
  std::chrono::milliseconds maxRetryAfter{120'000};   // longer Retry-After values are not waited for
  QByteArray userAgent = QByteArray("Meridian/") + MERIDIAN_VERSION;
  std::uint64_t jitterSeed = 0;                       // 0 = random seed
  // Wall time for rate-limit windows and Retry-After dates; outlives the client (the Kernel's clock).
  const common::IClock* clock = &common::systemClock();
};

class HttpClient {
 public:
  HttpClient(std::string vendor, HttpOptions options = {}, std::shared_ptr<RateLimiter> limiter = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Result<HttpResponse> get(const QUrl& url, const HttpHeaders& headers = {});
  // Releases the network manager (and its connection cache). Call on the thread that used the client.
  void reset();

  const std::string& vendor() const { return m_vendor; }
  const HttpOptions& options() const { return m_options; }
  std::uint64_t requestsSent() const { return m_requests; }

  // "<vendor>: <status> <reason>: <vendorMessage>" with code "http.<status>".
  Error statusError(const HttpResponse& r, std::string_view vendorMessage) const;
  // The body as a JSON object, or Error "parse" naming `what` (never the query string).
  Result<QJsonObject> parseJsonObject(const HttpResponse& r, std::string_view what) const;

  // Retry-After as a delay: delta-seconds or an HTTP-date relative to now. nullopt when absent or invalid.
  static std::optional<std::chrono::milliseconds> retryAfter(const HttpResponse& r, const QDateTime& now);
  static bool isRetryableStatus(int status) { return status == 429 || (status >= 500 && status <= 599); }
  // Path of the URL for messages (no query string, so no credentials).
  static std::string describe(const QUrl& url);

 private:
  struct Attempt;
  Attempt once(const QUrl& url, const HttpHeaders& headers);
  std::chrono::milliseconds backoff(int attempt);
  std::int64_t nowMs() const { return m_options.clock->now() / 1'000'000; }
  void ensureManager();

  std::string m_vendor;
  HttpOptions m_options;
  std::shared_ptr<RateLimiter> m_limiter;
  std::unique_ptr<QNetworkAccessManager> m_nam;
  QThread* m_namThread = nullptr;
  std::mt19937_64 m_rng;
  std::uint64_t m_requests = 0;
  common::RateLimitHeaders m_rateHeaders;  // the vendor's X-RateLimit-* of the last response (pacing)
};

// base + "/" + path (no double slashes), keeping base's scheme, host and port; path segments must already be
// percent-encoded where needed (see encodeSegment).
QUrl joinUrl(const QUrl& base, const QString& path);
// Percent-encodes one path segment (e.g. a symbol such as "BRK.B" or "^GSPC").
QString encodeSegment(const QString& segment);
// The first `max` bytes of a non-JSON error body, whitespace collapsed, for error messages.
std::string bodySnippet(const QByteArray& body, std::size_t max = 200);

}  // namespace meridian::marketdata
