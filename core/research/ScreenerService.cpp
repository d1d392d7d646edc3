#include "core/research/ScreenerService.h"

#include "core/common/Logging.h"
#include "core/storage/IStorage.h"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <exception>
#include <map>
#include <set>

namespace meridian::research {

using namespace screener;  // NOLINT(google-build-using-namespace): the engine this service runs
using contract::RunScreener;
using contract::ScreenerFinished;
namespace {

// Intraday series carry a timeframe suffix ("yahoo_1m", "csv_adjusted_1h", see marketdata::sourceName).
bool isIntradaySource(std::string_view source) {
  const auto us = source.rfind('_');
  if (us == std::string_view::npos || source.size() - us < 3) return false;  // "_" + digits + unit
  const std::string_view suffix = source.substr(us + 1);
  const char unit = suffix.back();
  if (unit != 'm' && unit != 'h') return false;
  return std::all_of(suffix.begin(), suffix.end() - 1, [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); });
}

struct Loaded {
  std::string symbol;
  std::string source;
  std::vector<domain::Bar> bars;
  std::string problem;  // the series could not be read
  Fundamentals fundamentals;
};

}  // namespace

ScreenerService::ScreenerService(bus::EventBus& bus, StorageRunner storage)
    : ScreenerService(bus, std::move(storage), Options{}) {}

ScreenerService::ScreenerService(bus::EventBus& bus, StorageRunner storage, Options options)
    : m_bus(bus), m_storage(std::move(storage)), m_options(options), m_mailbox(std::make_shared<bus::Mailbox>("screener", 1024)) {
  if (m_options.symbolsPerTask == 0) m_options.symbolsPerTask = 1;
}

ScreenerService::~ScreenerService() { stop(); }

Status ScreenerService::start() {
  std::lock_guard lock(m_lifecycle);
  if (m_started) {
    if (m_running) return {};
    return makeError(kStoppedCode, "the screener service was stopped and cannot be restarted");
  }
  m_started = true;
  m_subscription = m_bus.subscribe<RunScreener>(m_mailbox);
  m_running = true;
  m_thread = std::thread([this] { workerLoop(); });
  return {};
}

void ScreenerService::stop() {
  std::lock_guard lock(m_lifecycle);
  if (!m_running.exchange(false)) return;
  m_stopping = true;
  m_bus.unsubscribe(m_subscription);
  m_mailbox->close();
  if (m_thread.joinable()) m_thread.join();
}

ScreenerService::Stats ScreenerService::stats() const {
  return Stats{m_stats.commands.load(), m_stats.succeeded.load(), m_stats.failed.load(), m_stats.storageTasks.load()};
}

void ScreenerService::workerLoop() {
  std::vector<bus::Envelope> pending;
  auto answer = [this](ScreenerFinished ev) {
    if (ev.ok()) ++m_stats.succeeded;
    else ++m_stats.failed;
    m_bus.publish(std::move(ev));
  };
  while (true) {
    std::vector<bus::Envelope> drained;
    m_mailbox->drain(drained);
    for (auto& e : drained) {
      if (!e.as<RunScreener>()) continue;
      ++m_stats.commands;
      if (pending.size() >= m_options.maxQueued) {
        ScreenerFinished ev;
        ev.correlationId = e.as<RunScreener>()->correlationId;
        ev.error = fmt::format("too many queued screens ({}); wait for one to finish", pending.size());
        ev.errorCode = kQueueFullCode;
        answer(std::move(ev));
        continue;
      }
      pending.push_back(std::move(e));
    }
    if (m_stopping) break;
    if (pending.empty()) {
      m_mailbox->waitNonEmpty(std::chrono::milliseconds(200));
      continue;
    }
    const bus::Envelope e = std::move(pending.front());
    pending.erase(pending.begin());
    answer(run(*e.as<RunScreener>()));
  }
  // Stopping: nobody waits forever for a command this service accepted.
  for (const auto& e : pending) {
    ScreenerFinished ev;
    ev.correlationId = e.as<RunScreener>()->correlationId;
    ev.error = "the screener service is stopping";
    ev.errorCode = kStoppedCode;
    answer(std::move(ev));
  }
}

ScreenerFinished ScreenerService::run(const RunScreener& cmd) {
  const auto started = std::chrono::steady_clock::now();
  ScreenerFinished ev;
  ev.correlationId = cmd.correlationId;
  auto finish = [&]() -> ScreenerFinished {
    ev.elapsedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return std::move(ev);
  };
  auto fail = [&](const Error& e) {
    ev.error = e.message;
    ev.errorCode = e.code;
    ev.result.reset();
    return finish();
  };
  if (Status v = validate(cmd.criteria); !v) return fail(v.error());
  if (!m_storage) return fail(makeError(kStorageCode, "no database is connected to the screener"));

  // Runs a task on the storage thread; a storage error (or an unavailable storage thread) fails the run.
  std::optional<Error> storageError;
  auto onStorage = [&](const std::function<Status(storage::IStorage&)>& fn) {
    ++m_stats.storageTasks;
    bool ran = false;
    try {
      m_storage([&](storage::IStorage& s) {
        ran = true;
        if (Status st = fn(s); !st) storageError = st.error();
      });
    } catch (const std::exception& ex) {
      storageError = makeError(kStorageCode, fmt::format("the database is not available: {}", ex.what()));
    }
    if (!ran && !storageError) storageError = makeError(kStorageCode, "the database is not available");
    if (storageError && storageError->code != kStorageCode)
      storageError = makeError(kStorageCode, fmt::format("reading the database failed: {}", storageError->message));
    return !storageError;
  };

  // 1. The universe: one daily series per symbol.
  std::vector<storage::SeriesInfo> chosen;
  const bool ok = onStorage([&](storage::IStorage& s) -> Status {
    auto series = s.listSeries();
    if (!series) return series.error();
    const std::set<std::string> wanted(cmd.symbols.begin(), cmd.symbols.end());
    std::map<std::string, storage::SeriesInfo> best;
    for (auto& si : *series) {
      if (!wanted.empty() && !wanted.count(si.symbol)) continue;
      if (si.barCount <= 0) continue;
      if (cmd.source.empty() ? isIntradaySource(si.source) : si.source != cmd.source) continue;
      auto [it, inserted] = best.try_emplace(si.symbol, si);
      if (inserted) continue;
      const auto& cur = it->second;
      if (std::tie(si.lastTs, si.barCount) > std::tie(cur.lastTs, cur.barCount)) it->second = si;
    }
    for (auto& [sym, si] : best) chosen.push_back(std::move(si));
    return {};
  });
  if (!ok) return fail(*storageError);

  // 2. Bars (the whole series; computeMetrics windows what is windowed) and fundamentals, a chunk of symbols per
  //    storage task; metrics are computed here on the worker, not on the storage thread.
  std::vector<SymbolMetrics> metrics;
  metrics.reserve(chosen.size() + cmd.symbols.size());
  std::vector<Loaded> chunk;
  for (std::size_t begin = 0; begin < chosen.size(); begin += m_options.symbolsPerTask) {
    if (m_stopping) return fail(makeError(kStoppedCode, "the screener service is stopping"));
    const std::size_t end = std::min(chosen.size(), begin + m_options.symbolsPerTask);
    chunk.clear();
    const bool chunkOk = onStorage([&](storage::IStorage& s) -> Status {
      for (std::size_t i = begin; i < end; ++i) {
        const auto& si = chosen[i];
        // The whole stored series: RSI is warmed on all of it, the 52-week range and ATR need more than the window.
        const domain::Timestamp from = si.firstTs;
        auto bars = s.loadBars(si.symbol, si.source, from, si.lastTs + 1);
        if (!bars) {  // this symbol's series cannot be read: exclude it (with the reason), screen the others
          if (bars.error().code == storage::errc::kUnavailable) return bars.error();
          Loaded l{si.symbol, si.source, {}, {}};
          l.problem = "bars unreadable: " + bars.error().message;
          chunk.push_back(std::move(l));
          continue;
        }
        Loaded l{si.symbol, si.source, std::move(bars).value(), {}};
        auto info = s.getCompanyInfo(si.symbol);
        if (!info) return info.error();
        if (*info) l.fundamentals.sector = (*info)->sector;
        auto stats = s.latestKeyStatistics(si.symbol);
        if (!stats) return stats.error();
        if (*stats) {
          l.fundamentals.marketCap = (*stats)->marketCap;
          l.fundamentals.fiftyTwoWeekHigh = (*stats)->fiftyTwoWeekHigh;
          l.fundamentals.fiftyTwoWeekLow = (*stats)->fiftyTwoWeekLow;
        }
        chunk.push_back(std::move(l));
      }
      return {};
    });
    if (!chunkOk) return fail(*storageError);
    for (Loaded& l : chunk) {
      ++ev.seriesRead;
      SymbolMetrics m = computeMetrics(l.symbol, l.bars, cmd.criteria.crossLookback, cmd.historyBars);
      if (!l.problem.empty()) {
        m.bars = 1;  // known to exist; the problem says why nothing is computed
        m.dataProblem = l.problem;
      }
      m.source = l.source;
      applyFundamentals(m, l.fundamentals);
      metrics.push_back(std::move(m));
    }
  }
  // Requested symbols without a stored daily series are reported, not silently dropped.
  for (const auto& sym : cmd.symbols) {
    const bool found = std::any_of(chosen.begin(), chosen.end(), [&](const auto& si) { return si.symbol == sym; });
    const bool dup = std::any_of(metrics.begin(), metrics.end(), [&](const auto& m) { return m.symbol == sym; });
    if (!found && !dup) {
      SymbolMetrics m;
      m.symbol = sym;
      metrics.push_back(std::move(m));
    }
  }
  ev.result = std::make_shared<const ScreenerResult>(screen(cmd.criteria, std::move(metrics)));
  return finish();
}

Result<std::unique_ptr<ScreenerService>> startScreenerService(bus::EventBus& bus, StorageRunner runner,
                                                              ScreenerService::Options options) {
  auto service = std::make_unique<ScreenerService>(bus, std::move(runner), options);
  if (Status s = service->start(); !s) return s.error();
  return service;
}

}  // namespace meridian::research
