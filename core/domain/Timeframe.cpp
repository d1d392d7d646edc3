#include "core/domain/Timeframe.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <string>

namespace meridian::domain {

std::string_view toString(Timeframe tf) {
  switch (tf) {
    case Timeframe::Minute1: return "1m";
    case Timeframe::Minute5: return "5m";
    case Timeframe::Minute15: return "15m";
    case Timeframe::Hour1: return "1h";
    case Timeframe::Day1: return "1d";
  }
  return "?";
}

std::optional<Timeframe> timeframeFromString(std::string_view s) {
  std::string v(s);
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return char(std::tolower(c)); });
  if (v == "1m" || v == "1min" || v == "minute" || v == "1minute") return Timeframe::Minute1;
  if (v == "5m" || v == "5min" || v == "5minute" || v == "5minutes") return Timeframe::Minute5;
  if (v == "15m" || v == "15min" || v == "15minute" || v == "15minutes") return Timeframe::Minute15;
  if (v == "1h" || v == "1hour" || v == "hour" || v == "60m") return Timeframe::Hour1;
  if (v == "1d" || v == "1day" || v == "day" || v == "daily") return Timeframe::Day1;
  return std::nullopt;
}

int timeframeRank(Timeframe tf) {
  for (int i = 0; i < int(std::size(kAllTimeframes)); ++i)
    if (kAllTimeframes[i] == tf) return i;
  return int(std::size(kAllTimeframes)) - 1;
}

Timestamp nominalLength(Timeframe tf) {
  switch (tf) {
    case Timeframe::Minute1: return kNanosPerMinute;
    case Timeframe::Minute5: return 5 * kNanosPerMinute;
    case Timeframe::Minute15: return 15 * kNanosPerMinute;
    case Timeframe::Hour1: return kNanosPerHour;
    case Timeframe::Day1: return kNanosPerDay;
  }
  return kNanosPerDay;
}

}  // namespace meridian::domain
