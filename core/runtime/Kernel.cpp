#include "core/runtime/Kernel.h"

#include "core/common/Logging.h"
#include "core/common/Redact.h"
#include "core/execution/ExecutionService.h"
#include "core/execution/alpaca/AlpacaBroker.h"
#include "core/execution/paper/PaperBroker.h"
#include "core/jobs/BuiltinJobs.h"
#include "core/jobs/HealthMonitor.h"
#include "core/jobs/JobHistory.h"
#include "core/jobs/Scheduler.h"
#include "core/history/HistoryService.h"
#include "core/live/JobActions.h"
#include "core/marketdata/IngestionService.h"
#include "core/marketdata/simulated/SimulatedMarket.h"
#include "core/notify/EventWatcher.h"
#include "core/marketdata/simulated/HistorySeed.h"
#include "core/notify/Notifier.h"
#include "core/research/BacktestService.h"
#include "core/research/StoredSeries.h"
#include "core/research/ScreenerService.h"
#include "core/runtime/HealthProbes.h"
#include "core/runtime/LiveComparison.h"
#include "core/storage/BarWriter.h"
#if MERIDIAN_HAVE_REDIS
#include "core/relay/RedisBridge.h"
#endif

#include <QCryptographicHash>
#include <QFileInfo>

namespace meridian::runtime {

storage::StorageConfig storageConfigFrom(const common::Config& config, std::shared_ptr<const common::IClock> clock) {
  storage::StorageConfig s;
  s.clock = std::move(clock);
  s.backend = config.value("db.backend", "sqlite").toStdString();
  s.sqlitePath = config.value("db.sqlite_path").toStdString();
  s.pgUri = config.value("db.pg_uri").toStdString();
  // The password (keychain / MERIDIAN_DB_PG_PASSWORD / PGPASSWORD, or stripped from the INI) joins the URI here only.
  if (const QString pw = config.value("db.pg_password"); !pw.isEmpty())
    s.pgUri = common::Config::withUriPassword(config.value("db.pg_uri"), pw).toStdString();
  return s;
}

std::string journalDatabaseIdentity(const common::Config& config) {
  if (config.value("db.backend", "sqlite").trimmed().toLower() == "postgres")
    return "postgres:" + common::redact(config.value("db.pg_uri").trimmed().toStdString());
  return "sqlite:" + QFileInfo(config.value("db.sqlite_path")).absoluteFilePath().toStdString();
}

std::string journalSideFile(const common::Config& config, const char* key, const char* suffix) {
  if (const QString explicitPath = config.value(key).trimmed(); !explicitPath.isEmpty()) return explicitPath.toStdString();
  if (config.value("db.backend", "sqlite").trimmed().toLower() != "postgres")
    return QFileInfo(config.value("db.sqlite_path")).absoluteFilePath().toStdString() + "." + suffix;
  const QByteArray id = QByteArray::fromStdString(journalDatabaseIdentity(config));
  const QString hash = QString::fromLatin1(QCryptographicHash::hash(id, QCryptographicHash::Sha256).toHex().left(8));
  return (common::Config::defaultDataDir() + "/" + suffix + "-" + hash).toStdString();
}

std::string redisUrlFrom(const common::Config& config) {
  const QString url = config.value("redis.url").trimmed();
  return common::Config::withUriPassword(url, config.value("redis.url_password")).toStdString();
}

Result<RuntimeMode> runtimeModeFrom(const common::Config& config) {
  const QString m = config.value("runtime.mode", "standalone").trimmed().toLower();
  if (m.isEmpty() || m == "standalone") return RuntimeMode::Standalone;
  if (m == "serve") return RuntimeMode::Serve;
  if (m == "attach") return RuntimeMode::Attach;
  return makeError("config", "runtime.mode must be standalone, serve or attach, not '" + m.toStdString() + "'");
}

bool liveTradingConfigured(const common::Config& config) {
  return config.value("broker.kind").trimmed().toLower() == "alpaca" && config.boolValue("broker.alpaca_live", false);
}

const char* toString(RuntimeMode mode) {
  switch (mode) {
    case RuntimeMode::Standalone: return "standalone";
    case RuntimeMode::Serve: return "serve";
    case RuntimeMode::Attach: return "attach";
  }
  return "standalone";
}

namespace {

// The execution service's journal port, served by the storage thread.
class StorageJournalQueue final : public execution::IJournalQueue {
 public:
  explicit StorageJournalQueue(storage::StorageService& storage) : m_storage(storage) {}
  void post(Task task) override {
    m_storage.post([task = std::move(task)](storage::IStorage& s) { task(s); });
  }

 private:
  storage::StorageService& m_storage;
};

// broker.kind = paper (default) | alpaca.
Result<std::unique_ptr<execution::IBroker>> makeBroker(const common::Config& config, const common::IClock& clock) {
  const QString kind = config.value("broker.kind", "paper").trimmed().toLower();
  if (kind == "alpaca") {
    auto cfg = execution::AlpacaConfig::fromConfig(config);
    if (!cfg.ok()) return cfg.error();
    cfg.value().http.clock = &clock;
    return std::unique_ptr<execution::IBroker>(std::make_unique<execution::AlpacaBroker>(std::move(cfg).value()));
  }
  if (kind != "paper") return makeError("config", "broker.kind must be paper or alpaca, not '" + kind.toStdString() + "'");
  execution::PaperBrokerConfig p = execution::PaperBrokerConfig::fromConfig(config);
  p.bookPath = journalSideFile(config, "paper.book_path", "paper-book");
  auto broker = std::make_unique<execution::PaperBroker>(p);
  if (Status s = broker->openBook(); !s.ok()) return makeError("paper.book", "paper broker: " + s.error().message);
  return std::unique_ptr<execution::IBroker>(std::move(broker));
}

}  // namespace

Kernel::Kernel(common::Config config, std::shared_ptr<const common::IClock> clock)
    : m_config(std::move(config)),
      m_clock(clock ? std::move(clock) : std::make_shared<const common::RealClock>()),
      m_storage(std::make_unique<storage::StorageService>(storageConfigFrom(m_config, m_clock))) {
  m_ingestion = std::make_unique<marketdata::IngestionService>(
      [this](const storage::StorageTask& task) {
        m_storage->call([&task](storage::IStorage& s) { task(s); }).get();  // throws when storage is not running
      },
      *m_clock, &m_bus, marketdata::IngestionOptions::fromConfig(m_config));
  m_history = history::makeHistoryService(m_bus, *m_storage);  // own read connection: never blocks the journal
}

Kernel::~Kernel() {
  stop();
  m_history.reset();
  m_ingestion.reset();  // joins its worker before the storage service and clock go
}

Status Kernel::start() {
  if (m_running) return {};
  auto mode = runtimeModeFrom(m_config);
  if (!mode.ok()) return mode.error();
  m_mode = *mode;
  const bool attached = m_mode == RuntimeMode::Attach;
  auto log = common::logger("kernel");
  if (attached && m_config.value("redis.url").trimmed().isEmpty())
    return makeError("config", "runtime.mode=attach needs redis.url: the Redis server the serving process "
                               "(meridian-cli serve) publishes to");
  const bool simulatedFeed = m_config.value("market.feed", "simulated").trimmed().toLower() == "simulated";
  if (!attached && simulatedFeed && m_config.boolValue("market.sim_always_open", true) &&
      m_config.sourceOf("risk.trading_hours") == common::Config::Source::Default) {
    // The demo feed trades around the clock; so does its paper venue unless the user asked otherwise.
    m_config.set("risk.trading_hours", "false");
  }
  if (Status s = m_storage->start(); !s.ok()) return s;
  startNotifications();
  // The relay follows the bus before execution starts, so the state execution restores and publishes while
  // starting reaches Redis too; it takes remote commands only once execution listens (startInbound below).
  if (Status s = startRelay(); !s.ok()) {
    log->error("cannot start the Redis relay: {}", s.error().message);
    m_notifyEvents.reset();
    m_notifier.reset();
    m_storage->stop();
    return s;
  }
  auto failStart = [this](const Status& s) {
    if (m_relay) m_relay->stop();
    m_relay.reset();
    m_notifyEvents.reset();
    m_notifier.reset();
    m_storage->stop();
    return s;
  };
  if (attached) {
    // Orders, fills and positions come from the serving process; this process owns no broker.
    if (m_storage->config().backend != "postgres")
      log->warn("attached with db.backend={}: history and backtests read this local database, not the server's",
                m_storage->config().backend);
  } else {
    auto broker = makeBroker(m_config, *m_clock);
    if (!broker.ok()) {
      log->error("cannot start the broker: {}", broker.error().message);
      return failStart(broker.error());
    }
    execution::ExecutionConfig executionConfig = execution::ExecutionConfig::fromConfig(m_config);
    executionConfig.spool.path = journalSideFile(m_config, "journal.spool_path", "journal-spool");
    executionConfig.spool.database = journalDatabaseIdentity(m_config);
    m_execution = std::make_unique<execution::ExecutionService>(
        m_bus, std::make_shared<StorageJournalQueue>(*m_storage), std::move(broker).value(), std::move(executionConfig),
        m_clock);
    if (Status s = m_execution->start(); !s.ok()) {
      log->error("cannot start execution: {}", s.error().message);
      m_execution.reset();
      return failStart(s);
    }
    m_localMode.known = true;
    m_localMode.live = liveTradingConfigured(m_config);
    m_localMode.broker = std::string(m_execution->brokerName());
    // Before startInbound: the first heartbeat, which attached processes take as "server ready", carries it.
    if (m_relay) m_relay->setTradingMode(m_localMode);
    m_bus.publish(m_localMode);
  }
  if (m_relay) {
    if (Status s = m_relay->startInbound(); !s.ok()) {
      log->error("cannot subscribe to Redis: {}", s.error().message);
      if (m_execution) m_execution->stop();
      m_execution.reset();
      return failStart(s);
    }
  }
  if (!attached) startMarketFeed();
  startBacktests();
  {
    // Screener: its own worker; bar reads are storage tasks (.get() blocks that worker only, never the caller).
    auto started = research::startScreenerService(m_bus, [this](const storage::StorageTask& task) {
      m_storage->call([&task](storage::IStorage& s) { task(s); }).get();  // throws when storage is not running
    });
    if (started.ok()) m_screener = std::move(started).value();
    else log->error("screener service not started: {}", started.error().message);
  }
  startOperations();
  m_history->start();
  m_running = true;
  m_housekeeping = std::thread(&Kernel::housekeepingLoop, this);
  log->info("kernel started (runtime.mode={})", toString(m_mode));
  return {};
}

Status Kernel::startRelay() {
  const std::string redisUrl = redisUrlFrom(m_config);
  if (redisUrl.empty()) return {};
#if MERIDIAN_HAVE_REDIS
  relay::RelayOptions o;
  o.role = m_mode == RuntimeMode::Attach ? relay::RelayRole::Attach : relay::RelayRole::Serve;
  o.ns = m_config.value("redis.namespace", "meridian").trimmed().toStdString();
  o.mirror = m_config.boolValue("redis.mirror", true);
  // A desktop app publishes its state but obeys remote commands only when asked to; a server always does.
  o.acceptCommands = m_config.boolValue("redis.accept_commands", m_mode == RuntimeMode::Serve);
  o.key = m_config.value("relay.key").toStdString();  // secret: env MERIDIAN_RELAY_KEY or the keychain
  if (m_mode == RuntimeMode::Attach) {
    auto anonymous = relay::redisAcceptsAnonymous(redisUrl, std::chrono::milliseconds(2000));
    if (anonymous.ok() && *anonymous)
      common::logger("kernel")->warn("the Redis this window attaches through answers clients without a password: "
                                     "anyone who can reach it can read the relay (commands stay signed)");
  }
  auto bridge = std::make_unique<relay::RedisBridge>(redisUrl, m_bus, *m_clock, std::move(o));
  if (Status s = bridge->start(); !s.ok()) {
    if (m_mode == RuntimeMode::Standalone) {
      // The desktop app works without Redis; only serve/attach are pointless without it.
      common::logger("kernel")->warn("redis.url ignored: {}", s.error().message);
      return {};
    }
    return s;
  }
  m_relay = std::move(bridge);
  return {};
#else
  if (m_mode != RuntimeMode::Standalone)
    return makeError("config", std::string("runtime.mode=") + toString(m_mode) +
                                   " needs Redis support, which this build does not have (MERIDIAN_WITH_REDIS=OFF)");
  common::logger("kernel")->warn("redis.url is set but this build has no Redis support; continuing without it");
  return {};
#endif
}

void Kernel::startMarketFeed() {
  auto log = common::logger("kernel");
  const QString feed = m_config.value("market.feed", "simulated").trimmed().toLower();
  if (feed != "simulated") {
    log->info("market.feed={}: no built-in feed started", feed.toStdString());
    return;
  }
  marketdata::SimulatedMarketOptions o;
  o.seed = static_cast<std::uint64_t>(m_config.intValue("market.sim_seed", 42));
  o.ticksPerSecond = std::clamp(m_config.doubleValue("market.sim_ticks_per_second", o.ticksPerSecond), 1.0,
                                marketdata::SimulatedMarketOptions::kMaxTicksPerSecond);
  o.alwaysOpen = m_config.boolValue("market.sim_always_open", true);
  // Simulated seconds per wall-clock second (60: a 1-minute bar every second, for demos and soak tests).
  o.replaySpeed = std::clamp(m_config.doubleValue("market.sim_speed", o.replaySpeed), 0.001, 3600.0);
  // The last prices, so a restarted feed continues where it was (beside the journal's side files).
  o.pricesPath = journalSideFile(m_config, "market.sim_prices_path", "sim-prices");
  log->info("simulated market: {} symbols, {} ticks/s, seed {}, {}, {}x real time", o.symbols.size(), o.ticksPerSecond,
            o.seed, o.alwaysOpen ? "always open" : "NYSE sessions only", o.replaySpeed);
  const bool storeBars = m_config.boolValue("market.sim_store_bars", true);
  if (storeBars || m_config.intValue("market.sim_history_days", 126) > 0) {
    // The feed's bars and first-run history go through a writer with its own connection, never the journal's thread.
    m_barWriter = std::make_unique<storage::BarWriter>(*m_storage);
    if (Status s = m_barWriter->start(); !s.ok()) {
      log->warn("simulated bars are not stored this run (no connection of their own: {})", s.error().message);
      m_barWriter.reset();
    }
  }
  if (m_barWriter) seedSimulatedHistory(o);
  m_market = std::make_unique<marketdata::SimulatedMarket>(m_bus, *m_clock, std::move(o));
  if (storeBars && m_barWriter) {
    // Stored, so the chart of a window opened later -- a restarted GUI, or one attached to this server -- has the
    // history (HistoryService, vendor "simulated").
    m_market->setBarSink([writer = m_barWriter.get()](const std::string& symbol, const std::string& source,
                                                      const domain::Bar& bar) { writer->write(symbol, source, bar); });
  }
  m_market->start();
}

void Kernel::seedSimulatedHistory(const marketdata::SimulatedMarketOptions& o) {
  // First run: a few months of daily and the last sessions of 1-minute bars per simulated symbol, so the chart,
  // indicators and screener have data at once. A symbol that already has a stored daily series keeps it. Written by
  // the bar writer (posted: nothing waits for it); the history service reads on its own connection, so a chart that
  // asked before a symbol was written loads it again on HistoryStored.
  const int days = std::clamp(m_config.intValue("market.sim_history_days", 126), 0, 2520);
  const int minuteDays = std::clamp(m_config.intValue("market.sim_history_minute_days", 10), 0, days);
  if (days == 0) return;
  const domain::Timestamp end = m_clock->now();
  m_barWriter->post([bus = &m_bus, symbols = o.symbols, seed = o.seed, source = o.source, end, days, minuteDays](
                        storage::IStorage& s) {
    auto log = common::logger("kernel");
    std::size_t seeded = 0;
    for (const marketdata::SimulatedSymbol& sym : symbols) {
      const auto latest = s.latestBarTs(sym.symbol, source);
      if (!latest || latest.value().has_value()) continue;  // already has history (or unreadable: leave it alone)
      const marketdata::SeededHistory h = marketdata::seedHistory(sym, end, days, minuteDays, seed);
      // In short transactions: an order journaled meanwhile waits for one of them at most.
      Status stored = storage::BarWriter::upsertInChunks(s, sym.symbol, source, h.daily);
      if (stored.ok()) stored = storage::BarWriter::upsertInChunks(s, sym.symbol, source + "_1m", h.minutes);
      if (!stored.ok()) {
        log->warn("simulated history for {} not stored: {}", sym.symbol, stored.error().message);
        continue;
      }
      ++seeded;
      bus->publish(contract::HistoryStored{sym.symbol, source});  // a chart that asked before this gets it now
    }
    if (seeded > 0)
      log->info("simulated market: seeded {} symbols with {} daily and {} sessions of 1-minute history", seeded, days,
                minuteDays);
  });
}

void Kernel::startBacktests() {
  research::BacktestService::Options o;
  // The .get() calls block only the backtest worker thread, never the caller of the command.
  o.clock = m_clock;
  o.saver = [this](const storage::BacktestRunRecord& r) {
    return m_storage->call([r](storage::IStorage& s) { return s.saveBacktestRun(r); }).get();
  };
  o.history = [this](std::size_t n) {
    return m_storage->call([n](storage::IStorage& s) { return s.listBacktestRuns(n); }).get();
  };
  // Stored series through the history service (its own read connection, the chart's series choice).
  o.loader = [this](const contract::SeriesRequest& r) { return research::loadStoredSeries(m_bus, r); };
  // Live-vs-backtest comparisons read the strategy.* settings of a copy taken now (the worker never shares m_config).
  o.liveComparison = [config = std::make_shared<const common::Config>(m_config)](const contract::CompareLiveStrategy& c) {
    return liveComparisonRun(*config, c);
  };
  m_backtest = std::make_unique<research::BacktestService>(m_bus, std::move(o));
  if (Status s = m_backtest->start(); !s.ok())
    common::logger("kernel")->error("backtest service not started: {}", s.error().message);
}

// Before execution starts: the watcher's first risk state and health snapshot are its baseline, so it must see the
// state execution restores and publishes while starting; a watcher started later took the first change it saw
// (e.g. the kill switch engaged) for that baseline and never announced it.
void Kernel::startNotifications() {
  auto log = common::logger("kernel");
  // Attached: notifications are labelled as the local configuration says (the server's mode may only arrive later).
  const bool paper = !liveTradingConfigured(m_config);
  std::string problems;
  auto settings = notify::NotifierSettings::fromConfig(m_config, paper, &problems);
  if (!problems.empty()) log->warn("notifications: {}", problems);
  const bool attachedHere = m_mode == RuntimeMode::Attach;
  if (attachedHere && (settings.smtp || !settings.webhookUrl.isEmpty())) {
    // The serving process sends email and webhooks for the events it sees; an attached window would send each twice.
    log->info("notifications: attached, so email and webhook are left to the serving process");
    settings.smtp.reset();
    settings.webhookUrl.clear();
  }
  m_notifier = std::make_unique<notify::Notifier>(std::move(settings), &m_bus, m_clock.get(),
                                                  std::make_shared<notify::StorageOutbox>(*m_storage));
  m_notifier->start();
  m_notifyEvents = std::make_unique<notify::EventWatcher>(
      m_bus, *m_clock, [notifier = m_notifier.get()](contract::Notification n) { notifier->notify(std::move(n)); });
  m_notifyEvents->start();
}

void Kernel::startOperations() {
  auto log = common::logger("kernel");
  const bool attached = m_mode == RuntimeMode::Attach;
  // Jobs: run history goes to job_runs through the storage thread; failures raise a notification.
  // Attached: the jobs run in the serving process (they would write the same tables twice otherwise).
  if (!attached) {
    // Live strategies warm up on their own thread; the job actions use them, storage and ingestion.
    m_live = std::make_unique<live::LiveServices>(m_config, m_bus, *m_storage, m_ingestion.get(), *m_clock);
    m_live->start();
    auto history = std::make_shared<jobs::RunStoreHistory>(
        [this](jobs::RunStoreHistory::Task task) { m_storage->post([task](storage::IStorage& s) { task(s); }); });
    m_scheduler = std::make_unique<jobs::Scheduler>(*m_clock, &m_bus);
    for (auto& job : jobs::builtin::definitions(m_config, m_live->jobActions()))
      if (Status s = m_scheduler->addJob(std::move(job)); !s.ok()) log->warn("job not registered: {}", s.error().message);
    m_scheduler->setHistory(history);
    m_scheduler->setRunFinishedCallback([notifier = m_notifier.get()](const storage::JobRunRecord& run) {
      if (auto n = notify::EventWatcher::jobFinished(run.jobName, run.status, run.attempt, run.message))
        notifier->notify(std::move(*n));
    });
    // The last run of every job (catch-up and abandoned runs are decided on it): the snapshot's whole history.
    history->loadRecent(200, m_scheduler->historySeeder());  // may answer after stop(): see historySeeder()
    m_scheduler->start();
  }

  // Health for the Ops dock: the checks `meridian-cli health` runs too (HealthProbes.h), on the running components.
  // Probes bound their own waiting so a stuck component cannot stall the monitor.
  m_health = std::make_unique<jobs::HealthMonitor>(*m_clock, m_bus);
  const auto probeTimeout = std::chrono::seconds(3);
  auto redis = health::redisConnection(m_config, probeTimeout);  // the monitor's own, beside the relay's
  health::addTo(*m_health, health::database(*m_storage, probeTimeout));
  health::addTo(*m_health, health::redis(m_config, m_mode, redis, m_relay.get()));
  health::addTo(*m_health, health::server(m_config, m_mode, redis, m_clock));
  health::addTo(*m_health, health::broker(m_mode, m_execution.get()));
  health::addTo(*m_health, health::journal(m_config, m_mode, m_execution.get()));
  health::addTo(*m_health, health::marketFeed(m_mode, m_market.get()));
  m_health->start();
}

contract::TradingMode Kernel::tradingMode() const {
  if (m_mode == RuntimeMode::Attach) return m_relay ? m_relay->tradingMode() : contract::TradingMode{};
  return m_localMode;
}

void Kernel::stop() {
  if (!m_running.exchange(false)) return;
  { std::lock_guard lock(m_wakeMutex); }  // the housekeeping thread is either waiting or will see !m_running
  m_wake.notify_all();
  if (m_housekeeping.joinable()) m_housekeeping.join();
  stopComponents();
}

void Kernel::stopComponents() {
  m_health.reset();     // stops its thread; probes reference the components below
  m_scheduler.reset();  // cancels running jobs; their last history writes still reach storage
  m_live.reset();       // live strategies: after the jobs that call them, before execution and storage
  m_notifyEvents.reset();  // before the notifier it feeds
  m_notifier.reset();     // at most notify.shutdown_grace_ms; what is left stays queued in the outbox
  m_backtest.reset();   // cancels and joins; it saves through storage, which stops last
  m_screener.reset();   // answers queued screens as stopped and joins; it reads through storage
  if (m_market) m_market->stop();  // then: no more quotes/bars into execution
  m_market.reset();
  m_barWriter.reset();  // writes what the feed queued, on its own connection
  if (m_execution) m_execution->stop();  // before storage: its last journal writes drain with the storage thread
  m_execution.reset();
  if (m_relay) m_relay->stop();  // after execution: its last events still go out
  m_relay.reset();
  m_history->stop();
  m_storage->stop();
}

// Housekeeping: persists warnings and errors from the in-app log once a second.
void Kernel::housekeepingLoop() {
  std::unique_lock lock(m_wakeMutex);
  while (m_running) {
    m_wake.wait_for(lock, std::chrono::seconds(1), [this] { return !m_running; });
    lock.unlock();
    persistLogs();
    lock.lock();
  }
}

void Kernel::persistLogs() {
  auto buffer = common::inAppLogs();
  if (!buffer) return;
  std::vector<common::LogRecord> records;
  m_lastPersistedLogSeq = buffer->recordsSince(m_lastPersistedLogSeq, records);
  const auto minLevel = spdlog::level::from_str(m_config.value("log.db_level", "warn").toStdString());
  std::vector<storage::LogRow> rows;
  for (auto& r : records) {
    if (r.level < minLevel) continue;
    const auto name = spdlog::level::to_string_view(r.level);
    rows.push_back(storage::LogRow{0, r.ts, std::string(name.data(), name.size()), std::move(r.logger),
                                   std::move(r.message)});
  }
  if (rows.empty()) return;
  m_storage->post([rows = std::move(rows)](storage::IStorage& store) {
    // Not logged on failure: a failing log write must not generate more log lines to write.
    (void)store.appendLogs(rows);
  });
}

}  // namespace meridian::runtime
