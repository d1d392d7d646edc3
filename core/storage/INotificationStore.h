#pragma once
// Port: the notification outbox (notification.notifications): one row per message and external channel, written
// before the first delivery attempt and updated after each one (notify::Notifier), so a restart resumes it.
#include "core/common/Result.h"
#include "core/storage/Records.h"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace meridian::storage {

class INotificationStore {
 public:
  virtual ~INotificationStore() = default;

  // Inserts a row (n.id is ignored) and returns its id.
  virtual Result<std::int64_t> addNotification(const NotificationRecord& n) = 0;
  // Updates status, attempts, last_error and updated_ts of the row n.id (errc::kInvalid if unknown).
  virtual Status updateNotification(const NotificationRecord& n) = 0;
  // Rows with this status (empty = all), oldest first; limit 0 = all.
  virtual Result<std::vector<NotificationRecord>> listNotifications(std::string_view status, std::size_t limit) = 0;
};

}  // namespace meridian::storage
