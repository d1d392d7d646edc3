#include "core/live/StrategyRunner.h"

#include "core/backtest/BarSeries.h"
#include "core/common/Ids.h"
#include "core/common/Logging.h"
#include "core/contract/Orders.h"
#include "core/contract/Risk.h"
#include "core/marketdata/IngestionService.h"
#include "core/live/LiveStrategyHost.h"
#include "core/live/StrategyState.h"
#include "core/storage/StorageService.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>
#include <QTimeZone>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iterator>
#include <limits>
#include <optional>
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

// A strategy_state row to storage (posted, never waited for); a failure is logged.
void postRecord(storage::StorageService& storage, storage::StrategyStateRecord record) {
  storage.post([record = std::move(record)](storage::IStorage& st) {
    if (Status r = st.saveStrategyState(record); !r.ok())
      log()->error("cannot save the state of {}: {}", record.strategyId, r.error().message);
  });
}

// The spec of an instance started at run time (StartStrategy, or a saved promoted one): the registry's defaults with
// `overrides`, the symbols upper-cased and as many as the strategy trades.
Result<LiveStrategySpec> runtimeSpec(const strategy::StrategyRegistry& registry, const std::string& name,
                                     const std::vector<std::string>& symbols,
                                     const std::vector<std::pair<std::string, double>>& overrides) {
  const strategy::StrategyInfo* info = registry.find(name);
  if (!info) return makeError("strategy", registry.resolve(name, {}).error().message);
  LiveStrategySpec spec;
  spec.strategy = name;
  for (const auto& sym : symbols) spec.symbols.push_back(upper(QString::fromStdString(sym)));
  const bool empty = std::any_of(spec.symbols.begin(), spec.symbols.end(), [](auto& x) { return x.empty(); });
  if (spec.symbols.size() != info->instruments || empty)
    return makeError("strategy", fmt::format("{} trades {} symbol{}, got '{}'", name, info->instruments,
                                             info->instruments == 1 ? "" : "s", fmt::join(symbols, "/")));
  auto params = registry.resolve(name, overrides);
  if (!params) return makeError(params.error().code, fmt::format("{}: {}", spec.id(), params.error().message));
  spec.params = std::move(params).value();
  return spec;
}

// A slot is one (instance, symbol): "<instance>|<symbol>" keys m_slots and names the slot of a working order.
std::string slotKey(const std::string& instance, const std::string& symbol) { return instance + "|" + symbol; }
bool ofInstance(const std::string& key, const std::string& instance) {
  return key.size() > instance.size() && key.compare(0, instance.size(), instance) == 0 && key[instance.size()] == '|';
}

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
  if (!parsed)
    return makeError("config", fmt::format("strategy.timeframe '{}' must be 1d, 1h or 1m", tf.toStdString()));
  // The live feeds publish 1m, 1h and 1d bars only: a 5m / 15m strategy would never see a bar.
  if (*parsed == domain::Timeframe::Minute5 || *parsed == domain::Timeframe::Minute15)
    return makeError("config", fmt::format("strategy.timeframe '{}': live strategies run on 1d, 1h or 1m bars (the "
                                           "feeds publish no 5m / 15m bars; backtests take them)",
                                           tf.toStdString()));
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
  o.liveMoney = c.value("broker.kind").trimmed().toLower() == "alpaca" && c.boolValue("broker.alpaca_live", false);
  return o;
}

std::string StrategyCycleReport::summary() const {
  std::string s = fmt::format("{} strateg{}: {} new bar{}, {} signal{}, {} order{} submitted", instances,
                              instances == 1 ? "y" : "ies", newBars, newBars == 1 ? "" : "s", signals,
                              signals == 1 ? "" : "s", ordersSubmitted, ordersSubmitted == 1 ? "" : "s");
  for (const auto& l : lines) s += "; " + l;
  return s;
}

// ---- rejections ---------------------------------------------------------------------------------------------

std::string_view toString(RejectionKind kind) {
  return kind == RejectionKind::Transient ? "transient" : "definitive";
}

RejectionKind classifyRejection(std::string_view rule, std::string_view reason) {
  // The ExecutionService names the rule of every rejection it makes itself: only a failed journal write is
  // temporary; a risk limit, an invalid order, the kill switch or the breaker are not undone by asking again.
  if (rule == "journal") return RejectionKind::Transient;
  if (!rule.empty()) return RejectionKind::Definitive;
  std::string text(reason);
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  static constexpr std::string_view kTransient[] = {
      "journal write failed",                                                   // ExecutionService
      "bus.refused", "queue is full", "not keeping up", "nothing in this process handles",  // EventBus, relay
      "unavailable", "disconnected", "not connected", "connection refused", "connection reset", "connection lost",
      "timed out", "timeout", "try again", "temporarily", "http 429"};
  for (std::string_view marker : kTransient)
    if (text.find(marker) != std::string::npos) return RejectionKind::Transient;
  // "HTTP 5xx": the venue failed, not the order.
  for (auto at = text.find("http 5"); at != std::string::npos; at = text.find("http 5", at + 1))
    if (at + 7 < text.size() && std::isdigit((unsigned char)text[at + 6]) && std::isdigit((unsigned char)text[at + 7]))
      return RejectionKind::Transient;
  return RejectionKind::Definitive;
}

// ---- runner -------------------------------------------------------------------------------------------------

struct StrategyRunner::Instance {
  LiveStrategySpec spec;
  std::string id;
  std::string stateId;  // "live:<id>": the strategyId of its orders and fills, the key of its saved state
  std::unique_ptr<LiveStrategyHost> host;
  struct Pending {
    std::vector<domain::Bar> bars;
    std::vector<bool> have;
  };
  std::map<domain::Timestamp, Pending> pending;
  std::size_t warmupBars = 0;
  std::size_t liveBars = 0;
  std::size_t signals = 0;
  // strategy.trade: what the saved state records about the bars (StrategyState.h).
  domain::Timestamp tradingSince = 0;
  std::vector<std::pair<domain::Timestamp, domain::Timestamp>> refused;
  std::optional<SavedInstance> saved;  // read on start: bars up to saved->lastBarTs are replayed as it says
  bool settlePending = false;          // the shadow book is checked against the targets after the replay
  bool replayNoted = false;            // the first live bar inside the replay was logged
  bool changed = false;                // to be saved
  // Monitor and control (runner thread).
  bool paused = false;                 // no new orders (saved)
  bool flatten = false;                // paused by a flatten: orders towards the zero targets still go out (saved)
  bool promoted = false;               // started at run time (StartStrategy / a saved "promoted:<id>" row)
  domain::Timestamp lastSignalTs = 0;
  std::string lastSignal, lastSignalReason;
  std::string lastError;               // the last definitive order end, until the next target
  std::map<std::string, domain::Position> pnl;  // per symbol: the instance's fills, marked at the last close
  std::set<std::string> fillIds;                // fills already in pnl (a fill is never counted twice)
  domain::Timestamp replayUntil() const { return saved ? saved->lastBarTs : 0; }
  std::size_t index(const std::string& symbol) const {
    for (std::size_t i = 0; i < spec.symbols.size(); ++i)
      if (spec.symbols[i] == symbol) return i;
    return SIZE_MAX;
  }
};

struct StrategyRunner::Slot {
  Instance* inst = nullptr;
  std::string symbol;
  double target = 0.0;  // the strategy's latest wanted position
  double filled = 0.0;  // net quantity the runner's own orders have filled (the journal's, after a restart)
  bool hold = false;    // the last order ended definitively: not retried until the strategy sets a new target
  bool dirty = false;   // target changed while an order for the symbol was working
};

struct StrategyRunner::WorkingOrder {
  std::string slotKey;
  std::string symbol;
  std::string correlationId;
  domain::Side side = domain::Side::Buy;
  double lastFilled = 0.0;
  bool unconfirmed = false;    // named by the saved state, unknown to the journal when the runner started
  bool lookupPending = false;  // a journal lookup for it is on its way
};

struct StrategyRunner::CycleRequest {
  std::shared_ptr<std::promise<Result<StrategyCycleReport>>> promise;
};

struct StrategyRunner::RestoreData {
  struct PerInstance {
    std::optional<SavedInstance> saved;
    std::string paramsJson;
    std::string problem;              // a saved row that could not be decoded
    std::vector<domain::Fill> fills;  // tagged with the instance's strategy id, oldest first
  };
  std::vector<PerInstance> instances;                         // in m_instances order
  std::vector<domain::Order> open;                            // open orders of the instances
  std::map<std::string, std::optional<domain::Order>> named;  // saved working orders that are not open
};

// The journal's answer about one unconfirmed working order (a private message to the runner's mailbox).
struct StrategyRunner::JournalLookup {
  std::string clientOrderId;
  std::string error;
  std::optional<domain::Order> order;
  double filled = 0.0;  // sum of its journaled fills
};

// Saved rows of a removed instance the database refused to delete (a private message to the runner's mailbox).
struct StrategyRunner::DeleteFailed {
  std::vector<std::string> rows;
  std::string error;
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
  // Every strategy is built once first: a bad one starts nothing.
  for (const auto& spec : m_specs)
    if (auto strat = m_registry.create(spec.strategy, spec.params); !strat)
      return makeError(strat.error().code, fmt::format("{}: {}", spec.id(), strat.error().message));
  m_instances.clear();
  m_slots.clear();
  m_working.clear();
  m_workingBySymbol.clear();
  m_barSymbols.clear();
  // Without storage there is nothing to restore (and nothing is saved): trading starts from zero, as before.
  m_restored = !(m_options.trade && m_storage);
  {
    std::lock_guard lock(m_statusMutex);
    m_warm = false;
  }
  m_mailbox = std::make_shared<bus::Mailbox>("strategies");
  for (const auto& spec : m_specs)
    if (auto added = addInstance(spec); !added) return added.error();  // built above: cannot fail
  m_subscriptions.push_back(m_bus.subscribe<contract::ControlStrategy>(m_mailbox));
  m_subscriptions.push_back(m_bus.subscribe<contract::StartStrategy>(m_mailbox));
  if (m_options.trade) {
    m_subscriptions.push_back(m_bus.subscribe<contract::OrderFilled>(m_mailbox));
    m_subscriptions.push_back(m_bus.subscribe<contract::OrderUpdated>(m_mailbox));
    m_subscriptions.push_back(m_bus.subscribe<contract::CommandRejected>(m_mailbox));
    m_subscriptions.push_back(m_bus.subscribe<contract::RiskRejected>(m_mailbox));
  }
  m_stopping = false;
  m_running = true;
  // Logged before the thread starts: from then on m_instances is the runner thread's (the promoted ones join there).
  log()->info("live strategies: {} instance(s) of strategy.live, timeframe {}, {}", m_instances.size(),
              marketdata::toString(m_options.timeframe), m_options.trade ? "trading" : "signals only");
  m_thread = std::thread(&StrategyRunner::run, this);
  return {};
}

void StrategyRunner::stop() {
  if (!m_running.exchange(false)) return;
  m_stopping = true;
  m_mailbox->close();
  if (m_thread.joinable()) m_thread.join();
  // After the join: a promoted instance adds its bar subscriptions on the runner thread.
  for (auto id : m_subscriptions) m_bus.unsubscribe(id);
  m_subscriptions.clear();
  for (auto& inst : m_instances) inst->host->finish();
  saveChangedStates();  // the runner thread is gone: its state is ours now
}

bool StrategyRunner::waitUntilWarm(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(m_statusMutex);
  return m_warmCv.wait_for(lock, timeout, [this] { return m_warm; });
}

void StrategyRunner::run() {
  publishStatus();  // the rows appear at once ("warming up")
  loadPromoted();   // the instances promoted before the restart join the strategy.live ones
  // The saved state first: the warm-up replays the bars it says the instances traded on.
  if (!m_restored) restore();
  publishStatus();  // paused / positions as restored
  warmUp();
  for (auto& inst : m_instances)
    if (inst->settlePending && inst->host->lastTs() >= inst->replayUntil()) settle(*inst);
  saveChangedStates();
  {
    std::lock_guard lock(m_statusMutex);
    m_warm = true;
  }
  publishStatus();
  m_warmCv.notify_all();
  std::vector<bus::Envelope> batch;
  const auto handle = [this](const bus::Envelope& e) {
    if (const auto* bar = e.as<contract::BarClosed>()) onBar(*bar);
    else if (const auto* upd = e.as<contract::OrderUpdated>()) onOrderUpdated(*upd);
    else if (const auto* risk = e.as<contract::RiskRejected>()) onRiskRejected(*risk);
    else if (const auto* rej = e.as<contract::CommandRejected>()) onCommandRejected(*rej);
    else if (const auto* look = e.as<JournalLookup>()) onLookup(*look);
    else if (const auto* del = e.as<DeleteFailed>()) onDeleteFailed(*del);
    else if (const auto* cyc = e.as<CycleRequest>()) onCycle(*cyc);
    else if (const auto* ctl = e.as<contract::ControlStrategy>()) onControl(*ctl);
    else if (const auto* st = e.as<contract::StartStrategy>()) onStartStrategy(*st, e.deadline);
    else if (const auto* fill = e.as<contract::OrderFilled>()) onFill(fill->fill);
  };
  while (!m_stopping) {
    retryDeletes();
    if (!m_mailbox->waitNonEmpty(std::chrono::milliseconds(200))) continue;
    batch.clear();
    m_mailbox->drain(batch, 1024);
    for (const auto& e : batch) {
      if (m_stopping) break;
      handle(e);
      saveChangedStates();  // after every event: a crash loses at most the event being handled
    }
    if (!batch.empty()) publishStatus();
  }
  if (!m_undeleted.empty())
    log()->error("the saved state {} of removed instances could not be deleted: the next start brings them back",
                 fmt::join(m_undeleted, ", "));
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
    warmUpInstance(*inst, from, now);
  }
}

void StrategyRunner::warmUpInstance(Instance& instRef, domain::Timestamp from, domain::Timestamp now) {
  if (!m_storage) return;
  Instance* inst = &instRef;
  {
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
      return;
    }
    auto aligned = backtest::alignSeries(std::move(series));
    if (!aligned) {
      log()->warn("{}: stored histories do not overlap ({}); warming up on live bars", inst->id,
                  aligned.error().message);
      return;
    }
    const std::size_t n = aligned->size(), T = aligned->front().bars.size();
    std::vector<domain::Bar> slice(n);
    std::size_t replayed = 0;
    for (std::size_t t = 0; t < T; ++t) {
      for (std::size_t i = 0; i < n; ++i) slice[i] = (*aligned)[i].bars[t];
      // Orders are refused (as before a backtest's tradeStart), except on the bars a restored instance traded on.
      const bool traded = inst->saved && inst->saved->tradedAt(slice[0].ts);
      replayed += traded;
      stepHost(*inst, slice, traded);
    }
    inst->warmupBars = T;
    log()->info("{}: warmed up on {} stored bars up to {}{}", inst->id, T,
                formatTs(inst->host->lastTs(), m_options.timeframe),
                replayed ? fmt::format(" ({} of them replayed as traded before the restart)", replayed) : std::string());
  }
}

// ---- restart ------------------------------------------------------------------------------------------------

bool StrategyRunner::restore(std::size_t first) {
  std::vector<std::string> ids;
  for (std::size_t n = first; n < m_instances.size(); ++n) ids.push_back(m_instances[n]->stateId);
  Result<RestoreData> read = makeError("storage", "not read");
  try {
    // One task: the storage thread runs it between two journal writes, so fills, open orders and the saved states
    // are one consistent picture.
    read = m_storage->call([ids](storage::IStorage& s) -> Result<RestoreData> {
      RestoreData d;
      for (const auto& id : ids) {
        RestoreData::PerInstance p;
        auto row = s.loadStrategyState(id);
        if (!row) return row.error();
        if (const auto& rec = *row) {
          p.paramsJson = rec->paramsJson;
          if (auto dec = decodeSavedInstance(rec->stateJson)) p.saved = std::move(dec).value();
          else p.problem = dec.error().message;
        }
        auto fills = s.loadStrategyFills(id);
        if (!fills) return fills.error();
        p.fills = std::move(fills).value();
        d.instances.push_back(std::move(p));
      }
      auto open = s.loadOpenOrders();
      if (!open) return open.error();
      for (const auto& o : *open)
        if (std::find(ids.begin(), ids.end(), o.strategyId) != ids.end()) d.open.push_back(o);
      for (const auto& p : d.instances) {
        if (!p.saved) continue;
        for (const auto& slot : p.saved->slots)
          for (const auto& w : slot.orders) {
            const bool isOpen = std::any_of(d.open.begin(), d.open.end(), [&](const domain::Order& o) {
              return o.clientOrderId == w.clientOrderId;
            });
            if (isOpen || d.named.count(w.clientOrderId)) continue;
            auto o = s.loadOrder(w.clientOrderId);
            if (!o) return o.error();
            d.named[w.clientOrderId] = *o;
          }
      }
      return d;
    }).get();
  } catch (const std::exception& e) {
    read = makeError("storage", e.what());
  }
  if (!read) {
    if (first > 0) {  // one promoted instance: it is not started, the others are not concerned
      log()->error("{}: cannot read its saved state and the order journal ({})", m_instances[first]->id,
                   read.error().message);
      return false;
    }
    log()->error("live strategies: cannot read the saved strategy state and the order journal ({}): no order is "
                 "submitted until they can be read (tried again before each tradeable bar)",
                 read.error().message);
    m_restoreFailed = true;
    return false;
  }
  applyRestore(read.value(), first);
  if (first > 0) return true;
  m_restored = true;
  m_restoreFailed = false;
  return true;
}

void StrategyRunner::applyRestore(RestoreData& data, std::size_t first) {
  const auto sameJson = [](const std::string& a, const std::string& b) {
    return QJsonDocument::fromJson(QByteArray::fromStdString(a)).object() ==
           QJsonDocument::fromJson(QByteArray::fromStdString(b)).object();
  };
  for (std::size_t n = 0; first + n < m_instances.size() && n < data.instances.size(); ++n) {
    Instance& inst = *m_instances[first + n];
    auto& p = data.instances[n];
    if (!p.problem.empty())
      log()->warn("{}: saved state ignored ({}); rebuilding from the order journal alone", inst.id, p.problem);
    if (p.saved && (p.saved->strategy != inst.spec.strategy || p.saved->symbols != inst.spec.symbols)) {
      log()->warn("{}: the saved state is for {} on {}: ignored; rebuilding from the order journal alone", inst.id,
                  p.saved->strategy, fmt::join(p.saved->symbols, "/"));
      p.saved.reset();
    }
    if (p.saved && !sameJson(p.paramsJson, inst.spec.params.toJson()))
      log()->warn("{}: parameters changed since the state was saved ({} -> {}): positions and targets are kept, the "
                  "warm-up replays with the new ones",
                  inst.id, p.paramsJson, inst.spec.params.toJson());

    // What the journal says the instance holds, and how much of each order is already in it.
    std::map<std::string, double> held, counted;
    for (const auto& f : p.fills) {
      held[f.symbol] += f.side == domain::Side::Buy ? f.quantity : -f.quantity;
      counted[f.clientOrderId] += f.quantity;
      if (inst.index(f.symbol) != SIZE_MAX && inst.fillIds.insert(f.fillId).second) inst.pnl[f.symbol].apply(f);
    }
    for (const auto& [sym, qtyHeld] : held)
      if (inst.index(sym) == SIZE_MAX)
        log()->warn("{}: the journal has fills of it in {} ({}), which it no longer trades: left alone", inst.id, sym,
                    qty(qtyHeld));

    const SavedInstance* saved = p.saved ? &*p.saved : nullptr;
    bool anything = saved != nullptr;
    for (const auto& sym : inst.spec.symbols) {
      Slot& slot = slotFor(inst, sym);
      const SavedSlot* ss = saved ? saved->slot(sym) : nullptr;
      slot.filled = held.count(sym) ? held[sym] : 0.0;
      slot.target = ss ? ss->target : slot.filled;  // nothing saved: hold what the journal says is held
      slot.hold = ss && ss->hold;
      slot.dirty = ss && ss->deferred;
      anything = anything || std::abs(slot.filled) > kQtyEps;
      if (ss && std::abs(ss->filled - slot.filled) > kQtyEps)
        log()->warn("{} {}: the saved state says {} filled, the journal's fills say {}: the journal is right", inst.id,
                    sym, qty(ss->filled), qty(slot.filled));
    }

    // Orders still open in the journal: adopted, never sent again.
    for (const auto& o : data.open) {
      if (o.strategyId != inst.stateId) continue;
      if (inst.index(o.symbol) == SIZE_MAX) {
        log()->warn("{}: open order {} for {}, a symbol it no longer trades: left to the order manager", inst.id,
                    o.clientOrderId, o.symbol);
        continue;
      }
      std::string corr;
      if (const SavedSlot* ss = saved ? saved->slot(o.symbol) : nullptr)
        for (const auto& w : ss->orders)
          if (w.clientOrderId == o.clientOrderId) corr = w.correlationId;
      adopt(inst, o.symbol, o.clientOrderId, corr, o.side, counted[o.clientOrderId], false);
      log()->info("{}: adopted order {} ({} {} {}, {} filled, {}) still open in the journal", inst.id, o.clientOrderId,
                  domain::toString(o.side), qty(o.quantity), o.symbol, qty(counted[o.clientOrderId]),
                  domain::toString(o.status));
    }
    // Orders the saved state names that are not open: ended while the runner was down, or never journaled.
    if (saved)
      for (const auto& ss : saved->slots) {
        if (inst.index(ss.symbol) == SIZE_MAX) continue;
        Slot& slot = slotFor(inst, ss.symbol);
        for (const auto& w : ss.orders) {
          if (m_working.count(w.clientOrderId)) continue;
          const auto it = data.named.find(w.clientOrderId);
          if (it == data.named.end() || !it->second) {
            // Sent just before the end, or lost with the process before the journal had it: kept as working (no
            // second order) and looked up again on the next bar.
            adopt(inst, ss.symbol, w.clientOrderId, w.correlationId, w.side, 0.0, true);
            log()->warn("{}: order {} for {} is not in the journal yet: treated as working until the journal is "
                        "asked again on the next bar",
                        inst.id, w.clientOrderId, ss.symbol);
            continue;
          }
          const domain::Order& o = *it->second;
          RejectionKind kind = RejectionKind::Definitive;
          if (o.status == domain::OrderStatus::Filled) continue;
          if (o.status == domain::OrderStatus::Rejected) kind = classifyRejection({}, o.rejectReason);
          log()->info("{}: order {} for {} ended {}{} while the runner was down", inst.id, o.clientOrderId, o.symbol,
                      domain::toString(o.status), o.rejectReason.empty() ? "" : ": " + o.rejectReason);
          // As if it had ended now: a definitive end holds the target (unless a newer one is deferred); a transient
          // one leaves the slot to the next bar's re-evaluation.
          if (kind == RejectionKind::Definitive && !slot.dirty && std::abs(slot.target - slot.filled) > kQtyEps)
            slot.hold = true;
        }
      }
    // A deferred target whose working order is gone is decided on the next bar.
    for (const auto& sym : inst.spec.symbols)
      if (!m_workingBySymbol.count(sym)) slotFor(inst, sym).dirty = false;

    if (saved) {
      inst.tradingSince = saved->tradingSinceTs;
      inst.refused = saved->refused;
      inst.paused = saved->paused;
      inst.flatten = saved->flatten;
      if (inst.paused) log()->info("{}: paused before the restart: stays paused{}", inst.id,
                                   inst.flatten ? " (flattening)" : "");
    }
    for (const auto& sym : inst.spec.symbols) {
      const Slot& slot = slotFor(inst, sym);
      if (saved || std::abs(slot.filled) > kQtyEps)
        log()->info("{} {}: restored target {}, filled {} (journal){}", inst.id, sym, qty(slot.target),
                    qty(slot.filled), slot.hold ? ", held" : "");
    }
    inst.saved = std::move(p.saved);  // `saved` points into it: last
    inst.settlePending = anything;
    inst.changed = true;
  }
}

void StrategyRunner::settle(Instance& inst) {
  inst.settlePending = false;
  if (!m_options.trade) return;
  for (std::size_t i = 0; i < inst.spec.symbols.size(); ++i) {
    const Slot& slot = slotFor(inst, inst.spec.symbols[i]);
    const double shadow = inst.host->position(i) + inst.host->workingDelta(i);
    if (std::abs(shadow - slot.target) < kQtyEps) continue;
    log()->warn("{} {}: the warm-up's shadow book wants {} (working orders included) but the target is {}: the "
                "shadow book is set to the target",
                inst.id, inst.spec.symbols[i], qty(shadow), qty(slot.target));
    inst.host->adjustPosition(i, slot.target - shadow);
  }
}

// ---- bars ---------------------------------------------------------------------------------------------------

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

const std::vector<OrderIntent>& StrategyRunner::stepHost(Instance& inst, std::span<const domain::Bar> bars,
                                                         bool trading) {
  const domain::Timestamp ts = bars.front().ts;
  if (inst.settlePending && ts > inst.replayUntil()) settle(inst);
  if (m_options.trade && ts > inst.replayUntil()) {
    // What the next restart's replay needs: the first bar that accepted orders, then every later one that did not.
    if (trading && inst.tradingSince == 0) inst.tradingSince = ts;
    if (!trading && inst.tradingSince != 0 && ts > inst.tradingSince) {
      if (!inst.refused.empty() && inst.refused.back().second == inst.host->lastTs())
        inst.refused.back().second = ts;
      else
        inst.refused.emplace_back(ts, ts);
      // The oldest ranges go first; a replay reaching back that far is put right by settle().
      while (inst.refused.size() > SavedInstance::kMaxRefused) inst.refused.erase(inst.refused.begin());
    }
    inst.changed = true;
  }
  for (std::size_t i = 0; i < bars.size() && i < inst.spec.symbols.size(); ++i)
    inst.pnl[inst.spec.symbols[i]].lastPrice = bars[i].close;
  return inst.host->step(bars, trading);
}

void StrategyRunner::stepInstance(Instance& inst, std::span<const domain::Bar> bars, bool trading,
                                  StrategyCycleReport* report) {
  const domain::Timestamp ts = bars.front().ts;
  if (inst.saved && ts <= inst.replayUntil()) {
    // Seen before the restart but not in the stored history the warm-up had: replayed as it was then, and never
    // traded again (its orders, if any, were placed then).
    if (!inst.replayNoted) {
      // Said once: a feed far behind the saved state (one that went back in time) keeps the instance silent.
      inst.replayNoted = true;
      log()->info("{}: bar {} was stepped before the restart: bars up to {} are replayed without new orders",
                  inst.id, formatTs(ts, m_options.timeframe), formatTs(inst.replayUntil(), m_options.timeframe));
    }
    stepHost(inst, bars, inst.saved->tradedAt(ts));
    return;
  }
  const bool trade = m_options.trade && trading;
  if (trade && !m_restored && restore())
    for (auto& i : m_instances)
      if (i->settlePending) settle(*i);  // no replay now: the shadow books follow the restored targets
  const auto& intents = stepHost(inst, bars, trading);
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
    if (inst.paused) sig.reason += " (paused: not traded)";
    inst.lastSignalTs = intent.ts;
    inst.lastSignal = fmt::format("{} {} {} -> target {}", domain::toString(intent.side), qty(intent.quantity), symbol,
                                  qty(intent.targetPosition));
    inst.lastSignalReason = sig.reason;
    if (inst.paused) {
      log()->info("{}: paused: target {} {} not traded", inst.id, qty(intent.targetPosition), symbol);
    } else if (m_options.trade && !m_restored) {
      log()->warn("{}: target {} {} not traded: the saved state and the journal could not be read yet", inst.id,
                  qty(intent.targetPosition), symbol);
    } else if (m_options.trade) {
      const std::string key = slotKey(inst.id, symbol);
      Slot& slot = slotFor(inst, symbol);
      slot.target = intent.targetPosition;
      slot.hold = false;  // a new target: decided afresh
      inst.lastError.clear();
      inst.changed = true;
      const std::size_t before = m_working.size();
      reconcile(key, report);
      if (m_working.size() > before) sig.correlationId = m_working.at(m_workingBySymbol.at(symbol)).correlationId;
    }
    log()->info("signal {}", sig.reason);
    m_bus.publish(std::move(sig));
  }
  if (trade && m_restored) reevaluate(inst, report);
}

// ---- orders -------------------------------------------------------------------------------------------------

StrategyRunner::Slot& StrategyRunner::slotFor(Instance& inst, const std::string& symbol) {
  Slot& slot = m_slots[slotKey(inst.id, symbol)];
  slot.inst = &inst;
  slot.symbol = symbol;
  return slot;
}

void StrategyRunner::reconcile(const std::string& key, StrategyCycleReport* report) {
  Slot& slot = m_slots.at(key);
  Instance& inst = *slot.inst;
  if (auto w = m_workingBySymbol.find(slot.symbol); w != m_workingBySymbol.end()) {
    slot.dirty = true;  // never two orders for one symbol: decided again when the working one ends
    inst.changed = true;
    log()->info("{} {}: order {} still working; new target {} deferred", slot.inst->id, slot.symbol, w->second,
                qty(slot.target));
    return;
  }
  slot.dirty = false;
  const double delta = slot.target - slot.filled;
  if (std::abs(delta) < kQtyEps) return;
  // Paused: no new orders, except a flatten's, towards zero.
  if (inst.paused && !(inst.flatten && std::abs(slot.target) < kQtyEps)) return;
  slot.hold = false;
  domain::Order o;
  o.clientOrderId = common::newClientOrderId();
  o.symbol = slot.symbol;
  o.side = delta > 0 ? domain::Side::Buy : domain::Side::Sell;
  o.type = domain::OrderType::Market;
  o.tif = domain::TimeInForce::Day;
  o.quantity = std::abs(delta);
  o.strategyId = inst.stateId;
  WorkingOrder w;
  w.slotKey = key;
  w.symbol = slot.symbol;
  w.correlationId = common::newCorrelationId();
  w.side = o.side;
  m_working[o.clientOrderId] = w;
  m_workingBySymbol[slot.symbol] = o.clientOrderId;
  if (report) ++report->ordersSubmitted;
  log()->info("{}: submitting {} {} {} (target {}, filled so far {}), order {}", inst.id, domain::toString(o.side),
              qty(o.quantity), o.symbol, qty(slot.target), qty(slot.filled), o.clientOrderId);
  // Saved before it is sent: this storage task is queued before the one the ExecutionService posts to journal the
  // order, so the journal never holds an order of ours that the saved state does not name.
  saveState(inst);
  const std::string id = o.clientOrderId;
  if (Status s = m_bus.send(contract::SubmitOrder{w.correlationId, std::move(o)}); !s.ok()) {
    // Not queued anywhere (execution is not keeping up, or not running): transient, decided again on the next bar.
    log()->warn("{}: order {} not sent ({}): {}; re-evaluated on the next bar", inst.id, id,
                toString(RejectionKind::Transient), s.error().message);
    m_working.erase(id);
    m_workingBySymbol.erase(slot.symbol);
    inst.changed = true;
    if (report) --report->ordersSubmitted;
  }
}

void StrategyRunner::reevaluate(Instance& inst, StrategyCycleReport* report) {
  for (const auto& sym : inst.spec.symbols) {
    const std::string key = slotKey(inst.id, sym);
    Slot& slot = slotFor(inst, sym);
    // An order the saved state named but the journal did not know at start: ask the journal again (the answer
    // comes back as a message; until then the order counts as working).
    for (auto& [id, w] : m_working) {
      if (w.slotKey != key || !w.unconfirmed || w.lookupPending || !m_storage) continue;
      w.lookupPending = true;
      m_storage->post([id = id, mailbox = m_mailbox](storage::IStorage& s) {
        JournalLookup answer;
        answer.clientOrderId = id;
        if (auto o = s.loadOrder(id); !o) answer.error = o.error().message;
        else answer.order = *o;
        if (answer.error.empty() && answer.order) {
          if (auto fills = s.loadFills(id, 0); !fills) answer.error = fills.error().message;
          else
            for (const auto& f : *fills) answer.filled += f.quantity;
        }
        mailbox->push(bus::Envelope::local(std::move(answer)));
      });
    }
    if (slot.hold || m_workingBySymbol.count(sym) || std::abs(slot.target - slot.filled) < kQtyEps) continue;
    log()->info("{} {}: target {}, filled {} and no order working: re-evaluated on the bar of {}", inst.id, sym,
                qty(slot.target), qty(slot.filled), formatTs(inst.host->lastTs(), m_options.timeframe));
    reconcile(key, report);
  }
}

void StrategyRunner::orderProgress(const std::string& clientOrderId, double filledQuantity, domain::OrderStatus status,
                                   const std::string& reason) {
  auto it = m_working.find(clientOrderId);
  if (it == m_working.end()) return;
  WorkingOrder& w = it->second;
  w.unconfirmed = false;
  const double delta = filledQuantity - w.lastFilled;
  if (delta > kQtyEps) {
    Slot& slot = m_slots.at(w.slotKey);
    slot.filled += w.side == domain::Side::Buy ? delta : -delta;
    w.lastFilled = filledQuantity;
    slot.inst->changed = true;
  }
  if (!domain::isTerminal(status)) return;
  Ending how = Ending::Filled;
  if (status == domain::OrderStatus::Rejected)
    how = classifyRejection({}, reason) == RejectionKind::Transient ? Ending::Transient : Ending::Definitive;
  else if (status != domain::OrderStatus::Filled)
    how = Ending::Definitive;  // cancelled, expired, replaced
  orderEnded(clientOrderId,
             how, status == domain::OrderStatus::Rejected ? "rejected: " + reason : std::string(domain::toString(status)));
}

void StrategyRunner::onOrderUpdated(const contract::OrderUpdated& ev) {
  orderProgress(ev.order.clientOrderId, ev.order.filledQuantity, ev.order.status, ev.order.rejectReason);
}

void StrategyRunner::onRiskRejected(const contract::RiskRejected& ev) {
  // Published by the ExecutionService before its CommandRejected and the order's Rejected update: the rule
  // classifies it; those two then find the order ended already.
  if (!m_working.count(ev.clientOrderId)) return;
  const RejectionKind kind = classifyRejection(ev.rule, ev.reason);
  orderEnded(ev.clientOrderId, kind == RejectionKind::Transient ? Ending::Transient : Ending::Definitive,
             fmt::format("rejected [{}]: {}", ev.rule, ev.reason));
}

void StrategyRunner::onCommandRejected(const contract::CommandRejected& ev) {
  if (ev.correlationId.empty()) return;
  for (const auto& [id, w] : m_working) {
    if (w.correlationId == ev.correlationId) {
      const RejectionKind kind = classifyRejection({}, ev.reason);
      orderEnded(id, kind == RejectionKind::Transient ? Ending::Transient : Ending::Definitive,
                 "refused: " + ev.reason);
      return;
    }
  }
}

void StrategyRunner::onLookup(const JournalLookup& answer) {
  auto it = m_working.find(answer.clientOrderId);
  if (it == m_working.end()) return;
  it->second.lookupPending = false;
  if (!answer.error.empty()) {
    log()->warn("order {}: journal lookup failed ({}); asked again on the next bar", answer.clientOrderId, answer.error);
    return;
  }
  if (!answer.order) {
    // Still unknown a bar later: it never reached the ExecutionService (or died with the process before it was
    // journaled, hence before it was sent). The bar that asked is this slot's re-evaluation.
    const std::string key = it->second.slotKey;
    orderEnded(answer.clientOrderId, Ending::Transient, "not in the order journal: never sent");
    Slot& slot = m_slots.at(key);
    if (!slot.hold && !m_workingBySymbol.count(slot.symbol)) reconcile(key, nullptr);
    return;
  }
  log()->info("order {}: found in the journal ({}, {} filled)", answer.clientOrderId,
              domain::toString(answer.order->status), qty(answer.filled));
  orderProgress(answer.clientOrderId, answer.filled, answer.order->status, answer.order->rejectReason);
}

void StrategyRunner::orderEnded(const std::string& clientOrderIdRef, Ending how, const std::string& reason) {
  const std::string clientOrderId = clientOrderIdRef;  // the caller may pass a key of m_working, erased below
  auto it = m_working.find(clientOrderId);
  if (it == m_working.end()) return;
  const WorkingOrder w = it->second;
  m_working.erase(it);
  const std::string& symbol = w.symbol;
  if (auto s = m_workingBySymbol.find(symbol); s != m_workingBySymbol.end() && s->second == clientOrderId) {
    m_workingBySymbol.erase(s);
    // Another order of ours for the symbol (adopted at a restart) is still working: it is the one to wait for.
    for (const auto& [id, other] : m_working)
      if (other.symbol == symbol) {
        m_workingBySymbol[symbol] = id;
        break;
      }
  }
  Slot& slot = m_slots.at(w.slotKey);
  slot.inst->changed = true;
  switch (how) {
    case Ending::Filled:
      break;
    case Ending::Definitive:
      log()->warn("{} {}: order {} {} ({})", slot.inst->id, symbol, clientOrderId, reason,
                  toString(RejectionKind::Definitive));
      slot.inst->lastError = fmt::format("{} order {}", symbol, reason);
      if (!slot.dirty && std::abs(slot.target - slot.filled) > kQtyEps) {
        slot.hold = true;
        log()->warn("{} {}: target {} (filled {}) is not retried until the strategy sets a new one", slot.inst->id,
                    symbol, qty(slot.target), qty(slot.filled));
      }
      break;
    case Ending::Transient:
      log()->warn("{} {}: order {} {} ({}): re-evaluated on the next bar", slot.inst->id, symbol, clientOrderId,
                  reason, toString(RejectionKind::Transient));
      slot.hold = false;
      // Targets deferred behind it wait for the next bar too, instead of running into the same outage now.
      if (!m_workingBySymbol.count(symbol))
        for (auto& [key, s] : m_slots)
          if (s.symbol == symbol) s.dirty = false;
      return;
  }
  if (m_workingBySymbol.count(symbol)) return;
  for (auto& [key, s] : m_slots) {
    if (s.symbol == symbol && s.dirty) {
      reconcile(key, nullptr);
      if (m_workingBySymbol.count(symbol)) break;
    }
  }
}

void StrategyRunner::adopt(Instance& inst, const std::string& symbol, const std::string& clientOrderId,
                           const std::string& correlationId, domain::Side side, double counted, bool unconfirmed) {
  WorkingOrder w;
  w.slotKey = slotKey(inst.id, symbol);
  w.symbol = symbol;
  w.correlationId = correlationId;
  w.side = side;
  w.lastFilled = counted;
  w.unconfirmed = unconfirmed;
  slotFor(inst, symbol);
  m_working[clientOrderId] = std::move(w);
  m_workingBySymbol.emplace(symbol, clientOrderId);  // the first one; orderEnded hands over to the next
}

// ---- state --------------------------------------------------------------------------------------------------

void StrategyRunner::saveState(Instance& inst) {
  inst.changed = false;
  // Before the restore, a save would overwrite what the last run left with an empty picture.
  if (!m_options.trade || !m_storage || !m_restored) return;
  SavedInstance s;
  s.instance = inst.id;
  s.strategy = inst.spec.strategy;
  s.symbols = inst.spec.symbols;
  s.tradingSinceTs = inst.tradingSince;
  s.lastBarTs = std::max(inst.host->lastTs(), inst.replayUntil());
  s.refused = inst.refused;
  s.paused = inst.paused;
  s.flatten = inst.flatten;
  for (const auto& sym : inst.spec.symbols) {
    const std::string key = slotKey(inst.id, sym);
    const auto it = m_slots.find(key);
    if (it == m_slots.end()) continue;
    SavedSlot ss;
    ss.symbol = sym;
    ss.target = it->second.target;
    ss.filled = it->second.filled;
    ss.hold = it->second.hold;
    ss.deferred = it->second.dirty;
    for (const auto& [id, w] : m_working)
      if (w.slotKey == key) ss.orders.push_back(SavedOrder{id, w.correlationId, w.side, w.lastFilled});
    s.slots.push_back(std::move(ss));
  }
  postRecord(*m_storage, {inst.stateId, inst.spec.params.toJson(), encodeSavedInstance(s), m_clock.now()});
}

void StrategyRunner::saveChangedStates() {
  for (auto& inst : m_instances)
    if (inst->changed) saveState(*inst);
}

// ---- cycles -------------------------------------------------------------------------------------------------

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

// ---- monitor and control ------------------------------------------------------------------------------------

void StrategyRunner::onControl(const contract::ControlStrategy& cmd) {
  // One logger for the whole function and braces around each case: clang 14's ASan reported the logger temporary of
  // one case destroyed out of its scope at the end of the switch (stack-use-after-scope).
  const auto logger = log();
  const auto reject = [&](std::string reason) {
    logger->warn("{} {}: refused: {}", contract::toString(cmd.action), cmd.instance, reason);
    m_bus.publish(contract::CommandRejected{cmd.correlationId, std::move(reason)});
  };
  const auto it = std::find_if(m_instances.begin(), m_instances.end(),
                               [&](const auto& inst) { return inst->id == cmd.instance; });
  if (it == m_instances.end()) return reject(fmt::format("no live strategy instance '{}'", cmd.instance));
  Instance& inst = **it;
  switch (cmd.action) {
    case contract::StrategyAction::Pause: {
      if (inst.paused) return reject(fmt::format("{} is paused already", inst.id));
      inst.paused = true;
      logger->info("{}: paused: no new orders until resumed", inst.id);
      break;
    }
    case contract::StrategyAction::Resume: {
      if (!inst.paused) return reject(fmt::format("{} is not paused", inst.id));
      inst.paused = false;
      inst.flatten = false;
      logger->info("{}: resumed: orders again from the next bar", inst.id);
      break;
    }
    case contract::StrategyAction::Flatten: {
      if (!m_options.trade)
        return reject(fmt::format("{} sends no orders (strategy.trade=false): nothing to flatten", inst.id));
      if (!m_restored)
        return reject(fmt::format("{}: the saved state and the journal could not be read yet: not flattened", inst.id));
      inst.paused = true;
      inst.flatten = true;
      inst.lastError.clear();
      logger->info("{}: flatten: every leg to 0 through the order path, then paused", inst.id);
      for (const auto& sym : inst.spec.symbols) {
        Slot& slot = slotFor(inst, sym);
        slot.target = 0.0;
        slot.hold = false;
        reconcile(slotKey(inst.id, sym), nullptr);
      }
      break;
    }
    case contract::StrategyAction::Remove: {
      if (!inst.promoted)
        return reject(fmt::format("{} is configured in strategy.live: remove it there (it stops at the next start)",
                                  inst.id));
      if (!m_restored)
        return reject(fmt::format("{}: the saved state and the journal could not be read yet: not removed", inst.id));
      for (const auto& [clientOrderId, order] : m_working)
        if (ofInstance(order.slotKey, inst.id))
          return reject(fmt::format("{} has an order working in {} ({}): not removed until it ends", inst.id,
                                    order.symbol, clientOrderId));
      for (const auto& sym : inst.spec.symbols)
        if (const auto slot = m_slots.find(slotKey(inst.id, sym)); slot != m_slots.end() && slot->second.filled != 0.0)
          return reject(fmt::format("{} holds {} {}: flatten it first, then remove it", inst.id,
                                    qty(slot->second.filled), sym));
      removeInstance(it);
      return;
    }
  }
  inst.changed = true;
}

void StrategyRunner::dropInstance(std::vector<std::unique_ptr<Instance>>::iterator it) {
  for (const auto& sym : (*it)->spec.symbols) m_slots.erase(slotKey((*it)->id, sym));
  m_instances.erase(it);  // its bar subscriptions stay: bars of a symbol no instance trades are ignored
}

void StrategyRunner::removeInstance(std::vector<std::unique_ptr<Instance>>::iterator it) {
  const std::string id = (*it)->id, stateId = (*it)->stateId;
  dropInstance(it);
  if (m_undeleted.empty()) m_deleteBackoff = {};  // a refusal of this delete waits 1 s again
  // After any save of its state still queued (one storage thread, in order); its fills stay in the journal.
  if (m_storage) postDelete({std::string(kPromotedPrefix) + id, stateId});
  log()->info("{}: removed: stopped, and not started again{}", id, m_storage ? "" : " (nothing was saved)");
}

void StrategyRunner::postDelete(std::vector<std::string> rows) {
  m_storage->post([rows = std::move(rows), mailbox = m_mailbox](storage::IStorage& st) {
    DeleteFailed failed;
    for (const auto& row : rows)
      if (auto r = st.deleteStrategyState(row); !r.ok()) {
        failed.rows.push_back(row);
        failed.error = r.error().message;
      }
    if (!failed.rows.empty()) mailbox->push(bus::Envelope::local(std::move(failed)));
  });
}

void StrategyRunner::onDeleteFailed(const DeleteFailed& failed) {
  using namespace std::chrono;
  for (const auto& row : failed.rows) {
    if (rowInUse(row)) continue;
    if (m_undeleted.insert(row).second)
      log()->error("cannot delete the saved state {} of a removed instance: {}; deleted again until it is gone "
                   "(while it stays, the next start brings the instance back)",
                   row, failed.error);
  }
  if (m_undeleted.empty()) return;
  m_deleteBackoff = std::clamp(m_deleteBackoff * 2, milliseconds(1000), milliseconds(60'000));
  m_deleteRetryAt = steady_clock::now() + m_deleteBackoff;
}

bool StrategyRunner::rowInUse(const std::string& row) const {
  // Started again after its removal (the same id promoted anew): the row is the new instance's.
  return std::any_of(m_instances.begin(), m_instances.end(), [&](const auto& inst) {
    return row == inst->stateId || row == std::string(kPromotedPrefix) + inst->id;
  });
}

void StrategyRunner::retryDeletes() {
  if (m_undeleted.empty() || !m_storage || std::chrono::steady_clock::now() < m_deleteRetryAt) return;
  std::vector<std::string> rows;
  for (const auto& row : m_undeleted)
    if (!rowInUse(row)) rows.push_back(row);
  m_undeleted.clear();
  if (rows.empty()) return;
  log()->info("deleting the saved state of removed instances again: {}", fmt::join(rows, ", "));
  postDelete(std::move(rows));
}

void StrategyRunner::onFill(const domain::Fill& fill) {
  for (auto& inst : m_instances) {
    if (fill.strategyId != inst->stateId || inst->index(fill.symbol) == SIZE_MAX) continue;
    if (!inst->fillIds.insert(fill.fillId).second) return;
    domain::Position& pos = inst->pnl[fill.symbol];
    const double last = pos.lastPrice;
    pos.apply(fill);
    if (last > 0.0) pos.lastPrice = last;  // marked at the bar close, not at the fill
    return;
  }
}

// ---- instances started at run time ---------------------------------------------------------------------------

std::string StrategyRunner::modeName() const { return !m_options.trade ? "SIGNALS" : m_options.liveMoney ? "LIVE" : "PAPER"; }

Result<StrategyRunner::Instance*> StrategyRunner::addInstance(const LiveStrategySpec& spec) {
  auto strat = m_registry.create(spec.strategy, spec.params);
  if (!strat) return makeError(strat.error().code, fmt::format("{}: {}", spec.id(), strat.error().message));
  LiveHostConfig host;
  host.initialCash = m_options.capital;
  host.sizing = m_options.sizing;
  auto inst = std::make_unique<Instance>();
  inst->spec = spec;
  inst->id = spec.id();
  inst->stateId = "live:" + inst->id;
  inst->host = std::make_unique<LiveStrategyHost>(std::move(strat).value(), spec.symbols, host);
  Instance* added = inst.get();
  m_instances.push_back(std::move(inst));
  if (m_options.trade)
    for (const auto& sym : spec.symbols) slotFor(*added, sym);
  for (const auto& sym : spec.symbols)
    if (m_barSymbols.insert(sym).second) m_subscriptions.push_back(m_bus.subscribe<contract::BarClosed>(m_mailbox, sym));
  return added;
}

void StrategyRunner::loadPromoted() {
  if (!m_storage) return;
  Result<std::vector<storage::StrategyStateRecord>> rows = makeError("storage", "not read");
  try {
    rows = m_storage->call([](storage::IStorage& s) { return s.listStrategyStates(); }).get();
  } catch (const std::exception& e) {
    rows = makeError("storage", e.what());
  }
  if (!rows) {
    log()->error("live strategies: cannot read the promoted instances ({}): started without them", rows.error().message);
    return;
  }
  std::vector<std::pair<std::string, PromotedInstance>> promoted;
  for (const auto& row : *rows) {
    if (row.strategyId.rfind(kPromotedPrefix, 0) != 0) continue;
    auto rec = decodePromotedInstance(row.stateJson, row.paramsJson);
    if (!rec) {
      log()->warn("{}: not started: {}", row.strategyId, rec.error().message);
      continue;
    }
    promoted.emplace_back(row.strategyId.substr(kPromotedPrefix.size()), std::move(rec).value());
  }
  std::stable_sort(promoted.begin(), promoted.end(),
                   [](const auto& a, const auto& b) { return a.second.promotedTs < b.second.promotedTs; });
  for (const auto& [id, rec] : promoted) {
    auto spec = runtimeSpec(m_registry, rec.strategy, rec.symbols, rec.params);
    if (!spec) {
      log()->warn("promoted {}: not started: {}", id, spec.error().message);
      continue;
    }
    const bool listed = std::any_of(m_instances.begin(), m_instances.end(), [&](auto& i) { return i->id == spec->id(); });
    if (listed) {
      log()->warn("promoted {}: strategy.live lists it now: started once, with strategy.live's parameters", id);
      continue;
    }
    if (modeName() == "LIVE" && rec.mode != "LIVE") {
      // Real money was never confirmed for it: promote it again (LIVE, confirmed) to trade it here.
      log()->error("promoted {} as {}: not started, the strategies here now trade LIVE (real money)", id, rec.mode);
      continue;
    }
    if (rec.mode != modeName())
      log()->warn("promoted {} as {}; the strategies here now trade {}", id, rec.mode, modeName());
    auto added = addInstance(*spec);
    if (!added) {
      log()->warn("promoted {}: not started: {}", id, added.error().message);
      continue;
    }
    (*added)->promoted = true;
    log()->info("{}: promoted instance started again ({}; {})", id, spec->params.toString(), rec.origin);
  }
}

void StrategyRunner::onStartStrategy(const contract::StartStrategy& cmd, std::int64_t deadline) {
  const auto logger = log();
  const std::string what = fmt::format("{} {}", cmd.strategy, fmt::join(cmd.symbols, "/"));
  const auto reject = [&](std::string reason) {
    logger->warn("start {}: refused: {}", what, reason);
    m_bus.publish(contract::CommandRejected{cmd.correlationId, std::move(reason)});
  };
  if (const domain::Timestamp now = m_clock.now(); deadline != 0 && now > deadline) {
    logger->warn("start {}: expired before it was handled: not started", what);
    m_bus.publish(contract::expiredCommand(cmd.correlationId, now - deadline, "the strategy runner"));
    return;
  }
  std::vector<std::pair<std::string, double>> overrides;
  for (const auto& p : cmd.params) overrides.emplace_back(p.name, p.value);
  auto spec = runtimeSpec(m_registry, cmd.strategy, cmd.symbols, overrides);
  if (!spec) return reject(spec.error().message);
  const std::string id = spec->id();
  if (std::any_of(m_instances.begin(), m_instances.end(), [&](auto& i) { return i->id == id; }))
    return reject(fmt::format("{} runs already (one instance per strategy and symbols): not started again", id));
  const std::string mode = modeName();
  if (cmd.mode != mode)
    return reject(fmt::format("the live strategies here run {}{}, the confirmation named {}: {} not started", mode,
                              mode == "SIGNALS" ? " (strategy.trade=false: no orders)" : "",
                              cmd.mode.empty() ? std::string("no mode") : cmd.mode, id));
  const std::string timeframe(marketdata::toString(m_options.timeframe));
  if (!cmd.timeframe.empty() && cmd.timeframe != timeframe)
    return reject(fmt::format("the live strategies here trade {} bars (strategy.timeframe), {} was researched on {}: "
                              "not started",
                              timeframe, id, cmd.timeframe));
  if (mode == "LIVE" && !cmd.liveConfirmed)
    return reject(fmt::format("{} would trade real money (LIVE) and that was not confirmed: not started", id));
  if (!m_restored)
    return reject(fmt::format("the saved state and the order journal could not be read yet: {} not started", id));
  auto added = addInstance(*spec);
  if (!added) return reject(added.error().message);
  Instance& inst = **added;
  inst.promoted = true;
  // Its journal fills and saved state (an id promoted before keeps what it holds), then stored history.
  if (m_options.trade && m_storage && !restore(m_instances.size() - 1)) {
    dropInstance(std::prev(m_instances.end()));
    return reject(fmt::format("{}: its saved state and the order journal could not be read: not started", id));
  }
  if (m_storage) {
    PromotedInstance rec{spec->strategy, spec->symbols, spec->params.values(), mode, cmd.origin, m_clock.now()};
    postRecord(*m_storage, {std::string(kPromotedPrefix) + id, spec->params.toJson(), encodePromotedInstance(rec),
                            m_clock.now()});
  }
  const domain::Timestamp now = m_clock.now();
  warmUpInstance(inst, now - domain::Timestamp(m_options.historyDays) * domain::kNanosPerDay, now);
  if (inst.settlePending && inst.host->lastTs() >= inst.replayUntil()) settle(inst);
  inst.changed = true;
  logger->info("{}: started at run time ({}, {}; {}){}", id, mode, spec->params.toString(),
               cmd.origin.empty() ? std::string("no origin given") : cmd.origin,
               m_storage ? "; saved, started again on every start" : "; not saved (no storage)");
}

contract::StrategyInstanceState StrategyRunner::monitorState(const Instance& inst) const {
  contract::StrategyInstanceState m;
  m.instance = inst.id;
  m.strategy = inst.spec.strategy;
  m.promoted = inst.promoted;
  m.mode = modeName();
  m.paused = inst.paused;
  m.lastSignalTs = inst.lastSignalTs;
  m.lastSignal = inst.lastSignal;
  m.lastSignalReason = inst.lastSignalReason;
  m.warmupBars = std::int64_t(inst.warmupBars);
  m.liveBars = std::int64_t(inst.liveBars);
  m.signals = std::int64_t(inst.signals);
  m.lastBarTs = inst.host->lastTs();
  for (std::size_t i = 0; i < inst.spec.symbols.size(); ++i) {
    const std::string& sym = inst.spec.symbols[i];
    contract::StrategyLeg leg;
    leg.symbol = sym;
    if (m_options.trade) {
      const auto it = m_slots.find(slotKey(inst.id, sym));
      leg.position = it == m_slots.end() ? 0.0 : it->second.filled;
      leg.target = it == m_slots.end() ? 0.0 : it->second.target;
    } else {
      leg.position = inst.host->position(i);
      leg.target = leg.position + inst.host->workingDelta(i);
    }
    if (const auto p = inst.pnl.find(sym); p != inst.pnl.end()) {
      leg.lastPrice = p->second.lastPrice;
      leg.avgCost = p->second.avgCost;
      leg.realizedPnl = p->second.realizedPnl;
      leg.unrealizedPnl = p->second.lastPrice > 0.0 ? p->second.unrealizedPnl() : 0.0;
    }
    m.realizedPnl += leg.realizedPnl;
    m.unrealizedPnl += leg.unrealizedPnl;
    m.legs.push_back(std::move(leg));
  }
  std::vector<std::pair<std::string, double>> indicators;
  inst.host->strategy().indicators(indicators);
  for (auto& [name, value] : indicators) m.indicators.push_back({std::move(name), value});
  for (const auto& [id, w] : m_working)
    if (ofInstance(w.slotKey, inst.id)) ++m.openOrders;

  bool warm = false;
  {
    std::lock_guard lock(m_statusMutex);
    warm = m_warm;
  }
  const std::size_t need = inst.host->strategy().warmupBars();
  const double lead = m.legs.empty() ? 0.0 : m.legs.front().position;
  if (m_options.trade && !m_restored && m_restoreFailed) {
    m.state = "error";
    m.detail = "the saved state and the order journal could not be read: no orders until they can";
  } else if (!inst.lastError.empty()) {
    m.state = "error";
    m.detail = inst.lastError;
  } else if (inst.paused) {
    m.state = "paused";
    m.detail = inst.flatten ? (m.openOrders > 0 ? "flattening" : "flattened") : "no new orders";
  } else if (!warm || inst.host->barsSeen() < need) {
    m.state = "warming up";
    m.detail = fmt::format("{} of {} bars", inst.host->barsSeen(), need);
  } else {
    m.state = std::abs(lead) < kQtyEps ? "flat" : lead > 0 ? "long" : "short";
  }
  if (inst.paused && m.state == "error") m.detail += " (paused)";
  return m;
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
    s.restored = m_restored;
    s.params = inst->spec.params.toString();
    for (std::size_t i = 0; i < inst->spec.symbols.size(); ++i) s.positions.push_back(inst->host->position(i));
    if (m_options.trade) {
      for (const auto& sym : inst->spec.symbols) {
        const auto it = m_slots.find(slotKey(inst->id, sym));
        s.targets.push_back(it == m_slots.end() ? 0.0 : it->second.target);
        s.filled.push_back(it == m_slots.end() ? 0.0 : it->second.filled);
      }
      for (const auto& [id, w] : m_working)
        if (ofInstance(w.slotKey, inst->id)) ++s.workingOrders;
    }
    status.push_back(std::move(s));
  }
  contract::StrategiesSnapshot snapshot;
  snapshot.asOf = m_clock.now();
  snapshot.mode = modeName();
  snapshot.timeframe = std::string(marketdata::toString(m_options.timeframe));
  for (const auto& inst : m_instances) snapshot.instances.push_back(monitorState(*inst));
  {
    std::lock_guard lock(m_statusMutex);
    m_status = std::move(status);
  }
  m_bus.publish(std::move(snapshot));
}

std::vector<StrategyInstanceStatus> StrategyRunner::status() const {
  std::lock_guard lock(m_statusMutex);
  return m_status;
}

}  // namespace meridian::live
