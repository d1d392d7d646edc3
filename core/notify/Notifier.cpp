#include "core/notify/Notifier.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <fmt/core.h>

#include "core/common/Logging.h"
#include "core/common/Redact.h"
#include "core/notify/WebhookClient.h"

namespace meridian::notify {
namespace {

std::optional<Severity> severityFrom(const QString& s) {
  const QString v = s.trimmed().toLower();
  if (v == QLatin1String("info")) return Severity::Info;
  if (v == QLatin1String("success")) return Severity::Success;
  if (v == QLatin1String("warning") || v == QLatin1String("warn")) return Severity::Warning;
  if (v == QLatin1String("error")) return Severity::Error;
  return std::nullopt;
}

}  // namespace

NotifierSettings NotifierSettings::fromConfig(const common::Config& config, bool paper, std::string* problems) {
  NotifierSettings s;
  s.paper = paper;
  QStringList issues;
  const QString host = config.value(QStringLiteral("notify.smtp_host")).trimmed();
  const QString from = config.value(QStringLiteral("notify.smtp_from")).trimmed();
  QStringList to;
  for (const QString& t : config.value(QStringLiteral("notify.smtp_to")).split(QLatin1Char(','), Qt::SkipEmptyParts))
    if (!t.trimmed().isEmpty()) to << t.trimmed();
  if (!host.isEmpty() || !from.isEmpty() || !to.isEmpty()) {
    if (host.isEmpty() || from.isEmpty() || to.isEmpty()) {
      issues << QStringLiteral("email disabled: notify.smtp_host, notify.smtp_from and notify.smtp_to are all required");
    } else {
      SmtpSettings smtp;
      smtp.host = host;
      smtp.implicitTls = config.boolValue(QStringLiteral("notify.smtp_tls"), false);
      smtp.port = static_cast<quint16>(config.intValue(QStringLiteral("notify.smtp_port"), smtp.implicitTls ? 465 : 587));
      smtp.user = config.value(QStringLiteral("notify.smtp_user")).trimmed();
      smtp.password = config.value(QStringLiteral("notify.smtp_password"));
      smtp.from = from;
      smtp.to = to;
      smtp.starttls = config.boolValue(QStringLiteral("notify.smtp_starttls"), true);
      smtp.timeoutMs = std::max(1000, config.intValue(QStringLiteral("notify.smtp_timeout_ms"), 20'000));
      if (const QString ca = config.value(QStringLiteral("notify.smtp_ca_file")); !ca.isEmpty()) {
        QFile f(ca);
        if (f.open(QIODevice::ReadOnly))
          smtp.caCertificatesPem = f.readAll();
        else
          issues << QStringLiteral("notify.smtp_ca_file %1 cannot be read; using the system CAs only").arg(ca);
      }
      if (!smtp.user.isEmpty() && smtp.password.isEmpty())
        issues << QStringLiteral("notify.smtp_user is set but MERIDIAN_NOTIFY_SMTP_PASSWORD is not");
      if (!smtp.password.isEmpty()) common::registerSecret(smtp.password.toStdString());
      s.smtp = smtp;
    }
  }
  const QString url = config.value(QStringLiteral("notify.webhook_url")).trimmed();
  if (!url.isEmpty()) {
    const QUrl u(url);
    if (u.isValid() && (u.scheme() == QLatin1String("https") || u.scheme() == QLatin1String("http"))) {
      s.webhookUrl = u;
      // The path/query of a webhook URL is usually its credential.
      if (u.path().size() > 8) common::registerSecret(u.path().toStdString());
      if (u.hasQuery()) common::registerSecret(u.query().toStdString());
    } else {
      issues << QStringLiteral("notify.webhook_url is not an http(s) URL; webhook disabled");
    }
  }
  s.webhookTimeoutMs = std::max(1000, config.intValue(QStringLiteral("notify.webhook_timeout_ms"), 10'000));
  if (const QString min = config.value(QStringLiteral("notify.min_severity")); !min.isEmpty()) {
    if (auto sev = severityFrom(min))
      s.minExternalSeverity = *sev;
    else
      issues << QStringLiteral("notify.min_severity '%1' is not info|success|warning|error").arg(min);
  }
  if (problems) *problems = issues.join(QStringLiteral("; ")).toStdString();
  return s;
}

Notifier::Notifier(NotifierSettings settings, bus::EventBus* bus, const common::IClock* clock)
    : m_settings(std::move(settings)), m_bus(bus), m_clock(clock) {}

Notifier::~Notifier() { stop(); }

void Notifier::start() {
  std::lock_guard lock(m_mutex);
  if (m_thread.joinable()) return;
  m_stopping = false;
  auto log = common::logger("notify");
  log->info("notifications: in-app {}, email {}, webhook {}", m_bus ? "on" : "off",
            emailConfigured() ? "on (" + m_settings.smtp->host.toStdString() + ")" : std::string("not configured"),
            webhookConfigured() ? "on (" + WebhookClient::safeUrl(m_settings.webhookUrl) + ")" : std::string("not configured"));
  if (anyExternalChannel()) m_thread = std::thread(&Notifier::loop, this);
}

void Notifier::stop() {
  {
    std::lock_guard lock(m_mutex);
    if (!m_thread.joinable()) return;
    m_stopping = true;
  }
  m_cv.notify_all();
  m_thread.join();
}

void Notifier::notify(Severity severity, std::string title, std::string body, std::string source) {
  Notification n;
  n.severity = severity;
  n.title = std::move(title);
  n.body = std::move(body);
  n.source = std::move(source);
  notify(std::move(n));
}

void Notifier::notify(Notification n) {
  n.paper = m_settings.paper;
  if (n.ts == 0) n.ts = m_clock ? m_clock->now() : m_realClock.now();
  n.title = common::redact(n.title);
  n.body = common::redact(n.body);
  if (m_bus) {
    m_bus->publish(n);
    std::lock_guard lock(m_mutex);
    ++m_counters.published;
  }
  if (!anyExternalChannel()) return;  // silent no-op
  {
    std::lock_guard lock(m_mutex);
    if (n.severity < m_settings.minExternalSeverity) {
      ++m_counters.filtered;
      return;
    }
    if (!m_thread.joinable() || m_stopping) {
      ++m_counters.dropped;  // not started (or stopping): external channels are off
      return;
    }
    if (m_queue.size() >= m_settings.queueCapacity) {
      m_queue.pop_front();
      ++m_counters.dropped;
    }
    m_queue.push_back(std::move(n));
  }
  m_cv.notify_one();
}

Notifier::Counters Notifier::counters() const {
  std::lock_guard lock(m_mutex);
  return m_counters;
}

void Notifier::setDeliveryCallback(std::function<void(const Delivery&)> callback) {
  std::lock_guard lock(m_mutex);
  m_onDelivery = std::move(callback);
}

void Notifier::loop() {
  while (true) {
    Notification n;
    {
      std::unique_lock lock(m_mutex);
      m_cv.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
      if (m_queue.empty()) return;  // stopping and drained
      n = std::move(m_queue.front());
      m_queue.pop_front();
    }
    deliver(n);
  }
}

void Notifier::deliver(const Notification& n) {
  auto log = common::logger("notify");
  std::function<void(const Delivery&)> callback;
  {
    std::lock_guard lock(m_mutex);
    callback = m_onDelivery;
  }
  const auto report = [&](const char* channel, const Status& s) {
    Delivery d{channel, n.taggedTitle(), s.ok(), s.ok() ? std::string() : common::redact(s.error().message)};
    {
      std::lock_guard lock(m_mutex);
      const bool email = std::string_view(channel) == "email";
      if (s.ok())
        ++(email ? m_counters.emailsSent : m_counters.webhooksSent);
      else
        ++(email ? m_counters.emailsFailed : m_counters.webhooksFailed);
    }
    if (s.ok())
      log->debug("{} notification sent: {}", channel, d.title);
    else
      log->warn("{} notification failed: {}", channel, d.error);
    if (callback) callback(d);
  };
  if (m_settings.smtp) report("email", SmtpClient::send(*m_settings.smtp, emailFor(n), &m_cancel));
  if (!m_settings.webhookUrl.isEmpty())
    report("webhook", WebhookClient::postJson(m_settings.webhookUrl, webhookJson(n), m_settings.webhookTimeoutMs, &m_cancel));
}

EmailMessage Notifier::emailFor(const Notification& n) {
  EmailMessage m;
  m.subject = QString::fromStdString(n.taggedTitle());
  QString body = QString::fromStdString(n.body);
  body += QStringLiteral("\n\n--\nMeridian (%1) · %2 · %3 UTC")
              .arg(n.paper ? QStringLiteral("PAPER") : QStringLiteral("LIVE"),
                   QString::fromLatin1(toString(n.severity).data(), static_cast<qsizetype>(toString(n.severity).size())),
                   QDateTime::fromMSecsSinceEpoch(n.ts / domain::kNanosPerMilli, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
  if (!n.source.empty()) body += QStringLiteral(" · %1").arg(QString::fromStdString(n.source));
  m.body = body;
  return m;
}

QByteArray Notifier::webhookJson(const Notification& n) {
  QJsonObject o;
  const QString title = QString::fromStdString(n.taggedTitle());
  o[QStringLiteral("text")] = n.body.empty() ? title : title + QLatin1Char('\n') + QString::fromStdString(n.body);
  o[QStringLiteral("title")] = title;
  o[QStringLiteral("body")] = QString::fromStdString(n.body);
  o[QStringLiteral("severity")] = QString::fromLatin1(toString(n.severity).data(), static_cast<qsizetype>(toString(n.severity).size()));
  o[QStringLiteral("mode")] = n.paper ? QStringLiteral("paper") : QStringLiteral("live");
  o[QStringLiteral("source")] = QString::fromStdString(n.source);
  o[QStringLiteral("ts")] = QDateTime::fromMSecsSinceEpoch(n.ts / domain::kNanosPerMilli, Qt::UTC).toString(Qt::ISODateWithMs);
  return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

}  // namespace meridian::notify
