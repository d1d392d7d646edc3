#pragma once
// A raw Redis subscriber on one channel (hiredis, like `redis-cli SUBSCRIBE`): what a dashboard or a curious
// operator would be. It keeps every payload it receives; tests use it to see what was published, and to check that
// such an extra subscriber never makes a relayed command look delivered (PUBLISH counts it as a receiver).
#include "core/storage/redis/RedisSubscriber.h"

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace meridian::test {

struct ChannelTap {
  ChannelTap(const std::string& url, const std::string& channel)
      : sub(url, [this](const std::string&, const std::string& payload) {
          std::lock_guard lock(mutex);
          payloads.push_back(payload);
        }) {
    ok = sub.start({channel}, {}).ok() && sub.waitUntilSubscribed(std::chrono::milliseconds(5000));
  }
  ~ChannelTap() { sub.stop(); }
  std::vector<std::string> all() {
    std::lock_guard lock(mutex);
    return payloads;
  }
  std::mutex mutex;
  std::vector<std::string> payloads;
  storage::RedisSubscriber sub;
  bool ok = false;
};

}  // namespace meridian::test
