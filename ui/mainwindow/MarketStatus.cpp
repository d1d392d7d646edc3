#include "ui/mainwindow/MarketStatus.h"

#include <QDateTime>

#include "core/time/NyseCalendar.h"
#include "core/time/TimeZones.h"

namespace meridian::ui {

bool marketIsOpen(domain::Timestamp now) { return time::NyseCalendar::instance().isOpen(now); }

QString marketStatusText(domain::Timestamp now) {
  const auto& cal = time::NyseCalendar::instance();
  if (cal.isOpen(now)) {
    const domain::Timestamp close = cal.nextClose(now);
    if (close == time::kInvalidTimestamp) return QStringLiteral("NYSE OPEN");
    return QStringLiteral("NYSE OPEN · closes %1 ET").arg(time::TimeZones::formatExchange(close, QStringLiteral("HH:mm")));
  }
  const domain::Timestamp open = cal.nextOpen(now);
  if (open == time::kInvalidTimestamp) return QStringLiteral("NYSE CLOSED");
  // Within a week the weekday is unambiguous; further out (long holiday gaps never exceed that) add the date.
  const bool withinWeek = open - now < 6 * domain::kNanosPerDay;
  const QString when = time::TimeZones::formatExchange(
      open, withinWeek ? QStringLiteral("ddd HH:mm") : QStringLiteral("ddd MMM d HH:mm"));
  return QStringLiteral("NYSE CLOSED · opens %1 ET").arg(when);
}

QString clockText(domain::Timestamp now) {
  return time::TimeZones::formatDisplay(now, QStringLiteral("yyyy-MM-dd HH:mm:ss t"));
}

}  // namespace meridian::ui
