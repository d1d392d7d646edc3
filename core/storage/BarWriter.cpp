#include "core/storage/BarWriter.h"

#include "core/common/Logging.h"

#include <algorithm>
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

Status BarWriter::upsertInChunks(IStorage& store, const std::string& symbol, const std::string& source,
                                 std::span<const domain::Bar> bars, std::size_t* stored) {
  for (std::size_t at = 0; at < bars.size(); at += kMaxBarsPerTransaction) {
    const auto chunk = bars.subspan(at, std::min(kMaxBarsPerTransaction, bars.size() - at));
    if (auto r = store.upsertBars(symbol, source, chunk); !r.ok()) return r.error();
    if (stored) *stored += chunk.size();
  }
  return {};
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
    std::size_t stored = 0;
    const Status s = upsertInChunks(store, symbol, source, bars, &stored);
    m_written.fetch_add(stored, std::memory_order_relaxed);
    if (!s.ok()) {
      m_dropped.fetch_add(bars.size() - stored, std::memory_order_relaxed);
      if (!std::exchange(m_failing, true))
        common::logger("storage")->warn("market bars not stored while the database refuses them ({}: {}); the "
                                        "feed goes on, its bars are counted as dropped",
                                        symbol, s.error().message);
      continue;
    }
    if (std::exchange(m_failing, false))
      common::logger("storage")->info("market bars stored again ({} dropped so far)", barsDropped());
  }
}

}  // namespace meridian::storage
