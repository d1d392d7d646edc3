#pragma once
// Bar timeframes handled by marketdata/ and the storage `source` naming rule that keeps them apart.
//
// Bar timestamp convention (every adapter, the CSV importer and the aggregator follow it):
//  * intraday bars (1m, 1h): ts = the bar's open instant, UTC ns;
//  * daily bars (1d): ts = the session open instant of the trading date, i.e. 09:30 America/New_York of that
//    date in UTC ns (e.g. 2024-01-02 -> 2024-01-02T14:30:00Z), whatever the vendor sends (Polygon/Alpaca key
//    daily bars at midnight ET, Yahoo at the open, CSV files carry a bare date). For a date that is not an NYSE
//    trading day the same 09:30 ET rule applies, so foreign or odd data still gets one stable key per date.
#include "core/domain/Types.h"

#include <QDate>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace meridian::marketdata {

using domain::Timestamp;

enum class Timeframe : std::uint8_t { Minute1, Hour1, Day1 };

// "1m", "1h", "1d".
std::string_view toString(Timeframe tf);
// Accepts 1m/1min/minute, 1h/1hour/hour, 1d/1day/day (case-insensitive).
std::optional<Timeframe> timeframeFromString(std::string_view s);
// Nominal length (1d = 24 h; sessions are shorter, see SessionCursor).
Timestamp nominalLength(Timeframe tf);

// Storage source tag of a series: vendor + "_adjusted" when split/dividend adjusted + "_1h"/"_1m" for intraday.
// yahoo, yahoo_adjusted, yahoo_adjusted_1h, polygon_1m, alpaca_adjusted, ...
std::string sourceName(std::string_view vendor, bool adjusted, Timeframe tf);

// The daily bar key of an exchange date: its session open (09:30 ET, UTC ns; see above).
Timestamp dailyBarTs(QDate exchangeDate);
// The daily bar key of the exchange (America/New_York) date that t falls on.
Timestamp dailyBarTsOf(Timestamp t);
// First and last exchange dates whose daily key lies in [from, to) (for vendors taking inclusive date bounds).
// first > last when there is none.
std::pair<QDate, QDate> dailyDateRange(Timestamp from, Timestamp to);

}  // namespace meridian::marketdata
