#include "core/marketdata/SessionCursor.h"

#include "core/time/NyseCalendar.h"
#include "core/time/TimeZones.h"

namespace meridian::marketdata {

void SessionCursor::load(Timestamp t) {
  Day d;
  d.date = time::TimeZones::exchangeDate(t);
  d.dayStart = time::TimeZones::fromExchange(d.date, QTime(0, 0));
  d.dayEnd = time::TimeZones::fromExchange(d.date.addDays(1), QTime(0, 0));
  if (auto s = time::NyseCalendar::instance().session(d.date)) {
    d.trading = true;
    d.earlyClose = s->earlyClose;
    d.open = s->open;
    d.close = s->close;
  } else {
    d.open = time::TimeZones::fromExchange(d.date, QTime(9, 30));
    d.close = d.open;
  }
  m_day = d;
  m_valid = true;
}

}  // namespace meridian::marketdata
