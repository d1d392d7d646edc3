#include "core/contract/NotificationRules.h"

#include <QStringList>

#include <array>

namespace meridian::contract {
namespace {

constexpr std::uint8_t kExternal = kNotifyAll;

constexpr std::array kEvents{
    EventSpec{"fill", "Order filled", Severity::Success, kNotifyInApp},
    EventSpec{"partial_fill", "Order partially filled", Severity::Info, kNotifyInApp},
    EventSpec{"risk_rejected", "Order rejected by risk", Severity::Warning, kNotifyInApp},
    EventSpec{"kill_switch_engaged", "Kill switch engaged", Severity::Error, kExternal},
    EventSpec{"kill_switch_reset", "Kill switch reset", Severity::Warning, kExternal},
    EventSpec{"breaker_tripped", "Drawdown breaker tripped", Severity::Error, kExternal},
    EventSpec{"breaker_reset", "Drawdown breaker reset", Severity::Warning, kExternal},
    EventSpec{"broker_disconnected", "Broker disconnected", Severity::Error, kExternal},
    EventSpec{"broker_reconnected", "Broker reconnected", Severity::Success, kExternal},
    EventSpec{"job_failed", "Job failed", Severity::Error, kExternal},
    EventSpec{"job_timed_out", "Job timed out", Severity::Error, kExternal},
    EventSpec{"stale_feed", "Data feed stale", Severity::Warning, kExternal},
};
static_assert(kEvents.size() <= 16);

struct ChannelName {
  std::uint8_t bit;
  const char* name;
};
constexpr ChannelName kChannelNames[] = {{kNotifyInApp, "in_app"}, {kNotifyTray, "tray"}, {kNotifyEmail, "email"}, {kNotifyWebhook, "webhook"}};

int indexOf(std::string_view id) {
  for (std::size_t i = 0; i < kEvents.size(); ++i)
    if (id == kEvents[i].id) return int(i);
  return -1;
}

}  // namespace

std::span<const EventSpec> NotificationRules::events() { return kEvents; }

const EventSpec* NotificationRules::find(std::string_view id) {
  const int i = indexOf(id);
  return i < 0 ? nullptr : &kEvents[std::size_t(i)];
}

QString NotificationRules::key(std::string_view id) {
  return QStringLiteral("notify.on_") + QString::fromUtf8(id.data(), qsizetype(id.size()));
}

QString NotificationRules::format(std::uint8_t channels) {
  QStringList out;
  for (const auto& c : kChannelNames)
    if (channels & c.bit) out << QString::fromLatin1(c.name);
  return out.isEmpty() ? QStringLiteral("none") : out.join(QLatin1Char(','));
}

std::optional<std::uint8_t> NotificationRules::parse(const QString& text, QString* bad) {
  std::uint8_t bits = 0;
  for (const QString& raw : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
    const QString name = raw.trimmed().toLower().replace(QLatin1Char('-'), QLatin1Char('_'));
    if (name.isEmpty() || name == QLatin1String("none")) continue;
    bool found = false;
    for (const auto& c : kChannelNames)
      if (name == QLatin1String(c.name)) {
        bits |= c.bit;
        found = true;
      }
    if (!found) {
      if (bad) *bad = raw.trimmed();
      return std::nullopt;
    }
  }
  return bits;
}

NotificationRules::NotificationRules() {
  for (std::size_t i = 0; i < kEvents.size(); ++i) m_channels[i] = kEvents[i].defaults;
}

NotificationRules NotificationRules::fromConfig(const common::Config& config, QStringList* problems) {
  NotificationRules r;
  for (std::size_t i = 0; i < kEvents.size(); ++i) {
    const QString k = key(kEvents[i].id);
    if (!config.contains(k)) continue;
    QString bad;
    if (auto bits = parse(config.value(k), &bad))
      r.m_channels[i] = *bits;
    else if (problems)
      *problems << QStringLiteral("%1: '%2' is not a channel (in_app, tray, email, webhook or none); keeping %3")
                       .arg(k, bad, format(kEvents[i].defaults));
  }
  return r;
}

std::uint8_t NotificationRules::channels(std::string_view eventId, Severity severity) const {
  const int i = indexOf(eventId);
  if (i >= 0) return m_channels[std::size_t(i)];
  return severity >= Severity::Warning ? kNotifyAll : std::uint8_t(kNotifyInApp);
}

void NotificationRules::set(std::string_view eventId, std::uint8_t channels) {
  if (const int i = indexOf(eventId); i >= 0) m_channels[std::size_t(i)] = channels & kNotifyAll;
}

}  // namespace meridian::contract
