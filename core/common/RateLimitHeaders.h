#pragma once
// The rate-limit headers Alpaca documents on every response of its market data and trading APIs:
// X-RateLimit-Limit (requests per window), X-RateLimit-Remaining (left in this window) and X-RateLimit-Reset (Unix
// epoch seconds when the window resets). Used by marketdata::HttpClient and execution::AlpacaHttp alike:
//  - a 429 without Retry-After waits until the reset;
//  - before a request, pacing spreads the requests left over the time left once fewer than a tenth of the window
//    remain, and waits for the reset when none remain.
#include <QByteArray>

#include <chrono>
#include <cstdint>
#include <optional>

namespace meridian::common {

struct RateLimitHeaders {
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> remaining;
  std::optional<std::int64_t> resetEpochSeconds;

  // From the three header values (empty or malformed values stay nullopt).
  static RateLimitHeaders parse(const QByteArray& limit, const QByteArray& remaining, const QByteArray& reset);
  bool any() const { return limit || remaining || resetEpochSeconds; }
  // Time until the reset (0 when it has passed); nullopt without a reset header.
  std::optional<std::chrono::milliseconds> untilReset(std::int64_t nowEpochMs) const;
  // How long to hold the next request (see above); 0 when there is no reason to wait.
  std::chrono::milliseconds paceDelay(std::int64_t nowEpochMs) const;
};

}  // namespace meridian::common
