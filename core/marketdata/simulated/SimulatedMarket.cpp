#include "core/marketdata/simulated/SimulatedMarket.h"

#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "core/common/LatencyHistogram.h"
#include "core/common/Logging.h"
#include "core/time/NyseCalendar.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace meridian::marketdata {
namespace {

constexpr std::size_t kBatch = 4096;

}  // namespace

// What a market built with `o` starts from: every symbol listed in pricesPath at its saved price, and the
// simulated time saved with them.
SimulatedMarket::Start SimulatedMarket::resumed(SimulatedMarketOptions o) {
  Start start;
  if (!o.pricesPath.empty()) {
    auto saved = loadSimulatedFeedState(o.pricesPath);
    if (!saved.ok()) {
      common::logger("marketdata")->warn("simulated market: starting from the seed prices: {}", saved.error().message);
    } else {
      std::size_t n = 0;
      for (auto& sym : o.symbols)
        if (auto it = saved->prices.find(sym.symbol); it != saved->prices.end()) {
          sym.startPrice = it->second;
          ++n;
        }
      if (n > 0) {
        common::logger("marketdata")->info("simulated market: {} symbol(s) continue from their last prices ({})", n,
                                           o.pricesPath);
        start.resumeTs = saved->simTs;
      }
    }
  }
  start.options = std::move(o);
  return start;
}

Result<SimulatedFeedState> loadSimulatedFeedState(const std::string& path) {
  QFile f(QString::fromStdString(path));
  if (!f.exists()) return SimulatedFeedState{};
  if (!f.open(QIODevice::ReadOnly)) return makeError("sim.prices", path + ": " + f.errorString().toStdString());
  QJsonParseError err{};
  const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &err);
  if (!doc.isObject())
    return makeError("sim.prices", path + ": not a JSON object (" + err.errorString().toStdString() + ")");
  SimulatedFeedState out;
  QJsonObject prices = doc.object();
  if (prices.contains(QLatin1String("prices"))) {
    const QJsonValue ms = prices.value(QLatin1String("sim_time_ms"));
    // Milliseconds, so a double holds them exactly; whole, not before 1970, and within the nanosecond Timestamp
    // (up to the year 2262: 9.2e12 ms).
    if (!ms.isDouble() || ms.toDouble() < 0.0 || ms.toDouble() != std::floor(ms.toDouble()) ||
        ms.toDouble() > 9.2e12)
      return makeError("sim.prices", path + ": sim_time_ms is not a whole number of milliseconds");
    out.simTs = domain::fromMillis(std::int64_t(ms.toDouble()));
    if (!prices.value(QLatin1String("prices")).isObject())
      return makeError("sim.prices", path + ": prices is not a JSON object");
    prices = prices.value(QLatin1String("prices")).toObject();
  }
  for (auto it = prices.begin(); it != prices.end(); ++it) {
    const double price = it.value().toDouble(-1.0);
    if (!(price > 0.0) || !std::isfinite(price))
      return makeError("sim.prices", path + ": the price of " + it.key().toStdString() + " is not a positive number");
    out.prices[it.key().toStdString()] = price;
  }
  return out;
}

Status saveSimulatedFeedState(const std::string& path, const SimulatedFeedState& state) {
  QJsonObject prices;
  for (const auto& [symbol, price] : state.prices) prices.insert(QString::fromStdString(symbol), price);
  QJsonObject o;
  o.insert(QLatin1String("sim_time_ms"), double(domain::toMillis(state.simTs)));
  o.insert(QLatin1String("prices"), prices);
  const QString file = QString::fromStdString(path);
  // The default lives in the data directory, which a serving setup on PostgreSQL may not have made yet.
  if (const QString dir = QFileInfo(file).absolutePath(); !QDir().mkpath(dir))
    return makeError("sim.prices", path + ": cannot create directory " + dir.toStdString());
  QSaveFile f(file);
  if (!f.open(QIODevice::WriteOnly)) return makeError("sim.prices", path + ": " + f.errorString().toStdString());
  f.write(QJsonDocument(o).toJson(QJsonDocument::Compact));
  if (!f.commit()) return makeError("sim.prices", path + ": " + f.errorString().toStdString());
  return {};
}

void SimulatedMarket::savePrices() {
  if (m_options.pricesPath.empty() || m_ticks.load() == 0) return;
  SimulatedFeedState state;
  for (std::size_t i = 0; i < m_options.symbols.size(); ++i) state.prices[m_options.symbols[i].symbol] = m_gen.price(i);
  state.simTs = m_simNow.load(std::memory_order_relaxed);
  if (Status s = saveSimulatedFeedState(m_options.pricesPath, state); !s.ok()) {
    if (!m_saveFailed) common::logger("marketdata")->warn("simulated market: cannot save prices: {}", s.error().message);
    m_saveFailed = true;
  } else {
    m_saveFailed = false;
  }
}

SimulatedMarket::SimulatedMarket(bus::EventBus& bus, const common::IClock& clock, SimulatedMarketOptions options)
    : SimulatedMarket(bus, clock, resumed(std::move(options))) {}

SimulatedMarket::SimulatedMarket(bus::EventBus& bus, const common::IClock& clock, Start start)
    : m_bus(bus),
      m_clock(clock),
      m_options(std::move(start.options)),
      m_gen(m_options.symbols, m_options.seed),
      m_resumeTs(start.resumeTs) {
  m_options.ticksPerSecond = std::clamp(m_options.ticksPerSecond, 1e-3, SimulatedMarketOptions::kMaxTicksPerSecond);
  if (!(m_options.replaySpeed > 0.0)) m_options.replaySpeed = 1.0;
  m_intervalNs = m_options.replaySpeed * 1e9 / m_options.ticksPerSecond;
  BarAggregator::Options ao;
  ao.hourly = m_options.publishHourly;
  ao.daily = m_options.publishDaily;
  ao.sessionOnly = !m_options.alwaysOpen;
  m_symbols.reserve(m_options.symbols.size());
  for (const auto& s : m_options.symbols) {
    PerSymbol p{BarAggregator(ao), {}};
    p.latest.symbol = s.symbol;
    m_symbols.push_back(std::move(p));
  }
  m_batch.reserve(kBatch);
  m_pendingQuotes.reserve(kQuoteBurst);
  m_closed.reserve(16);
}

SimulatedMarket::~SimulatedMarket() { stop(); }

void SimulatedMarket::anchor(domain::Timestamp simStart) {
  m_anchor = simStart;
  m_k = 0;
  m_anchored = true;
}

domain::Timestamp SimulatedMarket::scheduled() const {
  return m_anchor + domain::Timestamp(double(m_k) * m_intervalNs);
}

domain::Timestamp SimulatedMarket::simulatedTime(domain::Timestamp wallNow) const {
  return m_simStart + domain::Timestamp(double(wallNow - m_wallStart) * m_options.replaySpeed);
}

SimulatedMarket::Stats SimulatedMarket::stats() const {
  return Stats{m_ticks.load(), m_quotes.load(), m_bars.load(), m_simNow.load()};
}

void SimulatedMarket::publishClosed(std::size_t i) {
  flushQuotes();  // the quotes of earlier ticks go first
  auto& p = m_symbols[i];
  for (const auto& c : m_closed) {
    contract::BarClosed ev{p.latest.symbol, sourceName(m_options.source, false, c.timeframe), c.bar};
    if (m_barSink) m_barSink(ev.symbol, ev.source, ev.bar);
    m_bus.publish(std::move(ev));
    m_bars.fetch_add(1, std::memory_order_relaxed);
  }
  m_closed.clear();
}

void SimulatedMarket::publishQuote(const domain::Quote& quote) {
  contract::QuoteUpdated ev{quote};
  if (m_stamp.load(std::memory_order_relaxed)) ev.publishedNs = common::LatencyHistogram::steadyNowNs();
  m_pendingQuotes.push_back(std::make_shared<const contract::QuoteUpdated>(std::move(ev)));
  if (m_pendingQuotes.size() >= kQuoteBurst) flushQuotes();
}

void SimulatedMarket::flushQuotes() {
  if (m_pendingQuotes.empty()) return;
  m_bus.publishAll(m_pendingQuotes);
  m_quotes.fetch_add(m_pendingQuotes.size(), std::memory_order_relaxed);
  m_pendingQuotes.clear();
}

std::size_t SimulatedMarket::runUntil(domain::Timestamp simTs) {
  if (!m_anchored) anchor(m_options.startTs.value_or(simTs));
  const auto& cal = time::NyseCalendar::instance();
  std::size_t generated = 0;
  while (true) {
    const domain::Timestamp t = scheduled();
    if (t > simTs) break;
    if (!m_options.alwaysOpen && !m_cursor.isOpen(t)) {
      // Market closed: close the day's bars, then jump the schedule to the next open.
      for (std::size_t i = 0; i < m_symbols.size(); ++i) {
        m_symbols[i].aggregator.flush(t, m_closed);
        publishClosed(i);
      }
      const domain::Timestamp next = cal.nextOpen(t);
      if (next == time::kInvalidTimestamp) break;
      anchor(next);
      continue;
    }
    const Tick tick = m_gen.next(t);
    ++m_k;
    ++generated;
    m_ticks.fetch_add(1, std::memory_order_relaxed);
    auto& p = m_symbols[tick.symbolIndex];
    p.aggregator.addTrade(t, tick.price, tick.size, m_closed);
    if (!m_closed.empty()) publishClosed(tick.symbolIndex);
    auto& q = p.latest;
    q.ts = t;
    q.bid = tick.bid;
    q.ask = tick.ask;
    q.bidSize = tick.bidSize;
    q.askSize = tick.askSize;
    q.last = tick.price;
    q.lastSize = tick.size;
    publishQuote(q);
    if (m_sink) {
      m_batch.push_back(tick);
      if (m_batch.size() >= kBatch) {
        m_sink(m_batch);
        m_batch.clear();
      }
    }
  }
  flushQuotes();
  if (m_sink && !m_batch.empty()) {
    m_sink(m_batch);
    m_batch.clear();
  }
  for (std::size_t i = 0; i < m_symbols.size(); ++i) {
    auto& p = m_symbols[i];
    p.aggregator.flush(simTs, m_closed);
    if (!m_closed.empty()) publishClosed(i);
  }
  m_simNow.store(simTs, std::memory_order_relaxed);
  return generated;
}

void SimulatedMarket::start() {
  if (m_running.exchange(true)) return;
  {
    std::lock_guard lock(m_mutex);
    m_stop = false;
  }
  m_wallStart = m_clock.now();
  // Resumed where the last run stopped when that is ahead of the clock (faster than real time); else now.
  m_simStart = m_options.startTs.value_or(std::max(m_wallStart, m_resumeTs));
  if (!m_anchored) anchor(m_simStart);
  common::logger("marketdata")
      ->info("simulated market started: {} symbols, seed {}, {} ticks/s, replay x{}{}{}", m_symbols.size(),
             m_options.seed, m_options.ticksPerSecond, m_options.replaySpeed,
             m_options.alwaysOpen ? ", always open" : "",
             m_simStart > m_wallStart ? fmt::format(", resumed {:.0f} s ahead of the clock",
                                                    double(m_simStart - m_wallStart) / domain::kNanosPerSecond)
                                      : std::string());
  m_thread = std::thread(&SimulatedMarket::run, this);
}

void SimulatedMarket::stop() {
  {
    std::lock_guard lock(m_mutex);
    m_stop = true;
  }
  m_cv.notify_all();
  if (m_thread.joinable()) {
    m_thread.join();
    savePrices();  // the feed thread is gone: the generator is ours now
  }
  m_running.store(false);
}

void SimulatedMarket::run() {
  while (true) {
    const domain::Timestamp sim = simulatedTime(m_clock.now());
    runUntil(sim);
    if (const auto now = std::chrono::steady_clock::now(); !m_options.pricesPath.empty() && now >= m_nextSave) {
      savePrices();
      m_nextSave = now + m_options.pricesSaveInterval;
    }
    // Sleep until the next tick is due (at most 50 ms so stop() stays responsive; 1 ms granularity).
    const double aheadWallNs = double(scheduled() - sim) / m_options.replaySpeed;
    const auto wait = std::chrono::nanoseconds(
        std::clamp<std::int64_t>(std::int64_t(aheadWallNs), 1'000'000, 50'000'000));
    std::unique_lock lock(m_mutex);
    if (m_cv.wait_for(lock, wait, [this] { return m_stop; })) break;
  }
}

}  // namespace meridian::marketdata
