#include "core/storage/redis/RedisConnection.h"

#include "core/storage/Records.h"

#include <hiredis/hiredis.h>

#include <fmt/format.h>

#include <charconv>
#include <vector>

namespace meridian::storage {
namespace {

timeval toTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<decltype(tv.tv_sec)>(ms.count() / 1000);
  tv.tv_usec = static_cast<decltype(tv.tv_usec)>((ms.count() % 1000) * 1000);
  return tv;
}

bool parseInt(std::string_view s, int& out) {
  const auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

}  // namespace

Result<RedisEndpoint> parseRedisUrl(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  auto bad = [&](std::string_view why) {
    return makeError(errc::kInvalid, fmt::format("invalid Redis URL (expected redis://[:password@]host[:port][/db]): {}", why));
  };
  if (!url.starts_with(kScheme)) return bad("must start with redis://");
  RedisEndpoint ep;
  std::string_view rest = url.substr(kScheme.size());
  std::string_view path;
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    path = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
  }
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    const auto userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    if (const auto colon = userinfo.find(':'); colon != std::string_view::npos) {
      ep.user = std::string(userinfo.substr(0, colon));
      ep.password = std::string(userinfo.substr(colon + 1));
    } else {
      ep.password = std::string(userinfo);  // redis://secret@host: password only
    }
  }
  if (!rest.empty() && rest.front() == '[') {  // [ipv6]:port
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return bad("unterminated [ipv6] host");
    ep.host = std::string(rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':' || !parseInt(rest.substr(1), ep.port)) return bad("bad port");
    }
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    ep.host = std::string(rest.substr(0, colon));
    if (!parseInt(rest.substr(colon + 1), ep.port)) return bad("bad port");
  } else {
    ep.host = std::string(rest);
  }
  if (ep.host.empty()) return bad("missing host");
  if (ep.port <= 0 || ep.port > 65535) return bad("port out of range");
  if (!path.empty() && !parseInt(path, ep.db)) return bad("bad database number");
  ep.redacted = fmt::format("redis://{}{}:{}/{}", ep.password.empty() ? "" : (ep.user + ":***@"), ep.host, ep.port, ep.db);
  return ep;
}

Result<redisContext*> connectRedis(const RedisEndpoint& ep, const RedisOptions& options) {
  redisContext* c = redisConnectWithTimeout(ep.host.c_str(), ep.port, toTimeval(options.connectTimeout));
  if (c == nullptr) return makeError(errc::kRedisUnavailable, fmt::format("redis: cannot allocate a context for {}", ep.redacted));
  if (c->err != 0) {
    auto e = makeError(errc::kRedisUnavailable, fmt::format("redis: cannot connect to {}: {}", ep.redacted, c->errstr));
    redisFree(c);
    return e;
  }
  redisSetTimeout(c, toTimeval(options.commandTimeout));
  auto command = [&](std::vector<std::string> args, std::string_view what) -> Status {
    std::vector<const char*> argv;
    std::vector<size_t> lens;
    for (const auto& a : args) {
      argv.push_back(a.data());
      lens.push_back(a.size());
    }
    auto* reply = static_cast<redisReply*>(redisCommandArgv(c, int(argv.size()), argv.data(), lens.data()));
    if (reply == nullptr)
      return makeError(errc::kRedisUnavailable, fmt::format("redis: {} on {} failed: {}", what, ep.redacted, c->errstr));
    Status s;
    if (reply->type == REDIS_REPLY_ERROR)
      s = makeError(errc::kRedis, fmt::format("redis: {} on {} rejected: {}", what, ep.redacted,
                                              std::string(reply->str, reply->len)));
    freeReplyObject(reply);
    return s;
  };
  if (!ep.password.empty()) {
    auto s = ep.user.empty() ? command({"AUTH", ep.password}, "AUTH") : command({"AUTH", ep.user, ep.password}, "AUTH");
    if (!s.ok()) {
      redisFree(c);
      return s.error();
    }
  }
  if (ep.db != 0) {
    if (auto s = command({"SELECT", std::to_string(ep.db)}, "SELECT"); !s.ok()) {
      redisFree(c);
      return s.error();
    }
  }
  return c;
}

}  // namespace meridian::storage
