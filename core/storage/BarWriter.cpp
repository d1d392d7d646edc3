#include "core/storage/BarWriter.h"

#include "core/common/Logging.h"

#include <span>

namespace meridian::storage {

BarWriter::BarWriter(StorageService& shared) : m_shared(shared) {}

BarWriter::~BarWriter() { stop(); }

Status BarWriter::start() {
  if (m_on) return {};
  if (opensSharedDatabase(m_shared.config())) {
    StorageConfig config = m_shared.config();
    config.background = true;  // the journal's connection writes first
    auto own = std::make_unique<StorageService>(std::move(config));
    if (Status s = own->start(); !s.ok()) return s;
    m_own = std::move(own);
  }
  m_on = true;
  return {};
}

void BarWriter::stop() {
  if (!m_on.exchange(false)) return;
  if (m_own) {
    m_own->stop();  // runs the queued flush and seeding first
    m_own.reset();
    return;
  }
  try {  // the shared service: wait until what was posted here (it holds `this`) has run
    m_shared.call([](IStorage&) {}).get();
  } catch (const std::exception&) {
    // not running: nothing posted is left to run
  }
}

StorageService& BarWriter::service() { return m_own ? *m_own : m_shared; }

void BarWriter::write(const std::string& symbol, const std::string& source, const domain::Bar& bar) {
  if (!m_on) {
    m_dropped.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  bool queue = false;
  {
    std::lock_guard lock(m_mutex);
    m_pending[{symbol, source}].push_back(bar);
    queue = !std::exchange(m_flushQueued, true);
  }
  if (queue) service().post([this](IStorage& store) { flush(store); });
}

void BarWriter::post(StorageService::Task task) {
  if (m_on) service().post(std::move(task));
}

void BarWriter::flush(IStorage& store) {
  decltype(m_pending) batch;
  {
    std::lock_guard lock(m_mutex);
    batch.swap(m_pending);
    m_flushQueued = false;
  }
  for (const auto& [series, bars] : batch) {
    const auto& [symbol, source] = series;
    if (auto r = store.upsertBars(symbol, source, std::span<const domain::Bar>(bars)); !r.ok()) {
      m_dropped.fetch_add(bars.size(), std::memory_order_relaxed);
      if (!std::exchange(m_failing, true))
        common::logger("storage")->warn("market bars not stored while the database refuses them ({}: {}); the "
                                        "feed goes on, its bars are counted as dropped",
                                        symbol, r.error().message);
      continue;
    }
    m_written.fetch_add(bars.size(), std::memory_order_relaxed);
    if (std::exchange(m_failing, false))
      common::logger("storage")->info("market bars stored again ({} dropped so far)", barsDropped());
  }
}

}  // namespace meridian::storage
