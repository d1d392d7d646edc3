#pragma once
// Screener criteria: which symbols pass (filters), in which order (sort), how many (limit).
//
// Units: price and volumes as stored; market cap in the currency of the key statistics; percentage changes,
// volatility and "vs SMA20" in percent (5 = +5 %); RSI 0..100; Bollinger position as %B (0 = lower band,
// 1 = upper band, may lie outside 0..1).
//
// Unknown values: a filter on a field a symbol does not have (no sector or market cap stored, or too little
// history for the indicator) EXCLUDES that symbol, and the result lists it with the reason (ScreenerResult::
// excluded): "no market cap" is never read as "market cap 0". A field without a filter never excludes anything.
//
// JSON (saved presets, `meridian-cli screen --preset`): see toJson / criteriaFromJson. Every key is optional,
// unknown keys are rejected so a typo cannot silently widen a screen:
//   {"version": 1, "sectors": ["Technology"], "price": {"min": 5, "max": 500}, "minVolume": 1e6,
//    "minAvgVolume": 5e5, "minMarketCap": 1e10, "rsi": {"max": 30}, "change1d": {"min": -2},
//    "change5d": {...}, "change30d": {...}, "maxVolatility": 40, "sma20": "above" | "below" | "any",
//    "cross": "golden" | "death" | "any", "crossLookback": 5, "macd": "bullish" | "bearish" | "any",
//    "bollinger": {"min": 0, "max": 0.2}, "sort": {"by": "rsi", "order": "asc" | "desc"}, "limit": 50}
#include "core/common/Result.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::screener {

inline constexpr const char* kJsonErrorCode = "screener.json";
inline constexpr const char* kInvalidCriteriaCode = "screener.criteria";
inline constexpr std::size_t kDefaultCrossLookback = 5;
inline constexpr std::size_t kMaxCrossLookback = 250;

// Closed interval; an absent bound is open.
struct Range {
  std::optional<double> min;
  std::optional<double> max;
  bool active() const { return min.has_value() || max.has_value(); }
  bool contains(double v) const { return (!min || v >= *min) && (!max || v <= *max); }
  friend bool operator==(const Range&, const Range&) = default;
};

enum class Sma20Filter : std::uint8_t { Any, Above, Below };
enum class CrossFilter : std::uint8_t { Any, Golden, Death };
enum class MacdFilter : std::uint8_t { Any, Bullish, Bearish };

// Result columns; also the sort keys.
enum class Column : std::uint8_t {
  Symbol, Sector, MarketCap, Price, Volume, AvgVolume, Change1d, Change5d, Change30d, Volatility, Rsi, VsSma20,
  Cross, Macd, Bollinger,
  // The trend, range and liquidity metrics (SymbolMetrics.h for their windows); the Screener dock hides some of
  // them by default (its header's context menu shows them), CSV exports always hold every column.
  Sma50, VsSma50, Sma200, VsSma200, High52w, FromHigh52w, Low52w, FromLow52w, AvgDollarVolume, AtrPct, GapPct,
  RelVolume,
  LastDate, Bars,
};
inline constexpr int kColumnCount = static_cast<int>(Column::Bars) + 1;

std::string_view columnKey(Column c);    // "symbol", "market_cap", "change_1d", "price_vs_sma50_pct", ... (JSON, CLI, CSV header)
std::string_view columnTitle(Column c);  // "Symbol", "Mkt cap", "1d %", ... (table headers)
std::optional<Column> columnFromKey(std::string_view key);
// The column's natural direction when first clicked: descending for "bigger is more interesting" numbers.
bool defaultDescending(Column c);

struct Criteria {
  std::vector<std::string> sectors;  // any of (case-insensitive); empty = no sector filter
  Range price;
  std::optional<double> minVolume;     // latest bar's volume
  std::optional<double> minAvgVolume;  // 20-bar average volume
  std::optional<double> minMarketCap;
  Range rsi;
  Range change1d;
  Range change5d;
  Range change30d;
  std::optional<double> maxVolatility;  // annualised, percent
  Sma20Filter sma20 = Sma20Filter::Any;
  CrossFilter cross = CrossFilter::Any;
  std::size_t crossLookback = kDefaultCrossLookback;  // SMA50/SMA200 crossed within the last N bars
  MacdFilter macd = MacdFilter::Any;
  Range bollinger;
  Column sortBy = Column::Symbol;
  bool descending = false;
  std::size_t limit = 0;  // 0 = every match

  // True when no filter is set (every symbol with data passes).
  bool empty() const;
  friend bool operator==(const Criteria&, const Criteria&) = default;
};

// Finite bounds, min <= max, non-negative minimums, 1 <= crossLookback <= kMaxCrossLookback.
// Error code kInvalidCriteriaCode; the message names the field ("rsi: min 70 is greater than max 30").
Status validate(const Criteria& c);

// Compact JSON object (only the set fields, plus "version").
std::string toJson(const Criteria& c);
// Error code kJsonErrorCode with the parser's offset for malformed JSON, or naming the key for a wrong type,
// an unknown key or value; validate()'s error for inconsistent values.
Result<Criteria> criteriaFromJson(std::string_view json);

std::string_view toString(Sma20Filter f);
std::string_view toString(CrossFilter f);
std::string_view toString(MacdFilter f);

}  // namespace meridian::screener
