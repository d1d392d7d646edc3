#include "core/common/RateLimitHeaders.h"

#include <algorithm>

namespace meridian::common {
namespace {

std::optional<std::int64_t> number(const QByteArray& v) {
  bool ok = false;
  const qlonglong n = v.trimmed().toLongLong(&ok);
  if (!ok || n < 0) return std::nullopt;
  return std::int64_t(n);
}

}  // namespace

RateLimitHeaders RateLimitHeaders::parse(const QByteArray& limit, const QByteArray& remaining,
                                         const QByteArray& reset) {
  return {number(limit), number(remaining), number(reset)};
}

std::optional<std::chrono::milliseconds> RateLimitHeaders::untilReset(std::int64_t nowEpochMs) const {
  if (!resetEpochSeconds) return std::nullopt;
  return std::chrono::milliseconds(std::max<std::int64_t>(0, *resetEpochSeconds * 1000 - nowEpochMs));
}

std::chrono::milliseconds RateLimitHeaders::paceDelay(std::int64_t nowEpochMs) const {
  const auto left = untilReset(nowEpochMs);
  if (!remaining || !left || left->count() == 0) return std::chrono::milliseconds(0);
  if (*remaining == 0) return *left;
  const std::int64_t window = limit.value_or(0);
  if (window > 0 && *remaining * 10 >= window) return std::chrono::milliseconds(0);
  return std::chrono::milliseconds(left->count() / (*remaining + 1));
}

}  // namespace meridian::common
