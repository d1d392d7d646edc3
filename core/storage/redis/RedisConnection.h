#pragma once
// Shared pieces of the Redis adapters (hiredis 0.14, blocking redisContext): URL parsing, options, connect.
// Nothing in Meridian requires Redis: every failure is an Error (errc::kRedisUnavailable), never an exception.
#include "core/common/Result.h"

#include <chrono>
#include <string>
#include <string_view>

struct redisContext;  // hiredis

namespace meridian::storage {

struct RedisOptions {
  std::chrono::milliseconds connectTimeout{200};
  std::chrono::milliseconds commandTimeout{500};
  // After a failed connect, calls fail fast (no network) until the back-off expires; it doubles per
  // consecutive failure up to backoffMax and resets on success.
  std::chrono::milliseconds backoffInitial{250};
  std::chrono::milliseconds backoffMax{10'000};
};

// redis://[[user]:password@]host[:port][/db]  (default port 6379, db 0).
struct RedisEndpoint {
  std::string host;
  int port = 6379;
  std::string user;
  std::string password;
  int db = 0;
  std::string redacted;  // the URL without the password, for messages
};

Result<RedisEndpoint> parseRedisUrl(std::string_view url);

// Connects with options.connectTimeout, sets the command timeout, then AUTH / SELECT as needed.
// Returns an owned context (free with redisFree) or errc::kRedisUnavailable.
Result<redisContext*> connectRedis(const RedisEndpoint& endpoint, const RedisOptions& options);

}  // namespace meridian::storage
