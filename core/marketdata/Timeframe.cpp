#include "core/marketdata/Timeframe.h"

#include "core/time/NyseCalendar.h"
#include "core/time/TimeZones.h"

#include <algorithm>
#include <cctype>

namespace meridian::marketdata {

std::string_view toString(Timeframe tf) {
  switch (tf) {
    case Timeframe::Minute1: return "1m";
    case Timeframe::Hour1: return "1h";
    case Timeframe::Day1: return "1d";
  }
  return "?";
}

std::optional<Timeframe> timeframeFromString(std::string_view s) {
  std::string v(s);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  if (v == "1m" || v == "1min" || v == "minute" || v == "1minute") return Timeframe::Minute1;
  if (v == "1h" || v == "1hour" || v == "hour" || v == "60m") return Timeframe::Hour1;
  if (v == "1d" || v == "1day" || v == "day" || v == "daily") return Timeframe::Day1;
  return std::nullopt;
}

Timestamp nominalLength(Timeframe tf) {
  switch (tf) {
    case Timeframe::Minute1: return domain::kNanosPerMinute;
    case Timeframe::Hour1: return domain::kNanosPerHour;
    case Timeframe::Day1: return domain::kNanosPerDay;
  }
  return domain::kNanosPerDay;
}

std::string sourceName(std::string_view vendor, bool adjusted, Timeframe tf) {
  std::string s(vendor);
  if (adjusted) s += "_adjusted";
  if (tf == Timeframe::Hour1) s += "_1h";
  if (tf == Timeframe::Minute1) s += "_1m";
  return s;
}

Timestamp dailyBarTs(QDate exchangeDate) {
  if (!exchangeDate.isValid()) return time::kInvalidTimestamp;
  if (auto s = time::NyseCalendar::instance().session(exchangeDate)) return s->open;  // O(1) inside 2000-2035
  return time::TimeZones::fromExchange(exchangeDate, QTime(9, 30));
}

Timestamp dailyBarTsOf(Timestamp t) { return dailyBarTs(time::TimeZones::exchangeDate(t)); }

std::pair<QDate, QDate> dailyDateRange(Timestamp from, Timestamp to) {
  QDate first = time::TimeZones::exchangeDate(from);
  if (dailyBarTs(first) < from) first = first.addDays(1);
  QDate last = time::TimeZones::exchangeDate(to - 1);
  if (dailyBarTs(last) >= to) last = last.addDays(-1);
  return {first, last};
}

}  // namespace meridian::marketdata
