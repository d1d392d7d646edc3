#pragma once
// Calendar arithmetic and wall-clock -> UTC conversion for hot paths (the bar reader): plain integers, no QDate,
// QDateTime or QTimeZone per call.
//
// - daysFromCivil / isValidCivilDate: proleptic Gregorian calendar (core/domain/Calendar.h), days since 1970-01-01.
// - LocalTimeResolver: wall-clock seconds in one zone -> UTC seconds, with exactly the rules of
//   TimeZones::fromZone (gap: the pre-transition offset, i.e. shifted forward; overlap: the first occurrence).
//   It asks QTimeZone once per zone and calendar year (the offset at the year's start and the year's transitions;
//   a process-wide cache shared by all resolvers) and answers every other call from that table. One resolver per
//   thread (the resolver is not thread-safe; the cache is); cheap to create.
#include "core/domain/Calendar.h"
#include "core/domain/Types.h"

#include <QByteArray>
#include <QTimeZone>

#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

namespace meridian::time {

// The proleptic Gregorian rules live in core/domain/Calendar.h (Qt-free, shared with analytics).
using domain::daysFromCivil;
using domain::daysInMonth;
using domain::isLeapYear;
using domain::isValidCivilDate;

// Seconds + nanoseconds -> Timestamp; nullopt outside the int64 nanosecond range (1677-09-21 .. 2262-04-11).
// Inline: the CSV reader calls it for every row.
inline std::optional<domain::Timestamp> timestampFromSeconds(std::int64_t seconds, std::int64_t nanos) {
  std::int64_t ns = 0;
  if (__builtin_mul_overflow(seconds, domain::kNanosPerSecond, &ns)) return std::nullopt;
  if (__builtin_add_overflow(ns, nanos, &ns)) return std::nullopt;
  if (ns == std::numeric_limits<std::int64_t>::min()) return std::nullopt;  // kInvalidTimestamp
  return ns;
}

class LocalTimeResolver {
 public:
  explicit LocalTimeResolver(const QTimeZone& zone);
  bool isValid() const { return m_zone.isValid(); }
  // Wall-clock seconds since 1970-01-01T00:00 (as if the wall clock were UTC) -> UTC seconds.
  std::int64_t toUtcSeconds(std::int64_t localSeconds);

 private:
  struct Transition {
    std::int64_t utc;  // instant of the transition, UTC seconds
    int before;        // offset (seconds east of UTC) in force before it
    int after;         // and from it on
  };
  struct Year {
    int year = 0;
    bool loaded = false;
    std::int64_t localStart = 0, localEnd = 0;  // wall-clock seconds of Jan 1 and of the next Jan 1
    int initial = 0;  // offset in force at the start of the covered span
    std::vector<Transition> transitions;
  };
  const Year& yearOf(std::int64_t localSeconds);
  void load(Year& y, int year);          // from the process-wide cache, else loadFromZone
  void loadFromZone(Year& y, int year);

  QTimeZone m_zone;
  bool m_fixed = false;
  int m_fixedOffset = 0;
  std::vector<Year> m_years;  // indexed by year - m_firstYear
  int m_firstYear = 0;
  std::size_t m_last = 0;
};

}  // namespace meridian::time
