#pragma once
// NYSE trading calendar: holidays, early closes and regular-session times, computed by rule.
//
// Supported range: 2000-01-01 .. 2035-12-31. Inside it, every day is classified once at construction into an
// immutable table (plus a sorted vector of sessions with their UTC open/close), so queries are O(1) or a binary
// search and never touch QTimeZone. Outside it, the same rules are evaluated on the fly (slower, but correct by
// rule: the modern holiday set extrapolated, with the historical start years noted below). One-off closures
// before 2000 (e.g. 1994 Nixon funeral) and historical rule variants (pre-1971 Monday holidays, Saturday
// trading, ...) are NOT modelled. Any date/Timestamp is accepted without crashing; see each function.
//
// Holiday rules (NYSE Rule 7.2):
//   New Year's Day Jan 1 (Sunday -> Monday Jan 2; Saturday -> not observed, Friday Dec 31 stays open),
//   Martin Luther King Jr. Day 3rd Monday of January (from 1998), Washington's Birthday 3rd Monday of February,
//   Good Friday (Easter Sunday - 2, anonymous Gregorian algorithm), Memorial Day last Monday of May,
//   Juneteenth June 19 (from 2022), Independence Day July 4, Labor Day 1st Monday of September,
//   Thanksgiving 4th Thursday of November, Christmas Dec 25.
//   Observed rule (all but New Year's Day): Saturday -> preceding Friday, Sunday -> following Monday.
// One-off closures (Sept 11, days of mourning, Hurricane Sandy) come from an explicit table in the .cpp.
//
// Early closes (13:00 ET):
//   July 3 when it is a Monday, Tuesday or Thursday (from 1995) or a Wednesday (from 2013). Together: a
//   weekday July 3 that is a trading day (Friday July 3 is the observed holiday when July 4 is a Saturday;
//   when July 4 is a Monday July 3 is a Sunday).
//   Before 2013, when July 4 was a Thursday the early close was Friday July 5 instead (1996-2012: only 2002 in
//   range), and Wednesday July 3 was a full day.
//   Day after Thanksgiving (from 1993). Christmas Eve Dec 24 Monday-Thursday (from 1999; a Friday Dec 24 is the
//   observed Christmas holiday). Plus a table of one-off early closes (2003-12-26).
// Regular session 09:30-16:00 America/New_York. Late opens and intraday halts are not modelled.
//
// Thread safety: instance() builds the calendar once (thread-safe static); it is immutable afterwards, so all
// const member functions may be called concurrently.
#include <QDate>
#include <QString>
#include <QTime>

#include <cstdint>
#include <optional>
#include <vector>

#include "core/domain/Types.h"
#include "core/time/TimeZones.h"

namespace meridian::time {

// One regular trading session. open/close are UTC ns; a Timestamp t is inside when open <= t < close.
struct Session {
  QDate date;  // trading date (exchange calendar date)
  Timestamp open = 0;
  Timestamp close = 0;
  bool earlyClose = false;
  friend bool operator==(const Session&, const Session&) = default;
};

class NyseCalendar {
 public:
  static constexpr int kFirstSupportedYear = 2000;
  static constexpr int kLastSupportedYear = 2035;
  // Session times, minutes after local (America/New_York) midnight.
  static constexpr int kOpenMinute = 9 * 60 + 30;         // 09:30
  static constexpr int kCloseMinute = 16 * 60;            // 16:00
  static constexpr int kEarlyCloseMinute = 13 * 60;       // 13:00

  // The process-wide calendar (built on first use, ~15 ms: 13k days classified, ~9k sessions converted).
  static const NyseCalendar& instance();

  NyseCalendar(const NyseCalendar&) = delete;
  NyseCalendar& operator=(const NyseCalendar&) = delete;

  // ---- Days (QDate = exchange calendar date; invalid QDate -> false / nullopt) ----
  bool isTradingDay(QDate date) const;
  // True for a weekday on which the exchange is closed (rule holiday, observed holiday or one-off closure).
  // Weekends are not holidays: a Saturday July 4 is not a holiday, the Friday before is.
  bool isHoliday(QDate date) const;
  // Name of the holiday when isHoliday(date), e.g. "Independence Day (observed)"; nullopt otherwise.
  std::optional<QString> holidayName(QDate date) const;
  // True for a trading day with a 13:00 ET close.
  bool isEarlyClose(QDate date) const;
  // First trading day strictly after / before `date`. Invalid QDate when none can be found (invalid input).
  QDate nextTradingDay(QDate date) const;
  QDate previousTradingDay(QDate date) const;

  // ---- Sessions (all Timestamps UTC ns) ----
  // The session of a trading day; nullopt for non-trading days and for dates whose session is outside the
  // Timestamp range (before 1678 / after 2261).
  std::optional<Session> session(QDate date) const;
  // Sessions of every trading day in [from, to] (inclusive), in date order. Empty when from > to or invalid.
  std::vector<Session> sessions(QDate from, QDate to) const;
  // True when t is inside a session (open inclusive, close exclusive).
  bool isOpen(Timestamp t) const;
  // The first session open strictly after t: before today's open -> today's open; during or after today's
  // session (including exactly at the open) -> the next session's open. kInvalidTimestamp if none.
  Timestamp nextOpen(Timestamp t) const;
  // The close of the session t is in, else the close of the next session (= first close strictly after t).
  // kInvalidTimestamp if none.
  Timestamp nextClose(Timestamp t) const;

  // ---- Helpers ----
  static bool isSupported(QDate date);
  // Easter Sunday (Gregorian, anonymous algorithm / Meeus-Jones-Butcher). Invalid QDate for year < 1.
  static QDate easterSunday(int year);

 private:
  enum class Status : std::uint8_t { Weekend, Holiday, Full, Early };
  // Why a day is closed (or early); indexes a name table in the .cpp.
  enum class Reason : std::uint8_t {
    None,
    NewYear,
    NewYearObserved,
    MartinLutherKing,
    WashingtonsBirthday,
    GoodFriday,
    MemorialDay,
    Juneteenth,
    JuneteenthObserved,
    IndependenceDay,
    IndependenceDayObserved,
    LaborDay,
    Thanksgiving,
    Christmas,
    ChristmasObserved,
    OneOff,  // see DayInfo::oneOff
  };
  struct DayInfo {
    std::int32_t sessionIndex = -1;  // into m_sessions, -1 when not a trading day
    Status status = Status::Weekend;
    Reason reason = Reason::None;
    std::uint8_t oneOff = 0;  // index into the one-off closure table when reason == OneOff
  };
  struct YearRules;

  NyseCalendar();
  static YearRules rulesForYear(int year);
  static DayInfo classify(QDate date, const YearRules& rules);
  static std::optional<Session> makeSession(QDate date, bool early);
  DayInfo dayInfo(QDate date) const;  // table when supported, rules otherwise

  qint64 m_firstJulianDay = 0;
  std::vector<DayInfo> m_days;        // one per day of the supported range
  std::vector<Session> m_sessions;    // trading days of the supported range, ascending
};

}  // namespace meridian::time
