#include "core/research/BacktestService.h"

#include "core/backtest/BarSeriesLoader.h"
#include "core/backtest/RunRecord.h"
#include "core/common/Clock.h"
#include "core/common/Logging.h"
#include "core/time/TimeZones.h"

#include <fmt/core.h>

#include <algorithm>
#include <exception>
#include <type_traits>
#include <unordered_map>

namespace meridian::research {

using namespace backtest;  // NOLINT(google-build-using-namespace): the engine this service runs
using namespace contract;  // NOLINT(google-build-using-namespace): the messages it answers


// ---- Cancel flags -----------------------------------------------------------------------------------------------

struct BacktestService::CancelRegistry {
  static constexpr std::size_t kMaxEarly = 256;
  std::mutex mutex;
  std::unordered_map<std::string, std::shared_ptr<std::atomic<bool>>> flags;
  std::deque<std::string> early;  // cancels whose command has not been seen yet

  std::shared_ptr<std::atomic<bool>> add(const std::string& corr) {
    auto flag = std::make_shared<std::atomic<bool>>(false);
    std::lock_guard lock(mutex);
    if (auto it = std::find(early.begin(), early.end(), corr); it != early.end()) {
      early.erase(it);
      flag->store(true);
    }
    flags[corr] = flag;
    return flag;
  }
  void remove(const std::string& corr) {
    std::lock_guard lock(mutex);
    flags.erase(corr);
  }
  void cancel(const std::string& corr) {
    std::lock_guard lock(mutex);
    if (auto it = flags.find(corr); it != flags.end()) {
      it->second->store(true);
      return;
    }
    if (std::find(early.begin(), early.end(), corr) != early.end()) return;
    early.push_back(corr);
    while (early.size() > kMaxEarly) early.pop_front();
  }
  void cancelAll() {
    std::lock_guard lock(mutex);
    for (auto& [corr, flag] : flags) flag->store(true);
  }
};

namespace {

template <class Cmd>
BacktestKind kindOf() {
  if constexpr (std::is_same_v<Cmd, RunBacktest>) return BacktestKind::Backtest;
  else if constexpr (std::is_same_v<Cmd, RunOptimization>) return BacktestKind::Optimization;
  else return BacktestKind::WalkForward;
}

const std::string& correlationOf(const std::variant<RunBacktest, RunOptimization, RunWalkForward>& c) {
  return std::visit([](const auto& x) -> const std::string& { return x.correlationId; }, c);
}

BacktestKind kindOf(const std::variant<RunBacktest, RunOptimization, RunWalkForward>& c) {
  return std::visit([](const auto& x) { return kindOf<std::decay_t<decltype(x)>>(); }, c);
}

}  // namespace

Result<std::size_t> tradeStartIndex(std::span<const SeriesView> series, const std::string& date) {
  if (series.empty() || series[0].bars.empty()) return makeError(BacktestService::kNoDataCode, "no bars to trade");
  const auto& bars = series[0].bars;
  for (std::size_t i = 0; i < bars.size(); ++i)
    if (time::TimeZones::exchangeDateText(bars[i].ts).toStdString() >= date) return i;
  return makeError(BacktestService::kNoDataCode, fmt::format("no bars on or after {} to trade (the data ends {})", date,
                                                   time::TimeZones::exchangeDateText(bars.back().ts).toStdString()));
}

void addBenchmark(BacktestResult& r, std::span<const SeriesView> series, const analytics::MetricsConfig& metrics) {
  if (series.empty() || r.equity.empty()) return;
  r.benchmark = analytics::buyAndHold(r.initialCash, series[0].bars, r.equity);
  if (r.benchmark.empty()) return;
  r.benchmarkSymbol = std::string(series[0].symbol);
  r.benchmarkStats = analytics::compareWithBenchmark(r.equity, r.benchmark, metrics);
}

// ---- Lifecycle --------------------------------------------------------------------------------------------------

BacktestService::BacktestService(bus::EventBus& bus) : BacktestService(bus, Options{}) {}

BacktestService::BacktestService(bus::EventBus& bus, Options options)
    : m_bus(bus),
      m_options(std::move(options)),
      m_registry(m_options.registry ? m_options.registry : &strategy::StrategyRegistry::builtin()),
      m_mailbox(std::make_shared<bus::Mailbox>("backtest", 4096)),
      m_cancelMailbox(std::make_shared<bus::Mailbox>("backtest.cancel", 1024)),
      m_cancels(std::make_shared<CancelRegistry>()) {
  if (!m_options.clock) m_options.clock = std::make_shared<const common::RealClock>();
}

BacktestService::~BacktestService() { stop(); }

Status BacktestService::start() {
  std::lock_guard lock(m_lifecycle);
  if (m_started) {
    if (m_running) return {};
    return makeError(kStoppedCode, "the backtest service was stopped and cannot be restarted");
  }
  m_started = true;
  // The notifier runs on the publisher's thread: it only flips the command's atomic flag. It holds the
  // registry and a weak mailbox, never `this`, so a late publish after stop() is harmless.
  m_cancelMailbox->setNotifier([reg = m_cancels, weak = std::weak_ptr<bus::Mailbox>(m_cancelMailbox)] {
    auto box = weak.lock();
    if (!box) return;
    std::vector<bus::Envelope> envs;
    box->drain(envs);
    for (const auto& e : envs)
      if (const auto* c = e.as<CancelBacktest>()) reg->cancel(c->correlationId);
  });
  m_subscriptions = {m_bus.subscribe<CancelBacktest>(m_cancelMailbox), m_bus.subscribe<RunBacktest>(m_mailbox),
                     m_bus.subscribe<RunOptimization>(m_mailbox), m_bus.subscribe<RunWalkForward>(m_mailbox),
                     m_bus.subscribe<CompareLiveStrategy>(m_mailbox),
                     m_bus.subscribe<ListBacktestRuns>(m_mailbox)};
  m_running = true;
  m_thread = std::thread([this] { workerLoop(); });
  return {};
}

void BacktestService::stop() {
  std::lock_guard lock(m_lifecycle);
  if (!m_running.exchange(false)) return;
  m_stopping = true;
  m_cancels->cancelAll();
  for (auto id : m_subscriptions) m_bus.unsubscribe(id);
  m_subscriptions.clear();
  m_mailbox->close();
  m_cancelMailbox->close();
  if (m_thread.joinable()) m_thread.join();
}

BacktestService::Stats BacktestService::stats() const {
  Stats s;
  s.commands = m_stats.commands.load();
  s.succeeded = m_stats.succeeded.load();
  s.failed = m_stats.failed.load();
  s.cancelled = m_stats.cancelled.load();
  s.progressPublished = m_stats.progressPublished.load();
  s.progressSuppressed = m_stats.progressSuppressed.load();
  s.saved = m_stats.saved.load();
  return s;
}

// ---- Worker -----------------------------------------------------------------------------------------------------

void BacktestService::workerLoop() {
  while (!m_stopping) {
    pump();
    if (m_queue.empty()) {
      m_mailbox->waitNonEmpty(std::chrono::milliseconds(200));
      continue;
    }
    Job job = std::move(m_queue.front());
    m_queue.pop_front();
    execute(job);
  }
  // Stopping: whatever is still queued finishes as cancelled so no requester waits forever.
  pump();
  for (Job& job : m_queue) {
    BacktestFinished ev;
    ev.correlationId = correlationOf(job.command);
    ev.kind = kindOf(job.command);
    ev.error = "cancelled: the backtest service is stopping";
    ev.errorCode = kCancelledCode;
    m_cancels->remove(ev.correlationId);
    finish(std::move(ev));
  }
  m_queue.clear();
}

void BacktestService::pump() {
  m_drained.clear();
  m_mailbox->drain(m_drained);
  for (const bus::Envelope& e : m_drained) accept(e);
  m_drained.clear();
}

void BacktestService::accept(const bus::Envelope& e) {
  auto enqueue = [&](auto cmd) {
    using Cmd = std::decay_t<decltype(cmd)>;
    ++m_stats.commands;
    const std::string corr = cmd.correlationId;
    if (m_queue.size() >= m_options.maxQueued) {
      BacktestFinished ev;
      ev.correlationId = corr;
      ev.kind = kindOf<Cmd>();
      ev.strategy = cmd.strategy;
      ev.error = fmt::format("too many queued backtests ({}); wait for one to finish", m_queue.size());
      ev.errorCode = kQueueFullCode;
      finish(std::move(ev));
      return;
    }
    Job job{std::move(cmd), m_cancels->add(corr), {}};
    progress(corr, kindOf<Cmd>(), job.throttle, 0, 0, "queued");  // acknowledged at once: the first event
    m_queue.push_back(std::move(job));
  };
  if (const auto* c = e.as<RunBacktest>()) enqueue(*c);
  else if (const auto* o = e.as<RunOptimization>()) enqueue(*o);
  else if (const auto* w = e.as<RunWalkForward>()) enqueue(*w);
  else if (const auto* h = e.as<ListBacktestRuns>()) answerHistory(*h);
  else if (const auto* l = e.as<CompareLiveStrategy>()) {
    auto run = m_options.liveComparison
                   ? m_options.liveComparison(*l)
                   : Result<RunBacktest>(makeError(kNoLiveCode, "no live strategy configuration is connected"));
    if (run) {
      RunBacktest cmd = std::move(run).value();
      cmd.correlationId = l->correlationId;
      cmd.save = false;
      enqueue(std::move(cmd));
    } else {
      ++m_stats.commands;
      BacktestFinished ev;
      ev.correlationId = l->correlationId;
      ev.kind = BacktestKind::Backtest;
      ev.error = run.error().message;
      ev.errorCode = run.error().code;
      finish(std::move(ev));
    }
  }
  // CancelBacktest is handled by the cancel mailbox's notifier (it cannot wait for this thread).
}

void BacktestService::answerHistory(const ListBacktestRuns& cmd) {
  BacktestRunsListed ev;
  ev.correlationId = cmd.correlationId;
  if (!m_options.history) {
    ev.error = "no backtest run history is available (no run store is connected)";
  } else {
    try {
      auto runs = m_options.history(cmd.limit);
      if (runs) {
        for (const storage::BacktestRunRecord& r : *runs)
          ev.runs.push_back(BacktestRunSummary{r.id, r.strategy, r.paramsJson, r.symbols, r.startTs, r.endTs,
                                               r.createdTs, r.finalValue, r.metricsJson});
      }
      else ev.error = runs.error().message;
    } catch (const std::exception& ex) {
      ev.error = fmt::format("listing the saved runs failed: {}", ex.what());
    }
  }
  m_bus.publish(std::move(ev));
}

void BacktestService::progress(const std::string& corr, BacktestKind kind, Throttle& t, std::size_t done,
                               std::size_t total, const char* phase) {
  const auto now = std::chrono::steady_clock::now();
  if (t.any && now - t.last < m_options.progressInterval) {
    ++m_stats.progressSuppressed;
    return;
  }
  t.any = true;
  t.last = now;
  ++m_stats.progressPublished;
  m_bus.publish(BacktestProgress{corr, kind, done, total, phase});
}

void BacktestService::finish(BacktestFinished ev) {
  if (ev.ok()) ++m_stats.succeeded;
  else if (ev.cancelled()) ++m_stats.cancelled;
  else ++m_stats.failed;
  m_bus.publish(std::move(ev));
}

Result<std::vector<BarSeries>> BacktestService::loadData(const DataSpec& data, const std::string& corr,
                                                         BacktestKind kind, Throttle& t) {
  if (data.csvFiles.empty() && data.stored.empty())
    return makeError(kNoDataCode, "no input data: choose at least one CSV file");
  progress(corr, kind, t, 0, data.csvFiles.size() + data.stored.size(), "loading");
  CsvOptions csv;
  csv.adjust = data.adjusted;
  csv.sort = data.csvSort;
  csv.dedupeLast = data.csvDedupeLast;
  auto loaded = loadCsvSpecs(data.csvFiles, csv);
  if (!loaded) return loaded.error();
  std::vector<BarSeries> series = std::move(loaded).value();
  for (const SeriesRequest& req : data.stored) {
    if (!m_options.loader)
      return makeError(kNoLoaderCode,
                       fmt::format("cannot load stored series {}: no bar store is connected to the backtest service",
                                   req.symbol));
    auto s = m_options.loader(req);
    if (!s) return s.error();
    for (const auto& other : series)
      if (other.symbol == s->symbol)
        return makeError(kDuplicateSymbolCode, fmt::format("symbol {} given twice", s->symbol));
    series.push_back(std::move(s).value());
  }
  if (!data.fromDate.empty() || !data.toDate.empty()) {
    for (auto& s : series) {
      std::erase_if(s.bars, [&](const domain::Bar& b) {
        const std::string d = time::TimeZones::exchangeDateText(b.ts).toStdString();
        return (!data.fromDate.empty() && d < data.fromDate) || (!data.toDate.empty() && d > data.toDate);
      });
      if (s.bars.empty())
        return makeError(kNoDataCode, fmt::format("no {} bars between {} and {}", s.symbol,
                                                  data.fromDate.empty() ? "the start" : data.fromDate,
                                                  data.toDate.empty() ? "the end" : data.toDate));
    }
  }
  return alignSeries(std::move(series));
}

void BacktestService::execute(Job& job) {
  const auto started = std::chrono::steady_clock::now();
  const std::string corr = correlationOf(job.command);
  const BacktestKind kind = kindOf(job.command);
  Throttle& throttle = job.throttle;

  BacktestFinished ev;
  ev.correlationId = corr;
  ev.kind = kind;
  auto fail = [&](const Error& e) {
    ev.error = e.message;
    ev.errorCode = e.code;
  };

  RunControl control;
  control.cancel = job.cancel.get();
  const char* runPhase = kind == BacktestKind::Backtest       ? "running"
                         : kind == BacktestKind::Optimization ? "optimizing"
                                                              : "walk-forward";
  control.progress = [&](std::size_t done, std::size_t total) {
    progress(corr, kind, throttle, done, total, runPhase);
    pump();  // acknowledge commands that arrive meanwhile
  };

  try {
    std::visit(
        [&](const auto& cmd) {
          using Cmd = std::decay_t<decltype(cmd)>;
          ev.strategy = cmd.strategy;
          if (control.cancelled()) {
            fail(makeError(kCancelledCode, "cancelled before it started"));
            return;
          }
          const strategy::StrategyInfo* info = m_registry->find(cmd.strategy);
          if (!info) {
            fail(makeError("strategy.unknown", fmt::format("unknown strategy '{}'", cmd.strategy)));
            return;
          }
          auto params = m_registry->resolve(cmd.strategy, cmd.params.values());
          if (!params) return fail(params.error());
          if constexpr (std::is_same_v<Cmd, RunBacktest>) {
            if (auto probe = m_registry->create(cmd.strategy, *params); !probe) return fail(probe.error());
          }
          auto data = loadData(cmd.data, corr, kind, throttle);
          if (!data) return fail(data.error());
          if (data->size() < info->instruments) {
            return fail(makeError(kNoDataCode, fmt::format("strategy {} needs {} series, got {}", cmd.strategy,
                                                           info->instruments, data->size())));
          }
          for (const auto& s : *data) ev.symbols.push_back(s.symbol);
          const std::vector<SeriesView> series = views(*data);

          if constexpr (std::is_same_v<Cmd, RunBacktest>) {
            BacktestConfig config = cmd.config;
            if (!cmd.data.tradeFromDate.empty()) {
              auto start = tradeStartIndex(series, cmd.data.tradeFromDate);
              if (!start) return fail(start.error());
              config.tradeStart = *start;
            }
            auto r = runBacktest(*m_registry, cmd.strategy, *params, series, config, control);
            if (!r) return fail(r.error());
            addBenchmark(r.value(), series, cmd.config.metrics);
            auto result = std::make_shared<const BacktestResult>(std::move(r).value());
            ev.result = result;
            if (cmd.save && m_options.saver) {
              progress(corr, kind, throttle, 1, 1, "saving");
              auto id = m_options.saver(toRunRecord(*result, m_options.clock->now()));
              if (id) {
                ev.savedRunId = *id;
                ++m_stats.saved;
              } else {
                ev.saveError = id.error().message;
                common::logger("backtest")->warn("saving backtest {} failed: {}", corr, ev.saveError);
              }
            }
          } else {
            if (cmd.grid.empty()) return fail(makeError("param.syntax", "the parameter grid has no axes"));
            ParamGrid grid;
            std::size_t size = 1;
            for (const ParamAxis& axis : cmd.grid) {
              if (!axis.values.empty() && size > kMaxGridSize / axis.values.size())
                return fail(makeError("param.grid", fmt::format("the grid has more than {} combinations",
                                                                kMaxGridSize)));
              size *= std::max<std::size_t>(1, axis.values.size());
              grid.add(axis);
            }
            OptimizerConfig oc;
            oc.objective = cmd.objective;
            oc.threads = cmd.threads ? cmd.threads : m_options.optimizerThreads;
            if constexpr (std::is_same_v<Cmd, RunOptimization>) {
              auto r = optimize(*m_registry, cmd.strategy, *params, grid, series, cmd.config, oc, control);
              if (!r) return fail(r.error());
              auto report = std::make_shared<OptimizationReport>();
              report->result = std::move(r).value();
              report->objective = cmd.objective;
              report->stability = bestPointStability(report->result, grid);
              for (const auto& a : cmd.grid) report->axes.push_back(a.name);
              ev.optimization = std::move(report);
            } else {
              auto r = walkForward(*m_registry, cmd.strategy, *params, grid, series, cmd.config, cmd.walkForward,
                                   oc, control);
              if (!r) return fail(r.error());
              auto report = std::make_shared<WalkForwardReport>();
              report->result = std::move(r).value();
              report->objective = cmd.objective;
              const auto& bars = series[0].bars;
              for (const auto& seg : report->result.segments)
                report->dates.push_back({bars[seg.window.inBegin].ts, bars[seg.window.outBegin].ts,
                                         bars[seg.window.outEnd - 1].ts});
              ev.walkForward = std::move(report);
            }
          }
        },
        job.command);
  } catch (const std::exception& ex) {
    fail(makeError("backtest.internal", fmt::format("internal error: {}", ex.what())));
  }
  if (!ev.ok() && job.cancel->load() && !ev.cancelled()) {
    // Cancelled while loading or validating: report the cancellation, not a side effect of it.
    ev.error = "cancelled";
    ev.errorCode = kCancelledCode;
  }
  ev.elapsedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  m_cancels->remove(corr);
  finish(std::move(ev));
}

}  // namespace meridian::research
