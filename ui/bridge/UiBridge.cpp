#include "ui/bridge/UiBridge.h"

#include <QDateTime>

#include <algorithm>
#include <cmath>

#include "core/common/Config.h"
#include "core/common/Ids.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {
namespace {

constexpr const char* kPatterns[] = {"md.>", "exec.>", "risk.>", "sys.>"};

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
  m_dispatcher.on<bus::CommandRejected>(
      [this](const bus::Envelope&, const bus::CommandRejected& e) { m_rejects.push_back(e); });
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
  m_logRecords.clear();
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
  if (!m_bars.isEmpty()) {
    ++m_counters.barBatches;
    ++m_counters.batchesEmitted;
    Q_EMIT barsAppended(m_bars);
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

}  // namespace meridian::ui
