#pragma once
// Schedule: when a job runs, evaluated in the exchange time zone (America/New_York) with the NYSE calendar.
//
//   daily(16:30)              every NYSE trading day at 16:30 ET (daily(t, false): every calendar day)
//   weekly(Saturday, 06:00)   once a week on that ISO weekday (1 = Monday .. 7 = Sunday) at the wall time
//   hourlyWhileOpen(2)        during each regular session at open + 1 h + 2 min, open + 2 h + 2 min, ... strictly
//                             before the close (10:32, 11:32, ..., 15:32 on a full day; 10:32..12:32 on an early
//                             close): one run per completed session-aligned hour, never while the market is closed
//   every(15)                 every 15 minutes on the UTC epoch grid (every(15, true): only while the market is open)
//   manual()                  never by itself; run-now only
//
// Wall times that do not exist or happen twice on DST days follow TimeZones::fromExchange (gap: shifted forward;
// overlap: the first occurrence), so a daily 02:30 job runs exactly once on both transition days.
#include <QTime>

#include <string>

#include "core/domain/Types.h"

namespace meridian::jobs {

using domain::Timestamp;

struct Schedule {
  enum class Kind { Manual, Daily, Weekly, HourlyWhileOpen, EveryMinutes };

  Kind kind = Kind::Manual;
  QTime at;                      // Daily / Weekly: wall-clock time in America/New_York
  int weekday = 1;               // Weekly: ISO weekday, 1 = Monday .. 7 = Sunday
  bool tradingDaysOnly = true;   // Daily: only NYSE trading days
  int offsetMinutes = 0;         // HourlyWhileOpen: minutes after each session-aligned hour (0..59)
  int everyMinutes = 0;          // EveryMinutes: period (>= 1)
  bool onlyWhileOpen = false;    // EveryMinutes: skip instants outside the regular session

  static Schedule manual() { return {}; }
  static Schedule daily(QTime at, bool tradingDaysOnly = true);
  static Schedule weekly(int isoWeekday, QTime at);
  static Schedule hourlyWhileOpen(int offsetMinutes = 0);
  static Schedule every(int minutes, bool onlyWhileOpen = false);

  bool isManual() const { return kind == Kind::Manual; }
  // First scheduled instant strictly after `after` (UTC ns); 0 for manual / invalid schedules or when nothing
  // is found within a year.
  Timestamp nextAfter(Timestamp after) const;
  // Human-readable, e.g. "Trading days 16:30 ET", "Sat 06:00 ET", "Hourly while open (+2 min)", "Every 15 min".
  std::string describe() const;
  // Parses the describe()-independent config syntax used by jobs.<name>.schedule:
  //   "daily HH:MM" | "daily-all HH:MM" | "weekly <Mon..Sun> HH:MM" | "hourly-open [+M]" | "every N[m] [open]" |
  //   "manual". Returns false (and leaves *out untouched) on malformed text.
  static bool parse(const std::string& text, Schedule* out);
};

}  // namespace meridian::jobs
