#include "core/live/StrategyRunner.h"

#include "core/backtest/BarSeries.h"
#include "core/common/Ids.h"
#include "core/common/Logging.h"
#include "core/contract/Orders.h"
#include "core/contract/Risk.h"
#include "core/marketdata/IngestionService.h"
#include "core/live/LiveStrategyHost.h"
#include "core/storage/StorageService.h"

#include <QDateTime>
#include <QStringList>
#include <QTimeZone>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace meridian::live {

namespace {

constexpr double kQtyEps = 1e-9;
constexpr std::size_t kMaxPendingSlices = 64;  // unmatched slices kept per instance (a pair leg that never came)

auto log() { return common::logger("strategy"); }

std::string upper(QString s) { return s.trimmed().toUpper().toStdString(); }

std::string formatTs(domain::Timestamp ts, domain::Timeframe tf) {
  if (ts == 0) return "-";
  const QDateTime t = QDateTime::fromMSecsSinceEpoch(ts / domain::kNanosPerMilli, QTimeZone::utc());
  return (tf == domain::Timeframe::Day1 ? t.toString(QStringLiteral("yyyy-MM-dd"))
                                            : t.toString(QStringLiteral("yyyy-MM-dd HH:mm'Z'")))
      .toStdString();
}

std::string qty(double v) { return fmt::format("{:g}", v); }

}  // namespace

// ---- configuration ------------------------------------------------------------------------------------------

std::string LiveStrategySpec::id() const {
  std::string s = strategy + ":";
  for (std::size_t i = 0; i < symbols.size(); ++i) s += (i ? "/" : "") + symbols[i];
  return s;
}

Result<strategy::ParamSet> paramsFromConfig(const common::Config& config, const strategy::StrategyRegistry& registry,
                                            std::string_view name) {
  const QString prefix = QStringLiteral("strategy.%1.").arg(QString::fromUtf8(name.data(), qsizetype(name.size())));
  std::vector<std::pair<std::string, double>> overrides;
  for (const QString& key : config.keys()) {
    if (!key.startsWith(prefix)) continue;
    const QString param = key.mid(prefix.size());
    bool ok = false;
    const double v = config.value(key).trimmed().toDouble(&ok);
    if (!ok || !std::isfinite(v))
      return makeError(strategy::paramerr::kSyntax, fmt::format("{} = '{}' is not a number", key.toStdString(),
                                                                config.value(key).toStdString()));
    overrides.emplace_back(param.toStdString(), v);
  }
  auto params = registry.resolve(name, overrides);
  if (!params) return makeError(params.error().code, fmt::format("{}*: {}", prefix.toStdString(), params.error().message));
  if (auto probe = registry.create(name, *params); !probe)
    return makeError(probe.error().code, fmt::format("{}*: {}", prefix.toStdString(), probe.error().message));
  return params;
}

Result<std::vector<LiveStrategySpec>> parseLiveStrategies(std::string_view text, const common::Config& config,
                                                          const strategy::StrategyRegistry& registry) {
  std::vector<LiveStrategySpec> out;
  std::set<std::string> ids;
  const QString all = QString::fromUtf8(text.data(), qsizetype(text.size()));
  for (const QString& rawEntry : all.split(';', Qt::SkipEmptyParts)) {
    const QString entry = rawEntry.trimmed();
    if (entry.isEmpty()) continue;
    const auto colon = entry.indexOf(':');
    if (colon <= 0)
      return makeError("config", fmt::format("strategy.live entry '{}' must be <strategy>:<SYMBOL>[,<SYMBOL>...]",
                                             entry.toStdString()));
    const std::string name = entry.left(colon).trimmed().toLower().toStdString();
    const strategy::StrategyInfo* info = registry.find(name);
    if (!info) return makeError("config", "strategy.live: " + registry.resolve(name, {}).error().message);
    auto params = paramsFromConfig(config, registry, name);
    if (!params) return params.error();
    const QStringList groups = entry.mid(colon + 1).split(',', Qt::SkipEmptyParts);
    if (groups.isEmpty())
      return makeError("config", fmt::format("strategy.live entry '{}' names no symbol", entry.toStdString()));
    for (const QString& g : groups) {
      LiveStrategySpec spec;
      spec.strategy = name;
      spec.params = *params;
      for (const QString& s : g.split('/')) spec.symbols.push_back(upper(s));
      const bool empty = std::any_of(spec.symbols.begin(), spec.symbols.end(), [](auto& s) { return s.empty(); });
      if (spec.symbols.size() != info->instruments || empty)
        return makeError("config",
                         info->instruments == 1
                             ? fmt::format("strategy.live: '{}' is not a symbol for {} (one symbol per instance)",
                                           g.trimmed().toStdString(), name)
                             : fmt::format("strategy.live: {} needs {} symbols per instance written A/B, got '{}'",
                                           name, info->instruments, g.trimmed().toStdString()));
      if (!ids.insert(spec.id()).second)
        return makeError("config", fmt::format("strategy.live: {} is listed twice", spec.id()));
      out.push_back(std::move(spec));
    }
  }
  return out;
}

Result<StrategyRunnerOptions> StrategyRunnerOptions::fromConfig(const common::Config& c) {
  StrategyRunnerOptions o;
  o.trade = c.boolValue("strategy.trade", false);
  const QString tf = c.value("strategy.timeframe", "1d").trimmed();
  const auto parsed = marketdata::timeframeFromString(tf.toStdString());
  if (!parsed) return makeError("config", fmt::format("strategy.timeframe '{}' must be 1d, 1h or 1m", tf.toStdString()));
  o.timeframe = *parsed;
  const auto positive = [&](const char* key, double fallback, double max) -> Result<double> {
    if (!c.contains(key)) return fallback;
    bool ok = false;
    const double v = c.value(key).trimmed().toDouble(&ok);
    if (!ok || !(v > 0.0) || v > max)
      return makeError("config", fmt::format("{} = '{}' must be a number > 0 and <= {:g}", key,
                                             c.value(key).toStdString(), max));
    return v;
  };
  if (c.contains("strategy.size_pct")) {
    auto pct = positive("strategy.size_pct", 0.0, 1000.0);
    if (!pct) return pct.error();
    o.sizing = {strategy::SizingRule::Mode::PercentOfEquity, *pct};
  } else {
    auto shares = positive("strategy.size", 100.0, 1e9);
    if (!shares) return shares.error();
    o.sizing = {strategy::SizingRule::Mode::FixedQuantity, *shares};
  }
  auto capital = positive("strategy.capital", o.capital, 1e15);
  if (!capital) return capital.error();
  o.capital = *capital;
  o.historySource = c.value("strategy.history_source").trimmed().toStdString();
  o.historyDays = c.intValue("strategy.history_days", o.historyDays);
  if (o.historyDays < 0) return makeError("config", "strategy.history_days must be >= 0");
  return o;
}

std::string StrategyCycleReport::summary() const {
  std::string s = fmt::format("{} strateg{}: {} new bar{}, {} signal{}, {} order{} submitted", instances,
                              instances == 1 ? "y" : "ies", newBars, newBars == 1 ? "" : "s", signals,
                              signals == 1 ? "" : "s", ordersSubmitted, ordersSubmitted == 1 ? "" : "s");
  for (const auto& l : lines) s += "; " + l;
  return s;
}

// ---- runner -------------------------------------------------------------------------------------------------

struct StrategyRunner::Instance {
  LiveStrategySpec spec;
  std::string id;
  std::unique_ptr<LiveStrategyHost> host;
  struct Pending {
    std::vector<domain::Bar> bars;
    std::vector<bool> have;
  };
  std::map<domain::Timestamp, Pending> pending;
  std::size_t warmupBars = 0;
  std::size_t liveBars = 0;
  std::size_t signals = 0;
  std::size_t index(const std::string& symbol) const {
    for (std::size_t i = 0; i < spec.symbols.size(); ++i)
      if (spec.symbols[i] == symbol) return i;
    return SIZE_MAX;
  }
};

struct StrategyRunner::Slot {
  std::string instanceId;
  std::string symbol;
  double target = 0.0;  // the strategy's latest wanted position
  double filled = 0.0;  // net quantity the runner's own orders have filled
  bool dirty = false;   // target changed while an order for the symbol was working
};

struct StrategyRunner::WorkingOrder {
  std::string slotKey;
  std::string symbol;
  std::string correlationId;
  domain::Side side = domain::Side::Buy;
  double lastFilled = 0.0;
};

struct StrategyRunner::CycleRequest {
  std::shared_ptr<std::promise<Result<StrategyCycleReport>>> promise;
};

StrategyRunner::StrategyRunner(bus::EventBus& bus, std::vector<LiveStrategySpec> specs, StrategyRunnerOptions options,
                               storage::StorageService* storage, const common::IClock& clock,
                               const strategy::StrategyRegistry& registry)
    : m_bus(bus),
      m_specs(std::move(specs)),
      m_options(std::move(options)),
      m_storage(storage),
      m_clock(clock),
      m_registry(registry) {}

StrategyRunner::~StrategyRunner() { stop(); }

Status StrategyRunner::start() {
  if (m_running) return {};
  std::vector<std::unique_ptr<Instance>> instances;
  LiveHostConfig host;
  host.initialCash = m_options.capital;
  host.sizing = m_options.sizing;
  for (const auto& spec : m_specs) {
    auto strat = m_registry.create(spec.strategy, spec.params);
    if (!strat) return makeError(strat.error().code, fmt::format("{}: {}", spec.id(), strat.error().message));
    auto inst = std::make_unique<Instance>();
    inst->spec = spec;
    inst->id = spec.id();
    inst->host = std::make_unique<LiveStrategyHost>(std::move(strat).value(), spec.symbols, host);
    instances.push_back(std::move(inst));
  }
  m_instances = std::move(instances);
  {
    std::lock_guard lock(m_statusMutex);
    m_warm = false;
  }
  m_mailbox = std::make_shared<bus::Mailbox>("strategies");
  std::set<std::string> symbols;
  for (const auto& s : m_specs) symbols.insert(s.symbols.begin(), s.symbols.end());
  for (const auto& s : symbols) m_subscriptions.push_back(m_bus.subscribe<contract::BarClosed>(m_mailbox, s));
  if (m_options.trade) {
    m_subscriptions.push_back(m_bus.subscribe<contract::OrderUpdated>(m_mailbox));
    m_subscriptions.push_back(m_bus.subscribe<contract::CommandRejected>(m_mailbox));
  }
  m_stopping = false;
  m_running = true;
  m_thread = std::thread(&StrategyRunner::run, this);
  log()->info("live strategies: {} instance(s), timeframe {}, {}", m_instances.size(),
              marketdata::toString(m_options.timeframe), m_options.trade ? "trading" : "signals only");
  return {};
}

void StrategyRunner::stop() {
  if (!m_running.exchange(false)) return;
  m_stopping = true;
  for (auto id : m_subscriptions) m_bus.unsubscribe(id);
  m_subscriptions.clear();
  m_mailbox->close();
  if (m_thread.joinable()) m_thread.join();
  for (auto& inst : m_instances) inst->host->finish();
}

bool StrategyRunner::waitUntilWarm(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(m_statusMutex);
  return m_warmCv.wait_for(lock, timeout, [this] { return m_warm; });
}

void StrategyRunner::run() {
  warmUp();
  publishStatus();
  {
    std::lock_guard lock(m_statusMutex);
    m_warm = true;
  }
  m_warmCv.notify_all();
  std::vector<bus::Envelope> batch;
  const auto handle = [this](const bus::Envelope& e) {
    if (const auto* bar = e.as<contract::BarClosed>()) onBar(*bar);
    else if (const auto* upd = e.as<contract::OrderUpdated>()) onOrderUpdated(*upd);
    else if (const auto* rej = e.as<contract::CommandRejected>()) onCommandRejected(*rej);
    else if (const auto* cyc = e.as<CycleRequest>()) onCycle(*cyc);
  };
  while (!m_stopping) {
    if (!m_mailbox->waitNonEmpty(std::chrono::milliseconds(200))) continue;
    batch.clear();
    m_mailbox->drain(batch, 1024);
    bool stepped = false;
    for (const auto& e : batch) {
      if (m_stopping) break;
      handle(e);
      stepped = stepped || e.type == std::type_index(typeid(contract::BarClosed));
    }
    if (stepped) publishStatus();
  }
  // Cycle requests still queued get an answer instead of a broken promise.
  batch.clear();
  m_mailbox->drain(batch);
  for (const auto& e : batch)
    if (const auto* cyc = e.as<CycleRequest>())
      cyc->promise->set_value(makeError("cancelled", "the strategy runner stopped before the cycle ran"));
}

std::string StrategyRunner::sourceFor(const std::string& symbol) {
  if (!m_options.historySource.empty()) return m_options.historySource;
  if (auto it = m_sources.find(symbol); it != m_sources.end()) return it->second;
  if (!m_storage) return {};
  std::vector<storage::SeriesInfo> series;
  try {
    auto r = m_storage->call([](storage::IStorage& s) { return s.listSeries(); }).get();
    if (!r) {
      log()->warn("cannot list stored series: {}", r.error().message);
      return {};
    }
    series = std::move(r).value();
  } catch (const std::exception& e) {
    log()->warn("cannot list stored series: {}", e.what());
    return {};
  }
  const storage::SeriesInfo* best = nullptr;
  for (const auto& s : series) {
    if (s.symbol != symbol || marketdata::timeframeOfSource(s.source) != m_options.timeframe) continue;
    if (!best || s.lastTs > best->lastTs || (s.lastTs == best->lastTs && s.barCount > best->barCount)) best = &s;
  }
  if (!best) return {};
  m_sources[symbol] = best->source;  // stable from now on: live bars and cycles must not mix sources
  return best->source;
}

Result<std::vector<domain::Bar>> StrategyRunner::loadStored(const std::string& symbol, domain::Timestamp from,
                                                            domain::Timestamp to) {
  if (!m_storage) return std::vector<domain::Bar>{};
  const std::string source = sourceFor(symbol);
  if (source.empty()) return std::vector<domain::Bar>{};
  try {
    return m_storage->call([symbol, source, from, to](storage::IStorage& s) {
      return s.loadBars(symbol, source, from, to);
    }).get();
  } catch (const std::exception& e) {
    return makeError("storage", fmt::format("loading {} {} bars: {}", symbol, source, e.what()));
  }
}

void StrategyRunner::warmUp() {
  if (!m_storage) {
    log()->info("live strategies: no storage, warming up on live bars only");
    return;
  }
  const domain::Timestamp now = m_clock.now();
  const domain::Timestamp from = now - domain::Timestamp(m_options.historyDays) * domain::kNanosPerDay;
  for (auto& inst : m_instances) {
    if (m_stopping) return;
    std::vector<backtest::BarSeries> series;
    bool missing = false;
    for (const auto& sym : inst->spec.symbols) {
      auto bars = loadStored(sym, from, now + 1);
      if (!bars) {
        log()->warn("{}: warm-up skipped: {}", inst->id, bars.error().message);
        missing = true;
        break;
      }
      if (bars->empty()) missing = true;
      series.push_back({sym, std::move(bars).value()});
    }
    if (missing) {
      log()->warn("{}: no stored {} history; the strategy warms up on live bars", inst->id,
                  marketdata::toString(m_options.timeframe));
      continue;
    }
    auto aligned = backtest::alignSeries(std::move(series));
    if (!aligned) {
      log()->warn("{}: stored histories do not overlap ({}); warming up on live bars", inst->id,
                  aligned.error().message);
      continue;
    }
    const std::size_t n = aligned->size(), T = aligned->front().bars.size();
    std::vector<domain::Bar> slice(n);
    for (std::size_t t = 0; t < T; ++t) {
      for (std::size_t i = 0; i < n; ++i) slice[i] = (*aligned)[i].bars[t];
      inst->host->step(slice, false);
    }
    inst->warmupBars = T;
    log()->info("{}: warmed up on {} stored bars up to {}", inst->id, T,
                formatTs(inst->host->lastTs(), m_options.timeframe));
  }
}

void StrategyRunner::onBar(const contract::BarClosed& ev) {
  if (marketdata::timeframeOfSource(ev.source) != m_options.timeframe) return;
  for (auto& inst : m_instances) {
    const std::size_t i = inst->index(ev.symbol);
    if (i == SIZE_MAX) continue;
    if (inst->host->barsSeen() > 0 && ev.bar.ts <= inst->host->lastTs()) continue;  // already seen (warm-up / cycle)
    auto& p = inst->pending[ev.bar.ts];
    if (p.bars.empty()) {
      p.bars.resize(inst->spec.symbols.size());
      p.have.assign(inst->spec.symbols.size(), false);
    }
    p.bars[i] = ev.bar;
    p.have[i] = true;
    drainPending(*inst, std::numeric_limits<domain::Timestamp>::min(), nullptr);
  }
}

std::size_t StrategyRunner::drainPending(Instance& inst, domain::Timestamp tradeFrom, StrategyCycleReport* report) {
  std::size_t stepped = 0;
  for (;;) {
    auto complete = std::find_if(inst.pending.begin(), inst.pending.end(), [](const auto& kv) {
      return std::all_of(kv.second.have.begin(), kv.second.have.end(), [](bool b) { return b; });
    });
    if (complete == inst.pending.end()) break;
    const std::vector<domain::Bar> bars = std::move(complete->second.bars);
    inst.pending.erase(inst.pending.begin(), std::next(complete));  // older incomplete slices can never complete
    if (inst.host->barsSeen() > 0 && bars.front().ts <= inst.host->lastTs()) continue;
    stepInstance(inst, bars, bars.front().ts >= tradeFrom, report);
    ++stepped;
  }
  while (inst.pending.size() > kMaxPendingSlices) inst.pending.erase(inst.pending.begin());
  return stepped;
}

void StrategyRunner::stepInstance(Instance& inst, std::span<const domain::Bar> bars, bool trading,
                                  StrategyCycleReport* report) {
  const auto& intents = inst.host->step(bars, trading);
  ++inst.liveBars;
  if (report) ++report->newBars;
  for (const auto& intent : intents) {
    const std::string& symbol = inst.spec.symbols[intent.instrument];
    contract::SignalGenerated sig;
    sig.strategy = inst.spec.strategy;
    sig.instance = inst.id;
    sig.symbol = symbol;
    sig.ts = intent.ts;
    sig.side = intent.side;
    sig.price = intent.close;
    sig.targetQuantity = intent.targetPosition;
    sig.quantity = intent.quantity;
    sig.reason = fmt::format("{} ({}) {} {} at close {:g}, target position {}", inst.id, inst.spec.params.toString(),
                             domain::toString(intent.side), qty(intent.quantity), intent.close,
                             qty(intent.targetPosition));
    ++inst.signals;
    if (report) ++report->signals;
    if (m_options.trade) {
      const std::string key = inst.id + "|" + symbol;
      auto& slot = m_slots[key];
      slot.instanceId = inst.id;
      slot.symbol = symbol;
      slot.target = intent.targetPosition;
      const std::size_t before = m_working.size();
      reconcile(key, report);
      if (m_working.size() > before) sig.correlationId = m_working.at(m_workingBySymbol.at(symbol)).correlationId;
    }
    log()->info("signal {}", sig.reason);
    m_bus.publish(std::move(sig));
  }
}

void StrategyRunner::reconcile(const std::string& key, StrategyCycleReport* report) {
  Slot& slot = m_slots[key];
  if (auto w = m_workingBySymbol.find(slot.symbol); w != m_workingBySymbol.end()) {
    slot.dirty = true;  // never two orders for one symbol: decided again when the working one ends
    log()->info("{} {}: order {} still working; new target {} deferred", slot.instanceId, slot.symbol, w->second,
                qty(slot.target));
    return;
  }
  slot.dirty = false;
  const double delta = slot.target - slot.filled;
  if (std::abs(delta) < kQtyEps) return;
  domain::Order o;
  o.clientOrderId = common::newClientOrderId();
  o.symbol = slot.symbol;
  o.side = delta > 0 ? domain::Side::Buy : domain::Side::Sell;
  o.type = domain::OrderType::Market;
  o.tif = domain::TimeInForce::Day;
  o.quantity = std::abs(delta);
  o.strategyId = "live:" + slot.instanceId;
  WorkingOrder w;
  w.slotKey = key;
  w.symbol = slot.symbol;
  w.correlationId = common::newCorrelationId();
  w.side = o.side;
  m_working[o.clientOrderId] = w;
  m_workingBySymbol[slot.symbol] = o.clientOrderId;
  if (report) ++report->ordersSubmitted;
  log()->info("{}: submitting {} {} {} (target {}, filled so far {}), order {}", slot.instanceId,
              domain::toString(o.side), qty(o.quantity), o.symbol, qty(slot.target), qty(slot.filled), o.clientOrderId);
  const std::string id = o.clientOrderId;
  if (Status s = m_bus.send(contract::SubmitOrder{w.correlationId, std::move(o)}); !s.ok()) {
    // Not queued anywhere (execution is not keeping up, or not running): decided again on the next bar.
    log()->warn("{}: order {} not sent: {}", slot.instanceId, id, s.error().message);
    m_working.erase(id);
    m_workingBySymbol.erase(slot.symbol);
    slot.dirty = true;
    if (report) --report->ordersSubmitted;
  }
}

void StrategyRunner::onOrderUpdated(const contract::OrderUpdated& ev) {
  auto it = m_working.find(ev.order.clientOrderId);
  if (it == m_working.end()) return;
  WorkingOrder& w = it->second;
  const double delta = ev.order.filledQuantity - w.lastFilled;
  if (delta > kQtyEps) {
    auto& slot = m_slots[w.slotKey];
    slot.filled += w.side == domain::Side::Buy ? delta : -delta;
    w.lastFilled = ev.order.filledQuantity;
  }
  if (domain::isTerminal(ev.order.status)) {
    if (ev.order.status != domain::OrderStatus::Filled)
      log()->warn("live order {} for {} ended {}{}", ev.order.clientOrderId, w.symbol,
                  domain::toString(ev.order.status),
                  ev.order.rejectReason.empty() ? "" : ": " + ev.order.rejectReason);
    orderEnded(ev.order.clientOrderId);
  }
}

void StrategyRunner::onCommandRejected(const contract::CommandRejected& ev) {
  for (const auto& [id, w] : m_working) {
    if (w.correlationId == ev.correlationId) {
      log()->warn("live order {} for {} refused: {}", id, w.symbol, ev.reason);
      orderEnded(id);
      return;
    }
  }
}

void StrategyRunner::orderEnded(const std::string& clientOrderIdRef) {
  const std::string clientOrderId = clientOrderIdRef;  // the caller may pass a key of m_working, erased below
  auto it = m_working.find(clientOrderId);
  if (it == m_working.end()) return;
  const std::string symbol = it->second.symbol;
  m_working.erase(it);
  if (auto s = m_workingBySymbol.find(symbol); s != m_workingBySymbol.end() && s->second == clientOrderId)
    m_workingBySymbol.erase(s);
  for (auto& [key, slot] : m_slots) {
    if (slot.symbol == symbol && slot.dirty) {
      reconcile(key, nullptr);
      if (m_workingBySymbol.count(symbol)) break;
    }
  }
}

void StrategyRunner::onCycle(const CycleRequest& req) {
  StrategyCycleReport report;
  report.instances = m_instances.size();
  const domain::Timestamp now = m_clock.now();
  const domain::Timestamp windowStart = now - domain::Timestamp(m_options.historyDays) * domain::kNanosPerDay;
  std::string firstError;
  for (auto& inst : m_instances) {
    const std::size_t barsBefore = report.newBars, signalsBefore = report.signals;
    const domain::Timestamp from = inst->host->barsSeen() > 0 ? inst->host->lastTs() + 1 : windowStart;
    bool noData = false;
    std::string error;
    domain::Timestamp newest = std::numeric_limits<domain::Timestamp>::min();
    for (std::size_t i = 0; i < inst->spec.symbols.size() && error.empty(); ++i) {
      const auto& sym = inst->spec.symbols[i];
      auto bars = loadStored(sym, from, now + 1);
      if (!bars) {
        error = bars.error().message;
        break;
      }
      if (bars->empty() && sourceFor(sym).empty()) noData = true;
      for (const auto& b : *bars) {
        auto& p = inst->pending[b.ts];
        if (p.bars.empty()) {
          p.bars.resize(inst->spec.symbols.size());
          p.have.assign(inst->spec.symbols.size(), false);
        }
        p.bars[i] = b;
        p.have[i] = true;
        if (i == 0) newest = std::max(newest, b.ts);
      }
    }
    // Only the newest slice trades: older ones (the runner was down, or history appeared after the warm-up) are
    // caught up with orders refused, as in the warm-up, so no order is ever placed on a stale bar.
    if (error.empty()) drainPending(*inst, newest, &report);
    const std::size_t newBars = report.newBars - barsBefore, signals = report.signals - signalsBefore;
    if (!error.empty()) {
      if (firstError.empty()) firstError = error;
      report.lines.push_back(fmt::format("{}: {}", inst->id, error));
    } else if (noData) {
      report.lines.push_back(fmt::format("{}: no stored {} bars", inst->id, marketdata::toString(m_options.timeframe)));
    } else if (newBars == 0) {
      report.lines.push_back(fmt::format("{}: up to date (last bar {})", inst->id,
                                         formatTs(inst->host->lastTs(), m_options.timeframe)));
    } else {
      report.lines.push_back(fmt::format("{}: {} new bar{} to {}{}, {} signal{}", inst->id, newBars,
                                         newBars == 1 ? "" : "s", formatTs(inst->host->lastTs(), m_options.timeframe),
                                         newBars > 1 ? fmt::format(" ({} caught up without trading)", newBars - 1)
                                                     : std::string(),
                                         signals, signals == 1 ? "" : "s"));
    }
  }
  publishStatus();
  if (!firstError.empty() && report.newBars == 0)
    req.promise->set_value(makeError("storage", "strategy cycle: " + firstError));
  else
    req.promise->set_value(std::move(report));
}

Result<StrategyCycleReport> StrategyRunner::runCycle(const std::atomic<bool>& cancel) {
  if (!m_running) return makeError("strategy.stopped", "the live strategy runner is not running");
  if (cancel.load()) return makeError("cancelled", "strategy cycle cancelled before it started");
  CycleRequest req{std::make_shared<std::promise<Result<StrategyCycleReport>>>()};
  auto future = req.promise->get_future();
  m_mailbox->push(bus::Envelope::local(req));
  while (future.wait_for(std::chrono::milliseconds(50)) != std::future_status::ready) {
    if (cancel.load()) return makeError("cancelled", "strategy cycle cancelled (timeout or scheduler stop)");
    if (!m_running) return makeError("strategy.stopped", "the live strategy runner stopped");
  }
  return future.get();
}

void StrategyRunner::publishStatus() {
  std::vector<StrategyInstanceStatus> status;
  status.reserve(m_instances.size());
  for (const auto& inst : m_instances) {
    StrategyInstanceStatus s;
    s.id = inst->id;
    s.warmupBars = inst->warmupBars;
    s.liveBars = inst->liveBars;
    s.lastTs = inst->host->lastTs();
    s.signals = inst->signals;
    for (std::size_t i = 0; i < inst->spec.symbols.size(); ++i) s.positions.push_back(inst->host->position(i));
    status.push_back(std::move(s));
  }
  std::lock_guard lock(m_statusMutex);
  m_status = std::move(status);
}

std::vector<StrategyInstanceStatus> StrategyRunner::status() const {
  std::lock_guard lock(m_statusMutex);
  return m_status;
}

}  // namespace meridian::live
