#include "ui/bridge/UiBridge.h"

#include <QDateTime>

#include <algorithm>
#include <cmath>

#include "core/common/Config.h"
#include "core/common/Ids.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {
namespace {

constexpr const char* kPatterns[] = {"md.>", "exec.>", "risk.>", "sys.>", "bt.>", "strat.>"};

template <class Vec>
std::size_t trimOldest(Vec& v, std::size_t max) {
  const auto size = static_cast<std::size_t>(v.size());
  if (size <= max) return 0;
  const std::size_t excess = size - max;
  v.erase(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(excess));
  return excess;
}

domain::Timestamp nowNs() { return QDateTime::currentMSecsSinceEpoch() * domain::kNanosPerMilli; }

}  // namespace

int UiBridge::intervalForHz(int hz) {
  hz = std::clamp(hz, 1, kMaxRefreshHz);
  return static_cast<int>(std::ceil(1000.0 / hz));
}

UiBridge::UiBridge(const UiContext& context, QObject* parent)
    : QObject(parent),
      m_bus(context.bus),
      m_logs(context.logs),
      m_mailbox(std::make_shared<bus::Mailbox>()),
      m_paperTrading(context.paperTrading) {
  Q_ASSERT(m_bus);
  registerUiMetaTypes();
  qRegisterMetaType<backtest::BacktestProgress>();
  qRegisterMetaType<QVector<backtest::BacktestProgress>>();
  qRegisterMetaType<std::shared_ptr<const backtest::BacktestFinished>>();
  qRegisterMetaType<std::shared_ptr<const backtest::BacktestRunsListed>>();
  qRegisterMetaType<std::shared_ptr<const marketdata::IngestFinished>>();
  qRegisterMetaType<QVector<std::shared_ptr<const marketdata::DataQualityReport>>>();
  setUpDispatcher();
  for (const char* pattern : kPatterns) m_subscriptions.push_back(m_bus->subscribe(pattern, m_mailbox));

  const int hz = context.config ? context.config->intValue(QStringLiteral("ui.refresh_hz"), kMaxRefreshHz)
                                : kMaxRefreshHz;
  m_timer.setInterval(intervalForHz(hz));
  m_timer.setTimerType(Qt::PreciseTimer);
  connect(&m_timer, &QTimer::timeout, this, &UiBridge::onTick);
  m_timer.start();
}

UiBridge::~UiBridge() {
  m_timer.stop();
  for (auto id : m_subscriptions) m_bus->unsubscribe(id);
  m_mailbox->close();
}

void UiBridge::setUpDispatcher() {
  m_dispatcher.on<bus::QuoteUpdated>([this](const bus::Envelope&, const bus::QuoteUpdated& e) {
    const auto [it, inserted] = m_quoteIndex.try_emplace(e.quote.symbol, m_quotes.size());
    if (inserted) {
      m_quotes.push_back(e.quote);
    } else {
      m_quotes[it->second] = e.quote;
    }
  });
  m_dispatcher.on<bus::OrderUpdated>([this](const bus::Envelope&, const bus::OrderUpdated& e) {
    const auto [it, inserted] = m_orderIndex.try_emplace(e.order.clientOrderId, m_orders.size());
    if (inserted) {
      m_orders.push_back(e.order);
    } else {
      m_orders[it->second] = e.order;
    }
  });
  m_dispatcher.on<bus::OrderFilled>(
      [this](const bus::Envelope&, const bus::OrderFilled& e) { m_fills.push_back(e.fill); });
  m_dispatcher.on<bus::BarClosed>([this](const bus::Envelope&, const bus::BarClosed& e) { m_bars.push_back(e); });
  m_dispatcher.on<bus::PositionsSnapshot>(
      [this](const bus::Envelope& env, const bus::PositionsSnapshot&) { m_positions = env.share<bus::PositionsSnapshot>(); });
  m_dispatcher.on<execution::AccountSnapshot>([this](const bus::Envelope& env, const execution::AccountSnapshot&) {
    m_account = env.share<execution::AccountSnapshot>();
  });
  m_dispatcher.on<bus::SignalGenerated>(
      [this](const bus::Envelope&, const bus::SignalGenerated& e) { m_signals.push_back(e); });
  m_dispatcher.on<bus::CommandRejected>(
      [this](const bus::Envelope&, const bus::CommandRejected& e) { m_rejects.push_back(e); });
  m_dispatcher.on<jobs::JobsSnapshot>(
      [this](const bus::Envelope& env, const jobs::JobsSnapshot&) { m_jobs = env.share<jobs::JobsSnapshot>(); });
  m_dispatcher.on<runtime::TradingMode>([this](const bus::Envelope& env, const runtime::TradingMode&) {
    m_tradingMode = env.share<runtime::TradingMode>();
  });
  m_dispatcher.on<bus::HealthSnapshot>(
      [this](const bus::Envelope& env, const bus::HealthSnapshot&) { m_health = env.share<bus::HealthSnapshot>(); });
  m_dispatcher.on<notify::Notification>(
      [this](const bus::Envelope&, const notify::Notification& n) { m_notifications.push_back(n); });
  m_dispatcher.on<backtest::BacktestProgress>([this](const bus::Envelope&, const backtest::BacktestProgress& p) {
    const auto [it, inserted] = m_btProgressIndex.try_emplace(p.correlationId, m_btProgress.size());
    if (inserted) {
      m_btProgress.push_back(p);
    } else {
      m_btProgress[it->second] = p;
    }
  });
  m_dispatcher.on<backtest::BacktestFinished>([this](const bus::Envelope& env, const backtest::BacktestFinished&) {
    m_btFinished.push_back(env.share<backtest::BacktestFinished>());
  });
  m_dispatcher.on<backtest::BacktestRunsListed>([this](const bus::Envelope& env, const backtest::BacktestRunsListed&) {
    m_btRunsListed.push_back(env.share<backtest::BacktestRunsListed>());
  });
  m_dispatcher.on<marketdata::IngestFinished>([this](const bus::Envelope& env, const marketdata::IngestFinished&) {
    m_ingestFinished.push_back(env.share<marketdata::IngestFinished>());
  });
  m_dispatcher.on<marketdata::QualityChecked>([this](const bus::Envelope&, const marketdata::QualityChecked& q) {
    if (!q.report) return;
    const auto [it, inserted] = m_qualityIndex.try_emplace(q.report->symbol + '\n' + q.report->source, m_quality.size());
    if (inserted) {
      m_quality.push_back(q.report);
    } else {
      m_quality[it->second] = q.report;
    }
  });
}

void UiBridge::resetBatches() {
  m_drained.clear();
  m_quotes.clear();
  m_quoteIndex.clear();
  m_orders.clear();
  m_orderIndex.clear();
  m_fills.clear();
  m_bars.clear();
  m_rejects.clear();
  m_positions.reset();
  m_account.reset();
  m_signals.clear();
  m_logRecords.clear();
  m_jobs.reset();
  m_tradingMode.reset();
  m_health.reset();
  m_notifications.clear();
  m_btProgress.clear();
  m_btProgressIndex.clear();
  m_btFinished.clear();
  m_btRunsListed.clear();
  m_ingestFinished.clear();
  m_quality.clear();
  m_qualityIndex.clear();
}

void UiBridge::onTick() {
  ++m_counters.ticks;
  resetBatches();

  // The only core lock the UI takes: the mailbox mutex for the duration of a move-out.
  const std::size_t n = m_mailbox->drain(m_drained);
  m_counters.envelopesDrained += n;
  for (const bus::Envelope& e : m_drained) {
    if (!m_dispatcher.dispatch(e)) ++m_counters.envelopesIgnored;
  }
  m_drained.clear();  // release payloads now rather than on the next tick

  if (m_logs) {
    std::uint64_t missed = 0;
    m_lastLogSeq = m_logs->recordsSince(m_lastLogSeq, m_logRecords, &missed);
    m_counters.logsMissed += missed;
  }

  m_counters.droppedInUi += trimOldest(m_bars, kMaxBarsPerTick);
  m_counters.droppedInUi += trimOldest(m_fills, kMaxFillsPerTick);
  m_counters.droppedInUi += trimOldest(m_rejects, kMaxRejectsPerTick);
  m_counters.droppedInUi += trimOldest(m_notifications, kMaxNotificationsPerTick);
  m_counters.droppedInUi += trimOldest(m_signals, kMaxSignalsPerTick);

  // Emission order: orders before fills (a fill's order row exists first), quotes before positions (marks).
  if (!m_orders.isEmpty()) {
    ++m_counters.orderBatches;
    ++m_counters.batchesEmitted;
    Q_EMIT ordersUpdated(m_orders);
  }
  if (!m_fills.isEmpty()) {
    ++m_counters.fillBatches;
    ++m_counters.batchesEmitted;
    Q_EMIT fillsAppended(m_fills);
  }
  if (!m_quotes.isEmpty()) {
    ++m_counters.quoteBatches;
    ++m_counters.batchesEmitted;
    Q_EMIT quotesUpdated(m_quotes);
  }
  if (m_positions) {
    ++m_counters.positionBatches;
    ++m_counters.batchesEmitted;
    Q_EMIT positionsUpdated(m_positions);
  }
  if (m_account) {
    ++m_counters.accountBatches;
    ++m_counters.batchesEmitted;
    Q_EMIT accountUpdated(m_account);
  }
  if (!m_bars.isEmpty()) {
    ++m_counters.barBatches;
    ++m_counters.batchesEmitted;
    Q_EMIT barsAppended(m_bars);
  }
  if (!m_signals.isEmpty()) {  // after the bars, so a marker's bar is already on the chart
    ++m_counters.signalBatches;
    ++m_counters.batchesEmitted;
    Q_EMIT signalsAppended(m_signals);
  }
  if (!m_logRecords.empty()) {
    ++m_counters.logBatches;
    ++m_counters.batchesEmitted;
    Q_EMIT logsAppended(m_logRecords);
  }
  for (const auto& r : m_rejects) {
    ++m_counters.batchesEmitted;
    Q_EMIT commandRejected(QString::fromStdString(r.correlationId), QString::fromStdString(r.reason));
  }
  if (m_tradingMode && m_tradingMode->known) {
    const bool paper = !m_tradingMode->live;
    const QString broker = QString::fromStdString(m_tradingMode->broker);
    if (paper != m_paperTrading || broker != m_brokerName) {
      m_paperTrading = paper;
      m_brokerName = broker;
      ++m_counters.batchesEmitted;
      Q_EMIT tradingModeChanged(paper, broker);
    }
  }
  if (m_jobs) {
    ++m_counters.jobBatches;
    ++m_counters.batchesEmitted;
    Q_EMIT jobsUpdated(m_jobs);
  }
  if (m_health) {
    ++m_counters.healthBatches;
    ++m_counters.batchesEmitted;
    Q_EMIT healthUpdated(m_health);
  }
  if (!m_notifications.isEmpty()) {
    ++m_counters.notificationBatches;
    ++m_counters.batchesEmitted;
    Q_EMIT notificationsAppended(m_notifications);
  }
  // Backtests: progress first (without ids that finished in this tick), then results.
  if (!m_btFinished.empty() && !m_btProgress.isEmpty()) {
    m_btProgress.removeIf([this](const backtest::BacktestProgress& p) {
      return std::any_of(m_btFinished.begin(), m_btFinished.end(),
                         [&](const auto& f) { return f->correlationId == p.correlationId; });
    });
  }
  if (!m_btProgress.isEmpty()) {
    ++m_counters.backtestBatches;
    ++m_counters.batchesEmitted;
    Q_EMIT backtestProgress(m_btProgress);
  }
  for (const auto& f : m_btFinished) {
    ++m_counters.backtestBatches;
    ++m_counters.batchesEmitted;
    Q_EMIT backtestFinished(f);
  }
  for (const auto& r : m_btRunsListed) {
    ++m_counters.backtestBatches;
    ++m_counters.batchesEmitted;
    Q_EMIT backtestRunsListed(r);
  }
  // Ingestion: quality reports before the results, so a dialog reacting to ingestFinished finds the panel updated.
  if (!m_quality.isEmpty()) {
    ++m_counters.ingestBatches;
    ++m_counters.batchesEmitted;
    Q_EMIT qualityChecked(m_quality);
  }
  for (const auto& f : m_ingestFinished) {
    ++m_counters.ingestBatches;
    ++m_counters.batchesEmitted;
    Q_EMIT ingestFinished(f);
  }
}

QString UiBridge::submitOrder(domain::Order order) {
  if (order.clientOrderId.empty()) order.clientOrderId = common::newClientOrderId();
  const domain::Timestamp now = nowNs();
  if (order.createdTs == 0) order.createdTs = now;
  order.updatedTs = now;
  order.status = domain::OrderStatus::New;

  bus::SubmitOrder cmd;
  cmd.correlationId = common::newCorrelationId();
  cmd.order = std::move(order);
  const QString correlationId = QString::fromStdString(cmd.correlationId);
  const QString description =
      QStringLiteral("%1 %2 %3 %4")
          .arg(format::sideText(cmd.order.side), format::quantity(cmd.order.quantity),
               format::qstr(cmd.order.symbol), format::orderTypeText(cmd.order.type));
  m_bus->publish<bus::SubmitOrder>(kSubmitTopic, std::move(cmd));
  ++m_counters.commandsPublished;
  Q_EMIT commandPublished(correlationId, description);
  return correlationId;
}

QString UiBridge::cancelOrder(const QString& clientOrderId) {
  bus::CancelOrder cmd;
  cmd.correlationId = common::newCorrelationId();
  cmd.clientOrderId = clientOrderId.toStdString();
  const QString correlationId = QString::fromStdString(cmd.correlationId);
  m_bus->publish<bus::CancelOrder>(kCancelTopic, std::move(cmd));
  ++m_counters.commandsPublished;
  Q_EMIT commandPublished(correlationId, clientOrderId == QLatin1String(kCancelAllId)
                                             ? QStringLiteral("CANCEL ALL")
                                             : QStringLiteral("CANCEL %1").arg(clientOrderId));
  return correlationId;
}

QString UiBridge::runJobNow(const QString& jobName) {
  jobs::RunJobNow cmd;
  cmd.correlationId = common::newCorrelationId();
  cmd.jobName = jobName.toStdString();
  const QString correlationId = QString::fromStdString(cmd.correlationId);
  m_bus->publish<jobs::RunJobNow>(jobs::topics::kRunNow, std::move(cmd));
  ++m_counters.commandsPublished;
  Q_EMIT commandPublished(correlationId, QStringLiteral("RUN JOB %1").arg(jobName));
  return correlationId;
}

}  // namespace meridian::ui
