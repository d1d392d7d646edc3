#pragma once
// Redis pub/sub subscriber: its own connection on its own std::thread.
//
// SUBSCRIBEs to exact channels and PSUBSCRIBEs to patterns ("md.bar.*", "exec.order.*") and calls
// callback(channel, payload) on the subscriber thread for every message (for pattern matches, `channel` is
// the concrete channel). The callback must be quick and must not block: hand the payload to a queue.
// If Redis is absent or the connection drops, the thread keeps retrying with exponential back-off and
// re-subscribes; nothing is delivered meanwhile (pub/sub is fire-and-forget). stop() (or the destructor)
// returns within ~pollInterval + connectTimeout.
#include "core/common/Result.h"
#include "core/storage/redis/RedisConnection.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace meridian::storage {

class RedisSubscriber {
 public:
  using Callback = std::function<void(const std::string& channel, const std::string& payload)>;

  RedisSubscriber(std::string url, Callback callback, RedisOptions options = {});
  ~RedisSubscriber();  // stop()
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;

  // Starts the thread. Fails only for an invalid URL, no channels/patterns, or when already running;
  // an unreachable server is not an error here (see isSubscribed()).
  Status start(std::vector<std::string> channels, std::vector<std::string> patterns);
  // Idempotent; joins the thread.
  void stop();

  bool isRunning() const { return m_thread.joinable(); }
  // True once the server confirmed every subscription on the current connection.
  bool isSubscribed() const { return m_subscribed.load(); }
  // Waits until isSubscribed() or the timeout expires.
  bool waitUntilSubscribed(std::chrono::milliseconds timeout);
  // Time between checks of the stop flag while idle.
  static constexpr std::chrono::milliseconds kPollInterval{100};

 private:
  void run();
  bool sleepUnlessStopped(std::chrono::milliseconds d);
  void setSubscribed(bool value);

  Result<RedisEndpoint> m_endpoint;
  Callback m_callback;
  RedisOptions m_options;
  std::vector<std::string> m_channels;
  std::vector<std::string> m_patterns;
  std::thread m_thread;
  std::atomic<bool> m_stop{false};
  std::atomic<bool> m_subscribed{false};
  std::mutex m_mutex;
  std::condition_variable m_cv;
};

}  // namespace meridian::storage
