#include "core/history/HistoryService.h"

#include "core/common/Logging.h"
#include "core/marketdata/BarAggregator.h"
#include "core/research/PnlReport.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <limits>
#include <optional>
#include <unordered_map>

namespace meridian::history {
namespace {

using domain::Timeframe;

int rank(Timeframe tf) {
  switch (tf) {
    case Timeframe::Minute1: return 0;
    case Timeframe::Hour1: return 1;
    case Timeframe::Day1: return 2;
  }
  return 2;
}

struct Candidate {
  std::string source;
  Timeframe timeframe = Timeframe::Day1;
  bool adjusted = false;
  domain::Timestamp latest = 0;
};

// Why a request cannot be served, before any storage is touched (empty: valid).
std::string requestError(const contract::RequestHistory& request) {
  if (request.symbol.empty()) return "history request without a symbol";
  if (request.fromTs >= request.toTs) return "history request with an empty time range";
  return {};
}

std::string requestError(const contract::RequestStoredSeries&) { return {}; }
std::string requestError(const contract::RequestPnlReport& request) {
  if (request.from.isValid() && request.to.isValid() && request.to < request.from) return "the report ends before it starts";
  if (!(request.initialEquity > 0.0)) return "the report needs a positive initial equity";
  return {};
}

std::string requestError(const contract::RequestFillsHistory& request) {
  if (request.limit == 0) return "fills history request without a limit (0 would read every fill ever journaled)";
  return {};
}

}  // namespace

HistoryService::HistoryService(bus::EventBus& bus, marketdata::StorageRunner storage)
    : HistoryService(bus, std::move(storage), Options{}) {}

HistoryService::HistoryService(bus::EventBus& bus, marketdata::StorageRunner storage, Options options)
    : m_bus(bus), m_storage(std::move(storage)), m_options(std::move(options)) {
  subscribe();  // requests published before start() (the UI is built before the Kernel starts) wait in the mailbox
}

void HistoryService::subscribe() {
  m_mailbox = std::make_shared<bus::Mailbox>("history", 4096);
  m_subscription = m_bus.subscribe<contract::RequestHistory>(m_mailbox);
  m_fillsSubscription = m_bus.subscribe<contract::RequestFillsHistory>(m_mailbox);
  m_seriesSubscription = m_bus.subscribe<contract::RequestStoredSeries>(m_mailbox);
  m_reportSubscription = m_bus.subscribe<contract::RequestPnlReport>(m_mailbox);
}

HistoryService::~HistoryService() {
  stop();
  if (m_mailbox) {  // never started
    m_bus.unsubscribe(m_subscription);
    m_bus.unsubscribe(m_fillsSubscription);
    m_bus.unsubscribe(m_seriesSubscription);
    m_bus.unsubscribe(m_reportSubscription);
  }
}

void HistoryService::start() {
  if (m_running.exchange(true)) return;
  if (!m_mailbox) subscribe();  // restarted after stop()
  m_worker = std::thread(&HistoryService::workerLoop, this);
}

void HistoryService::stop() {
  if (!m_running.exchange(false)) return;
  m_bus.unsubscribe(m_subscription);
  m_bus.unsubscribe(m_fillsSubscription);
  m_bus.unsubscribe(m_seriesSubscription);
  m_bus.unsubscribe(m_reportSubscription);
  m_mailbox->close();
  if (m_worker.joinable()) m_worker.join();
  m_mailbox.reset();
  m_readerTried = false;
}

void HistoryService::openReader() {
  m_readerTried = true;
  if (!m_options.reader) return;
  const storage::StorageConfig& c = *m_options.reader;
  if (c.backend == "sqlite" && (c.sqlitePath.empty() || c.sqlitePath == ":memory:")) return;  // not shareable
  auto made = storage::makeStorage(c);
  if (!made) {
    common::logger("history")->warn("history: no own read connection ({}); reading through the storage thread",
                                    made.error().message);
    return;
  }
  auto reader = std::move(made).value();
  if (Status s = reader->open(); !s.ok()) {
    common::logger("history")->warn("history: cannot open a read connection ({}); reading through the storage thread",
                                    s.error().message);
    return;
  }
  m_reader = std::move(reader);
}

template <class Answer, class Request, class Read>
Answer HistoryService::readPreferringReader(const Request& request, const Read& read) {
  if (!requestError(request).empty()) return read(m_storage);  // answered without touching storage; keep the reader
  if (!m_readerTried) openReader();
  if (m_reader) {
    Answer result = read(marketdata::directStorage(*m_reader));
    ++m_readerReads;
    if (result.ok()) return result;
    m_reader.reset();  // e.g. the connection dropped: once more (and from now on) through the storage thread
  }
  return read(m_storage);
}

void HistoryService::workerLoop() {
  auto log = common::logger("history");
  std::vector<bus::Envelope> batch;
  while (m_running) {
    if (!m_mailbox->waitNonEmpty(std::chrono::milliseconds(200))) continue;
    batch.clear();
    m_mailbox->drain(batch);
    // Newest request per requester wins; the older ones still get an answer (nobody waits forever).
    std::unordered_map<std::string, std::size_t> newest;
    for (std::size_t i = 0; i < batch.size(); ++i)
      if (const auto* r = batch[i].as<contract::RequestHistory>(); r && !r->requester.empty()) newest[r->requester] = i;
    for (std::size_t i = 0; i < batch.size() && m_running; ++i) {
      if (const auto* f = batch[i].as<contract::RequestFillsHistory>()) {
        contract::FillsHistoryLoaded result = readPreferringReader<contract::FillsHistoryLoaded>(
            *f, [&](const marketdata::StorageRunner& runner) { return loadFillsWith(*f, runner); });
        if (!result.ok()) log->warn("fills history: {}", result.error);
        ++m_fillsServed;
        m_bus.publish(std::move(result));
        continue;
      }
      if (const auto* l = batch[i].as<contract::RequestStoredSeries>()) {
        contract::StoredSeriesListed result = readPreferringReader<contract::StoredSeriesListed>(
            *l, [&](const marketdata::StorageRunner& runner) { return listSeriesWith(*l, runner); });
        if (!result.ok()) log->warn("stored series: {}", result.error);
        m_bus.publish(std::move(result));
        continue;
      }
      if (const auto* q = batch[i].as<contract::RequestPnlReport>()) {
        contract::PnlReportReady result = readPreferringReader<contract::PnlReportReady>(
            *q, [&](const marketdata::StorageRunner& runner) { return pnlReportWith(*q, runner); });
        if (!result.ok()) log->warn("P&L report: {}", result.error);
        m_bus.publish(std::move(result));
        continue;
      }
      const auto* r = batch[i].as<contract::RequestHistory>();
      if (!r) {
        log->warn("history: ignored a '{}' message of an unexpected type", batch[i].topic);
        continue;
      }
      if (!r->requester.empty() && newest[r->requester] != i) {
        contract::HistoryLoaded skipped;
        skipped.correlationId = r->correlationId;
        skipped.symbol = r->symbol;
        skipped.requested = skipped.timeframe = r->timeframe;
        skipped.error = "superseded";
        ++m_superseded;
        m_bus.publish(std::move(skipped));
        continue;
      }
      contract::HistoryLoaded result = readPreferringReader<contract::HistoryLoaded>(
          *r, [&](const marketdata::StorageRunner& runner) { return loadWith(*r, runner); });
      if (!result.ok()) log->warn("history for {}: {}", r->symbol, result.error);
      ++m_served;
      m_bus.publish(std::move(result));
    }
  }
  m_reader.reset();  // closed on the thread that opened it (Qt Sql connections are thread-confined)
}

contract::HistoryLoaded HistoryService::load(const contract::RequestHistory& request) const { return loadWith(request, m_storage); }

contract::HistoryLoaded HistoryService::loadWith(const contract::RequestHistory& request, const marketdata::StorageRunner& runner) const {
  const auto t0 = std::chrono::steady_clock::now();
  contract::HistoryLoaded out;
  out.correlationId = request.correlationId;
  out.symbol = request.symbol;
  out.requested = out.timeframe = request.timeframe;
  const auto finish = [&]() -> contract::HistoryLoaded {
    out.elapsedMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    return std::move(out);
  };
  if (out.error = requestError(request); !out.error.empty()) return finish();

  std::vector<domain::Bar> bars;
  Candidate chosen;
  std::string error;
  try {
    runner([&](storage::IStorage& s) {
      // Candidate series, probed by (symbol, source) index.
      std::vector<Candidate> found;
      const auto probe = [&](const std::string& source) {
        auto latest = s.latestBarTs(request.symbol, source);
        if (!latest) {
          error = latest.error().message;
          return;
        }
        if (*latest)
          found.push_back(Candidate{source, marketdata::timeframeOfSource(source),
                                    source.find("_adjusted") != std::string::npos, **latest});
      };
      if (!request.source.empty()) {
        probe(request.source);
      } else {
        const std::vector<std::string> vendors =
            request.vendor.empty() ? m_options.vendors : std::vector<std::string>{request.vendor};
        for (const std::string& vendor : vendors)
          for (bool adjusted : {false, true})
            for (Timeframe tf : {Timeframe::Minute1, Timeframe::Hour1, Timeframe::Day1})
              probe(marketdata::sourceName(vendor, adjusted, tf));
      }
      if (!error.empty() || found.empty()) return;
      // Same resolution, else the finest finer one (aggregated), else the finest coarser one.
      const int want = rank(request.timeframe);
      const auto score = [want, &request](const Candidate& c) {
        const int r = rank(c.timeframe);
        const int cls = r == want ? 0 : r < want ? 1 : 2;
        const int distance = cls == 1 ? r : std::abs(r - want);  // finer: minute bars first (what BarAggregator takes)
        return std::tuple(cls, distance, c.adjusted != request.preferAdjusted, -c.latest);
      };
      chosen = *std::min_element(found.begin(), found.end(),
                                 [&](const Candidate& a, const Candidate& b) { return score(a) < score(b); });
      auto loaded = s.loadBars(request.symbol, chosen.source, request.fromTs, request.toTs);
      if (!loaded) {
        error = loaded.error().message;
        return;
      }
      bars = std::move(loaded).value();
    });
  } catch (const std::exception& e) {
    error = e.what();  // storage not running
  }
  if (!error.empty()) {
    out.error = "cannot read history: " + error;
    return finish();
  }
  if (chosen.source.empty()) return finish();  // nothing stored: an empty answer, not an error

  out.source = chosen.source;
  out.timeframe = chosen.timeframe;
  if (rank(chosen.timeframe) < rank(request.timeframe)) {
    // Off the storage thread: aggregation must not hold up journal writes.
    bars = marketdata::BarAggregator::aggregate(bars, request.timeframe);
    out.timeframe = request.timeframe;
    out.aggregated = true;
  }
  if (bars.size() > request.maxBars) {
    out.truncated = bars.size() - request.maxBars;
    bars.erase(bars.begin(), bars.begin() + static_cast<std::ptrdiff_t>(out.truncated));
  }
  out.bars = std::make_shared<const std::vector<domain::Bar>>(std::move(bars));
  return finish();
}

contract::FillsHistoryLoaded HistoryService::loadFills(const contract::RequestFillsHistory& request) const {
  return loadFillsWith(request, m_storage);
}

contract::FillsHistoryLoaded HistoryService::loadFillsWith(const contract::RequestFillsHistory& request,
                                                 const marketdata::StorageRunner& runner) const {
  const auto t0 = std::chrono::steady_clock::now();
  contract::FillsHistoryLoaded out;
  out.correlationId = request.correlationId;
  out.limit = request.limit;
  const auto finish = [&]() -> contract::FillsHistoryLoaded {
    out.elapsedMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    return std::move(out);
  };
  if (out.error = requestError(request); !out.error.empty()) return finish();
  std::vector<domain::Fill> fills;
  std::string error;
  try {
    runner([&](storage::IStorage& s) {
      auto loaded = s.loadFills({}, request.limit);  // all orders, newest first
      if (!loaded) {
        error = loaded.error().message;
        return;
      }
      fills = std::move(loaded).value();
    });
  } catch (const std::exception& e) {
    error = e.what();  // storage not running
  }
  if (!error.empty()) {
    out.error = "cannot read fills history: " + error;
    return finish();
  }
  out.fills = std::make_shared<const std::vector<domain::Fill>>(std::move(fills));
  return finish();
}

contract::StoredSeriesListed HistoryService::listSeries(const contract::RequestStoredSeries& request) const {
  return listSeriesWith(request, m_storage);
}

contract::StoredSeriesListed HistoryService::listSeriesWith(const contract::RequestStoredSeries& request,
                                                            const marketdata::StorageRunner& runner) const {
  const auto t0 = std::chrono::steady_clock::now();
  contract::StoredSeriesListed out;
  out.correlationId = request.correlationId;
  std::string error;
  try {
    runner([&](storage::IStorage& s) {
      auto listed = s.listSeries();
      if (!listed) {
        error = listed.error().message;
        return;
      }
      for (const storage::SeriesInfo& i : *listed)
        out.series.push_back({i.symbol, i.source, marketdata::timeframeOfSource(i.source),
                              i.source.find("_adjusted") != std::string::npos, i.barCount, i.firstTs, i.lastTs});
    });
  } catch (const std::exception& e) {
    error = e.what();  // storage not running
  }
  if (!error.empty()) {
    out.series.clear();
    out.error = "cannot list the stored series: " + error;
  }
  out.elapsedMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

contract::PnlReportReady HistoryService::pnlReport(const contract::RequestPnlReport& request) const {
  return pnlReportWith(request, m_storage);
}

contract::PnlReportReady HistoryService::pnlReportWith(const contract::RequestPnlReport& request,
                                                       const marketdata::StorageRunner& runner) const {
  const auto t0 = std::chrono::steady_clock::now();
  contract::PnlReportReady out;
  out.correlationId = request.correlationId;
  const auto finish = [&]() -> contract::PnlReportReady {
    out.elapsedMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    return std::move(out);
  };
  if (out.error = requestError(request); !out.error.empty()) return finish();
  std::vector<domain::Fill> fills;
  std::string error;
  try {
    runner([&](storage::IStorage& s) {
      auto loaded = s.loadFills({}, std::numeric_limits<std::size_t>::max());  // every fill: positions carry in
      if (!loaded) {
        error = loaded.error().message;
        return;
      }
      fills = std::move(loaded).value();
    });
  } catch (const std::exception& e) {
    error = e.what();  // storage not running
  }
  if (!error.empty()) {
    out.error = "cannot read the journal's fills: " + error;
    return finish();
  }
  research::PnlReportOptions options;
  options.from = request.from;
  options.to = request.to;
  options.strategy = request.strategy;
  options.initialEquity = request.initialEquity;
  out.report = std::make_shared<const contract::PnlReport>(research::buildPnlReport(fills, options));
  return finish();
}

}  // namespace meridian::history
