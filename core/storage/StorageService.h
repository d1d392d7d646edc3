#pragma once
// Owns the storage backend on its own thread (DESIGN.md threading rule 5). Everyone else posts tasks.
#include "core/common/Result.h"
#include "core/storage/IStorage.h"
#include "core/storage/StorageFactory.h"

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>

namespace meridian::storage {

class StorageService {
 public:
  using Task = std::function<void(storage::IStorage&)>;

  explicit StorageService(storage::StorageConfig config);
  ~StorageService();
  StorageService(const StorageService&) = delete;
  StorageService& operator=(const StorageService&) = delete;

  // Starts the thread, creates the backend there, opens it and applies migrations. Blocks until done:
  // start-up only, never from a latency-sensitive thread.
  Status start();
  // Runs every task already posted, then joins the thread. Idempotent.
  void stop();
  bool running() const;

  // Fire-and-forget: fn runs on the storage thread, in posting order. Dropped (and logged) if not running.
  void post(Task task);

  // Runs fn on the storage thread and returns its result as a future. For start-up, the CLI and tests; the
  // GUI thread must never wait on it (use post() and publish the result on the bus instead).
  template <class F>
  auto call(F&& fn) -> std::future<std::invoke_result_t<F, storage::IStorage&>> {
    using R = std::invoke_result_t<F, storage::IStorage&>;
    auto promise = std::make_shared<std::promise<R>>();
    auto future = promise->get_future();
    const bool accepted = enqueue([promise, fn = std::forward<F>(fn)](storage::IStorage& s) mutable {
      try {
        if constexpr (std::is_void_v<R>) {
          fn(s);
          promise->set_value();
        } else {
          promise->set_value(fn(s));
        }
      } catch (...) {
        promise->set_exception(std::current_exception());
      }
    });
    if (!accepted)
      promise->set_exception(std::make_exception_ptr(std::runtime_error("storage service is not running")));
    return future;
  }

  const storage::StorageConfig& config() const { return m_config; }

 private:
  bool enqueue(Task task);
  void run(std::promise<Status> started);

  storage::StorageConfig m_config;
  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<Task> m_tasks;
  std::thread m_thread;
  bool m_running = false;
  bool m_stopping = false;
};

}  // namespace meridian::storage
