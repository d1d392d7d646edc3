#include "ui/bridge/ScreenerClient.h"

#include <QDateTime>
#include <QMetaObject>

#include <vector>

#include "core/common/Ids.h"

namespace meridian::ui {

ScreenerClient::ScreenerClient(bus::EventBus* bus, QObject* parent)
    : QObject(parent),
      m_bus(bus),
      m_mailbox(std::make_shared<bus::Mailbox>(256)),
      m_target(std::make_shared<Target>()) {
  qRegisterMetaType<std::shared_ptr<const screener::ScreenerFinished>>();
  m_target->client = this;
  m_mailbox->setNotifier([target = m_target] {
    std::lock_guard lock(target->mutex);
    if (target->client) QMetaObject::invokeMethod(target->client, &ScreenerClient::drain, Qt::QueuedConnection);
  });
  if (m_bus) m_subscription = m_bus->subscribe(screener::topics::kResults, m_mailbox);
  m_timeout.setInterval(1000);
  connect(&m_timeout, &QTimer::timeout, this, &ScreenerClient::onTimeout);
}

ScreenerClient::~ScreenerClient() {
  {
    std::lock_guard lock(m_target->mutex);
    m_target->client = nullptr;
  }
  if (m_bus) m_bus->unsubscribe(m_subscription);
  m_mailbox->close();
}

QString ScreenerClient::run(const screener::Criteria& criteria, const QString& source) {
  screener::RunScreener cmd;
  cmd.correlationId = common::newCorrelationId();
  cmd.criteria = criteria;
  cmd.source = source.trimmed().toStdString();
  const QString corr = QString::fromStdString(cmd.correlationId);
  const bool wasBusy = busy();
  m_pending.insert(corr, QDateTime::currentMSecsSinceEpoch() + m_timeoutMs);
  if (!m_timeout.isActive()) m_timeout.start();
  if (m_bus) m_bus->publish<screener::RunScreener>(screener::topics::kRun, std::move(cmd));
  if (!wasBusy) Q_EMIT busyChanged(true);
  return corr;
}

void ScreenerClient::drain() {
  const bool wasBusy = busy();
  std::vector<bus::Envelope> envs;
  m_mailbox->drain(envs);
  for (const auto& e : envs) {
    auto result = e.share<screener::ScreenerFinished>();
    if (!result || !m_pending.remove(QString::fromStdString(result->correlationId))) continue;
    Q_EMIT finished(result);
  }
  if (wasBusy && !busy()) {
    m_timeout.stop();
    Q_EMIT busyChanged(false);
  }
}

void ScreenerClient::onTimeout() {
  const bool wasBusy = busy();
  const qint64 now = QDateTime::currentMSecsSinceEpoch();
  for (auto it = m_pending.begin(); it != m_pending.end();) {
    if (it.value() > now) {
      ++it;
      continue;
    }
    auto ev = std::make_shared<screener::ScreenerFinished>();
    ev->correlationId = it.key().toStdString();
    ev->error = "no answer from the screener service (is it running?)";
    ev->errorCode = kTimeoutCode;
    it = m_pending.erase(it);
    Q_EMIT finished(ev);
  }
  if (!busy()) m_timeout.stop();
  if (wasBusy && !busy()) Q_EMIT busyChanged(false);
}

}  // namespace meridian::ui
