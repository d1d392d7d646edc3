#pragma once
// Streaming OHLCV aggregation for one symbol: trades -> 1m -> 5m / 15m (opt-in) -> 1h -> 1d, NYSE-session aware
// (America/New_York).
//
// Buckets:
//  * 1m: clock minutes (UTC and ET minutes coincide).
//  * 5m, 15m, 1h: inside a session, intervals aligned to the 09:30 open (1h: 09:30-10:30, ..., 15:30-16:00; 15m:
//    09:30-09:45, ...); an early close cuts the last one (1h on a 13:00 close: 12:30-13:00; 15m: 12:45-13:00; a
//    close off the 5/15-minute grid would end the last 5m/15m bucket at the close). Outside sessions (only with
//    sessionOnly = false): clock intervals, the one before the open cut at 09:30 (1h: 09:00-09:30) and the one
//    across the close starting at the close.
//  * 1d: the session, keyed at its open (the 09:30 ET daily key of Timeframe.h). With sessionOnly = false the whole
//    exchange calendar day (00:00-24:00 ET), still keyed at 09:30 ET of that date.
// A bucket closes when time reaches its end: a trade at or after the end, or flush(now). Closed bars are appended
// to the caller's vector in timeframe order (1m, then the 5m, 15m, 1h it completes, then the 1d). Empty buckets
// produce no bar. Timestamps must be non-decreasing; a late trade (ts before the open minute) is counted in late() and
// ignored. With sessionOnly (default) trades outside NYSE sessions are ignored (counted in outsideSession()).
// vwap = sum(price * size) / sum(size) (0 with no size), trades = number of trades.
//
// Cost: O(1) per trade (session lookups are cached per exchange day), no allocation once `closed` has capacity.
// Not thread-safe: one aggregator per symbol, owned by the feed thread.
#include "core/domain/Types.h"
#include "core/marketdata/SessionCursor.h"
#include "core/marketdata/Timeframe.h"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace meridian::marketdata {

struct ClosedBar {
  Timeframe timeframe = Timeframe::Minute1;
  domain::Bar bar;
};

struct BarAggregatorOptions {
  bool minute5 = false;
  bool minute15 = false;
  bool hourly = true;
  bool daily = true;
  bool sessionOnly = true;
};

class BarAggregator {
 public:
  using Options = BarAggregatorOptions;

  BarAggregator() : BarAggregator(Options{}) {}
  explicit BarAggregator(Options options);

  void addTrade(Timestamp ts, double price, double size, std::vector<ClosedBar>& closed);
  // Feeds a complete 1m bar (bar.ts = minute open), e.g. vendor minute data, into the 5m / 15m / 1h / 1d buckets.
  // A finer bar that lies inside one bucket of each enabled coarser timeframe (a stored 5m bar into 15m / 1h / 1d)
  // is folded the same way.
  void addMinuteBar(const domain::Bar& bar, std::vector<ClosedBar>& closed);
  // Closes every bucket whose end <= now (quiet symbols, session close).
  void flush(Timestamp now, std::vector<ClosedBar>& closed);
  // Closes everything still open (end of data).
  void finish(std::vector<ClosedBar>& closed);

  // The forming (not yet closed) bar of a timeframe.
  std::optional<domain::Bar> current(Timeframe tf) const;
  std::uint64_t late() const { return m_late; }
  std::uint64_t outsideSession() const { return m_outside; }

  // Batch helper: aggregates sorted 1m bars (or any finer session-aligned bars, e.g. 5m into 15m) into `target`
  // (Minute5, Minute15, Hour1 or Day1) with the same rules.
  static std::vector<domain::Bar> aggregate(std::span<const domain::Bar> minuteBars, Timeframe target,
                                            Options options = {});

 private:
  struct Bucket {
    bool open = false;
    Timestamp start = 0;
    Timestamp end = 0;
    domain::Bar bar;
    double pv = 0.0;  // sum(price * size) for vwap
    double vol = 0.0;
  };
  static void merge(Bucket& b, const domain::Bar& src, double pv);
  static domain::Bar finalize(const Bucket& b);
  // The intraday buckets above 1m, finest first, then the day.
  struct Level {
    Timeframe timeframe;
    Timestamp step;  // 0: the session / day
    bool enabled;
    Bucket bucket;
  };
  void intervalBounds(Timestamp t, Timestamp step, Timestamp& start, Timestamp& end);
  void dayBounds(Timestamp t, Timestamp& start, Timestamp& end, Timestamp& key);
  void closeMinute(std::vector<ClosedBar>& closed);
  static void closeLevel(Level& level, std::vector<ClosedBar>& closed);
  void intoHigher(const domain::Bar& minute, double pv, std::vector<ClosedBar>& closed);
  void advance(Timestamp now, std::vector<ClosedBar>& closed);

  Options m_options;
  SessionCursor m_cursor;
  Bucket m_minute;
  Level m_levels[4];
  std::uint64_t m_late = 0;
  std::uint64_t m_outside = 0;
};

}  // namespace meridian::marketdata
