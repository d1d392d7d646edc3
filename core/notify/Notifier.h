#pragma once
// Notifier: fan-out of Notifications to the channels the rule table names (NotificationRules).
//
//   in-app   published as contract::Notification with toast = true (drawn by the main window)    needs a bus
//   tray     the same message with tray = true (a system tray message)                           needs a bus
//   email    SMTP with STARTTLS (SmtpClient)                      notify.smtp_host + smtp_from + smtp_to
//   webhook  HTTP POST of a JSON document (schema below)          notify.webhook_url
//
// Titles are tagged "[PAPER] " or "[LIVE] "; every external message carries the event, its facts (symbol, side,
// quantity, price, order id where they apply) and its time in America/New_York and in the display time zone.
// A channel that is not configured is a silent no-op (one line at start).
//
// Delivery never blocks the caller, trading or shutdown:
//  - dedup / rate limit: a message whose key (Notification::key, else event + title) was sent less than
//    notify.dedup_window_s ago is not sent again; when the window ends, one summary with the count of the repeats
//    ("(+14 more)", count = 14) goes out instead. A flood of 15 identical failures is 2 messages per channel.
//  - a dispatcher thread writes one row per message and external channel to the outbox (the `notifications`
//    table: status queued) before the first attempt; one worker thread per channel sends, and records every
//    attempt (attempts, last_error). A failed attempt is retried after notify.retry_base_ms * 2^(attempt-1)
//    (at most 5 min) until notify.max_attempts, then the row is "failed". A channel's worker never waits for the
//    other channel. In-memory queues are bounded (notify.queue_capacity per channel); what does not fit stays
//    queued in the table for the next start.
//  - start() resumes the rows still queued (a previous run stopped, crashed or gave up its shutdown time).
//  - stop() delivers what is due for at most notify.shutdown_grace_ms (3 s), each message at most once more,
//    then cancels the attempts in flight (SMTP and HTTP check cancellation every 100-200 ms) and returns; what is
//    left stays queued in the table.
// Failures are logged with secrets redacted and reported to the delivery callback; they never reach the caller.
//
// Config keys: notify.smtp_host, notify.smtp_port (587), notify.smtp_user, notify.smtp_from, notify.smtp_to
// (comma-separated), notify.smtp_starttls (true), notify.smtp_tls (false; implicit TLS, port 465),
// notify.smtp_ca_file (extra trusted CA, PEM), notify.smtp_timeout_ms (20000), notify.webhook_url (its path and
// query are treated as a secret: redacted in logs, errors and `meridian-cli config`), notify.webhook_timeout_ms
// (10000), notify.min_severity (info|success|warning|error; external channels only), notify.max_attempts (5),
// notify.retry_base_ms (2000), notify.dedup_window_s (60), notify.shutdown_grace_ms (3000),
// notify.queue_capacity (256), notify.on_<event> (the rules), display.timezone.
// The SMTP password comes from the environment only: MERIDIAN_NOTIFY_SMTP_PASSWORD (key notify.smtp_password,
// a secret key: ignored in files, never logged).
//
// Webhook document, schema "meridian.notification.v1" (fields are added, never renamed, within a version):
//   {"schema": "meridian.notification.v1", "text": "[PAPER] title\nbody" (Slack/Mattermost/Teams-ready),
//    "title", "body", "event", "key", "count", "severity", "mode": "paper"|"live", "source",
//    "symbol", "side", "qty", "price", "order_id"   (present when the event has them),
//    "ts": UTC ISO-8601 with ms and Z, "time_new_york": "2026-03-09T09:31:02.000-04:00",
//    "time_display": same in the display zone, "display_zone": "America/Chicago"}
#include <QByteArray>
#include <QUrl>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/bus/EventBus.h"
#include "core/common/Clock.h"
#include "core/common/Config.h"
#include "core/contract/System.h"
#include "core/contract/NotificationRules.h"
#include "core/notify/SmtpClient.h"
#include "core/storage/Records.h"

namespace meridian::storage {
class StorageService;
}

namespace meridian::notify {

using contract::Notification;
using contract::Severity;
using contract::NotificationRules;
using contract::EventSpec;
using contract::kNotifyInApp;
using contract::kNotifyTray;
using contract::kNotifyEmail;
using contract::kNotifyWebhook;

struct NotifierSettings {
  std::optional<SmtpSettings> smtp;   // nullopt = email not configured
  QUrl webhookUrl;                    // empty = webhook not configured
  int webhookTimeoutMs = 10'000;
  Severity minExternalSeverity = Severity::Info;
  bool paper = true;                  // trading mode: every notification is tagged [PAPER] or [LIVE] with it
  std::size_t queueCapacity = 256;    // per external channel, in memory
  NotificationRules rules;
  int maxAttempts = 5;
  std::chrono::milliseconds retryBase{2000};
  std::chrono::milliseconds retryMax{300'000};
  std::chrono::milliseconds dedupWindow{60'000};
  std::chrono::milliseconds shutdownGrace{3000};
  QByteArray displayZone = "America/Chicago";

  // Reads the keys listed above. Incomplete SMTP settings leave smtp empty; *problems (optional) explains why.
  static NotifierSettings fromConfig(const common::Config& config, bool paper, std::string* problems = nullptr);
};

// Where external deliveries are persisted (the `notifications` table). Called from the notifier's threads.
class INotificationOutbox {
 public:
  virtual ~INotificationOutbox() = default;
  virtual Result<std::int64_t> add(const storage::NotificationRecord& record) = 0;
  virtual Status update(const storage::NotificationRecord& record) = 0;
  virtual Result<std::vector<storage::NotificationRecord>> queued(std::size_t limit) = 0;
};

// The outbox on the storage thread (blocks the notifier's own threads only).
class StorageOutbox : public INotificationOutbox {
 public:
  explicit StorageOutbox(storage::StorageService& storage) : m_storage(storage) {}
  Result<std::int64_t> add(const storage::NotificationRecord& record) override;
  Status update(const storage::NotificationRecord& record) override;
  Result<std::vector<storage::NotificationRecord>> queued(std::size_t limit) override;

 private:
  storage::StorageService& m_storage;
};

class Notifier {
 public:
  struct Delivery {
    std::string channel;  // "email" | "webhook"
    std::string title;    // tagged title
    bool ok = false;
    std::string error;    // redacted
    int attempt = 0;      // 1 = first attempt
    bool final = true;    // sent, or failed for good (false: will be retried)
    std::int64_t recordId = 0;  // the outbox row (0 without an outbox)
  };
  struct Counters {
    std::uint64_t published = 0;   // in-app / tray messages published on the bus
    std::uint64_t emailsSent = 0;
    std::uint64_t emailsFailed = 0;    // failed attempts
    std::uint64_t webhooksSent = 0;
    std::uint64_t webhooksFailed = 0;  // failed attempts
    std::uint64_t retried = 0;     // attempts scheduled again after a failure
    std::uint64_t gaveUp = 0;      // rows marked failed after maxAttempts
    std::uint64_t suppressed = 0;  // repeats within the dedup window
    std::uint64_t summaries = 0;   // "(+N more)" messages
    std::uint64_t resumed = 0;     // rows picked up from the outbox at start
    std::uint64_t deferred = 0;    // left in the outbox because the in-memory queue was full
    std::uint64_t dropped = 0;     // lost: queue full without an outbox, or not started
    std::uint64_t filtered = 0;    // below minExternalSeverity (external channels skipped)
  };

  // bus may be null (no in-app channel); clock may be null (real time); outbox may be null (nothing persisted).
  Notifier(NotifierSettings settings, bus::EventBus* bus, const common::IClock* clock = nullptr,
           std::shared_ptr<INotificationOutbox> outbox = nullptr);
  ~Notifier();  // stop()
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  void start();
  // See above: at most settings.shutdownGrace (plus the cancellation of the attempts in flight). Idempotent.
  void stop();

  // Thread-safe, non-blocking. n.paper is overwritten with the notifier's mode; n.ts defaults to now; the
  // channels come from the rule of n.event (NotificationRules::channels).
  void notify(Notification n);
  void notify(Severity severity, std::string title, std::string body, std::string source = {});

  bool emailConfigured() const { return m_settings.smtp.has_value(); }
  bool webhookConfigured() const { return !m_settings.webhookUrl.isEmpty(); }
  bool anyExternalChannel() const { return emailConfigured() || webhookConfigured(); }
  const NotifierSettings& settings() const { return m_settings; }
  Counters counters() const;
  // Called on a channel's worker thread after each external delivery attempt (tests, metrics).
  void setDeliveryCallback(std::function<void(const Delivery&)> callback);

  static QByteArray webhookJson(const Notification& n, const QByteArray& displayZone = "America/Chicago");
  static EmailMessage emailFor(const Notification& n, const QByteArray& displayZone = "America/Chicago");

 private:
  using SteadyTime = std::chrono::steady_clock::time_point;
  struct Item {
    storage::NotificationRecord record;
    SteadyTime due;
  };
  struct Channel {
    std::string name;  // "email" | "webhook"
    std::deque<Item> items;
    std::thread thread;
    std::atomic<bool> cancel{false};
    bool done = false;
  };
  struct Window {
    SteadyTime end;
    int repeats = 0;
    Notification last;
    std::uint8_t channels = 0;
  };

  void dispatchLoop();
  void channelLoop(Channel& channel);
  void emitLocked(Notification n, std::uint8_t channels, std::vector<Notification>& publish);
  void persistAndQueue(const Notification& n, std::uint8_t channels);
  void enqueueLocked(Channel& channel, Item item);
  void attempt(Channel& channel, Item item, bool draining);
  Status send(const Channel& channel, const storage::NotificationRecord& record);
  void flushWindowsLocked(SteadyTime now, bool all, std::vector<Notification>& publish);
  void publishInApp(std::vector<Notification>& publish);
  domain::Timestamp now() const;

  NotifierSettings m_settings;
  bus::EventBus* m_bus = nullptr;
  const common::IClock* m_clock = nullptr;  // never null: the caller's clock or the system clock
  std::shared_ptr<INotificationOutbox> m_outbox;

  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<std::pair<Notification, std::uint8_t>> m_inbox;  // external: waiting to be persisted
  std::map<std::string, Window> m_windows;                     // dedup, by key
  std::unique_ptr<Channel> m_email;
  std::unique_ptr<Channel> m_webhook;
  Counters m_counters;
  std::function<void(const Delivery&)> m_onDelivery;
  bool m_started = false;
  bool m_stopping = false;   // no new external work; the dispatcher flushes and exits
  bool m_draining = false;   // channels: one last pass until m_deadline
  bool m_dispatcherDone = false;
  SteadyTime m_deadline{};
  std::thread m_dispatcher;
};

}  // namespace meridian::notify
