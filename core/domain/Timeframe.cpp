#include "core/domain/Timeframe.h"

#include <algorithm>
#include <cctype>
#include <string>

namespace meridian::domain {

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
    case Timeframe::Minute1: return kNanosPerMinute;
    case Timeframe::Hour1: return kNanosPerHour;
    case Timeframe::Day1: return kNanosPerDay;
  }
  return kNanosPerDay;
}

}  // namespace meridian::domain
