#include "core/history/HistoryService.h"

#include "core/common/Logging.h"
#include "core/marketdata/BarAggregator.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>
#include <type_traits>
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

std::string requestError(const contract::RequestFillsHistory& request) {
  if (request.limit == 0) return "fills history request without a limit (0 would read every fill ever journaled)";
  return {};
}

std::string requestError(const contract::RequestOrdersHistory& request) {
  if (request.limit == 0) return "orders history request without a limit (0 would read every order ever journaled)";
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
  m_ordersSubscription = m_bus.subscribe<contract::RequestOrdersHistory>(m_mailbox);
}

HistoryService::~HistoryService() {
  stop();
  if (m_mailbox) {  // never started
    m_bus.unsubscribe(m_subscription);
    m_bus.unsubscribe(m_fillsSubscription);
  m_bus.unsubscribe(m_ordersSubscription);
    m_bus.unsubscribe(m_ordersSubscription);
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
  m_bus.unsubscribe(m_ordersSubscription);
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
      // Journal lists (the Fills and Orders blotters at start-up): one answer each, counted in fillsServed().
      const auto serveList = [&](const auto& request, const char* what, auto load) {
        auto result = readPreferringReader<decltype(load(request, m_storage))>(
            request, [&](const marketdata::StorageRunner& runner) { return load(request, runner); });
        if (!result.ok()) log->warn("{} history: {}", what, result.error);
        ++m_fillsServed;
        m_bus.publish(std::move(result));
      };
      if (const auto* f = batch[i].as<contract::RequestFillsHistory>()) {
        serveList(*f, "fills", [this](const auto& q, const auto& runner) { return loadFillsWith(q, runner); });
        continue;
      }
      if (const auto* o = batch[i].as<contract::RequestOrdersHistory>()) {
        serveList(*o, "orders", [this](const auto& q, const auto& runner) { return loadOrdersWith(q, runner); });
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
        for (const std::string& vendor : m_options.vendors)
          for (bool adjusted : {false, true})
            for (Timeframe tf : {Timeframe::Minute1, Timeframe::Hour1, Timeframe::Day1})
              probe(marketdata::sourceName(vendor, adjusted, tf));
      }
      if (!error.empty() || found.empty()) return;
      // Same resolution, else the finest finer one (aggregated), else the finest coarser one.
      const int want = rank(request.timeframe);
      const auto score = [want](const Candidate& c) {
        const int r = rank(c.timeframe);
        const int cls = r == want ? 0 : r < want ? 1 : 2;
        const int distance = cls == 1 ? r : std::abs(r - want);  // finer: minute bars first (what BarAggregator takes)
        return std::tuple(cls, distance, c.adjusted, -c.latest);
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

template <class Answer, class Request, class Read>
Answer HistoryService::loadJournalList(const Request& request, const marketdata::StorageRunner& runner, const char* what,
                                       const Read& read) const {
  const auto t0 = std::chrono::steady_clock::now();
  Answer out;
  out.correlationId = request.correlationId;
  const auto finish = [&]() -> Answer {
    out.elapsedMs = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    return std::move(out);
  };
  if (out.error = requestError(request); !out.error.empty()) return finish();
  std::string error;
  try {
    runner([&](storage::IStorage& s) {
      auto loaded = read(s);
      if (!loaded) {
        error = loaded.error().message;
        return;
      }
      using Rows = typename std::decay_t<decltype(loaded.value())>;
      if constexpr (requires { out.fills; })
        out.fills = std::make_shared<const Rows>(std::move(loaded).value());
      else
        out.orders = std::make_shared<const Rows>(std::move(loaded).value());
    });
  } catch (const std::exception& e) {
    error = e.what();  // storage not running
  }
  if (!error.empty()) out.error = std::string("cannot read ") + what + " history: " + error;
  return finish();
}

contract::FillsHistoryLoaded HistoryService::loadFillsWith(const contract::RequestFillsHistory& request,
                                                 const marketdata::StorageRunner& runner) const {
  auto out = loadJournalList<contract::FillsHistoryLoaded>(
      request, runner, "fills", [&](storage::IStorage& s) { return s.loadFills({}, request.limit); });  // newest first
  out.limit = request.limit;
  return out;
}

contract::OrdersHistoryLoaded HistoryService::loadOrders(const contract::RequestOrdersHistory& request) const {
  return loadOrdersWith(request, m_storage);
}

contract::OrdersHistoryLoaded HistoryService::loadOrdersWith(const contract::RequestOrdersHistory& request,
                                                   const marketdata::StorageRunner& runner) const {
  return loadJournalList<contract::OrdersHistoryLoaded>(
      request, runner, "orders", [&](storage::IStorage& s) -> Result<std::vector<domain::Order>> {
        // The newest `limit` orders (by created_ts), those created before `since` dropped.
        auto loaded = s.loadOrders(request.limit);
        if (!loaded) return loaded;
        std::vector<domain::Order> orders = std::move(loaded).value();
        orders.erase(std::remove_if(orders.begin(), orders.end(),
                                    [&](const domain::Order& o) { return o.createdTs < request.since; }),
                     orders.end());
        return orders;
      });
}

}  // namespace meridian::history
