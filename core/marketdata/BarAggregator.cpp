#include "core/marketdata/BarAggregator.h"

#include <algorithm>

namespace meridian::marketdata {
namespace {

constexpr Timestamp kMinute = domain::kNanosPerMinute;
constexpr Timestamp kHour = domain::kNanosPerHour;

constexpr Timestamp floorTo(Timestamp t, Timestamp step) {
  const Timestamp q = t / step;
  return (t % step < 0 ? q - 1 : q) * step;
}

}  // namespace

void BarAggregator::merge(Bucket& b, const domain::Bar& src, double pv) {
  if (!b.open) {
    b.open = true;
    const Timestamp key = b.bar.ts;  // set by the caller before merging into a fresh bucket
    b.bar = src;
    b.bar.ts = key;
    b.bar.vwap = 0.0;
    b.pv = pv;
    b.vol = src.volume;
    return;
  }
  b.bar.high = std::max(b.bar.high, src.high);
  b.bar.low = std::min(b.bar.low, src.low);
  b.bar.close = src.close;
  b.bar.volume += src.volume;
  b.bar.trades += src.trades;
  b.pv += pv;
  b.vol += src.volume;
}

domain::Bar BarAggregator::finalize(const Bucket& b) {
  domain::Bar bar = b.bar;
  bar.vwap = b.vol > 0.0 ? b.pv / b.vol : 0.0;
  return bar;
}

BarAggregator::BarAggregator(Options options)
    : m_options(options),
      m_levels{{Timeframe::Minute5, 5 * kMinute, options.minute5, {}},
               {Timeframe::Minute15, 15 * kMinute, options.minute15, {}},
               {Timeframe::Hour1, kHour, options.hourly, {}},
               {Timeframe::Day1, 0, options.daily, {}}} {}

void BarAggregator::intervalBounds(Timestamp t, Timestamp step, Timestamp& start, Timestamp& end) {
  const auto& d = m_cursor.dayOf(t);
  if (d.inSession(t)) {
    start = d.open + ((t - d.open) / step) * step;
    end = std::min(start + step, d.close);
    return;
  }
  start = floorTo(t, step);  // ET offsets are whole hours: UTC and ET clock intervals coincide
  end = start + step;
  if (d.trading && t < d.open && end > d.open) end = d.open;
  if (d.trading && t >= d.close && start < d.close) start = d.close;
}

void BarAggregator::dayBounds(Timestamp t, Timestamp& start, Timestamp& end, Timestamp& key) {
  const auto& d = m_cursor.dayOf(t);
  key = d.open;
  if (m_options.sessionOnly) {
    start = d.open;
    end = d.close;
  } else {
    start = d.dayStart;
    end = d.dayEnd;
  }
}

void BarAggregator::closeMinute(std::vector<ClosedBar>& closed) {
  if (!m_minute.open) return;
  const domain::Bar bar = finalize(m_minute);
  const double pv = m_minute.pv;
  m_minute.open = false;
  closed.push_back(ClosedBar{Timeframe::Minute1, bar});
  intoHigher(bar, pv, closed);
}

void BarAggregator::closeLevel(Level& level, std::vector<ClosedBar>& closed) {
  if (!level.bucket.open) return;
  level.bucket.open = false;
  closed.push_back(ClosedBar{level.timeframe, finalize(level.bucket)});
}

void BarAggregator::intoHigher(const domain::Bar& minute, double pv, std::vector<ClosedBar>& closed) {
  for (Level& level : m_levels) {
    if (!level.enabled) continue;
    Bucket& b = level.bucket;
    if (b.open && minute.ts >= b.end) closeLevel(level, closed);
    if (!b.open) {
      if (level.step > 0) {
        intervalBounds(minute.ts, level.step, b.start, b.end);
        b.bar.ts = b.start;
      } else {
        Timestamp key = 0;
        dayBounds(minute.ts, b.start, b.end, key);
        b.bar.ts = key;
      }
    }
    merge(b, minute, pv);
  }
}

void BarAggregator::advance(Timestamp now, std::vector<ClosedBar>& closed) {
  if (m_minute.open && now >= m_minute.end) closeMinute(closed);
  for (Level& level : m_levels)
    if (level.bucket.open && now >= level.bucket.end) closeLevel(level, closed);
}

void BarAggregator::addTrade(Timestamp ts, double price, double size, std::vector<ClosedBar>& closed) {
  advance(ts, closed);
  if (m_options.sessionOnly && !m_cursor.isOpen(ts)) {
    ++m_outside;
    return;
  }
  if (m_minute.open) {
    if (ts < m_minute.start) {
      ++m_late;
      return;
    }
    auto& b = m_minute.bar;
    b.high = std::max(b.high, price);
    b.low = std::min(b.low, price);
    b.close = price;
    b.volume += size;
    b.trades += 1;
    m_minute.pv += price * size;
    m_minute.vol += size;
    return;
  }
  m_minute.open = true;
  m_minute.start = floorTo(ts, kMinute);
  m_minute.end = m_minute.start + kMinute;
  m_minute.bar = domain::Bar{m_minute.start, price, price, price, price, size, 0.0, 1};
  m_minute.pv = price * size;
  m_minute.vol = size;
}

void BarAggregator::addMinuteBar(const domain::Bar& bar, std::vector<ClosedBar>& closed) {
  advance(bar.ts, closed);
  if (m_options.sessionOnly && !m_cursor.isOpen(bar.ts)) {
    ++m_outside;
    return;
  }
  for (const Level& level : m_levels)
    if (level.bucket.open && bar.ts < level.bucket.start) {
      ++m_late;
      return;
    }
  const double pv = (bar.vwap > 0.0 ? bar.vwap : bar.close) * bar.volume;
  intoHigher(bar, pv, closed);
}

void BarAggregator::flush(Timestamp now, std::vector<ClosedBar>& closed) { advance(now, closed); }

void BarAggregator::finish(std::vector<ClosedBar>& closed) {
  closeMinute(closed);
  for (Level& level : m_levels) closeLevel(level, closed);
}

std::optional<domain::Bar> BarAggregator::current(Timeframe tf) const {
  if (tf == Timeframe::Minute1) return m_minute.open ? std::optional(finalize(m_minute)) : std::nullopt;
  for (const Level& level : m_levels)
    if (level.timeframe == tf && level.bucket.open) return finalize(level.bucket);
  return std::nullopt;
}

std::vector<domain::Bar> BarAggregator::aggregate(std::span<const domain::Bar> minuteBars, Timeframe target,
                                                  Options options) {
  options.minute5 = target == Timeframe::Minute5;
  options.minute15 = target == Timeframe::Minute15;
  options.hourly = target == Timeframe::Hour1;
  options.daily = target == Timeframe::Day1;
  BarAggregator agg(options);
  std::vector<ClosedBar> closed;
  for (const auto& b : minuteBars) agg.addMinuteBar(b, closed);
  agg.finish(closed);
  std::vector<domain::Bar> out;
  out.reserve(closed.size());
  for (const auto& c : closed)
    if (c.timeframe == target) out.push_back(c.bar);
  return out;
}

}  // namespace meridian::marketdata
