#include "core/runtime/Kernel.h"

#include "core/bus/Events.h"
#include "core/common/Clock.h"
#include "core/common/Logging.h"
#if MERIDIAN_HAVE_REDIS
#include "core/runtime/RedisBridge.h"
#endif

namespace meridian::runtime {

storage::StorageConfig storageConfigFrom(const common::Config& config) {
  storage::StorageConfig s;
  s.backend = config.value("db.backend", "sqlite").toStdString();
  s.sqlitePath = config.value("db.sqlite_path").toStdString();
  s.pgUri = config.value("db.pg_uri").toStdString();
  return s;
}

Kernel::Kernel(common::Config config)
    : m_config(std::move(config)), m_storage(std::make_unique<StorageService>(storageConfigFrom(m_config))) {}

Kernel::~Kernel() { stop(); }

Status Kernel::start() {
  if (m_running) return {};
  if (Status s = m_storage->start(); !s.ok()) return s;
  m_commands = std::make_shared<bus::Mailbox>();
  m_bus.subscribe("cmd.>", m_commands);
  const std::string redisUrl = m_config.value("redis.url").trimmed().toStdString();
  if (!redisUrl.empty()) {
#if MERIDIAN_HAVE_REDIS
    auto bridge = std::make_shared<RedisBridge>(redisUrl, m_bus);
    bridge->start();
    m_redisBridge = bridge;
#else
    common::logger("kernel")->warn("redis.url is set but this build has no Redis support; continuing without it");
#endif
  }
  m_running = true;
  m_commandThread = std::thread(&Kernel::commandLoop, this);
  publishJournalState();
  return {};
}

void Kernel::stop() {
  if (!m_running.exchange(false)) return;
  if (m_commands) m_commands->close();
  if (m_commandThread.joinable()) m_commandThread.join();
  m_redisBridge.reset();  // stops the bridge thread
  m_storage->stop();
}

void Kernel::publishJournalState() {
  m_storage->post([this](storage::IStorage& store) {
    auto log = common::logger("kernel");
    if (auto orders = store.loadOpenOrders(); orders.ok()) {
      for (const auto& o : orders.value()) m_bus.publish(bus::topics::order(o.clientOrderId), bus::OrderUpdated{o, {}});
      log->info("journal: {} open order(s)", orders.value().size());
    } else {
      log->error("journal: cannot load open orders: {}", orders.error().message);
    }
    if (auto positions = store.loadPositions(); positions.ok()) {
      bus::PositionsSnapshot snap{positions.value(), common::RealClock().now()};
      m_bus.publish(bus::topics::kPositions, std::move(snap));
    } else {
      log->error("journal: cannot load positions: {}", positions.error().message);
    }
  });
}

// Order commands. Execution (OMS, risk, brokers) is not wired yet: every order is journaled first, exactly as
// the execution path will do, and then rejected with a reason the UI shows, so nothing is silently dropped.
void Kernel::commandLoop() {
  auto log = common::logger("kernel");
  bus::Dispatcher dispatch;
  dispatch.on<bus::SubmitOrder>([&](const bus::Envelope&, const bus::SubmitOrder& cmd) {
    domain::Order order = cmd.order;
    const auto now = common::RealClock().now();
    if (order.createdTs == 0) order.createdTs = now;
    order.updatedTs = now;
    order.status = domain::OrderStatus::Rejected;
    order.rejectReason = "no execution venue is attached in this build (execution and risk arrive with the OMS)";
    m_storage->post([this, order, corr = cmd.correlationId](storage::IStorage& store) {
      if (Status s = store.journalOrder(order); !s.ok())
        common::logger("kernel")->error("journal write failed for {}: {}", order.clientOrderId, s.error().message);
      m_bus.publish(bus::topics::order(order.clientOrderId), bus::OrderUpdated{order, corr});
    });
    log->warn("order {} {} {} {} rejected: {}", order.clientOrderId, domain::toString(order.side), order.quantity,
              order.symbol, order.rejectReason);
  });
  dispatch.on<bus::CancelOrder>([&](const bus::Envelope&, const bus::CancelOrder& cmd) {
    m_bus.publish("sys.command.rejected",
                  bus::CommandRejected{cmd.correlationId, "no open orders: execution is not attached"});
  });

  std::vector<bus::Envelope> batch;
  auto lastPersist = std::chrono::steady_clock::now();
  while (m_running || m_commands->size() > 0) {
    if (m_commands->waitNonEmpty(std::chrono::milliseconds(200))) {
      batch.clear();
      m_commands->drain(batch);
      for (const auto& e : batch)
        if (!dispatch.dispatch(e)) log->warn("unhandled command on {}", e.topic);
    }
    if (std::chrono::steady_clock::now() - lastPersist >= std::chrono::seconds(1)) {
      persistLogs();
      lastPersist = std::chrono::steady_clock::now();
    }
  }
  persistLogs();
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
