#include "core/notify/Notifier.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <fmt/core.h>

#include <algorithm>

#include "core/common/Logging.h"
#include "core/common/Redact.h"
#include "core/notify/WebhookClient.h"
#include "core/storage/StorageService.h"
#include "core/time/TimeZones.h"

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
      if (u.path().size() > 1) common::registerSecret(u.path().toStdString());
      if (u.hasQuery()) common::registerSecret(u.query().toStdString());
      if (!u.userInfo().isEmpty()) common::registerSecret(u.userInfo().toStdString());
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
  QStringList ruleProblems;
  s.rules = NotificationRules::fromConfig(config, &ruleProblems);
  issues << ruleProblems;
  s.maxAttempts = std::clamp(config.intValue(QStringLiteral("notify.max_attempts"), s.maxAttempts), 1, 100);
  s.retryBase = std::chrono::milliseconds(
      std::clamp(config.intValue(QStringLiteral("notify.retry_base_ms"), int(s.retryBase.count())), 10, 3'600'000));
  s.dedupWindow = std::chrono::seconds(
      std::clamp(config.intValue(QStringLiteral("notify.dedup_window_s"), int(s.dedupWindow.count() / 1000)), 0, 86'400));
  s.shutdownGrace = std::chrono::milliseconds(
      std::clamp(config.intValue(QStringLiteral("notify.shutdown_grace_ms"), int(s.shutdownGrace.count())), 0, 25'000));
  s.queueCapacity = std::size_t(std::clamp(config.intValue(QStringLiteral("notify.queue_capacity"), 256), 1, 100'000));
  if (const QString zone = config.value(QStringLiteral("display.timezone")).trimmed(); !zone.isEmpty()) {
    if (time::TimeZones::isValidTimeZoneId(zone.toUtf8()))
      s.displayZone = zone.toUtf8();
    else
      issues << QStringLiteral("display.timezone '%1' is not a time zone; messages use %2")
                    .arg(zone, QString::fromLatin1(s.displayZone));
  }
  if (problems) *problems = issues.join(QStringLiteral("; ")).toStdString();
  return s;
}

// ---- Outbox on the storage thread -----------------------------------------------------------------------------

namespace {
template <class T>
Result<T> waitFor(std::future<Result<T>> f) {
  try {
    return f.get();
  } catch (const std::exception& e) {
    return makeError("notify.outbox", e.what());
  }
}
}  // namespace

Result<std::int64_t> StorageOutbox::add(const storage::NotificationRecord& record) {
  return waitFor(m_storage.call([record](storage::IStorage& s) { return s.addNotification(record); }));
}

Status StorageOutbox::update(const storage::NotificationRecord& record) {
  try {
    return m_storage.call([record](storage::IStorage& s) { return s.updateNotification(record); }).get();
  } catch (const std::exception& e) {
    return makeError("notify.outbox", e.what());
  }
}

Result<std::vector<storage::NotificationRecord>> StorageOutbox::queued(std::size_t limit) {
  return waitFor(m_storage.call([limit](storage::IStorage& s) { return s.listNotifications("queued", limit); }));
}

// ---- Notifier -------------------------------------------------------------------------------------------------

namespace {
constexpr const char* kEmailName = "email";
constexpr const char* kWebhookName = "webhook";

QString qs(std::string_view s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }
QString number(double v) { return QString::number(v, 'g', 12); }
QDateTime inZone(domain::Timestamp ts, const QByteArray& zone) {
  const QTimeZone z(zone);
  return time::TimeZones::toZone(ts, z.isValid() ? z : time::TimeZones::exchangeTimeZone());
}
}  // namespace

Notifier::Notifier(NotifierSettings settings, bus::EventBus* bus, const common::IClock* clock,
                   std::shared_ptr<INotificationOutbox> outbox)
    : m_settings(std::move(settings)), m_bus(bus), m_clock(clock ? clock : &common::systemClock()), m_outbox(std::move(outbox)) {
  if (m_settings.smtp) {
    m_email = std::make_unique<Channel>();
    m_email->name = kEmailName;
  }
  if (!m_settings.webhookUrl.isEmpty()) {
    m_webhook = std::make_unique<Channel>();
    m_webhook->name = kWebhookName;
  }
}

Notifier::~Notifier() { stop(); }

domain::Timestamp Notifier::now() const { return m_clock->now(); }

void Notifier::start() {
  std::lock_guard lock(m_mutex);
  if (m_started) return;
  m_started = true;
  m_stopping = m_draining = false;
  auto log = common::logger("notify");
  log->info("notifications: in-app {}, email {}, webhook {}; outbox {}", m_bus ? "on" : "off",
            emailConfigured() ? "on (" + m_settings.smtp->host.toStdString() + ")" : std::string("not configured"),
            webhookConfigured() ? "on (" + WebhookClient::safeUrl(m_settings.webhookUrl) + ")" : std::string("not configured"),
            m_outbox ? "persisted" : "in memory only");
  m_dispatcher = std::thread(&Notifier::dispatchLoop, this);
  for (Channel* c : {m_email.get(), m_webhook.get()})
    if (c) c->thread = std::thread(&Notifier::channelLoop, this, std::ref(*c));
}

void Notifier::stop() {
  {
    std::lock_guard lock(m_mutex);
    if (!m_started || m_stopping) return;
    m_stopping = true;
    m_deadline = std::chrono::steady_clock::now() + m_settings.shutdownGrace;
  }
  m_cv.notify_all();
  m_dispatcher.join();  // flushes the dedup summaries and persists what is waiting
  bool allDone = false;
  {
    std::unique_lock lock(m_mutex);
    m_draining = true;
    m_cv.notify_all();
    allDone = m_cv.wait_until(lock, m_deadline, [this] {
      return (!m_email || m_email->done) && (!m_webhook || m_webhook->done);
    });
    if (!allDone)
      for (Channel* c : {m_email.get(), m_webhook.get()})
        if (c) c->cancel = true;
  }
  m_cv.notify_all();
  for (Channel* c : {m_email.get(), m_webhook.get()})
    if (c && c->thread.joinable()) c->thread.join();
  std::size_t left = 0;
  {
    std::lock_guard lock(m_mutex);
    for (Channel* c : {m_email.get(), m_webhook.get()})
      if (c) {
        left += c->items.size();
        c->items.clear();
      }
  }
  if (left > 0 || !allDone)
    common::logger("notify")->warn("notifications: shutdown time ({} ms) used up; {} deliveries stay queued{}",
                                   m_settings.shutdownGrace.count(), left,
                                   m_outbox ? " for the next start" : " (no outbox: lost)");
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
  if (n.ts == 0) n.ts = now();
  n.title = common::redact(n.title);
  n.body = common::redact(n.body);
  if (n.key.empty()) n.key = n.event + ":" + n.title;
  const std::uint8_t channels = m_settings.rules.channels(n.event, n.severity);
  if (channels == 0) return;
  std::vector<Notification> publish;
  {
    std::unique_lock lock(m_mutex);
    const auto t = std::chrono::steady_clock::now();
    if (m_settings.dedupWindow.count() > 0) {
      auto it = m_windows.find(n.key);
      if (it != m_windows.end() && it->second.end > t) {
        const bool firstRepeat = ++it->second.repeats == 1;
        it->second.last = std::move(n);
        it->second.channels = channels;
        ++m_counters.suppressed;
        lock.unlock();
        // The window now has a summary to send at its end: the dispatcher may be asleep with no end to wait for.
        if (firstRepeat) m_cv.notify_all();
        return;
      }
      m_windows[n.key] = Window{t + m_settings.dedupWindow, 0, {}, channels};
    }
    emitLocked(std::move(n), channels, publish);
  }
  m_cv.notify_all();
  publishInApp(publish);
}

void Notifier::emitLocked(Notification n, std::uint8_t channels, std::vector<Notification>& publish) {
  if ((channels & (kNotifyInApp | kNotifyTray)) && m_bus) {
    Notification local = n;
    local.toast = (channels & kNotifyInApp) != 0;
    local.tray = (channels & kNotifyTray) != 0;
    publish.push_back(std::move(local));
  }
  std::uint8_t external = 0;
  if (m_email && (channels & kNotifyEmail)) external |= kNotifyEmail;
  if (m_webhook && (channels & kNotifyWebhook)) external |= kNotifyWebhook;
  if (!external) return;
  if (n.severity < m_settings.minExternalSeverity) {
    ++m_counters.filtered;
    return;
  }
  if (!m_started || m_dispatcherDone) {
    ++m_counters.dropped;  // not started (or stopped): external channels are off
    return;
  }
  m_inbox.emplace_back(std::move(n), external);
}

void Notifier::publishInApp(std::vector<Notification>& publish) {
  if (publish.empty() || !m_bus) return;
  for (auto& n : publish) m_bus->publish(std::move(n));
  std::lock_guard lock(m_mutex);
  m_counters.published += publish.size();
  publish.clear();
}

void Notifier::flushWindowsLocked(SteadyTime t, bool all, std::vector<Notification>& publish) {
  for (auto it = m_windows.begin(); it != m_windows.end();) {
    Window& w = it->second;
    if (!all && w.end > t) {
      ++it;
      continue;
    }
    if (w.repeats > 0) {
      Notification summary = std::move(w.last);
      summary.count = w.repeats;
      summary.title += fmt::format(" (+{} more)", w.repeats);
      const auto windowS = std::chrono::duration_cast<std::chrono::seconds>(m_settings.dedupWindow).count();
      summary.body = fmt::format("Repeated {} more time{} within {} s; the last one:\n{}", w.repeats,
                                 w.repeats == 1 ? "" : "s", windowS, summary.body);
      ++m_counters.summaries;
      emitLocked(std::move(summary), w.channels, publish);
    }
    it = m_windows.erase(it);
  }
}

void Notifier::dispatchLoop() {
  auto log = common::logger("notify");
  if (m_outbox && anyExternalChannel()) {
    auto rows = m_outbox->queued(0);
    if (!rows.ok()) {
      log->warn("notifications: queued deliveries not loaded: {}", common::redact(rows.error().message));
    } else {
      std::lock_guard lock(m_mutex);
      for (auto& r : *rows) {
        Channel* c = r.channel == kEmailName ? m_email.get() : r.channel == kWebhookName ? m_webhook.get() : nullptr;
        if (!c) continue;  // that channel is not configured now: the row waits for it
        ++m_counters.resumed;
        enqueueLocked(*c, Item{std::move(r), std::chrono::steady_clock::now()});
      }
      if (m_counters.resumed > 0) log->info("notifications: {} queued deliveries resumed", m_counters.resumed);
    }
  }
  std::unique_lock lock(m_mutex);
  while (true) {
    std::vector<Notification> publish;
    flushWindowsLocked(std::chrono::steady_clock::now(), m_stopping, publish);
    if (!m_inbox.empty()) {
      auto [n, channels] = std::move(m_inbox.front());
      m_inbox.pop_front();
      lock.unlock();
      publishInApp(publish);
      persistAndQueue(n, channels);
      lock.lock();
      continue;
    }
    if (!publish.empty()) {
      lock.unlock();
      publishInApp(publish);
      lock.lock();
      continue;
    }
    if (m_stopping) break;
    std::optional<SteadyTime> next;
    for (const auto& [key, w] : m_windows)
      if (w.repeats > 0 && (!next || w.end < *next)) next = w.end;
    if (next)
      m_cv.wait_until(lock, *next);
    else
      m_cv.wait(lock);
  }
  m_dispatcherDone = true;
}

void Notifier::persistAndQueue(const Notification& n, std::uint8_t channels) {
  for (Channel* c : {m_email.get(), m_webhook.get()}) {
    if (!c || !(channels & (c == m_email.get() ? kNotifyEmail : kNotifyWebhook))) continue;
    storage::NotificationRecord r;
    r.ts = n.ts;
    r.channel = c->name;
    r.subject = n.taggedTitle();
    r.body = c == m_email.get() ? emailFor(n, m_settings.displayZone).body.toStdString()
                                : webhookJson(n, m_settings.displayZone).toStdString();
    r.status = "queued";
    r.eventKey = n.key;
    r.updatedTs = now();
    if (m_outbox) {
      if (auto id = m_outbox->add(r); id.ok())
        r.id = *id;
      else
        common::logger("notify")->warn("notification not persisted (delivered from memory): {}",
                                       common::redact(id.error().message));
    }
    std::lock_guard lock(m_mutex);
    enqueueLocked(*c, Item{std::move(r), std::chrono::steady_clock::now()});
  }
}

void Notifier::enqueueLocked(Channel& channel, Item item) {
  if (channel.items.size() >= m_settings.queueCapacity) {
    if (m_outbox && item.record.id != 0)
      ++m_counters.deferred;  // stays queued in the table
    else
      ++m_counters.dropped;
    return;
  }
  channel.items.push_back(std::move(item));
  m_cv.notify_all();
}

void Notifier::channelLoop(Channel& channel) {
  std::unique_lock lock(m_mutex);
  while (!channel.cancel) {
    const auto t = std::chrono::steady_clock::now();
    if (m_draining) {
      // One last pass: each message due before the deadline gets at most one more attempt.
      if (t >= m_deadline) break;
      auto it = std::find_if(channel.items.begin(), channel.items.end(), [&](const Item& i) { return i.due <= m_deadline; });
      if (it == channel.items.end()) break;
      Item item = std::move(*it);
      channel.items.erase(it);
      lock.unlock();
      attempt(channel, std::move(item), true);
      lock.lock();
      continue;
    }
    if (channel.items.empty()) {
      m_cv.wait(lock);
      continue;
    }
    auto it = std::min_element(channel.items.begin(), channel.items.end(),
                               [](const Item& a, const Item& b) { return a.due < b.due; });
    if (it->due > t) {
      m_cv.wait_until(lock, it->due);
      continue;
    }
    Item item = std::move(*it);
    channel.items.erase(it);
    lock.unlock();
    attempt(channel, std::move(item), false);
    lock.lock();
  }
  channel.done = true;
  m_cv.notify_all();
}

Status Notifier::send(const Channel& channel, const storage::NotificationRecord& r) {
  if (&channel == m_email.get())
    return SmtpClient::send(*m_settings.smtp, EmailMessage{qs(r.subject), qs(r.body), now()}, &channel.cancel);
  return WebhookClient::postJson(m_settings.webhookUrl, QByteArray::fromStdString(r.body), m_settings.webhookTimeoutMs,
                                 &channel.cancel);
}

void Notifier::attempt(Channel& channel, Item item, bool draining) {
  auto log = common::logger("notify");
  const Status s = send(channel, item.record);
  if (!s.ok() && channel.cancel) return;  // cut off by shutdown: the row stays as it was (queued)
  auto& r = item.record;
  ++r.attempts;
  r.updatedTs = now();
  const bool email = &channel == m_email.get();
  bool final = true;
  if (s.ok()) {
    r.status = "sent";
    r.lastError.clear();
  } else {
    r.lastError = common::redact(s.error().message);
    final = r.attempts >= m_settings.maxAttempts;
    r.status = final ? "failed" : "queued";
  }
  if (m_outbox && r.id != 0)
    if (Status u = m_outbox->update(r); !u.ok())
      log->warn("notification {} state not recorded: {}", r.id, common::redact(u.error().message));
  if (s.ok())
    log->debug("{} notification sent: {}", channel.name, r.subject);
  else
    log->warn("{} notification failed (attempt {} of {}{}): {}", channel.name, r.attempts, m_settings.maxAttempts,
              final ? ", giving up" : draining ? ", left queued" : ", will retry", r.lastError);
  std::function<void(const Delivery&)> callback;
  {
    std::lock_guard lock(m_mutex);
    callback = m_onDelivery;
    if (s.ok())
      ++(email ? m_counters.emailsSent : m_counters.webhooksSent);
    else
      ++(email ? m_counters.emailsFailed : m_counters.webhooksFailed);
    if (!s.ok() && final) ++m_counters.gaveUp;
    if (!s.ok() && !final && !draining) {
      ++m_counters.retried;
      auto backoff = m_settings.retryBase * (1LL << std::min(r.attempts - 1, 20));
      if (backoff > m_settings.retryMax) backoff = m_settings.retryMax;
      enqueueLocked(channel, Item{r, std::chrono::steady_clock::now() + backoff});
    }
  }
  if (callback) callback(Delivery{channel.name, r.subject, s.ok(), r.lastError, r.attempts, final, r.id});
}

Notifier::Counters Notifier::counters() const {
  std::lock_guard lock(m_mutex);
  return m_counters;
}

void Notifier::setDeliveryCallback(std::function<void(const Delivery&)> callback) {
  std::lock_guard lock(m_mutex);
  m_onDelivery = std::move(callback);
}

// ---- Message formats ------------------------------------------------------------------------------------------

EmailMessage Notifier::emailFor(const Notification& n, const QByteArray& displayZone) {
  EmailMessage m;
  m.subject = qs(n.taggedTitle());
  QStringList lines;
  if (!n.body.empty()) lines << qs(n.body) << QString();
  const auto field = [&](const char* name, const QString& value) {
    if (!value.isEmpty()) lines << QStringLiteral("%1 %2").arg(QString::fromLatin1(name).leftJustified(8), value);
  };
  if (!n.event.empty()) {
    const EventSpec* spec = NotificationRules::find(n.event);
    field("Event:", spec ? QStringLiteral("%1 (%2)").arg(QString::fromLatin1(spec->label), qs(n.event)) : qs(n.event));
  }
  field("Symbol:", qs(n.symbol));
  field("Side:", qs(n.side));
  field("Qty:", n.quantity != 0.0 ? number(n.quantity) : QString());
  field("Price:", n.price != 0.0 ? number(n.price) : QString());
  field("Order:", qs(n.orderId));
  field("Count:", n.count > 1 ? QString::number(n.count) : QString());
  const QString fmtText = QStringLiteral("yyyy-MM-dd HH:mm:ss t");
  field("Time:", QStringLiteral("%1 (%2)").arg(time::TimeZones::toExchange(n.ts).toString(fmtText),
                                              QString::fromLatin1(time::TimeZones::kExchangeZoneId)));
  lines << QStringLiteral("%1 %2 (%3)").arg(QString().leftJustified(8), inZone(n.ts, displayZone).toString(fmtText),
                                             QString::fromLatin1(displayZone));
  lines << QString() << QStringLiteral("--");
  QString footer = QStringLiteral("Meridian (%1) · %2 · %3 UTC")
                       .arg(n.paper ? QStringLiteral("PAPER") : QStringLiteral("LIVE"), qs(toString(n.severity)),
                            QDateTime::fromMSecsSinceEpoch(n.ts / domain::kNanosPerMilli, Qt::UTC)
                                .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
  if (!n.source.empty()) footer += QStringLiteral(" · %1").arg(qs(n.source));
  lines << footer;
  m.body = lines.join(QLatin1Char('\n'));
  return m;
}

QByteArray Notifier::webhookJson(const Notification& n, const QByteArray& displayZone) {
  QJsonObject o;
  const QString title = qs(n.taggedTitle());
  o[QStringLiteral("schema")] = QStringLiteral("meridian.notification.v1");
  o[QStringLiteral("text")] = n.body.empty() ? title : title + QLatin1Char('\n') + qs(n.body);
  o[QStringLiteral("title")] = title;
  o[QStringLiteral("body")] = qs(n.body);
  o[QStringLiteral("event")] = qs(n.event);
  o[QStringLiteral("key")] = qs(n.key);
  o[QStringLiteral("count")] = n.count;
  o[QStringLiteral("severity")] = qs(toString(n.severity));
  o[QStringLiteral("mode")] = n.paper ? QStringLiteral("paper") : QStringLiteral("live");
  o[QStringLiteral("source")] = qs(n.source);
  if (!n.symbol.empty()) o[QStringLiteral("symbol")] = qs(n.symbol);
  if (!n.side.empty()) o[QStringLiteral("side")] = qs(n.side);
  if (n.quantity != 0.0) o[QStringLiteral("qty")] = n.quantity;
  if (n.price != 0.0) o[QStringLiteral("price")] = n.price;
  if (!n.orderId.empty()) o[QStringLiteral("order_id")] = qs(n.orderId);
  o[QStringLiteral("ts")] = QDateTime::fromMSecsSinceEpoch(n.ts / domain::kNanosPerMilli, Qt::UTC).toString(Qt::ISODateWithMs);
  o[QStringLiteral("time_new_york")] = time::TimeZones::toExchange(n.ts).toString(Qt::ISODateWithMs);
  o[QStringLiteral("time_display")] = inZone(n.ts, displayZone).toString(Qt::ISODateWithMs);
  o[QStringLiteral("display_zone")] = QString::fromLatin1(displayZone);
  return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

}  // namespace meridian::notify
