#include "core/time/NyseCalendar.h"

#include <algorithm>
#include <array>
#include <utility>

namespace meridian::time {

namespace {

// ---------------------------------------------------------------------------------------------------------------
// One-off (non rule-based) NYSE schedule changes inside the supported range 2000-2035.
// These are the only hard-coded dates; every regular holiday and early close is computed by rule.
// Add new entries here when NYSE announces an unscheduled closure (e.g. a national day of mourning).
// Sources: NYSE "Holidays & Trading Hours" and the NYSE historical closings record.
// ---------------------------------------------------------------------------------------------------------------
struct OneOffDay {
  int year;
  int month;
  int day;
  const char* name;
};

// Full-day closures.
constexpr OneOffDay kOneOffClosures[] = {
    {2001, 9, 11, "September 11 attacks"},
    {2001, 9, 12, "September 11 attacks"},
    {2001, 9, 13, "September 11 attacks"},
    {2001, 9, 14, "September 11 attacks"},
    {2004, 6, 11, "National Day of Mourning for President Ronald Reagan"},
    {2007, 1, 2, "National Day of Mourning for President Gerald R. Ford"},
    {2012, 10, 29, "Hurricane Sandy"},
    {2012, 10, 30, "Hurricane Sandy"},
    {2018, 12, 5, "National Day of Mourning for President George H. W. Bush"},
    {2025, 1, 9, "National Day of Mourning for President Jimmy Carter"},
};

// Early closes (13:00 ET) that no rule produces.
constexpr OneOffDay kOneOffEarlyCloses[] = {
    {2003, 12, 26, "Day after Christmas"},
};

template <std::size_t N>
int findOneOff(const OneOffDay (&table)[N], QDate date) {
  for (std::size_t i = 0; i < N; ++i) {
    if (table[i].year == date.year() && table[i].month == date.month() && table[i].day == date.day()) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

static_assert(std::size(kOneOffClosures) < 256, "DayInfo::oneOff is a uint8_t");

// Weekday numbers as returned by QDate::dayOfWeek().
constexpr int kMonday = 1;
constexpr int kTuesday = 2;
constexpr int kWednesday = 3;
constexpr int kThursday = 4;
constexpr int kFriday = 5;
constexpr int kSaturday = 6;
constexpr int kSunday = 7;

// n-th (1-based) `weekday` of year/month.
QDate nthWeekday(int year, int month, int weekday, int n) {
  const QDate first(year, month, 1);
  const int offset = (weekday - first.dayOfWeek() + 7) % 7;
  return first.addDays(offset + 7 * (n - 1));
}

// Last `weekday` of year/month.
QDate lastWeekday(int year, int month, int weekday) {
  const QDate first(year, month, 1);
  const QDate last(year, month, first.daysInMonth());
  return last.addDays(-((last.dayOfWeek() - weekday + 7) % 7));
}

// Searching for the next/previous trading day or session never needs more than a few days (the longest gap in
// range is 2001-09-10 .. 2001-09-17); the bound only guarantees termination for pathological input.
constexpr int kMaxSearchDays = 366;

}  // namespace

// Holidays and early closes of one calendar year, computed by rule (no one-off entries).
struct NyseCalendar::YearRules {
  int year = 0;
  std::array<std::pair<QDate, Reason>, 12> holidays{};
  int holidayCount = 0;
  std::array<QDate, 4> earlyCloses{};
  int earlyCount = 0;

  void addHoliday(QDate d, Reason why) { holidays[static_cast<std::size_t>(holidayCount++)] = {d, why}; }
  void addEarly(QDate d) { earlyCloses[static_cast<std::size_t>(earlyCount++)] = d; }
  // Saturday -> preceding Friday, Sunday -> following Monday.
  void addObserved(QDate d, Reason actual, Reason observed) {
    if (d.dayOfWeek() == kSaturday) {
      addHoliday(d.addDays(-1), observed);
    } else if (d.dayOfWeek() == kSunday) {
      addHoliday(d.addDays(1), observed);
    } else {
      addHoliday(d, actual);
    }
  }
};

// ---- Construction ----------------------------------------------------------------------------------------------

const NyseCalendar& NyseCalendar::instance() {
  static const NyseCalendar calendar;
  return calendar;
}

NyseCalendar::NyseCalendar() {
  const QDate first(kFirstSupportedYear, 1, 1);
  const QDate last(kLastSupportedYear, 12, 31);
  m_firstJulianDay = first.toJulianDay();
  m_days.reserve(static_cast<std::size_t>(last.toJulianDay() - m_firstJulianDay + 1));
  m_sessions.reserve(static_cast<std::size_t>(kLastSupportedYear - kFirstSupportedYear + 1) * 253);

  for (int year = kFirstSupportedYear; year <= kLastSupportedYear; ++year) {
    const YearRules rules = rulesForYear(year);
    const QDate yearEnd(year, 12, 31);
    for (QDate d(year, 1, 1); d <= yearEnd; d = d.addDays(1)) {
      DayInfo info = classify(d, rules);
      if (info.status == Status::Full || info.status == Status::Early) {
        if (const auto s = makeSession(d, info.status == Status::Early)) {
          info.sessionIndex = static_cast<std::int32_t>(m_sessions.size());
          m_sessions.push_back(*s);
        }
      }
      m_days.push_back(info);
    }
  }
}

// ---- Rules -----------------------------------------------------------------------------------------------------

QDate NyseCalendar::easterSunday(int year) {
  if (year < 1) return {};
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  const int a = year % 19;
  const int b = year / 100;
  const int c = year % 100;
  const int d = b / 4;
  const int e = b % 4;
  const int f = (b + 8) / 25;
  const int g = (b - f + 1) / 3;
  const int h = (19 * a + b - d - g + 15) % 30;
  const int i = c / 4;
  const int k = c % 4;
  const int l = (32 + 2 * e + 2 * i - h - k) % 7;
  const int m = (a + 11 * h + 22 * l) / 451;
  const int month = (h + l - 7 * m + 114) / 31;
  const int day = ((h + l - 7 * m + 114) % 31) + 1;
  return QDate(year, month, day);
}

NyseCalendar::YearRules NyseCalendar::rulesForYear(int year) {
  YearRules r;
  r.year = year;
  if (year < 1) return r;  // no year 0 in QDate; the rules are meaningless there anyway

  // New Year's Day: Sunday -> Monday; Saturday -> not observed (Rule 7.2 exception: end of the accounting year).
  const QDate newYear(year, 1, 1);
  if (newYear.dayOfWeek() == kSunday) {
    r.addHoliday(newYear.addDays(1), Reason::NewYearObserved);
  } else if (newYear.dayOfWeek() != kSaturday) {
    r.addHoliday(newYear, Reason::NewYear);
  }
  if (year >= 1998) r.addHoliday(nthWeekday(year, 1, kMonday, 3), Reason::MartinLutherKing);
  r.addHoliday(nthWeekday(year, 2, kMonday, 3), Reason::WashingtonsBirthday);
  r.addHoliday(easterSunday(year).addDays(-2), Reason::GoodFriday);
  r.addHoliday(lastWeekday(year, 5, kMonday), Reason::MemorialDay);
  if (year >= 2022) r.addObserved(QDate(year, 6, 19), Reason::Juneteenth, Reason::JuneteenthObserved);
  r.addObserved(QDate(year, 7, 4), Reason::IndependenceDay, Reason::IndependenceDayObserved);
  r.addHoliday(nthWeekday(year, 9, kMonday, 1), Reason::LaborDay);
  const QDate thanksgiving = nthWeekday(year, 11, kThursday, 4);
  r.addHoliday(thanksgiving, Reason::Thanksgiving);
  r.addObserved(QDate(year, 12, 25), Reason::Christmas, Reason::ChristmasObserved);

  // Early closes. classify() only applies them to trading days.
  const QDate july3(year, 7, 3);
  const int july3Dow = july3.dayOfWeek();
  if ((year >= 1995 && (july3Dow == kMonday || july3Dow == kTuesday || july3Dow == kThursday)) ||
      (year >= 2013 && july3Dow == kWednesday)) {
    r.addEarly(july3);
  }
  const QDate july5(year, 7, 5);
  if (year >= 1996 && year <= 2012 && july5.dayOfWeek() == kFriday) r.addEarly(july5);  // July 4 on Thursday
  if (year >= 1993) r.addEarly(thanksgiving.addDays(1));
  const QDate christmasEve(year, 12, 24);
  if (year >= 1999 && christmasEve.dayOfWeek() <= kThursday) r.addEarly(christmasEve);
  return r;
}

NyseCalendar::DayInfo NyseCalendar::classify(QDate date, const YearRules& rules) {
  DayInfo info;
  if (const int i = findOneOff(kOneOffClosures, date); i >= 0) {
    info.status = Status::Holiday;
    info.reason = Reason::OneOff;
    info.oneOff = static_cast<std::uint8_t>(i);
    return info;
  }
  if (date.dayOfWeek() >= kSaturday) return info;  // Weekend
  for (int i = 0; i < rules.holidayCount; ++i) {
    const auto& [day, why] = rules.holidays[static_cast<std::size_t>(i)];
    if (day == date) {
      info.status = Status::Holiday;
      info.reason = why;
      return info;
    }
  }
  info.status = Status::Full;
  const auto earlyEnd = rules.earlyCloses.begin() + rules.earlyCount;
  if (std::find(rules.earlyCloses.begin(), earlyEnd, date) != earlyEnd ||
      findOneOff(kOneOffEarlyCloses, date) >= 0) {
    info.status = Status::Early;
  }
  return info;
}

std::optional<Session> NyseCalendar::makeSession(QDate date, bool early) {
  const int closeMinute = early ? kEarlyCloseMinute : kCloseMinute;
  const Timestamp open = TimeZones::fromExchange(date, QTime(kOpenMinute / 60, kOpenMinute % 60));
  const Timestamp close = TimeZones::fromExchange(date, QTime(closeMinute / 60, closeMinute % 60));
  if (open == kInvalidTimestamp || close == kInvalidTimestamp) return std::nullopt;
  return Session{date, open, close, early};
}

NyseCalendar::DayInfo NyseCalendar::dayInfo(QDate date) const {
  if (isSupported(date)) return m_days[static_cast<std::size_t>(date.toJulianDay() - m_firstJulianDay)];
  return classify(date, rulesForYear(date.year()));
}

bool NyseCalendar::isSupported(QDate date) {
  return date.isValid() && date.year() >= kFirstSupportedYear && date.year() <= kLastSupportedYear;
}

// ---- Days ------------------------------------------------------------------------------------------------------

bool NyseCalendar::isTradingDay(QDate date) const {
  if (!date.isValid()) return false;
  const Status s = dayInfo(date).status;
  return s == Status::Full || s == Status::Early;
}

bool NyseCalendar::isHoliday(QDate date) const {
  return date.isValid() && dayInfo(date).status == Status::Holiday;
}

std::optional<QString> NyseCalendar::holidayName(QDate date) const {
  if (!date.isValid()) return std::nullopt;
  const DayInfo info = dayInfo(date);
  if (info.status != Status::Holiday) return std::nullopt;
  const char* name = nullptr;
  switch (info.reason) {
    case Reason::NewYear: name = "New Year's Day"; break;
    case Reason::NewYearObserved: name = "New Year's Day (observed)"; break;
    case Reason::MartinLutherKing: name = "Martin Luther King, Jr. Day"; break;
    case Reason::WashingtonsBirthday: name = "Washington's Birthday"; break;
    case Reason::GoodFriday: name = "Good Friday"; break;
    case Reason::MemorialDay: name = "Memorial Day"; break;
    case Reason::Juneteenth: name = "Juneteenth National Independence Day"; break;
    case Reason::JuneteenthObserved: name = "Juneteenth National Independence Day (observed)"; break;
    case Reason::IndependenceDay: name = "Independence Day"; break;
    case Reason::IndependenceDayObserved: name = "Independence Day (observed)"; break;
    case Reason::LaborDay: name = "Labor Day"; break;
    case Reason::Thanksgiving: name = "Thanksgiving Day"; break;
    case Reason::Christmas: name = "Christmas Day"; break;
    case Reason::ChristmasObserved: name = "Christmas Day (observed)"; break;
    case Reason::OneOff: name = kOneOffClosures[info.oneOff].name; break;
    case Reason::None: return std::nullopt;
  }
  return QString::fromLatin1(name);
}

bool NyseCalendar::isEarlyClose(QDate date) const {
  return date.isValid() && dayInfo(date).status == Status::Early;
}

QDate NyseCalendar::nextTradingDay(QDate date) const {
  if (!date.isValid()) return {};
  for (int i = 1; i <= kMaxSearchDays; ++i) {
    const QDate d = date.addDays(i);
    if (isTradingDay(d)) return d;
  }
  return {};
}

QDate NyseCalendar::previousTradingDay(QDate date) const {
  if (!date.isValid()) return {};
  for (int i = 1; i <= kMaxSearchDays; ++i) {
    const QDate d = date.addDays(-i);
    if (isTradingDay(d)) return d;
  }
  return {};
}

// ---- Sessions --------------------------------------------------------------------------------------------------

std::optional<Session> NyseCalendar::session(QDate date) const {
  if (!date.isValid()) return std::nullopt;
  const DayInfo info = dayInfo(date);
  if (info.status != Status::Full && info.status != Status::Early) return std::nullopt;
  if (info.sessionIndex >= 0) return m_sessions[static_cast<std::size_t>(info.sessionIndex)];
  return makeSession(date, info.status == Status::Early);
}

std::vector<Session> NyseCalendar::sessions(QDate from, QDate to) const {
  std::vector<Session> out;
  if (!from.isValid() || !to.isValid() || from > to) return out;
  const QDate tableLast(kLastSupportedYear, 12, 31);
  QDate d = from;
  while (true) {
    if (isSupported(d)) {  // copy the whole in-table stretch at once
      const QDate end = std::min(to, tableLast);
      const auto lo = std::lower_bound(m_sessions.begin(), m_sessions.end(), d,
                                       [](const Session& s, QDate v) { return s.date < v; });
      const auto hi = std::upper_bound(lo, m_sessions.end(), end,
                                       [](QDate v, const Session& s) { return v < s.date; });
      out.insert(out.end(), lo, hi);
      if (end == to) break;
      d = end.addDays(1);
      continue;
    }
    if (const auto s = session(d)) out.push_back(*s);  // outside the table: by rule, day by day
    if (d == to) break;  // do not step past `to` (nor past QDate's maximum)
    d = d.addDays(1);
  }
  return out;
}

bool NyseCalendar::isOpen(Timestamp t) const {
  if (t == kInvalidTimestamp) return false;
  if (!m_sessions.empty() && t >= m_sessions.front().open && t < m_sessions.back().close) {
    auto it = std::upper_bound(m_sessions.begin(), m_sessions.end(), t,
                               [](Timestamp v, const Session& s) { return v < s.open; });
    if (it == m_sessions.begin()) return false;
    --it;
    return t < it->close;
  }
  const auto s = session(TimeZones::exchangeDate(t));
  return s && t >= s->open && t < s->close;
}

Timestamp NyseCalendar::nextOpen(Timestamp t) const {
  if (t == kInvalidTimestamp) return kInvalidTimestamp;
  // In-table fast path: every session before the table opens before t, the answer lies inside the table.
  if (!m_sessions.empty() && t >= m_sessions.front().open && t < m_sessions.back().open) {
    const auto it = std::upper_bound(m_sessions.begin(), m_sessions.end(), t,
                                     [](Timestamp v, const Session& s) { return v < s.open; });
    return it->open;
  }
  // By rule: no session before t's exchange date can open after t.
  QDate d = TimeZones::exchangeDate(t);
  for (int i = 0; d.isValid() && i <= kMaxSearchDays; ++i, d = d.addDays(1)) {
    if (const auto s = session(d); s && s->open > t) return s->open;
  }
  return kInvalidTimestamp;
}

Timestamp NyseCalendar::nextClose(Timestamp t) const {
  if (t == kInvalidTimestamp) return kInvalidTimestamp;
  // Sessions do not overlap, so "current session's close, else next session's close" = first close > t.
  if (!m_sessions.empty() && t >= m_sessions.front().open && t < m_sessions.back().close) {
    const auto it = std::upper_bound(m_sessions.begin(), m_sessions.end(), t,
                                     [](Timestamp v, const Session& s) { return v < s.close; });
    return it->close;
  }
  QDate d = TimeZones::exchangeDate(t);
  for (int i = 0; d.isValid() && i <= kMaxSearchDays; ++i, d = d.addDays(1)) {
    if (const auto s = session(d); s && s->close > t) return s->close;
  }
  return kInvalidTimestamp;
}

}  // namespace meridian::time
