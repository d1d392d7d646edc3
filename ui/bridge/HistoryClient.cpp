#include "ui/bridge/HistoryClient.h"

#include <vector>

#include "core/common/Ids.h"

namespace meridian::ui {

HistoryClient::HistoryClient(bus::EventBus* bus, QObject* parent)
    : QObject(parent), m_bus(bus), m_mailbox(std::make_shared<bus::Mailbox>(1024)) {
  Q_ASSERT(m_bus);
  qRegisterMetaType<std::shared_ptr<const runtime::HistoryLoaded>>();
  qRegisterMetaType<std::shared_ptr<const runtime::FillsHistoryLoaded>>();
  setObjectName(QStringLiteral("HistoryClient"));
  m_subscription = m_bus->subscribe(runtime::history_topics::kLoadedAll, m_mailbox);
  m_fillsSubscription = m_bus->subscribe(runtime::fills_history_topics::kLoadedAll, m_mailbox);
  m_poll.setInterval(kPollIntervalMs);
  m_poll.setTimerType(Qt::PreciseTimer);
  connect(&m_poll, &QTimer::timeout, this, &HistoryClient::onPoll);
}

HistoryClient::~HistoryClient() {
  m_bus->unsubscribe(m_subscription);
  m_bus->unsubscribe(m_fillsSubscription);
  m_mailbox->close();
}

QString HistoryClient::request(const QString& symbol, marketdata::Timeframe timeframe, std::size_t maxBars,
                               const QString& requester) {
  runtime::RequestHistory r;
  r.correlationId = common::newCorrelationId();
  r.symbol = symbol.trimmed().toUpper().toStdString();
  r.timeframe = timeframe;
  r.maxBars = maxBars;
  r.requester = requester.toStdString();
  const QString corr = QString::fromStdString(r.correlationId);
  m_pending.insert(corr);
  if (!m_poll.isActive()) m_poll.start();
  m_bus->publish<runtime::RequestHistory>(runtime::history_topics::kRequest, std::move(r));
  return corr;
}

QString HistoryClient::requestFills(std::size_t limit) {
  runtime::RequestFillsHistory r;
  r.correlationId = common::newCorrelationId();
  r.limit = limit;
  const QString corr = QString::fromStdString(r.correlationId);
  m_pending.insert(corr);
  if (!m_poll.isActive()) m_poll.start();
  m_bus->publish<runtime::RequestFillsHistory>(runtime::fills_history_topics::kRequest, std::move(r));
  return corr;
}

void HistoryClient::onPoll() {
  std::vector<bus::Envelope> batch;
  m_mailbox->drain(batch);
  for (const bus::Envelope& e : batch) {
    if (auto fills = e.share<runtime::FillsHistoryLoaded>()) {
      if (!m_pending.remove(QString::fromStdString(fills->correlationId))) continue;
      ++m_delivered;
      Q_EMIT fillsHistoryLoaded(fills);
      continue;
    }
    auto loaded = e.share<runtime::HistoryLoaded>();
    if (!loaded) continue;
    // Answers to other clients' requests share the topic space; only ours are delivered.
    if (!m_pending.remove(QString::fromStdString(loaded->correlationId))) continue;
    ++m_delivered;
    Q_EMIT historyLoaded(loaded);
  }
  if (m_pending.isEmpty()) m_poll.stop();
}

}  // namespace meridian::ui
