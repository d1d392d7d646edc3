#pragma once
// Redis latest-quote cache and publisher (hiredis 0.14, one blocking connection).
//
// Optional by design: when Redis is absent every call returns errc::kRedisUnavailable ("redis.unavailable")
// within ~connectTimeout (200 ms); after a failed connect, calls fail immediately without touching the network
// until an exponential back-off expires, then one call retries. A connection lost mid-command is re-opened on
// the next call. Thread-safe (calls are serialised by an internal mutex), but meant for the storage thread.
//
// Quote layout: hash md:quote:<SYMBOL> with fields bid ask bid_size ask_size last last_size ts (UTC ns of the
// quote) and updated_ts (UTC ns when it was written). Doubles are written in shortest exact form.
#include "core/common/Result.h"
#include "core/domain/Types.h"
#include "core/storage/redis/RedisConnection.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::storage {

class RedisCache {
 public:
  explicit RedisCache(std::string url, RedisOptions options = {});
  ~RedisCache();
  RedisCache(const RedisCache&) = delete;
  RedisCache& operator=(const RedisCache&) = delete;

  Status ping();
  // The md:quote:<SYM> hash; updatedTs (the writer's clock) says when it was cached.
  Status setLatestQuote(const domain::Quote& quote, domain::Timestamp updatedTs);
  Result<std::optional<domain::Quote>> getLatestQuote(std::string_view symbol);
  // PUBLISH; returns the number of subscribers that received the message.
  Result<std::int64_t> publish(std::string_view channel, std::string_view payload);

  // Plain key/value and hash commands (the process relay keeps its latest-state snapshots with these).
  // ttl = 0: no expiry. get() returns nullopt for a missing key; hashGetAll() an empty list for a missing hash.
  Status setValue(std::string_view key, std::string_view value, std::chrono::milliseconds ttl = {});
  Result<std::optional<std::string>> getValue(std::string_view key);
  Status hashSet(std::string_view key, std::string_view field, std::string_view value);
  Status hashDelete(std::string_view key, std::string_view field);
  Result<std::vector<std::pair<std::string, std::string>>> hashGetAll(std::string_view key);
  Status deleteKey(std::string_view key);

  bool isConnected() const;
  // The URL without its password, for messages and logs.
  std::string redactedUrl() const;
  static std::string quoteKey(std::string_view symbol) { return "md:quote:" + std::string(symbol); }

 private:
  struct Reply;
  Result<std::shared_ptr<Reply>> command(const std::vector<std::string>& args);
  Status ensureConnected();  // m_mutex held
  void dropConnection();     // m_mutex held

  mutable std::mutex m_mutex;
  Result<RedisEndpoint> m_endpoint;
  RedisOptions m_options;
  redisContext* m_ctx = nullptr;
  std::chrono::steady_clock::time_point m_nextAttempt{};
  std::chrono::milliseconds m_backoff{0};
  std::string m_lastError;
};

}  // namespace meridian::storage
