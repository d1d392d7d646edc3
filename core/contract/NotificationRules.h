#pragma once
// Which events notify on which channel: the rule table (settings notify.on_<event>, shown and edited in
// File > Settings > Notifications). A rule is a comma-separated list of channels:
//   in_app   a toast in the main window          tray     a system tray message
//   email    SMTP (notify.smtp_*)                 webhook  HTTP POST (notify.webhook_url)
// or "none". Defaults: fills, partial fills and risk rejections in-app only; the kill switch, the drawdown
// breaker, the broker connection, failed / timed-out jobs and a stale data feed on every channel.
// Each event has a fixed severity (its toast colour, the tray icon, and notify.min_severity's filter).
#include <QString>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/common/Config.h"
#include "core/contract/System.h"

namespace meridian::contract {

enum NotifyChannel : std::uint8_t { kNotifyInApp = 1, kNotifyTray = 2, kNotifyEmail = 4, kNotifyWebhook = 8 };
inline constexpr std::uint8_t kNotifyAll = kNotifyInApp | kNotifyTray | kNotifyEmail | kNotifyWebhook;

struct EventSpec {
  const char* id;            // "fill"; the rule's key is notify.on_<id>
  const char* label;         // "Fill" (settings dialog)
  Severity severity;
  std::uint8_t defaults;     // Channel bits
};

class NotificationRules {
 public:
  // Every event, in the order the settings dialog lists them.
  static std::span<const EventSpec> events();
  static const EventSpec* find(std::string_view id);
  static QString key(std::string_view id);  // "notify.on_fill"

  // "in_app,tray" <-> bits. parse: nullopt for an unknown channel name (*bad gets it).
  static QString format(std::uint8_t channels);
  static std::optional<std::uint8_t> parse(const QString& text, QString* bad = nullptr);

  NotificationRules();  // the defaults
  // Reads notify.on_<event>; a malformed rule keeps the default and is explained in *problems.
  static NotificationRules fromConfig(const common::Config& config, QStringList* problems = nullptr);

  // Channels of an event; ad-hoc messages (unknown or empty id) go in-app, and warnings and errors also to the
  // tray, email and webhook.
  std::uint8_t channels(std::string_view eventId, Severity severity = Severity::Info) const;
  void set(std::string_view eventId, std::uint8_t channels);

 private:
  std::uint8_t m_channels[16] = {};
};

}  // namespace meridian::contract
