#pragma once
// Notifier: fan-out of Notifications to every configured channel.
//
//   in-app   published as contract::Notification (toasts and tray messages are drawn by the UI)  needs a bus
//   email    SMTP with STARTTLS (SmtpClient)                     notify.smtp_host + smtp_from + smtp_to
//   webhook  HTTP POST of a JSON document                         notify.webhook_url
//
// Subjects / titles are tagged "[PAPER] " or "[LIVE] ". A channel that is not configured is a silent no-op (one
// debug line at start). Deliveries run on the notifier's own worker thread: notify() never blocks (the queue is
// bounded; when full the oldest pending delivery is dropped and counted). Failures are logged with secrets
// redacted and reported to the delivery callback; they never reach the caller.
//
// Config keys: notify.smtp_host, notify.smtp_port (587), notify.smtp_user, notify.smtp_from, notify.smtp_to
// (comma-separated), notify.smtp_starttls (true), notify.smtp_tls (false; implicit TLS, port 465),
// notify.smtp_ca_file (extra trusted CA, PEM), notify.smtp_timeout_ms (20000), notify.webhook_url,
// notify.webhook_timeout_ms (10000), notify.min_severity (info|success|warning|error; external channels only).
// The SMTP password comes from the environment only: MERIDIAN_NOTIFY_SMTP_PASSWORD (key notify.smtp_password,
// a secret key: ignored in files, never logged).
#include <QUrl>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/bus/EventBus.h"
#include "core/common/Clock.h"
#include "core/common/Config.h"
#include "core/contract/System.h"
#include "core/notify/SmtpClient.h"

namespace meridian::notify {

using contract::Notification;
using contract::Severity;

struct NotifierSettings {
  std::optional<SmtpSettings> smtp;   // nullopt = email not configured
  QUrl webhookUrl;                    // empty = webhook not configured
  int webhookTimeoutMs = 10'000;
  Severity minExternalSeverity = Severity::Info;
  bool paper = true;                  // trading mode: every notification is tagged [PAPER] or [LIVE] with it
  std::size_t queueCapacity = 256;

  // Reads the keys listed above. Incomplete SMTP settings leave smtp empty; *problems (optional) explains why.
  static NotifierSettings fromConfig(const common::Config& config, bool paper, std::string* problems = nullptr);
};

class Notifier {
 public:
  struct Delivery {
    std::string channel;  // "email" | "webhook"
    std::string title;    // tagged title
    bool ok = false;
    std::string error;    // redacted
  };
  struct Counters {
    std::uint64_t published = 0;   // in-app
    std::uint64_t emailsSent = 0;
    std::uint64_t emailsFailed = 0;
    std::uint64_t webhooksSent = 0;
    std::uint64_t webhooksFailed = 0;
    std::uint64_t dropped = 0;     // queue overflow
    std::uint64_t filtered = 0;    // below minExternalSeverity (external channels skipped)
  };

  // bus may be null (no in-app channel); clock may be null (real time). Both must outlive the notifier.
  Notifier(NotifierSettings settings, bus::EventBus* bus, const common::IClock* clock = nullptr);
  ~Notifier();  // stop()
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  void start();
  // Delivers what is queued (bounded by each channel's timeout), then joins the worker. Idempotent.
  void stop();

  // Thread-safe, non-blocking. n.paper is overwritten with the notifier's mode; n.ts defaults to now.
  void notify(Notification n);
  void notify(Severity severity, std::string title, std::string body, std::string source = {});

  bool emailConfigured() const { return m_settings.smtp.has_value(); }
  bool webhookConfigured() const { return !m_settings.webhookUrl.isEmpty(); }
  bool anyExternalChannel() const { return emailConfigured() || webhookConfigured(); }
  Counters counters() const;
  // Called on the worker thread after each external delivery attempt (tests, metrics).
  void setDeliveryCallback(std::function<void(const Delivery&)> callback);

  // The webhook document: {"text": "[PAPER] title\nbody", "title", "body", "severity", "mode", "source", "ts"}.
  // "text" makes it directly usable with Slack / Mattermost / Teams-style incoming webhooks.
  static QByteArray webhookJson(const Notification& n);
  static EmailMessage emailFor(const Notification& n);

 private:
  void loop();
  void deliver(const Notification& n);

  NotifierSettings m_settings;
  bus::EventBus* m_bus = nullptr;
  const common::IClock* m_clock = nullptr;
  common::RealClock m_realClock;

  mutable std::mutex m_mutex;
  std::condition_variable m_cv;
  std::deque<Notification> m_queue;
  Counters m_counters;
  std::function<void(const Delivery&)> m_onDelivery;
  bool m_stopping = false;
  std::atomic<bool> m_cancel{false};
  std::thread m_thread;
};

}  // namespace meridian::notify
