#include "core/live/JobActions.h"

#include "core/common/Logging.h"
#include "core/jobs/RunMessage.h"
#include "core/marketdata/IngestionService.h"
#include "core/marketdata/ProviderFactory.h"
#include "core/storage/StorageService.h"
#include "core/strategy/pairs/PairScanner.h"

#include <QRegularExpression>
#include <QStringList>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

namespace meridian::live {

namespace {

auto log() { return common::logger("jobs"); }

Error cancelledError(std::string_view job, std::size_t done, std::size_t total) {
  return makeError("cancelled", fmt::format("{} cancelled (timeout or scheduler stop) after {} of {} symbols", job,
                                            done, total));
}

// Runs fn on the storage thread from a job worker (blocking that worker only).
template <class F>
auto onStorage(const JobContext& c, F&& fn) -> decltype(fn(std::declval<storage::IStorage&>())) {
  using R = decltype(fn(std::declval<storage::IStorage&>()));
  if (!c.storage) return R(makeError("storage", "no storage service"));
  try {
    return c.storage->call(std::forward<F>(fn)).get();
  } catch (const std::exception& e) {
    return R(makeError("storage", e.what()));
  }
}

domain::Timestamp nowOf(const JobContext& c) {
  // tests that build a JobContext by hand may leave the clock out
  return (c.clock ? *c.clock : common::systemClock()).now();
}

std::string joinFailures(const std::vector<std::pair<std::string, Error>>& failures) {
  std::string s;
  for (const auto& [sym, e] : failures) s += fmt::format("{}{}: {}", s.empty() ? "" : "; ", sym, e.message);
  return s;
}

}  // namespace

Result<std::vector<std::string>> jobUniverse(const JobContext& c) {
  std::set<std::string> symbols;
  for (const QString& s : c.config.value("universe.symbols").split(QRegularExpression("[,;\\s]+"), Qt::SkipEmptyParts))
    symbols.insert(s.trimmed().toUpper().toStdString());
  // Live strategies need their data whatever the universe says. The syntax is checked by the runner; here only
  // the symbols are taken ("name:A,B/C;...").
  for (const QString& entry : c.config.value("strategy.live").split(';', Qt::SkipEmptyParts)) {
    const auto colon = entry.indexOf(':');
    if (colon < 0) continue;
    for (const QString& s : entry.mid(colon + 1).split(QRegularExpression("[,/]"), Qt::SkipEmptyParts))
      if (!s.trimmed().isEmpty()) symbols.insert(s.trimmed().toUpper().toStdString());
  }
  if (symbols.empty() && c.storage) {
    auto stored = onStorage(c, [](storage::IStorage& s) { return s.listSymbols(true); });
    if (!stored) return stored.error();
    for (const auto& r : *stored) symbols.insert(r.instrument.symbol);
  }
  if (symbols.empty())
    return makeError("config", "no symbols to work on: set universe.symbols (e.g. \"AAPL,MSFT\") or strategy.live");
  return std::vector<std::string>(symbols.begin(), symbols.end());
}

// ---- eod_ingest ---------------------------------------------------------------------------------------------

marketdata::ProviderOverrides providerOverrides(const JobContext& c) {
  marketdata::ProviderOverrides ov;
  ov.clock = c.clock;  // null: the provider's default (the system clock)
  return ov;
}

Status runEodIngest(const JobContext& c, const std::atomic<bool>& cancel) {
  if (!c.ingestion) return makeError("config", "eod_ingest: no ingestion service");
  auto universe = jobUniverse(c);
  if (!universe) return universe.error();
  const std::string providerName = c.config.value("ingest.provider", "yahoo").trimmed().toLower().toStdString();
  auto provider = marketdata::makeProvider(providerName, c.config, providerOverrides(c));
  if (!provider) return makeError(provider.error().code, "eod_ingest: " + provider.error().message);

  std::size_t inserted = 0, updated = 0, unchanged = 0, rejected = 0, done = 0;
  std::vector<std::pair<std::string, Error>> failures;
  std::vector<std::string> perSymbol;
  for (const auto& symbol : *universe) {
    if (cancel.load()) return cancelledError("eod_ingest", done, universe->size());
    marketdata::IngestRequest req;
    req.symbol = symbol;
    req.timeframe = domain::Timeframe::Day1;
    auto r = c.ingestion->ingest(**provider, req);
    ++done;
    if (!r) {
      log()->warn("eod_ingest {} via {}: {}", symbol, providerName, r.error().message);
      failures.emplace_back(symbol, r.error());
      continue;
    }
    inserted += r->inserted;
    updated += r->updated;
    unchanged += r->unchanged;
    rejected += r->rejected;
    perSymbol.push_back(fmt::format("{} +{}/~{}", symbol, r->inserted, r->updated));
  }
  const std::string counts = fmt::format("inserted {}, updated {}, unchanged {}, rejected {}", inserted, updated,
                                         unchanged, rejected);
  if (!failures.empty()) {
    // The first failure's code (http.429, http.500, http.network...) lets callers tell the cause apart.
    const std::size_t ok = universe->size() - failures.size();
    return makeError(failures.front().second.code,
                     fmt::format("eod_ingest via {}: {} of {} symbols failed: {}{}", providerName, failures.size(),
                                 universe->size(), joinFailures(failures),
                                 ok ? fmt::format(" (the {} others: {})", ok, counts) : std::string()));
  }
  std::string msg = fmt::format("{} 1d, {} symbol{}: {}", providerName, universe->size(),
                                universe->size() == 1 ? "" : "s", counts);
  if (perSymbol.size() <= 20) {
    msg += " (";
    for (std::size_t i = 0; i < perSymbol.size(); ++i) msg += (i ? ", " : "") + perSymbol[i];
    msg += ")";
  }
  log()->info("eod_ingest: {}", msg);
  jobs::setRunMessage(msg);
  return {};
}

// ---- company_info -------------------------------------------------------------------------------------------

Status runCompanyInfo(const JobContext& c, const std::atomic<bool>& cancel) {
  if (!c.ingestion) return makeError("config", "company_info: no ingestion service");
  const std::string providerName =
      c.config.value("company_info.provider", "polygon").trimmed().toLower().toStdString();
  if (providerName != "polygon")
    return makeError("config", fmt::format("company_info.provider '{}' has no fundamentals: only polygon provides "
                                           "company info and key statistics",
                                           providerName));
  if (c.config.value("polygon.api_key").trimmed().isEmpty())
    return makeError("config", "company_info needs a POLYGON api key: set POLYGON_API_KEY (polygon.api_key)");
  auto provider = marketdata::makeProvider(providerName, c.config, providerOverrides(c));
  if (!provider) return makeError(provider.error().code, "company_info: " + provider.error().message);
  auto universe = jobUniverse(c);
  if (!universe) return universe.error();
  std::size_t stored = 0, done = 0;
  std::vector<std::pair<std::string, Error>> failures;
  for (const auto& symbol : *universe) {
    if (cancel.load()) return cancelledError("company_info", done, universe->size());
    auto r = c.ingestion->refreshFundamentals(**provider, symbol);
    ++done;
    if (r) ++stored;
    else failures.emplace_back(symbol, r.error());
  }
  if (!failures.empty())
    return makeError(failures.front().second.code,
                     fmt::format("company_info via {}: {} of {} symbols failed: {} ({} stored)", providerName,
                                 failures.size(), universe->size(), joinFailures(failures), stored));
  jobs::setRunMessage(fmt::format("{}: company info and key statistics stored for {} symbol{}", providerName, stored,
                                  stored == 1 ? "" : "s"));
  return {};
}

// ---- pair_discovery -----------------------------------------------------------------------------------------

Status runPairDiscovery(const JobContext& c, const std::atomic<bool>& cancel) {
  if (!c.storage) return makeError("config", "pair_discovery: no storage service");
  auto universe = jobUniverse(c);
  if (!universe) return universe.error();
  if (universe->size() < 2)
    return makeError("config", fmt::format("pair_discovery needs at least 2 symbols, the universe has {}",
                                           universe->size()));
  const int lookback = std::max(2, c.config.intValue("pairs.lookback_bars", 504));
  const int minObs = std::max(10, c.config.intValue("pairs.min_observations", 100));
  const int top = std::max(1, c.config.intValue("pairs.top", 20));
  const double maxP = c.config.doubleValue("pairs.max_pvalue", 0.10);
  const int keepRuns = std::max(0, c.config.intValue("pairs.keep_runs", 12));
  std::string preferred = c.config.value("pairs.source").trimmed().toStdString();
  if (preferred.empty()) {
    const std::string ingest = c.config.value("ingest.provider", "yahoo").trimmed().toLower().toStdString();
    preferred = marketdata::sourceName(ingest, c.config.boolValue(QString::fromStdString(ingest) + ".adjusted", false),
                                       domain::Timeframe::Day1);
  }

  auto series = onStorage(c, [](storage::IStorage& s) { return s.listSeries(); });
  if (!series) return makeError(series.error().code, "pair_discovery: " + series.error().message);

  // Per symbol: the preferred source, else its longest daily series.
  std::vector<std::pair<std::string, std::string>> chosen;  // symbol, source
  std::vector<std::string> missing;
  for (const auto& sym : *universe) {
    const storage::SeriesInfo* best = nullptr;
    for (const auto& s : *series) {
      if (s.symbol != sym || marketdata::timeframeOfSource(s.source) != domain::Timeframe::Day1)
        continue;
      if (s.source == preferred) {
        best = &s;
        break;
      }
      if (!best || s.barCount > best->barCount) best = &s;
    }
    if (best) chosen.emplace_back(sym, best->source);
    else missing.push_back(sym);
  }
  if (chosen.size() < 2)
    return makeError("pairs.no_data", fmt::format("pair_discovery: only {} of {} symbols have stored daily bars; run "
                                                  "eod_ingest first",
                                                  chosen.size(), universe->size()));
  std::vector<std::vector<domain::Bar>> bars;
  std::vector<strategy::PairScanInput> inputs;
  std::set<std::string> sources;
  bars.reserve(chosen.size());
  for (const auto& [sym, source] : chosen) {
    if (cancel.load()) return cancelledError("pair_discovery", bars.size(), chosen.size());
    auto loaded = onStorage(c, [sym = sym, source = source](storage::IStorage& s) {
      return s.loadBars(sym, source, std::numeric_limits<domain::Timestamp>::min(),
                        std::numeric_limits<domain::Timestamp>::max());
    });
    if (!loaded) return makeError(loaded.error().code, fmt::format("pair_discovery: loading {}: {}", sym,
                                                                   loaded.error().message));
    auto v = std::move(loaded).value();
    if (v.size() > std::size_t(lookback)) v.erase(v.begin(), v.end() - lookback);
    bars.push_back(std::move(v));
    sources.insert(source);
  }
  for (std::size_t i = 0; i < chosen.size(); ++i) inputs.push_back({chosen[i].first, bars[i]});
  if (cancel.load()) return cancelledError("pair_discovery", chosen.size(), chosen.size());

  strategy::PairScanOptions options;
  options.minObservations = std::size_t(minObs);
  auto scanned = strategy::scanPairs(inputs, options);
  if (!scanned) return makeError(scanned.error().code, "pair_discovery: " + scanned.error().message);
  if (cancel.load()) return cancelledError("pair_discovery", chosen.size(), chosen.size());

  const domain::Timestamp runTs = nowOf(c);
  std::vector<storage::DiscoveredPair> keep;
  std::string sourceText;
  for (const auto& s : sources) sourceText += (sourceText.empty() ? "" : ",") + s;
  for (const auto& p : *scanned) {
    if (!(p.pValue <= maxP) || !std::isfinite(p.score)) continue;
    storage::DiscoveredPair d;
    d.runTs = runTs;
    d.rank = int(keep.size()) + 1;
    d.first = p.first;
    d.second = p.second;
    d.source = sourceText;
    d.observations = std::int64_t(p.observations);
    d.hedgeRatio = p.hedgeRatio;
    d.intercept = p.intercept;
    d.adfStatistic = p.adfStatistic;
    d.pValue = std::clamp(p.pValue, 0.0, 1.0);
    if (std::isfinite(p.halfLife)) d.halfLife = p.halfLife;
    d.correlation = p.correlation;
    d.meanAbsZ = p.meanAbsZ;
    d.score = p.score;
    keep.push_back(std::move(d));
    if (keep.size() >= std::size_t(top)) break;
  }
  if (!keep.empty()) {
    auto saved = onStorage(c, [&keep, keepRuns](storage::IStorage& s) {
      return s.saveDiscoveredPairs(keep, std::size_t(keepRuns));
    });
    if (!saved) return makeError(saved.error().code, "pair_discovery: storing pairs: " + saved.error().message);
  }
  std::string msg = fmt::format("{} symbols ({} pairs tested, {} bars max each): {} pair{} with p <= {:g} stored",
                                chosen.size(), scanned->size(), lookback, keep.size(), keep.size() == 1 ? "" : "s",
                                maxP);
  if (!keep.empty())
    msg += fmt::format("; best {}/{} p={:.3f} half-life {} corr {:.2f}", keep[0].first, keep[0].second,
                       keep[0].pValue, keep[0].halfLife ? fmt::format("{:.1f}", *keep[0].halfLife) : "inf",
                       keep[0].correlation);
  if (!missing.empty()) {
    msg += "; no daily bars for";
    for (const auto& m : missing) msg += " " + m;
  }
  log()->info("pair_discovery: {}", msg);
  jobs::setRunMessage(msg);
  return {};
}

// ---- strategy_cycle -----------------------------------------------------------------------------------------

Status runStrategyCycle(const JobContext& c, const std::atomic<bool>& cancel) {
  if (!c.strategies) return makeError("config", "strategy_cycle: no live strategies (strategy.live is empty)");
  auto report = c.strategies->runCycle(cancel);
  if (!report) return report.error();
  const std::string msg = report->summary();
  log()->info("strategy_cycle: {}", msg);
  jobs::setRunMessage(msg);
  return {};
}

jobs::builtin::Actions makeJobActions(std::shared_ptr<const JobContext> context) {
  jobs::builtin::Actions a;
  if (context->ingestion && context->storage) {
    a.eodIngest = [context](const std::atomic<bool>& cancel) { return runEodIngest(*context, cancel); };
    a.companyInfo = [context](const std::atomic<bool>& cancel) { return runCompanyInfo(*context, cancel); };
  }
  if (context->storage)
    a.pairDiscovery = [context](const std::atomic<bool>& cancel) { return runPairDiscovery(*context, cancel); };
  if (context->strategies)
    a.strategyCycle = [context](const std::atomic<bool>& cancel) { return runStrategyCycle(*context, cancel); };
  else
    a.strategyCycleReason = "no live strategies: set strategy.live (e.g. \"sma_cross:AAPL,MSFT\")";
  return a;
}

// ---- LiveServices -------------------------------------------------------------------------------------------

LiveServices::LiveServices(const common::Config& config, bus::EventBus& bus, storage::StorageService& storage,
                           marketdata::IngestionService* ingestion, const common::IClock& clock)
    : m_context(std::make_shared<JobContext>()) {
  m_context->config = config;
  m_context->storage = &storage;
  m_context->ingestion = ingestion;
  m_context->clock = &clock;
  // The runner starts even when strategy.live is empty: instances promoted at run time (the Pair Lab) run in it.
  const QString live = config.value("strategy.live").trimmed();
  if (live.isEmpty()) m_problem = "strategy.live is empty";
  const auto& registry = strategy::StrategyRegistry::builtin();
  auto specs = parseLiveStrategies(live.toStdString(), config, registry);
  auto options = StrategyRunnerOptions::fromConfig(config);
  if (!specs || !options) {
    m_problem = !specs ? specs.error().message : options.error().message;
    m_configError = true;
    common::logger("strategy")->error("live strategies not started: {}", m_problem);
    return;
  }
  m_runner = std::make_unique<StrategyRunner>(bus, std::move(specs).value(), std::move(options).value(), &storage,
                                              clock, registry);
}

LiveServices::~LiveServices() { stop(); }

void LiveServices::start() {
  if (!m_runner) return;
  if (Status s = m_runner->start(); !s.ok()) {
    m_problem = s.error().message;
    m_configError = true;
    common::logger("strategy")->error("live strategies not started: {}", m_problem);
    m_runner.reset();
    return;
  }
  // strategy_cycle stays "not configured" without strategy.live (its instances take live bars; the cycle is the
  // catch-up of the configured ones).
  if (!m_runner->specs().empty()) m_context->strategies = m_runner.get();
}

void LiveServices::stop() {
  if (m_runner) m_runner->stop();
}

jobs::builtin::Actions LiveServices::jobActions() const {
  auto actions = makeJobActions(m_context);
  if (!m_runner && m_configError)
    actions.strategyCycleReason = "live strategies not started: " + m_problem;
  return actions;
}

}  // namespace meridian::live
