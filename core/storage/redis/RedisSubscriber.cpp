#include "core/storage/redis/RedisSubscriber.h"

#include "core/storage/Records.h"

#include <hiredis/hiredis.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <poll.h>

namespace meridian::storage {
namespace {

std::string str(const redisReply* r) {
  return (r && (r->type == REDIS_REPLY_STRING || r->type == REDIS_REPLY_STATUS)) ? std::string(r->str, r->len)
                                                                                  : std::string();
}

bool appendCommand(redisContext* c, const std::string& verb, const std::vector<std::string>& names) {
  if (names.empty()) return true;
  std::vector<const char*> argv{verb.c_str()};
  std::vector<size_t> lens{verb.size()};
  for (const auto& n : names) {
    argv.push_back(n.data());
    lens.push_back(n.size());
  }
  return redisAppendCommandArgv(c, int(argv.size()), argv.data(), lens.data()) == REDIS_OK;
}

bool flushOutput(redisContext* c) {
  int done = 0;
  do {
    if (redisBufferWrite(c, &done) != REDIS_OK) return false;
  } while (!done);
  return true;
}

}  // namespace

RedisSubscriber::RedisSubscriber(std::string url, Callback callback, RedisOptions options)
    : m_endpoint(parseRedisUrl(url)), m_callback(std::move(callback)), m_options(options) {}

RedisSubscriber::~RedisSubscriber() { stop(); }

Status RedisSubscriber::start(std::vector<std::string> channels, std::vector<std::string> patterns) {
  if (!m_endpoint.ok()) return m_endpoint.error();
  if (m_thread.joinable()) return makeError(errc::kInvalid, "redis subscriber already running");
  if (channels.empty() && patterns.empty())
    return makeError(errc::kInvalid, "redis subscriber needs at least one channel or pattern");
  if (!m_callback) return makeError(errc::kInvalid, "redis subscriber needs a callback");
  m_channels = std::move(channels);
  m_patterns = std::move(patterns);
  m_stop = false;
  m_thread = std::thread([this] { run(); });
  return {};
}

void RedisSubscriber::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_cv.notify_all();
  if (m_thread.joinable()) m_thread.join();
  setSubscribed(false);
}

bool RedisSubscriber::waitUntilSubscribed(std::chrono::milliseconds timeout) {
  std::unique_lock lock(m_mutex);
  return m_cv.wait_for(lock, timeout, [this] { return m_subscribed.load() || m_stop.load(); }) && m_subscribed;
}

void RedisSubscriber::setSubscribed(bool value) {
  {
    std::lock_guard lock(m_mutex);
    m_subscribed = value;
  }
  m_cv.notify_all();
}

bool RedisSubscriber::sleepUnlessStopped(std::chrono::milliseconds d) {
  std::unique_lock lock(m_mutex);
  return !m_cv.wait_for(lock, d, [this] { return m_stop.load(); });
}

void RedisSubscriber::run() {
  std::chrono::milliseconds backoff{0};
  const std::size_t expected = m_channels.size() + m_patterns.size();
  while (!m_stop) {
    auto connected = connectRedis(*m_endpoint, m_options);
    if (!connected.ok()) {
      backoff = backoff.count() == 0 ? m_options.backoffInitial : std::min(backoff * 2, m_options.backoffMax);
      if (!sleepUnlessStopped(backoff)) break;
      continue;
    }
    redisContext* c = *connected;
    std::size_t confirmed = 0;
    bool healthy = appendCommand(c, "SUBSCRIBE", m_channels) && appendCommand(c, "PSUBSCRIBE", m_patterns) &&
                   flushOutput(c);
    // Never block in a read: poll the socket with a short timeout so stop() is noticed, then read what is there.
    while (healthy && !m_stop) {
      void* raw = nullptr;
      if (redisGetReplyFromReader(c, &raw) != REDIS_OK) break;
      if (raw != nullptr) {
        auto* reply = static_cast<redisReply*>(raw);
        if (reply->type == REDIS_REPLY_ARRAY && reply->elements >= 3) {
          const std::string kind = str(reply->element[0]);
          if (kind == "message") {
            try {
              m_callback(str(reply->element[1]), str(reply->element[2]));
            } catch (...) {
              // A throwing callback must not kill the subscriber thread.
            }
          } else if (kind == "pmessage" && reply->elements >= 4) {
            try {
              m_callback(str(reply->element[2]), str(reply->element[3]));
            } catch (...) {
            }
          } else if (kind == "subscribe" || kind == "psubscribe") {
            if (++confirmed == expected) {
              setSubscribed(true);
              backoff = std::chrono::milliseconds{0};
            }
          }
        }
        freeReplyObject(reply);
        continue;
      }
      pollfd pfd{};
      pfd.fd = c->fd;
      pfd.events = POLLIN;
      const int ready = ::poll(&pfd, 1, int(kPollInterval.count()));
      if (ready < 0) {
        if (errno == EINTR) continue;
        break;
      }
      if (ready == 0) continue;
      if (redisBufferRead(c) != REDIS_OK) break;  // connection closed or I/O error
    }
    setSubscribed(false);
    redisFree(c);
    if (!m_stop) {
      backoff = backoff.count() == 0 ? m_options.backoffInitial : std::min(backoff * 2, m_options.backoffMax);
      if (!sleepUnlessStopped(backoff)) break;
    }
  }
}

}  // namespace meridian::storage
