#pragma once
// Mirrors bus events to Redis for other processes (a GUI on another machine, dashboards): latest quotes into
// the md:quote:<SYM> hash cache, bars and order updates onto the pub/sub channels md.bar.<SYM> and
// exec.order.<ID>. Runs on its own thread; Redis being absent or dropping never affects the bus or any
// other component: writes fail fast (RedisCache back-off), are counted and logged once per outage.
#include "core/bus/EventBus.h"
#include "core/storage/redis/RedisCache.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>

namespace meridian::runtime {

class RedisBridge {
 public:
  RedisBridge(std::string url, bus::EventBus& bus, storage::RedisOptions options = {});
  ~RedisBridge();
  RedisBridge(const RedisBridge&) = delete;
  RedisBridge& operator=(const RedisBridge&) = delete;

  void start();
  void stop();  // forwards what is already queued (best effort), then joins

  std::uint64_t forwarded() const { return m_forwarded.load(); }
  std::uint64_t failed() const { return m_failed.load(); }
  bool healthy() const { return m_healthy.load(); }

 private:
  void run();
  void forward(std::vector<bus::Envelope>& batch);
  void noteResult(const Status& s);

  bus::EventBus& m_bus;
  storage::RedisCache m_cache;
  std::shared_ptr<bus::Mailbox> m_mailbox;
  std::vector<bus::SubscriptionId> m_subscriptions;
  std::thread m_thread;
  std::atomic<bool> m_running{false};
  std::atomic<std::uint64_t> m_forwarded{0};
  std::atomic<std::uint64_t> m_failed{0};
  std::atomic<bool> m_healthy{true};
};

}  // namespace meridian::runtime
