#pragma once
// HistoryClient: the UI end of chart history (core/runtime/HistoryEvents.h). request() publishes RequestHistory on
// "cmd.md.history" with a fresh correlation id; answers ("md.history.<corr>") land in this object's own Mailbox and
// are delivered on the GUI thread as historyLoaded(). The payload is the core's immutable shared_ptr: no copy.
// requestFills() does the same for the journaled fills (core/runtime/FillsHistoryEvents.h: "cmd.md.fills_history"
// -> "md.fills_history.<corr>", delivered as fillsHistoryLoaded()), which the Fills blotter loads at start-up.
//
// Separate from UiBridge on purpose: history answers are large, rare and request/response shaped (matched by id),
// while UiBridge coalesces continuous streams at 60 Hz. The mailbox is polled by a timer that only runs while a
// request is outstanding (no notifier calling into a QObject from core threads, so no lifetime hazard).
#include <QObject>
#include <QSet>
#include <QString>
#include <QTimer>

#include <memory>

#include "core/bus/EventBus.h"
#include "core/runtime/FillsHistoryEvents.h"
#include "core/runtime/HistoryEvents.h"

Q_DECLARE_METATYPE(std::shared_ptr<const meridian::runtime::HistoryLoaded>)
Q_DECLARE_METATYPE(std::shared_ptr<const meridian::runtime::FillsHistoryLoaded>)

namespace meridian::ui {

class HistoryClient : public QObject {
  Q_OBJECT

 public:
  static constexpr int kPollIntervalMs = 5;

  explicit HistoryClient(bus::EventBus* bus, QObject* parent = nullptr);
  ~HistoryClient() override;

  // Returns the correlation id of the request. `requester` groups requests where only the newest matters.
  QString request(const QString& symbol, marketdata::Timeframe timeframe, std::size_t maxBars = 1'000'000,
                  const QString& requester = QStringLiteral("chart"));
  // The newest `limit` journaled fills (of all orders); returns the correlation id of the request.
  QString requestFills(std::size_t limit);
  int pending() const { return static_cast<int>(m_pending.size()); }
  std::uint64_t delivered() const { return m_delivered; }

 Q_SIGNALS:
  void historyLoaded(std::shared_ptr<const meridian::runtime::HistoryLoaded> result);
  void fillsHistoryLoaded(std::shared_ptr<const meridian::runtime::FillsHistoryLoaded> result);

 private Q_SLOTS:
  void onPoll();

 private:
  bus::EventBus* m_bus;
  std::shared_ptr<bus::Mailbox> m_mailbox;
  bus::SubscriptionId m_subscription = 0;
  bus::SubscriptionId m_fillsSubscription = 0;
  QSet<QString> m_pending;
  QTimer m_poll;
  std::uint64_t m_delivered = 0;
};

}  // namespace meridian::ui
