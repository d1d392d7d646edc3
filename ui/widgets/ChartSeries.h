#pragma once
// ChartSeries: the chart's data model (plain C++, GUI-thread only, no QObject).
//
//  * Base bars as received (any interval, typically 1-minute) and the series resampled to the chosen Timeframe,
//    exchange-session aware (America/New_York, NYSE calendar):
//      5m  buckets on the wall-clock 5-minute grid (09:30, 09:35, ...)
//      1h  buckets aligned to the 09:30 open (09:30-10:30, ..., 15:30-16:00); extended-hours bars keep the grid
//      1D  one bar per regular session: intraday base bars inside [open, close) only, ts = the session's open
//      1W  the sessions of one ISO week, ts = the first session's open
//    A timeframe finer than the base interval shows the base bars (effectiveTimeframe() says which).
//    Daily (or coarser) base bars are taken as they are for 1D; their date is the exchange date of ts + 6 h, so
//    bars stamped at 00:00 UTC, 00:00 ET or the 09:30 open all land on the right trading date.
//  * A min/max pyramid over the resampled highs/lows plus volume prefix sums: aggregate(first, last) is O(log n),
//    so decimating to pixel columns costs O(columns * log n), independent of how many bars a column covers.
//  * Indicators (SMA 20/50/200, EMA 12/26, Bollinger 20/2, RSI 14, MACD 12/26/9) computed once per series or
//    timeframe change with the O(1)-per-bar core/strategy indicators, then updated incrementally on live appends
//    (a revised last bar restores the state saved before it, so a live bar can be updated any number of times).
//
// Appending bars newer than (or equal to) the last base bar is incremental: only the last resampled bucket is
// rebuilt, then the pyramid tail and the indicator tail. An out-of-order bar in the middle rebuilds everything.
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/domain/Types.h"
#include "core/strategy/indicators/BollingerBands.h"
#include "core/strategy/indicators/Ema.h"
#include "core/strategy/indicators/Macd.h"
#include "core/strategy/indicators/Rsi.h"
#include "core/strategy/indicators/Sma.h"

namespace meridian::ui {

// Finest first (the chart's settings store the label, not the value).
enum class Timeframe : std::uint8_t { M1, M5, M15, H1, D1, W1 };

const char* timeframeLabel(Timeframe tf);              // "1m", "5m", "15m", "1h", "1D", "1W"
domain::Timestamp timeframeDuration(Timeframe tf);     // nominal length (1W = 7 days)

enum class Indicator : std::uint8_t {
  Sma20, Sma50, Sma200, Ema12, Ema26, BbUpper, BbMiddle, BbLower, Rsi14, Macd, MacdSignal, MacdHist, Count
};
const char* indicatorLabel(Indicator i);  // "SMA20", ..., "BB up", "RSI14", "MACD", "Signal", "Hist"

class ChartSeries {
 public:
  struct Aggregate {
    double open = 0.0, high = 0.0, low = 0.0, close = 0.0, volume = 0.0;
  };

  ChartSeries();

  // ---- Data ----
  void setBase(std::vector<domain::Bar> bars);  // sorted by ts on entry (stable)
  // Adds or replaces base bars (same ts = replace). Returns true when the update was incremental (tail only).
  bool appendBase(const std::vector<domain::Bar>& bars);
  // Live price update of the newest base bar (last trade): close, and high/low when exceeded. No volume.
  bool updateLastPrice(double price);
  void clear();
  const std::vector<domain::Bar>& base() const { return m_base; }
  domain::Timestamp baseInterval() const { return m_baseInterval; }  // median spacing of the first bars

  // ---- Timeframe ----
  void setTimeframe(Timeframe tf);
  Timeframe timeframe() const { return m_timeframe; }
  Timeframe effectiveTimeframe() const;
  const std::vector<domain::Bar>& bars() const { return m_identity ? m_base : m_bars; }
  std::size_t size() const { return bars().size(); }
  bool empty() const { return bars().empty(); }
  // Index of the resampled bar containing t (last bar with ts <= t); -1 when t is before the first bar.
  std::int64_t indexAt(domain::Timestamp t) const;
  // First index with ts >= t (size() when none).
  std::size_t lowerBound(domain::Timestamp t) const;

  // ---- Aggregation over resampled bars [first, last) (first < last <= size()) ----
  Aggregate aggregate(std::size_t first, std::size_t last) const;
  double rangeHigh(std::size_t first, std::size_t last) const;
  double rangeLow(std::size_t first, std::size_t last) const;

  // ---- Indicators (NaN until ready) ----
  float indicator(Indicator which, std::size_t index) const {
    const auto& v = m_ind[static_cast<std::size_t>(which)];
    return index < v.size() ? v[index] : std::numeric_limits<float>::quiet_NaN();
  }
  const std::vector<float>& indicatorValues(Indicator which) const { return m_ind[static_cast<std::size_t>(which)]; }

  // Pure resampler (tests, tools): base bars -> timeframe bars, as described above.
  static std::vector<domain::Bar> resample(const std::vector<domain::Bar>& base, Timeframe tf);
  static domain::Timestamp estimateInterval(const std::vector<domain::Bar>& bars);

  // Counters for tests / diagnostics.
  std::uint64_t fullRebuilds() const { return m_fullRebuilds; }
  std::uint64_t incrementalUpdates() const { return m_incremental; }

 private:
  struct IndicatorState {
    strategy::Sma sma20{20}, sma50{50}, sma200{200};
    strategy::Ema ema12{12}, ema26{26};
    strategy::BollingerBands bb{20, 2.0};
    strategy::Rsi rsi{14};
    strategy::Macd macd{12, 26, 9};
    void update(double close, float* out);  // writes Indicator::Count values
  };

  void rebuild();                                  // resample + pyramid + indicators from scratch
  void rebuildTail(std::size_t baseFrom);          // base bars from baseFrom changed/added at the end
  bool identityFor(Timeframe tf) const;
  // Resamples m_base[from, end) appending to m_bars; m_bucketKey/m_bucketBaseStart track the last bucket.
  void resampleFrom(std::size_t from);
  void rebuildPyramidFrom(std::size_t from);
  void recomputeIndicatorsFrom(std::size_t from);

  std::vector<domain::Bar> m_base;
  std::vector<domain::Bar> m_bars;                 // resampled (unused when m_identity)
  domain::Timestamp m_baseInterval = 0;
  Timeframe m_timeframe = Timeframe::M1;
  bool m_identity = true;
  std::int64_t m_lastBucketKey = std::numeric_limits<std::int64_t>::min();
  std::size_t m_lastBucketBaseStart = 0;           // base index of the first bar in the last bucket

  // Pyramid: level k (k >= 1) holds max(high) / min(low) over blocks of 2^k bars. Level 0 = the bars.
  std::vector<std::vector<double>> m_hi;
  std::vector<std::vector<double>> m_lo;
  std::vector<double> m_volPrefix;                 // size() + 1

  std::vector<float> m_ind[static_cast<std::size_t>(Indicator::Count)];
  IndicatorState m_state;                          // after all bars
  IndicatorState m_stateBeforeLast;                // after all bars but the last
  std::size_t m_indicatorCount = 0;                // bars folded into m_state

  std::uint64_t m_fullRebuilds = 0;
  std::uint64_t m_incremental = 0;
};

}  // namespace meridian::ui
