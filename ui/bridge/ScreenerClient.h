#pragma once
// ScreenerClient: the Screener dock's bridge to core/screener's ScreenerService (DESIGN.md threading contract 3/4).
//
// Lives on the GUI thread. run() publishes RunScreener on "cmd.screener.run" with a fresh correlation id; the answer
// (ScreenerFinished on "screener.result.<corr>") lands in this client's own Mailbox, whose wake-up notifier (called
// on the service's thread) only queues a drain onto the GUI thread. The drain emits finished() for the commands this
// client sent; answers to other clients' commands are ignored. Results are immutable shared values: nothing here
// blocks, polls or touches storage. A ScreenerService must be running on the same bus for answers to arrive; a
// command still unanswered after `timeoutMs` is reported through finished() as an error (no service wired).
#include <QHash>
#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>
#include <mutex>

#include "core/bus/EventBus.h"
#include "core/screener/ScreenerEvents.h"

Q_DECLARE_METATYPE(std::shared_ptr<const meridian::screener::ScreenerFinished>)

namespace meridian::ui {

class ScreenerClient : public QObject {
  Q_OBJECT

 public:
  static constexpr int kDefaultTimeoutMs = 120'000;
  static constexpr const char* kTimeoutCode = "screener.timeout";

  explicit ScreenerClient(bus::EventBus* bus, QObject* parent = nullptr);
  ~ScreenerClient() override;

  // Publishes the command; returns its correlation id. Never blocks.
  QString run(const screener::Criteria& criteria, const QString& source = {});
  bool busy() const { return !m_pending.isEmpty(); }
  void setTimeoutMs(int ms) { m_timeoutMs = ms; }

 public Q_SLOTS:
  // Drains the mailbox now (normally queued by the notifier). Public for tests.
  void drain();

 Q_SIGNALS:
  void finished(const std::shared_ptr<const meridian::screener::ScreenerFinished>& result);
  void busyChanged(bool busy);

 private:
  void onTimeout();

  // Shared with the mailbox notifier, which may run after this object is gone: it posts only while target is set.
  struct Target {
    std::mutex mutex;
    ScreenerClient* client = nullptr;
  };

  bus::EventBus* m_bus;
  std::shared_ptr<bus::Mailbox> m_mailbox;
  std::shared_ptr<Target> m_target;
  bus::SubscriptionId m_subscription = 0;
  QHash<QString, qint64> m_pending;  // correlation id -> deadline (ms since epoch)
  QTimer m_timeout;
  int m_timeoutMs = kDefaultTimeoutMs;
};

}  // namespace meridian::ui
