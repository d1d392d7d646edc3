#include "ui/bridge/UiBridge.h"

#include <algorithm>
#include <cmath>

#include "core/common/Config.h"

namespace meridian::ui {

int UiBridge::intervalForHz(int hz) {
  hz = std::clamp(hz, 1, kMaxRefreshHz);
  return static_cast<int>(std::ceil(1000.0 / hz));
}

UiBridge::UiBridge(const UiContext& context, QObject* parent)
    : QObject(parent),
      m_bus(context.bus),
      m_logs(context.logs),
      m_mailbox(std::make_shared<bus::Mailbox>("ui")),
      m_paperTrading(context.paperTrading) {
  Q_ASSERT(m_bus);
  // One channel per UI-visible message, in catalogue order; the mailbox follows exactly those.
  contract::forEachMessage([this]<class T>() {
    if constexpr (contract::Spec<T>::ui != contract::UiDelivery::None) {
      m_order.push_back(&channel<T>());
      m_subscriptions.push_back(m_bus->subscribe<T>(m_mailbox));
    }
  });
  // The trading mode badge state lives here, ahead of any widget's handler.
  on<contract::TradingMode>(this, [this](const Batch<contract::TradingMode>& modes) {
    const contract::TradingMode& mode = *modes.back();
    if (!mode.known) return;
    const QString broker = QString::fromStdString(mode.broker);
    if (mode.live == !m_paperTrading && broker == m_brokerName) return;
    m_paperTrading = !mode.live;
    m_brokerName = broker;
    Q_EMIT tradingModeChanged(m_paperTrading, m_brokerName);
  });

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

void UiBridge::onLogs(QObject* receiver, std::function<void(const std::vector<common::LogRecord>&)> handler) {
  m_logHandlers.emplace_back(QPointer<QObject>(receiver), std::move(handler));
}

void UiBridge::refused(const std::string& correlationId, const std::string& reason) {
  ++m_counters.commandsRefused;
  common::logger("ui")->warn("command {} refused: {}", correlationId, reason);
  channel<contract::CommandRejected>().batch.push_back(
      std::make_shared<const contract::CommandRejected>(contract::CommandRejected{correlationId, reason}));
}

void UiBridge::onTick() {
  ++m_counters.ticks;
  // The only core lock the UI takes: the mailbox mutex for the duration of a move-out.
  m_drained.clear();
  const std::size_t n = m_mailbox->drain(m_drained);
  m_counters.envelopesDrained += n;
  for (const bus::Envelope& e : m_drained) {
    const auto it = m_channels.find(e.type);
    if (it == m_channels.end() || !it->second->add(e)) ++m_counters.envelopesIgnored;
  }
  m_drained.clear();  // release payloads now rather than on the next tick

  for (ChannelBase* ch : m_order) m_counters.batchesEmitted += ch->flush(m_counters);

  if (m_logs && !m_logHandlers.empty()) {
    std::uint64_t missed = 0;
    m_logRecords.clear();
    m_lastLogSeq = m_logs->recordsSince(m_lastLogSeq, m_logRecords, &missed);
    m_counters.logsMissed += missed;
    if (!m_logRecords.empty()) {
      std::erase_if(m_logHandlers, [](const auto& h) { return !h.first; });
      for (const auto& [receiver, fn] : m_logHandlers) {
        if (!receiver) continue;
        fn(m_logRecords);
        ++m_counters.batchesEmitted;
      }
    }
  }
}

}  // namespace meridian::ui
