#pragma once
// Bar resolutions. The storage naming of a series per timeframe, the daily bar key and the session rules live in
// core/marketdata/Timeframe.h.
#include "core/domain/Types.h"

#include <cstdint>
#include <optional>
#include <string_view>

namespace meridian::domain {

// The numeric values are stable (QComboBox item data, tests): new timeframes are appended, never inserted.
enum class Timeframe : std::uint8_t { Minute1, Hour1, Day1, Minute5, Minute15 };

// Every timeframe, finest first.
inline constexpr Timeframe kAllTimeframes[] = {Timeframe::Minute1, Timeframe::Minute5, Timeframe::Minute15,
                                               Timeframe::Hour1, Timeframe::Day1};

// Position in kAllTimeframes (0 = finest): the order to compare resolutions by (the enum values are not ordered).
int timeframeRank(Timeframe tf);

// "1m", "5m", "15m", "1h", "1d".
std::string_view toString(Timeframe tf);
// Accepts 1m/1min/minute, 5m/5min, 15m/15min, 1h/1hour/hour/60m, 1d/1day/day/daily (case-insensitive).
std::optional<Timeframe> timeframeFromString(std::string_view s);
// Nominal length (1d = 24 h; sessions are shorter, see marketdata::SessionCursor).
Timestamp nominalLength(Timeframe tf);

}  // namespace meridian::domain
