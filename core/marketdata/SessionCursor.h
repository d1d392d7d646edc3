#pragma once
// Cached "which exchange day / session is t in" lookups for per-tick code (aggregator, simulated feed).
//
// A miss costs one QTimeZone conversion and a calendar lookup; hits (t inside the cached exchange day) are a
// couple of comparisons, so a stream of time-ordered ticks costs O(1) per tick. Not thread-safe: one per thread.
#include "core/domain/Types.h"

#include <QDate>

namespace meridian::marketdata {

using domain::Timestamp;

class SessionCursor {
 public:
  struct Day {
    QDate date;                 // exchange (America/New_York) calendar date
    Timestamp dayStart = 0;     // 00:00 ET of date (UTC ns)
    Timestamp dayEnd = 0;       // 00:00 ET of the next date
    bool trading = false;       // NYSE trading day
    bool earlyClose = false;
    Timestamp open = 0;         // session open (trading days) or 09:30 ET (other days)
    Timestamp close = 0;        // session close (trading days) or == open (other days: an empty session)
    bool inSession(Timestamp t) const { return trading && t >= open && t < close; }
  };

  // The exchange day containing t.
  const Day& dayOf(Timestamp t) {
    if (!m_valid || t < m_day.dayStart || t >= m_day.dayEnd) load(t);
    return m_day;
  }
  bool isOpen(Timestamp t) { return dayOf(t).inSession(t); }

 private:
  void load(Timestamp t);
  Day m_day;
  bool m_valid = false;
};

}  // namespace meridian::marketdata
