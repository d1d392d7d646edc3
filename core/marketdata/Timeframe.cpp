#include "core/marketdata/Timeframe.h"

#include "core/time/NyseCalendar.h"
#include "core/time/TimeZones.h"


namespace meridian::marketdata {

std::string sourceName(std::string_view vendor, bool adjusted, Timeframe tf) {
  std::string s(vendor);
  // Polygon's adjusted=true applies splits only; Yahoo's and Alpaca's (adjustment=all) adjusted series include
  // dividends. The tag says which, so the two never share a name.
  if (adjusted) s += vendor == "polygon" ? "_split_adjusted" : "_adjusted";
  if (tf != Timeframe::Day1) (s += '_') += toString(tf);  // _1m, _5m, _15m, _1h
  return s;
}

std::string_view adjustmentOfSource(std::string_view source) {
  if (source.find("_split_adjusted") != std::string_view::npos) return "split-adjusted (no dividends)";
  if (source.find("_adjusted") != std::string_view::npos) return "split- and dividend-adjusted";
  return "unadjusted";
}

Timeframe timeframeOfSource(std::string_view source) {
  for (Timeframe tf : domain::kAllTimeframes)
    if (tf != Timeframe::Day1 && source.size() > toString(tf).size() + 1 && source.ends_with(toString(tf)) &&
        source[source.size() - toString(tf).size() - 1] == '_')
      return tf;
  return Timeframe::Day1;
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
