#pragma once
// spdlog set-up: a rotating file (10 MB x N) plus an in-app ring buffer that feeds the Logs dock.
// Every record passes through common::redact() before reaching any sink, so secrets never hit a log.
#include <spdlog/spdlog.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace meridian::common {

struct LogOptions {
  std::string directory;        // created if missing; empty = no file sink
  std::string fileName = "meridian.log";
  std::size_t maxFileBytes = 10 * 1024 * 1024;
  std::size_t maxFiles = 5;
  std::string level = "info";   // trace|debug|info|warn|error|critical|off
  std::size_t inAppCapacity = 10'000;
  bool console = false;         // also log to stderr (CLI)
};

struct LogRecord {
  std::uint64_t seq = 0;        // strictly increasing per InAppLogBuffer
  std::int64_t ts = 0;          // UTC ns
  spdlog::level::level_enum level = spdlog::level::info;
  std::string logger;
  std::string message;          // already redacted
};

// Bounded buffer of the most recent records. Writers are spdlog threads; the UI pulls with recordsSince().
class InAppLogBuffer {
 public:
  explicit InAppLogBuffer(std::size_t capacity) : m_capacity(capacity) {}
  void append(LogRecord r);
  // Appends records with seq > afterSeq to out; returns the last seq seen (afterSeq if none). If the reader
  // fell behind by more than the capacity, the oldest records are gone and *dropped counts them.
  std::uint64_t recordsSince(std::uint64_t afterSeq, std::vector<LogRecord>& out, std::uint64_t* dropped = nullptr) const;
  std::size_t capacity() const { return m_capacity; }

 private:
  mutable std::mutex m_mutex;
  std::vector<LogRecord> m_ring;
  std::size_t m_head = 0;       // next write index once the ring is full
  std::uint64_t m_nextSeq = 1;
  std::size_t m_capacity;
};

// Installs the default logger "meridian" with the configured sinks. Safe to call again (reconfigures).
// Returns the in-app buffer (also available from inAppLogs()).
std::shared_ptr<InAppLogBuffer> initLogging(const LogOptions& options);
std::shared_ptr<InAppLogBuffer> inAppLogs();
// Named logger sharing the configured sinks, e.g. logger("storage").
std::shared_ptr<spdlog::logger> logger(const std::string& name);
void shutdownLogging();

}  // namespace meridian::common
