#pragma once
// Per-symbol screener metrics, computed once per run in one O(n) pass over the symbol's latest daily bars with
// the O(1) indicators of core/strategy/indicators (no second copy of indicator math here).
//
// Every technical metric is std::nullopt while the symbol has too little history for it (see requiredBars):
// "insufficient history" is explicit, never a half-warmed indicator value.
#include "core/domain/Types.h"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace meridian::screener {

// Indicator windows (fixed by the screener's definition; see Criteria.h for the filters).
inline constexpr std::size_t kSmaShort = 20;
inline constexpr std::size_t kSmaFast = 50;
inline constexpr std::size_t kSmaSlow = 200;
inline constexpr std::size_t kRsiPeriod = 14;
inline constexpr std::size_t kMacdFast = 12, kMacdSlow = 26, kMacdSignal = 9;
inline constexpr std::size_t kBollingerPeriod = 20;
inline constexpr double kBollingerK = 2.0;
inline constexpr std::size_t kVolatilityWindow = 20;  // log returns
inline constexpr std::size_t kAvgVolumeWindow = 20;
inline constexpr double kTradingDaysPerYear = 252.0;
inline constexpr std::size_t kFiftyTwoWeekBars = 252;   // 52-week high / low: the last 252 daily bars (highs, lows)
inline constexpr std::size_t kAtrPeriod = 14;           // ATR: Wilder's average of the true range
inline constexpr std::size_t kDollarVolumeWindow = 20;  // average dollar volume: mean of close * volume
inline constexpr std::size_t kRelVolumeWindow = 20;     // relative volume: newest volume / mean of the 20 before it
// Bars the metrics are computed over by default: the newest N of a series. Enough for SMA200 plus a cross
// look-back and for the EMA/Wilder smoothing of MACD and RSI to forget their seed.
inline constexpr std::size_t kDefaultHistoryBars = 300;

// Which metric a filter or column reads (for "insufficient history" reasons).
enum class Metric : std::uint8_t {
  Change1d, Change5d, Change30d, Volatility, Rsi, Sma20, Cross, Macd, Bollinger, AvgVolume,
};
// Minimum number of bars a metric needs (e.g. RSI 14 needs 15 prices; a 50/200 cross within the last N bars
// needs SMA200 on the bar before the window: 200 + N).
std::size_t requiredBars(Metric m, std::size_t crossLookback);
std::string_view metricName(Metric m);

// Fundamentals from storage (company_info.sector, key_statistics.market_cap). Empty / nullopt = unknown.
struct Fundamentals {
  std::string sector;
  std::optional<double> marketCap;
  std::optional<double> fiftyTwoWeekHigh;  // key_statistics.fifty_two_week_high / _low (the provider's figures)
  std::optional<double> fiftyTwoWeekLow;
};

enum class Cross : std::uint8_t { None, Golden, Death };

struct SymbolMetrics {
  std::string symbol;
  std::string source;            // storage source tag, empty for CSV input
  std::string sector;            // empty = unknown
  std::optional<double> marketCap;
  std::size_t bars = 0;          // bars the metrics were computed over
  // Not empty when the series holds a bar no metric can use (a missing / non-positive price, a blank or negative
  // volume, a date repeated or out of order): nothing is computed and the screen excludes the symbol with it.
  std::string dataProblem;
  domain::Timestamp lastTs = 0;  // newest bar
  double last = 0.0;             // close of the newest bar
  double volume = 0.0;           // volume of the newest bar
  std::optional<double> avgVolume;   // mean volume of the last 20 bars
  std::optional<double> change1d;    // percent, close vs close 1 / 5 / 30 bars earlier
  std::optional<double> change5d;
  std::optional<double> change30d;
  std::optional<double> volatility;  // percent, sample stdev of the last 20 log returns * sqrt(252) * 100
  std::optional<double> rsi;         // Wilder RSI 14, warmed on every bar given (not only the window)
  std::optional<double> sma20;
  std::optional<double> vsSma20;     // percent, (close / SMA20 - 1) * 100
  std::optional<double> sma50;
  std::optional<double> sma200;
  // SMA50 vs SMA200 crossing within the last crossLookback bars (nullopt = not enough history to tell).
  std::optional<Cross> cross;
  std::optional<std::size_t> crossBarsAgo;  // 0 = on the newest bar; set when cross is Golden/Death
  std::optional<double> macd;        // MACD 12/26/9 line, signal line and histogram (line - signal)
  std::optional<double> macdSignal;
  std::optional<double> macdHist;
  std::optional<double> bollinger;   // %B of Bollinger 20/2: (close - lower) / (upper - lower)
  std::optional<double> vsSma50;     // percent, (close / SMA50 - 1) * 100
  std::optional<double> vsSma200;    // percent, (close / SMA200 - 1) * 100
  // 52-week high / low: the highest high and lowest low of the last 252 bars (needs 252 bars), or the stored key
  // statistics when the bars are fewer (applyFundamentals); distances in percent of the extreme:
  // fromHigh52w = (close / high - 1) * 100 (<= 0), fromLow52w = (close / low - 1) * 100 (>= 0).
  std::optional<double> high52w;
  std::optional<double> low52w;
  std::optional<double> fromHigh52w;
  std::optional<double> fromLow52w;
  std::optional<double> avgDollarVolume;  // mean of close * volume over the last 20 bars
  std::optional<double> atrPct;           // ATR 14 (Wilder) / close * 100
  std::optional<double> gapPct;           // (open / previous close - 1) * 100 of the newest bar
  std::optional<double> relVolume;        // newest volume / mean volume of the 20 bars before it

  // A value used by filters / sorting for a column (nullopt when unknown).
  bool has(Metric m) const;
};

// Metrics over the newest max(historyBars, 200 + crossLookback + 1) bars of `bars` (ascending ts; 0 = all).
// `bars` may be empty: the result then has bars == 0 and nothing known.
SymbolMetrics computeMetrics(std::string symbol, std::span<const domain::Bar> bars,
                             std::size_t crossLookback, std::size_t historyBars = kDefaultHistoryBars);

// The number of bars computeMetrics uses for these settings.
std::size_t effectiveHistory(std::size_t crossLookback, std::size_t historyBars);

// Sector, market cap, and the stored 52-week high / low where the bars did not give them.
void applyFundamentals(SymbolMetrics& m, const Fundamentals& f);

}  // namespace meridian::screener
