#include "core/storage/sqlite/SqliteWriteGate.h"

#include <map>

namespace meridian::storage {

std::shared_ptr<SqliteWriteGate> SqliteWriteGate::forFile(const std::string& canonicalPath) {
  static std::mutex registryMutex;
  static std::map<std::string, std::weak_ptr<SqliteWriteGate>> registry;
  std::lock_guard lock(registryMutex);
  auto& slot = registry[canonicalPath];
  if (auto gate = slot.lock()) return gate;
  auto gate = std::make_shared<SqliteWriteGate>();
  slot = gate;
  // Gates of files no connection has open any more go, so the map stays as small as the open files.
  std::erase_if(registry, [](const auto& entry) { return entry.second.expired(); });
  return gate;
}

void SqliteWriteGate::enterForeground() {
  std::lock_guard lock(m_mutex);
  ++m_foreground;
}

void SqliteWriteGate::leaveForeground() {
  std::lock_guard lock(m_mutex);
  if (m_foreground > 0 && --m_foreground == 0) m_clear.notify_all();
}

bool SqliteWriteGate::yieldToForeground(std::chrono::milliseconds limit) {
  std::unique_lock lock(m_mutex);
  return m_clear.wait_for(lock, limit, [this] { return m_foreground == 0; });
}

}  // namespace meridian::storage
