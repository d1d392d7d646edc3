#include "core/storage/redis/RedisCache.h"

#include "core/storage/Records.h"

#include <hiredis/hiredis.h>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>

namespace meridian::storage {
namespace {

template <class T>
bool parseNumber(const std::string& s, T& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

struct RedisCache::Reply {
  redisReply* r = nullptr;
  ~Reply() {
    if (r) freeReplyObject(r);
  }
};

RedisCache::RedisCache(std::string url, RedisOptions options)
    : m_endpoint(parseRedisUrl(url)), m_options(options) {}

RedisCache::~RedisCache() {
  std::lock_guard lock(m_mutex);
  dropConnection();
}

bool RedisCache::isConnected() const {
  std::lock_guard lock(m_mutex);
  return m_ctx != nullptr;
}

std::string RedisCache::redactedUrl() const { return m_endpoint.ok() ? m_endpoint->redacted : std::string("<invalid>"); }

void RedisCache::dropConnection() {
  if (m_ctx) redisFree(m_ctx);
  m_ctx = nullptr;
}

Status RedisCache::ensureConnected() {
  if (!m_endpoint.ok()) return m_endpoint.error();
  if (m_ctx) return {};
  const auto now = std::chrono::steady_clock::now();
  if (now < m_nextAttempt) {
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(m_nextAttempt - now);
    return makeError(errc::kRedisUnavailable,
                     fmt::format("{} (next retry in {} ms)", m_lastError, wait.count()));
  }
  auto c = connectRedis(*m_endpoint, m_options);
  if (!c.ok()) {
    m_backoff = m_backoff.count() == 0 ? m_options.backoffInitial : std::min(m_backoff * 2, m_options.backoffMax);
    m_nextAttempt = std::chrono::steady_clock::now() + m_backoff;
    m_lastError = c.error().message;
    return c.error();
  }
  m_ctx = *c;
  m_backoff = std::chrono::milliseconds{0};
  m_nextAttempt = {};
  return {};
}

Result<std::shared_ptr<RedisCache::Reply>> RedisCache::command(const std::vector<std::string>& args) {
  std::lock_guard lock(m_mutex);
  if (auto s = ensureConnected(); !s.ok()) return s.error();
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  auto reply = std::make_shared<Reply>();
  reply->r = static_cast<redisReply*>(redisCommandArgv(m_ctx, int(argv.size()), argv.data(), lens.data()));
  if (reply->r == nullptr) {
    // I/O error or timeout: the context is unusable. Reconnect on the next call.
    auto e = makeError(errc::kRedisUnavailable,
                       fmt::format("redis: {} on {} failed: {}", args.front(), m_endpoint->redacted, m_ctx->errstr));
    dropConnection();
    return e;
  }
  if (reply->r->type == REDIS_REPLY_ERROR)
    return makeError(errc::kRedis, fmt::format("redis: {} rejected: {}", args.front(),
                                               std::string(reply->r->str, reply->r->len)));
  return reply;
}

Status RedisCache::ping() {
  auto r = command({"PING"});
  if (!r.ok()) return r.error();
  return {};
}

Status RedisCache::setLatestQuote(const domain::Quote& q, domain::Timestamp updatedTs) {
  if (q.symbol.empty()) return makeError(errc::kInvalid, "redis: quote symbol must not be empty");
  auto r = command({"HSET", quoteKey(q.symbol), "bid", fmt::format("{}", q.bid), "ask", fmt::format("{}", q.ask),
                    "bid_size", fmt::format("{}", q.bidSize), "ask_size", fmt::format("{}", q.askSize), "last",
                    fmt::format("{}", q.last), "last_size", fmt::format("{}", q.lastSize), "ts",
                    fmt::format("{}", q.ts), "updated_ts", fmt::format("{}", updatedTs)});
  if (!r.ok()) return r.error();
  return {};
}

Result<std::optional<domain::Quote>> RedisCache::getLatestQuote(std::string_view symbol) {
  auto r = command({"HGETALL", quoteKey(symbol)});
  if (!r.ok()) return r.error();
  const redisReply* reply = (*r)->r;
  if (reply->type != REDIS_REPLY_ARRAY)
    return makeError(errc::kRedis, fmt::format("redis: HGETALL {}: unexpected reply type {}", symbol, reply->type));
  if (reply->elements == 0) return std::optional<domain::Quote>{};
  std::map<std::string, std::string> fields;
  for (size_t i = 0; i + 1 < reply->elements; i += 2) {
    const auto* k = reply->element[i];
    const auto* v = reply->element[i + 1];
    if (k->type == REDIS_REPLY_STRING && v->type == REDIS_REPLY_STRING)
      fields.emplace(std::string(k->str, k->len), std::string(v->str, v->len));
  }
  domain::Quote q;
  q.symbol = std::string(symbol);
  bool ok = true;
  auto real = [&](const char* name, double& out) {
    if (auto it = fields.find(name); it != fields.end()) ok = parseNumber(it->second, out) && ok;
  };
  real("bid", q.bid);
  real("ask", q.ask);
  real("bid_size", q.bidSize);
  real("ask_size", q.askSize);
  real("last", q.last);
  real("last_size", q.lastSize);
  if (auto it = fields.find("ts"); it != fields.end()) ok = parseNumber(it->second, q.ts) && ok;
  if (!ok) return makeError(errc::kDecode, fmt::format("redis: {} holds a malformed quote", quoteKey(symbol)));
  return std::optional<domain::Quote>(std::move(q));
}

Result<std::int64_t> RedisCache::publish(std::string_view channel, std::string_view payload) {
  auto r = command({"PUBLISH", std::string(channel), std::string(payload)});
  if (!r.ok()) return r.error();
  return std::int64_t((*r)->r->integer);
}

Status RedisCache::setValue(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) {
  std::vector<std::string> args{"SET", std::string(key), std::string(value)};
  if (ttl.count() > 0) {
    args.emplace_back("PX");
    args.push_back(std::to_string(ttl.count()));
  }
  auto r = command(args);
  if (!r.ok()) return r.error();
  return {};
}

Result<std::optional<std::string>> RedisCache::getValue(std::string_view key) {
  auto r = command({"GET", std::string(key)});
  if (!r.ok()) return r.error();
  const redisReply* reply = (*r)->r;
  if (reply->type == REDIS_REPLY_NIL) return std::optional<std::string>{};
  if (reply->type != REDIS_REPLY_STRING)
    return makeError(errc::kRedis, fmt::format("redis: GET {}: unexpected reply type {}", key, reply->type));
  return std::optional<std::string>(std::string(reply->str, reply->len));
}

Status RedisCache::hashSet(std::string_view key, std::string_view field, std::string_view value) {
  auto r = command({"HSET", std::string(key), std::string(field), std::string(value)});
  if (!r.ok()) return r.error();
  return {};
}

Status RedisCache::hashDelete(std::string_view key, std::string_view field) {
  auto r = command({"HDEL", std::string(key), std::string(field)});
  if (!r.ok()) return r.error();
  return {};
}

Result<std::vector<std::pair<std::string, std::string>>> RedisCache::hashGetAll(std::string_view key) {
  auto r = command({"HGETALL", std::string(key)});
  if (!r.ok()) return r.error();
  const redisReply* reply = (*r)->r;
  if (reply->type != REDIS_REPLY_ARRAY)
    return makeError(errc::kRedis, fmt::format("redis: HGETALL {}: unexpected reply type {}", key, reply->type));
  std::vector<std::pair<std::string, std::string>> out;
  out.reserve(reply->elements / 2);
  for (size_t i = 0; i + 1 < reply->elements; i += 2) {
    const auto* k = reply->element[i];
    const auto* v = reply->element[i + 1];
    if (k->type == REDIS_REPLY_STRING && v->type == REDIS_REPLY_STRING)
      out.emplace_back(std::string(k->str, k->len), std::string(v->str, v->len));
  }
  return out;
}

Status RedisCache::deleteKey(std::string_view key) {
  auto r = command({"DEL", std::string(key)});
  if (!r.ok()) return r.error();
  return {};
}

}  // namespace meridian::storage
