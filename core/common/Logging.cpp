#include "core/common/Logging.h"

#include "core/common/Redact.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace meridian::common {

void InAppLogBuffer::append(LogRecord r) {
  std::lock_guard lock(m_mutex);
  r.seq = m_nextSeq++;
  if (m_ring.size() < m_capacity) {
    m_ring.push_back(std::move(r));
  } else {
    m_ring[m_head] = std::move(r);
    m_head = (m_head + 1) % m_capacity;
  }
}

std::uint64_t InAppLogBuffer::recordsSince(std::uint64_t afterSeq, std::vector<LogRecord>& out,
                                           std::uint64_t* dropped) const {
  std::lock_guard lock(m_mutex);
  if (dropped) *dropped = 0;
  if (m_ring.empty()) return afterSeq;
  // Sequence numbers are contiguous, so the first wanted record's slot is computed, not searched for.
  const std::size_t n = m_ring.size();
  const std::size_t oldestIdx = n < m_capacity ? 0 : m_head;
  const std::uint64_t oldestSeq = m_ring[oldestIdx].seq;
  const std::uint64_t newestSeq = oldestSeq + n - 1;
  if (afterSeq >= newestSeq) return afterSeq;
  if (dropped && afterSeq + 1 < oldestSeq) *dropped = oldestSeq - afterSeq - 1;
  const std::uint64_t first = std::max(afterSeq + 1, oldestSeq);
  for (std::uint64_t seq = first; seq <= newestSeq; ++seq) out.push_back(m_ring[(oldestIdx + (seq - oldestSeq)) % n]);
  return newestSeq;
}

namespace {

// Redacts each record once, then forwards it to the file/console sinks and the in-app buffer.
class RedactingSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  RedactingSink(std::vector<spdlog::sink_ptr> children, std::shared_ptr<InAppLogBuffer> buffer)
      : m_children(std::move(children)), m_buffer(std::move(buffer)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const std::string clean = redact(std::string_view(msg.payload.data(), msg.payload.size()));
    spdlog::details::log_msg copy(msg.time, msg.source, msg.logger_name, msg.level, clean);
    for (auto& s : m_children)
      if (s->should_log(msg.level)) s->log(copy);
    if (m_buffer) {
      LogRecord r;
      r.ts = std::chrono::duration_cast<std::chrono::nanoseconds>(msg.time.time_since_epoch()).count();
      r.level = msg.level;
      r.logger.assign(msg.logger_name.data(), msg.logger_name.size());
      r.message = clean;
      m_buffer->append(std::move(r));
    }
  }
  void flush_() override {
    for (auto& s : m_children) s->flush();
  }

 private:
  std::vector<spdlog::sink_ptr> m_children;
  std::shared_ptr<InAppLogBuffer> m_buffer;
};

std::mutex g_mutex;
std::shared_ptr<RedactingSink> g_sink;
std::shared_ptr<InAppLogBuffer> g_buffer;
spdlog::level::level_enum g_level = spdlog::level::info;

}  // namespace

std::shared_ptr<InAppLogBuffer> initLogging(const LogOptions& options) {
  std::lock_guard lock(g_mutex);
  std::vector<spdlog::sink_ptr> children;
  if (!options.directory.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(options.directory, ec);
    const auto path = (std::filesystem::path(options.directory) / options.fileName).string();
    children.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(path, options.maxFileBytes,
                                                                              options.maxFiles));
  }
  if (options.console) children.push_back(std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
  g_buffer = std::make_shared<InAppLogBuffer>(options.inAppCapacity);
  g_sink = std::make_shared<RedactingSink>(std::move(children), g_buffer);
  g_level = spdlog::level::from_str(options.level);

  spdlog::drop_all();
  auto def = std::make_shared<spdlog::logger>("meridian", g_sink);
  def->set_level(g_level);
  def->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(def);
  spdlog::flush_every(std::chrono::seconds(2));
  return g_buffer;
}

std::shared_ptr<InAppLogBuffer> inAppLogs() {
  std::lock_guard lock(g_mutex);
  return g_buffer;
}

std::shared_ptr<spdlog::logger> logger(const std::string& name) {
  std::lock_guard lock(g_mutex);
  if (auto existing = spdlog::get(name)) return existing;
  std::shared_ptr<spdlog::logger> l;
  if (g_sink) {
    l = std::make_shared<spdlog::logger>(name, g_sink);
  } else {
    l = std::make_shared<spdlog::logger>(name, spdlog::sinks_init_list{});  // logging not initialised: silent
  }
  l->set_level(g_level);
  l->flush_on(spdlog::level::warn);
  spdlog::register_logger(l);
  return l;
}

void shutdownLogging() {
  std::lock_guard lock(g_mutex);
  spdlog::shutdown();
  g_sink.reset();
}

}  // namespace meridian::common
