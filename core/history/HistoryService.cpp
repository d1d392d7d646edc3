#include "core/history/HistoryService.h"

#include "core/research/PairLab.h"

#include "core/common/Clock.h"
#include "core/common/Logging.h"
#include "core/marketdata/BarAggregator.h"
#include "core/research/PnlReport.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <limits>
#include <map>
#include <optional>
#include <type_traits>
#include <unordered_map>

namespace meridian::history {
namespace {

using domain::Timeframe;

int rank(Timeframe tf) { return domain::timeframeRank(tf); }

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

std::string requestError(const contract::RequestPairs& request) {
  if (request.scan && request.symbols.size() < 2) return "a pair scan needs at least 2 symbols";
  if (request.lookbackBars < 3) return "a pair needs a lookback of at least 3 bars";
  if (!(request.maxPValue > 0.0 && request.maxPValue <= 1.0)) return "the p-value threshold must be in (0, 1]";
  return {};
}
std::string requestError(const contract::RequestPairSeries& request) {
  if (request.first.empty() || request.second.empty() || request.first == request.second)
    return "a pair needs two different symbols";
  if (request.lookbackBars < 3) return "a pair needs a lookback of at least 3 bars";
  return {};
}

// The stored series of `symbol` for `tf`: `preferred` when stored, else the one with the most bars; empty when none.
std::string chooseSource(const std::vector<storage::SeriesInfo>& series, const std::string& symbol, Timeframe tf,
                         const std::string& preferred) {
  const storage::SeriesInfo* best = nullptr;
  for (const auto& s : series) {
    if (s.symbol != symbol || marketdata::timeframeOfSource(s.source) != tf) continue;
    if (s.source == preferred) return s.source;
    if (!best || s.barCount > best->barCount) best = &s;
  }
  return best ? best->source : std::string();
}

std::string requestError(const contract::RequestFillsHistory& request) {
  if (request.limit == 0) return "fills history request without a limit (0 would read every fill ever journaled)";
  return {};
}

std::string requestError(const contract::RequestOrdersHistory& request) {
  if (request.limit == 0) return "orders history request without a limit (0 would read every order ever journaled)";
  return {};
}

// One read of the journal through `runner` into `out`; the error text (empty = ok).
template <class Item, class Read>
std::string readJournal(const marketdata::StorageRunner& runner, const Read& read, std::vector<Item>& out) {
  std::string error;
  try {
    runner([&](storage::IStorage& s) {
      auto loaded = read(s);
      if (!loaded) {
        error = loaded.error().message;
        return;
      }
      out = std::move(loaded).value();
    });
  } catch (const std::exception& e) {
    error = e.what();  // storage not running
  }
  return error;
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
  m_ordersSubscription = m_bus.subscribe<contract::RequestOrdersHistory>(m_mailbox);
  m_pairsSubscription = m_bus.subscribe<contract::RequestPairs>(m_mailbox);
  m_pairSeriesSubscription = m_bus.subscribe<contract::RequestPairSeries>(m_mailbox);
}

HistoryService::~HistoryService() {
  stop();
  if (m_mailbox) {  // never started
    m_bus.unsubscribe(m_subscription);
    m_bus.unsubscribe(m_fillsSubscription);
    m_bus.unsubscribe(m_seriesSubscription);
    m_bus.unsubscribe(m_reportSubscription);
    m_bus.unsubscribe(m_ordersSubscription);
    m_bus.unsubscribe(m_pairsSubscription);
    m_bus.unsubscribe(m_pairSeriesSubscription);
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
  m_bus.unsubscribe(m_ordersSubscription);
  m_bus.unsubscribe(m_pairsSubscription);
  m_bus.unsubscribe(m_pairSeriesSubscription);
  m_mailbox->close();
  if (m_worker.joinable()) m_worker.join();
  m_mailbox.reset();
  m_readerTried = false;
}

void HistoryService::openReader() {
  m_readerTried = true;
  if (!m_options.reader) return;
  const storage::StorageConfig& c = *m_options.reader;
  if (!storage::opensSharedDatabase(c)) return;
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

template <class Request, class Answer>
bool HistoryService::serveJournal(const bus::Envelope& e,
                                  Answer (HistoryService::*load)(const Request&, const marketdata::StorageRunner&) const,
                                  std::atomic<std::uint64_t>& served) {
  const auto* request = e.as<Request>();
  if (!request) return false;
  Answer result = readPreferringReader<Answer>(
      *request, [&](const marketdata::StorageRunner& runner) { return (this->*load)(*request, runner); });
  if (!result.ok()) common::logger("history")->warn("{}: {}", contract::Spec<Request>::root, result.error);
  ++served;  // before the answer: whoever got it sees the count
  m_bus.publish(std::move(result));
  return true;
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
      if (serveJournal(batch[i], &HistoryService::loadFillsWith, m_fillsServed)) continue;
      if (serveJournal(batch[i], &HistoryService::loadOrdersWith, m_ordersServed)) continue;
      if (serveJournal(batch[i], &HistoryService::listSeriesWith, m_otherServed)) continue;
      if (serveJournal(batch[i], &HistoryService::pnlReportWith, m_otherServed)) continue;
      if (serveJournal(batch[i], &HistoryService::pairsWith, m_otherServed)) continue;
      if (serveJournal(batch[i], &HistoryService::pairSeriesWith, m_otherServed)) continue;
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
  const common::Stopwatch watch;
  contract::HistoryLoaded out;
  out.correlationId = request.correlationId;
  out.symbol = request.symbol;
  out.requested = out.timeframe = request.timeframe;
  const auto finish = [&]() -> contract::HistoryLoaded {
    out.elapsedMs = watch.elapsedMs();
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
            for (Timeframe tf : domain::kAllTimeframes)
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
  const common::Stopwatch watch;
  contract::FillsHistoryLoaded out;
  out.correlationId = request.correlationId;
  out.limit = request.limit;
  const auto finish = [&]() -> contract::FillsHistoryLoaded {
    out.elapsedMs = watch.elapsedMs();
    return std::move(out);
  };
  if (out.error = requestError(request); !out.error.empty()) return finish();
  std::vector<domain::Fill> fills;
  // All orders, newest first.
  const std::string error =
      readJournal(runner, [&](storage::IStorage& s) { return s.loadFills({}, request.limit); }, fills);
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
  const common::Stopwatch watch;
  contract::StoredSeriesListed out;
  out.correlationId = request.correlationId;
  std::vector<storage::SeriesInfo> listed;
  const std::string error = readJournal(runner, [](storage::IStorage& s) { return s.listSeries(); }, listed);
  if (!error.empty()) out.error = "cannot list the stored series: " + error;
  for (const storage::SeriesInfo& i : listed)
    out.series.push_back({i.symbol, i.source, marketdata::timeframeOfSource(i.source),
                          i.source.find("_adjusted") != std::string::npos, i.barCount, i.firstTs, i.lastTs});
  out.elapsedMs = watch.elapsedMs();
  return out;
}

contract::OrdersHistoryLoaded HistoryService::loadOrders(const contract::RequestOrdersHistory& request) const {
  return loadOrdersWith(request, m_storage);
}

contract::OrdersHistoryLoaded HistoryService::loadOrdersWith(const contract::RequestOrdersHistory& request,
                                                             const marketdata::StorageRunner& runner) const {
  const common::Stopwatch watch;
  contract::OrdersHistoryLoaded out;
  out.correlationId = request.correlationId;
  out.limit = request.limit;
  if (out.error = requestError(request); out.error.empty()) {
    std::vector<domain::Order> orders;
    const std::string error =
        readJournal(runner, [&](storage::IStorage& s) { return s.loadOrders(request.limit); }, orders);
    std::erase_if(orders, [&](const domain::Order& o) { return o.createdTs < request.since; });
    if (!error.empty()) out.error = "cannot read orders history: " + error;
    else out.orders = std::make_shared<const std::vector<domain::Order>>(std::move(orders));
  }
  out.elapsedMs = watch.elapsedMs();
  return out;
}

contract::PnlReportReady HistoryService::pnlReport(const contract::RequestPnlReport& request) const {
  return pnlReportWith(request, m_storage);
}

contract::PnlReportReady HistoryService::pnlReportWith(const contract::RequestPnlReport& request,
                                                       const marketdata::StorageRunner& runner) const {
  const common::Stopwatch watch;
  contract::PnlReportReady out;
  out.correlationId = request.correlationId;
  if (out.error = requestError(request); out.error.empty()) {
    std::vector<domain::Fill> fills;  // every fill ever journaled: positions opened before the range carry in
    const std::string error = readJournal(
        runner, [](storage::IStorage& s) { return s.loadFills({}, std::numeric_limits<std::size_t>::max()); }, fills);
    if (!error.empty()) {
      out.error = "cannot read the journal's fills: " + error;
    } else {
      research::PnlReportOptions options;
      options.from = request.from;
      options.to = request.to;
      options.strategy = request.strategy;
      options.initialEquity = request.initialEquity;
      out.report = std::make_shared<const contract::PnlReport>(research::buildPnlReport(fills, options));
    }
  }
  out.elapsedMs = watch.elapsedMs();
  return out;
}

// ---- Pair Lab -------------------------------------------------------------------------------------------------

namespace {

// Newest bars of each symbol (by chosen source) through one runner; error text per symbol.
struct PairBars {
  std::map<std::string, std::vector<domain::Bar>> bars;
  std::map<std::string, std::string> sources, problems;
};

PairBars loadPairBars(const marketdata::StorageRunner& runner, const std::vector<std::string>& symbols, Timeframe tf,
                      const std::string& preferred, std::string& error) {
  PairBars out;
  std::vector<storage::SeriesInfo> series;
  if (error = readJournal(runner, [](storage::IStorage& s) { return s.listSeries(); }, series); !error.empty()) {
    error = "cannot list the stored series: " + error;
    return out;
  }
  for (const auto& sym : symbols) {
    if (out.bars.count(sym)) continue;
    const std::string source = chooseSource(series, sym, tf, preferred);
    if (source.empty()) {
      out.problems[sym] = fmt::format("no stored {} bars of {}", marketdata::toString(tf), sym);
      continue;
    }
    std::vector<domain::Bar> bars;
    const std::string e = readJournal(runner, [&](storage::IStorage& s) {
      return s.loadBars(sym, source, std::numeric_limits<domain::Timestamp>::min(),
                        std::numeric_limits<domain::Timestamp>::max());
    }, bars);
    if (!e.empty()) {
      out.problems[sym] = fmt::format("cannot read {} {}: {}", sym, source, e);
      continue;
    }
    out.sources[sym] = source;
    out.bars[sym] = std::move(bars);
  }
  return out;
}

contract::PairLabRow measureLoaded(const PairBars& loaded, const std::string& a, const std::string& b,
                                   std::size_t lookback, std::size_t minObs, double maxP) {
  for (const auto* sym : {&a, &b})
    if (const auto p = loaded.problems.find(*sym); p != loaded.problems.end()) {
      contract::PairLabRow row;
      row.first = a;
      row.second = b;
      row.pValue = std::numeric_limits<double>::quiet_NaN();
      row.problem = p->second;
      row.stale = true;
      return row;
    }
  contract::PairLabRow row = research::measurePair(
      a, b, research::alignPair(loaded.bars.at(a), loaded.bars.at(b), lookback), minObs, maxP);
  row.source = loaded.sources.at(a) == loaded.sources.at(b) ? loaded.sources.at(a)
                                                            : loaded.sources.at(a) + "," + loaded.sources.at(b);
  if (!row.problem.empty()) row.stale = true;
  return row;
}

}  // namespace

contract::PairsListed HistoryService::pairsWith(const contract::RequestPairs& request,
                                                const marketdata::StorageRunner& runner) const {
  contract::PairsListed out;
  out.correlationId = request.correlationId;
  out.maxPValue = request.maxPValue;
  if (out.error = requestError(request); !out.error.empty()) return out;
  std::vector<std::pair<std::string, std::string>> pairs;
  std::vector<storage::DiscoveredPair> stored;
  if (request.scan) {
    for (std::size_t i = 0; i < request.symbols.size(); ++i)
      for (std::size_t j = i + 1; j < request.symbols.size(); ++j)
        if (request.symbols[i] != request.symbols[j]) pairs.emplace_back(request.symbols[i], request.symbols[j]);
  } else {
    const std::string e = readJournal(runner, [](storage::IStorage& s) { return s.latestDiscoveredPairs(200); }, stored);
    if (!e.empty()) {
      out.error = "cannot read the discovered pairs: " + e;
      return out;
    }
    if (stored.empty()) {
      out.error = "no discovered pairs stored yet: run the pair_discovery job (Jobs panel) or scan here";
      return out;
    }
    const domain::Timestamp latest = std::max_element(stored.begin(), stored.end(), [](const auto& x, const auto& y) {
                                       return x.runTs < y.runTs;
                                     })->runTs;
    std::erase_if(stored, [&](const storage::DiscoveredPair& d) { return d.runTs != latest; });
    std::sort(stored.begin(), stored.end(), [](const auto& x, const auto& y) { return x.rank < y.rank; });
    for (const auto& d : stored) pairs.emplace_back(d.first, d.second);
  }
  std::vector<std::string> symbols;
  for (const auto& [a, b] : pairs) {
    symbols.push_back(a);
    symbols.push_back(b);
  }
  std::string error;
  const PairBars loaded = loadPairBars(runner, symbols, request.timeframe, request.source, error);
  if (!error.empty()) {
    out.error = error;
    return out;
  }
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    contract::PairLabRow row =
        measureLoaded(loaded, pairs[k].first, pairs[k].second, request.lookbackBars, request.minObservations,
                      request.maxPValue);
    if (!request.scan) {
      row.discoveredPValue = stored[k].pValue;
      row.discoveredTs = stored[k].runTs;
    }
    out.pairs.push_back(std::move(row));
  }
  if (request.scan)  // best score first; pairs that could not be measured last
    std::stable_sort(out.pairs.begin(), out.pairs.end(), [](const auto& x, const auto& y) {
      if (x.problem.empty() != y.problem.empty()) return x.problem.empty();
      return x.score > y.score;
    });
  return out;
}

contract::PairSeriesLoaded HistoryService::pairSeriesWith(const contract::RequestPairSeries& request,
                                                          const marketdata::StorageRunner& runner) const {
  contract::PairSeriesLoaded out;
  out.correlationId = request.correlationId;
  out.entryZ = request.entryZ;
  out.exitZ = request.exitZ;
  out.stopZ = request.stopZ;
  if (out.error = requestError(request); !out.error.empty()) return out;
  std::string error;
  const PairBars loaded = loadPairBars(runner, {request.first, request.second}, request.timeframe, request.source, error);
  if (!error.empty()) {
    out.error = error;
    return out;
  }
  for (const auto* sym : {&request.first, &request.second})
    if (const auto p = loaded.problems.find(*sym); p != loaded.problems.end()) {
      out.error = p->second;
      return out;
    }
  auto series = research::pairSeries(request.first, request.second,
                                     research::alignPair(loaded.bars.at(request.first), loaded.bars.at(request.second),
                                                         request.lookbackBars),
                                     3, request.maxPValue);
  series.correlationId = out.correlationId;
  series.entryZ = out.entryZ;
  series.exitZ = out.exitZ;
  series.stopZ = out.stopZ;
  series.stats.source = loaded.sources.at(request.first);
  if (series.ok()) {
    auto trades = research::pairTrades(request.first, request.second, loaded.bars.at(request.first),
                                       loaded.bars.at(request.second), request.lookbackBars, request.entryZ,
                                       request.exitZ, request.stopZ);
    if (trades) series.trades = std::move(trades).value();
    else series.tradesError = trades.error().message;
  }
  return series;
}

std::unique_ptr<HistoryService> makeHistoryService(bus::EventBus& bus, storage::StorageService& storage) {
  HistoryService::Options options;
  options.reader = storage.config();
  return std::make_unique<HistoryService>(
      bus,
      [&storage](const storage::StorageTask& task) {
        storage.call([&task](storage::IStorage& s) { task(s); }).get();  // throws when storage is not running
      },
      std::move(options));
}

}  // namespace meridian::history
