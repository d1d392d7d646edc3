#include "core/jobs/Schedule.h"

#include <QDate>
#include <QRegularExpression>
#include <QString>

#include <algorithm>
#include <array>

#include "core/time/NyseCalendar.h"
#include "core/time/TimeZones.h"

namespace meridian::jobs {
namespace {

constexpr int kMaxSearchDays = 400;
constexpr std::array<const char*, 7> kDayNames = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

Timestamp floorDiv(Timestamp a, Timestamp b) {
  Timestamp q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

Timestamp nextDaily(const Schedule& s, Timestamp after) {
  const auto& cal = time::NyseCalendar::instance();
  QDate d = time::TimeZones::exchangeDate(after);
  if (!d.isValid()) return 0;
  d = d.addDays(-1);  // a wall time late on the previous day can still be after `after` around DST changes
  for (int i = 0; i < kMaxSearchDays; ++i, d = d.addDays(1)) {
    if (s.tradingDaysOnly && !cal.isTradingDay(d)) continue;
    const Timestamp t = time::TimeZones::fromExchange(d, s.at);
    if (t != time::kInvalidTimestamp && t > after) return t;
  }
  return 0;
}

Timestamp nextWeekly(const Schedule& s, Timestamp after) {
  QDate d = time::TimeZones::exchangeDate(after);
  if (!d.isValid()) return 0;
  d = d.addDays(-1);
  for (int i = 0; i < 16; ++i, d = d.addDays(1)) {
    if (d.dayOfWeek() != s.weekday) continue;
    const Timestamp t = time::TimeZones::fromExchange(d, s.at);
    if (t != time::kInvalidTimestamp && t > after) return t;
  }
  return 0;
}

Timestamp nextHourly(const Schedule& s, Timestamp after) {
  const auto& cal = time::NyseCalendar::instance();
  QDate d = time::TimeZones::exchangeDate(after);
  if (!d.isValid()) return 0;
  const Timestamp offset = static_cast<Timestamp>(s.offsetMinutes) * domain::kNanosPerMinute;
  for (int i = 0; i < kMaxSearchDays; ++i, d = d.addDays(1)) {
    const auto session = cal.session(d);
    if (!session) continue;
    if (session->close <= after) continue;
    for (Timestamp t = session->open + domain::kNanosPerHour + offset; t < session->close; t += domain::kNanosPerHour)
      if (t > after) return t;
  }
  return 0;
}

Timestamp nextEvery(const Schedule& s, Timestamp after) {
  const Timestamp period = static_cast<Timestamp>(s.everyMinutes) * domain::kNanosPerMinute;
  if (period <= 0) return 0;
  Timestamp t = (floorDiv(after, period) + 1) * period;
  if (!s.onlyWhileOpen) return t;
  const auto& cal = time::NyseCalendar::instance();
  for (int i = 0; i < kMaxSearchDays * 2; ++i) {
    if (cal.isOpen(t)) return t;
    const Timestamp open = cal.nextOpen(t);
    if (open == time::kInvalidTimestamp) return 0;
    t = floorDiv(open - 1, period) * period + period;  // first grid instant at or after the open
  }
  return 0;
}

QString hhmm(QTime t) { return t.toString(QStringLiteral("HH:mm")); }

}  // namespace

Schedule Schedule::daily(QTime at, bool tradingDaysOnly) {
  Schedule s;
  s.kind = Kind::Daily;
  s.at = at;
  s.tradingDaysOnly = tradingDaysOnly;
  return s;
}

Schedule Schedule::weekly(int isoWeekday, QTime at) {
  Schedule s;
  s.kind = Kind::Weekly;
  s.weekday = isoWeekday;
  s.at = at;
  return s;
}

Schedule Schedule::hourlyWhileOpen(int offsetMinutes) {
  Schedule s;
  s.kind = Kind::HourlyWhileOpen;
  s.offsetMinutes = offsetMinutes;
  return s;
}

Schedule Schedule::every(int minutes, bool onlyWhileOpen) {
  Schedule s;
  s.kind = Kind::EveryMinutes;
  s.everyMinutes = minutes;
  s.onlyWhileOpen = onlyWhileOpen;
  return s;
}

Timestamp Schedule::nextAfter(Timestamp after) const {
  if (after == time::kInvalidTimestamp) return 0;
  switch (kind) {
    case Kind::Manual: return 0;
    case Kind::Daily: return at.isValid() ? nextDaily(*this, after) : 0;
    case Kind::Weekly: return at.isValid() && weekday >= 1 && weekday <= 7 ? nextWeekly(*this, after) : 0;
    case Kind::HourlyWhileOpen: return offsetMinutes >= 0 && offsetMinutes < 60 ? nextHourly(*this, after) : 0;
    case Kind::EveryMinutes: return nextEvery(*this, after);
  }
  return 0;
}

std::string Schedule::describe() const {
  switch (kind) {
    case Kind::Manual: return "Manual (run now only)";
    case Kind::Daily:
      return (tradingDaysOnly ? QStringLiteral("Trading days %1 ET") : QStringLiteral("Daily %1 ET"))
          .arg(hhmm(at))
          .toStdString();
    case Kind::Weekly:
      return QStringLiteral("Weekly %1 %2 ET")
          .arg(QString::fromLatin1(kDayNames[static_cast<std::size_t>(std::clamp(weekday, 1, 7) - 1)]), hhmm(at))
          .toStdString();
    case Kind::HourlyWhileOpen:
      return offsetMinutes == 0 ? std::string("Hourly while open")
                                : QStringLiteral("Hourly while open (+%1 min)").arg(offsetMinutes).toStdString();
    case Kind::EveryMinutes:
      return QStringLiteral("Every %1 min%2").arg(everyMinutes).arg(onlyWhileOpen ? QStringLiteral(" while open") : QString())
          .toStdString();
  }
  return {};
}

bool Schedule::parse(const std::string& text, Schedule* out) {
  const QString t = QString::fromStdString(text).trimmed().toLower();
  const QStringList parts = t.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
  if (parts.isEmpty() || !out) return false;
  const auto time = [](const QString& s) { return QTime::fromString(s, QStringLiteral("H:mm")); };
  const QString& verb = parts[0];
  if (verb == QLatin1String("manual") && parts.size() == 1) {
    *out = manual();
    return true;
  }
  if ((verb == QLatin1String("daily") || verb == QLatin1String("daily-all")) && parts.size() == 2) {
    const QTime at = time(parts[1]);
    if (!at.isValid()) return false;
    *out = daily(at, verb == QLatin1String("daily"));
    return true;
  }
  if (verb == QLatin1String("weekly") && parts.size() == 3) {
    int day = 0;
    for (std::size_t i = 0; i < kDayNames.size(); ++i)
      if (parts[1] == QString::fromLatin1(kDayNames[i]).toLower()) day = static_cast<int>(i) + 1;
    const QTime at = time(parts[2]);
    if (day == 0 || !at.isValid()) return false;
    *out = weekly(day, at);
    return true;
  }
  if (verb == QLatin1String("hourly-open") && parts.size() <= 2) {
    int offset = 0;
    if (parts.size() == 2) {
      bool ok = false;
      offset = QString(parts[1]).remove(QLatin1Char('+')).toInt(&ok);
      if (!ok || offset < 0 || offset > 59) return false;
    }
    *out = hourlyWhileOpen(offset);
    return true;
  }
  if (verb == QLatin1String("every") && (parts.size() == 2 || (parts.size() == 3 && parts[2] == QLatin1String("open")))) {
    bool ok = false;
    const int minutes = QString(parts[1]).remove(QLatin1Char('m')).toInt(&ok);
    if (!ok || minutes < 1 || minutes > 7 * 24 * 60) return false;
    *out = every(minutes, parts.size() == 3);
    return true;
  }
  return false;
}

}  // namespace meridian::jobs
