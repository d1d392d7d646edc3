#pragma once
// Bar timeframes (domain::Timeframe) in marketdata/: the storage `source` naming rule that keeps them apart and the
// daily bar key.
//
// Bar timestamp convention (every adapter, the CSV importer and the aggregator follow it):
//  * intraday bars (1m, 5m, 15m, 1h): ts = the bar's open instant, UTC ns;
//  * daily bars (1d): ts = the session open instant of the trading date, i.e. 09:30 America/New_York of that
//    date in UTC ns (e.g. 2024-01-02 -> 2024-01-02T14:30:00Z), whatever the vendor sends (Polygon/Alpaca key
//    daily bars at midnight ET, Yahoo at the open, CSV files carry a bare date). For a date that is not an NYSE
//    trading day the same 09:30 ET rule applies, so foreign or odd data still gets one stable key per date.
#include "core/domain/Timeframe.h"
#include "core/domain/Types.h"

#include <QDate>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace meridian::marketdata {

using domain::Timestamp;

using domain::Timeframe;
using domain::timeframeFromString;
using domain::nominalLength;
using domain::toString;

// Storage source tag of a series: vendor + "_adjusted" when split- and dividend-adjusted (Yahoo, Alpaca, CSV with
// Adj Close), "_split_adjusted" for Polygon's adjusted bars (splits only: Polygon's adjusted=true applies no
// dividends) + "_1h"/"_15m"/"_5m"/"_1m" for intraday. yahoo, yahoo_adjusted, yahoo_adjusted_1h, polygon_1m,
// polygon_split_adjusted, alpaca_adjusted, ... (+ "_5m"/"_15m" for 5- and 15-minute bars: yahoo_5m, csv_adjusted_15m).
std::string sourceName(std::string_view vendor, bool adjusted, Timeframe tf);
// What a source tag's prices are: "unadjusted", "split- and dividend-adjusted" or "split-adjusted (no dividends)".
std::string_view adjustmentOfSource(std::string_view source);
// The timeframe a source tag names ("..._1h" -> Hour1, "..._15m" -> Minute15, "..._5m" -> Minute5,
// "..._1m" -> Minute1, else Day1).
Timeframe timeframeOfSource(std::string_view source);

// The daily bar key of an exchange date: its session open (09:30 ET, UTC ns; see above).
Timestamp dailyBarTs(QDate exchangeDate);
// The daily bar key of the exchange (America/New_York) date that t falls on.
Timestamp dailyBarTsOf(Timestamp t);
// First and last exchange dates whose daily key lies in [from, to) (for vendors taking inclusive date bounds).
// first > last when there is none.
std::pair<QDate, QDate> dailyDateRange(Timestamp from, Timestamp to);

}  // namespace meridian::marketdata
