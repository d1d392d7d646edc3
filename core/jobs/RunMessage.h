#pragma once
// Success summary of a job attempt ("eod_ingest: 3 symbols, inserted 3, updated 0"). The action calls
// setRunMessage() on its worker thread before returning OK; the Scheduler takes it with takeRunMessage() on the
// same worker thread right after the action returns and stores it as the run's message. Failures carry their
// message in the returned Error instead. Header-only so actions need not link meridian_jobs for it.
#include <string>
#include <utility>

namespace meridian::jobs {

namespace detail {
inline std::string& runMessageSlot() {
  thread_local std::string slot;
  return slot;
}
}  // namespace detail

inline void setRunMessage(std::string message) { detail::runMessageSlot() = std::move(message); }
inline std::string takeRunMessage() { return std::exchange(detail::runMessageSlot(), std::string()); }

}  // namespace meridian::jobs
