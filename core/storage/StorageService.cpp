#include "core/storage/StorageService.h"

#include "core/common/Logging.h"

namespace meridian::storage {

StorageService::StorageService(storage::StorageConfig config) : m_config(std::move(config)) {}

StorageService::~StorageService() { stop(); }

Status StorageService::start() {
  {
    std::lock_guard lock(m_mutex);
    if (m_running) return {};
    m_running = true;
    m_stopping = false;
  }
  std::promise<Status> started;
  auto result = started.get_future();
  m_thread = std::thread(&StorageService::run, this, std::move(started));
  Status status = result.get();
  if (!status.ok()) stop();
  return status;
}

void StorageService::stop() {
  {
    std::lock_guard lock(m_mutex);
    if (!m_thread.joinable()) return;
    m_stopping = true;
  }
  m_cv.notify_all();
  m_thread.join();
  std::lock_guard lock(m_mutex);
  m_running = false;
}

bool StorageService::running() const {
  std::lock_guard lock(m_mutex);
  return m_running && !m_stopping;
}

void StorageService::post(Task task) {
  if (!enqueue(std::move(task)))
    common::logger("storage")->warn("storage task dropped: storage service is not running");
}

bool StorageService::enqueue(Task task) {
  {
    std::lock_guard lock(m_mutex);
    if (!m_running || m_stopping) return false;
    m_tasks.push_back(std::move(task));
  }
  m_cv.notify_one();
  return true;
}

void StorageService::run(std::promise<Status> started) {
  auto log = common::logger("storage");
  auto created = storage::makeStorage(m_config);
  if (!created.ok()) {
    started.set_value(created.error());
    return;
  }
  std::unique_ptr<storage::IStorage> store = std::move(created).value();
  if (Status s = store->open(); !s.ok()) {
    log->error("cannot open {} storage: {}", store->backendName(), s.error().message);
    started.set_value(s);
    return;
  }
  log->info("{} storage open", store->backendName());
  started.set_value(Status{});

  while (true) {
    Task task;
    {
      std::unique_lock lock(m_mutex);
      m_cv.wait(lock, [this] { return m_stopping || !m_tasks.empty(); });
      if (m_tasks.empty()) break;  // stopping and drained
      task = std::move(m_tasks.front());
      m_tasks.pop_front();
    }
    try {
      task(*store);
    } catch (const std::exception& e) {
      log->error("storage task failed: {}", e.what());
    }
  }
  log->info("{} storage closed", store->backendName());
}

}  // namespace meridian::storage
