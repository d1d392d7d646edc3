#include "ui/widgets/ChartSeries.h"

#include <QDate>
#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <optional>

#include "core/time/NyseCalendar.h"
#include "core/time/TimeZones.h"

namespace meridian::ui {
namespace {

using domain::Bar;
using domain::Timestamp;

constexpr Timestamp kMinute = domain::kNanosPerMinute;
constexpr Timestamp kDay = domain::kNanosPerDay;
constexpr qint64 kUnixEpochJulianDay = 2'440'588;
constexpr int kOpenMinute = time::NyseCalendar::kOpenMinute;  // 09:30
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

Timestamp floorDiv(Timestamp a, Timestamp b) {
  Timestamp q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// UTC offset of America/New_York, cached per UTC hour (DST changes happen on whole UTC hours), so resampling a
// million bars costs a few thousand time-zone lookups, not a million.
class ExchangeOffset {
 public:
  Timestamp offsetNs(Timestamp t) {
    const Timestamp hour = floorDiv(t, domain::kNanosPerHour);
    if (hour != m_hour) {
      m_hour = hour;
      const QDateTime at = QDateTime::fromMSecsSinceEpoch(hour * 3'600'000, Qt::UTC);
      m_offset = static_cast<Timestamp>(time::TimeZones::exchangeTimeZone().offsetFromUtc(at)) * domain::kNanosPerSecond;
    }
    return m_offset;
  }

 private:
  Timestamp m_hour = std::numeric_limits<Timestamp>::min();
  Timestamp m_offset = 0;
};

// Session of an exchange-local epoch day, cached for runs of bars on the same day.
class SessionCache {
 public:
  const std::optional<time::Session>& of(Timestamp localDay) {
    if (localDay != m_day) {
      m_day = localDay;
      m_session = time::NyseCalendar::instance().session(QDate::fromJulianDay(localDay + kUnixEpochJulianDay));
    }
    return m_session;
  }

 private:
  Timestamp m_day = std::numeric_limits<Timestamp>::min();
  std::optional<time::Session> m_session;
};

std::int64_t isoWeekKey(Timestamp localDay) {
  int year = 0;
  const int week = QDate::fromJulianDay(localDay + kUnixEpochJulianDay).weekNumber(&year);
  return static_cast<std::int64_t>(year) * 100 + week;
}

// Bucket of one base bar: key (groups bars), ts of the resampled bar; skip = not part of any bucket.
struct Bucket {
  std::int64_t key = 0;
  Timestamp ts = 0;
  bool skip = false;
};

class Bucketer {
 public:
  Bucketer(Timeframe tf, bool dailyBase) : m_tf(tf), m_dailyBase(dailyBase) {}

  Bucket of(const Bar& b) {
    Bucket out;
    if (m_tf == Timeframe::M5 || m_tf == Timeframe::M15 || m_tf == Timeframe::H1) {
      const Timestamp off = m_offset.offsetNs(b.ts);
      const Timestamp local = b.ts + off;
      const Timestamp day = floorDiv(local, kDay);
      const Timestamp minuteOfDay = (local - day * kDay) / kMinute;
      // 5m / 15m: the clock grid, on which the 09:30 open and the 13:00 early closes lie; 1h: from the open.
      const Timestamp bucketMinute = m_tf == Timeframe::M5    ? (minuteOfDay / 5) * 5
                                     : m_tf == Timeframe::M15 ? (minuteOfDay / 15) * 15
                                                              : kOpenMinute + floorDiv(minuteOfDay - kOpenMinute, 60) * 60;
      out.ts = day * kDay + bucketMinute * kMinute - off;
      out.key = out.ts;
      return out;
    }
    // D1 / W1: by trading date.
    Timestamp day = 0;
    if (m_dailyBase) {
      const Timestamp shifted = b.ts + 6 * domain::kNanosPerHour;
      day = floorDiv(shifted + m_offset.offsetNs(shifted), kDay);
      out.ts = b.ts;
    } else {
      day = floorDiv(b.ts + m_offset.offsetNs(b.ts), kDay);
      const auto& session = m_sessions.of(day);
      if (!session || b.ts < session->open || b.ts >= session->close) {
        out.skip = true;
        return out;
      }
      out.ts = session->open;
    }
    out.key = m_tf == Timeframe::D1 ? day : isoWeekKey(day);
    return out;
  }

 private:
  Timeframe m_tf;
  bool m_dailyBase;
  ExchangeOffset m_offset;
  SessionCache m_sessions;
};

bool isDailyInterval(Timestamp interval) { return interval >= 20 * domain::kNanosPerHour; }

}  // namespace

const char* timeframeLabel(Timeframe tf) {
  switch (tf) {
    case Timeframe::M1: return "1m";
    case Timeframe::M5: return "5m";
    case Timeframe::M15: return "15m";
    case Timeframe::H1: return "1h";
    case Timeframe::D1: return "1D";
    case Timeframe::W1: return "1W";
  }
  return "";
}

domain::Timestamp timeframeDuration(Timeframe tf) {
  switch (tf) {
    case Timeframe::M1: return kMinute;
    case Timeframe::M5: return 5 * kMinute;
    case Timeframe::M15: return 15 * kMinute;
    case Timeframe::H1: return domain::kNanosPerHour;
    case Timeframe::D1: return kDay;
    case Timeframe::W1: return 7 * kDay;
  }
  return kMinute;
}

const char* indicatorLabel(Indicator i) {
  switch (i) {
    case Indicator::Sma20: return "SMA20";
    case Indicator::Sma50: return "SMA50";
    case Indicator::Sma200: return "SMA200";
    case Indicator::Ema12: return "EMA12";
    case Indicator::Ema26: return "EMA26";
    case Indicator::BbUpper: return "BB up";
    case Indicator::BbMiddle: return "BB mid";
    case Indicator::BbLower: return "BB low";
    case Indicator::Rsi14: return "RSI14";
    case Indicator::Macd: return "MACD";
    case Indicator::MacdSignal: return "Signal";
    case Indicator::MacdHist: return "Hist";
    case Indicator::Count: break;
  }
  return "";
}

void ChartSeries::IndicatorState::update(double close, float* out) {
  const auto f = [](double v) { return std::isfinite(v) ? static_cast<float>(v) : kNaN; };
  out[static_cast<int>(Indicator::Sma20)] = f(sma20.update(close));
  out[static_cast<int>(Indicator::Sma50)] = f(sma50.update(close));
  out[static_cast<int>(Indicator::Sma200)] = f(sma200.update(close));
  out[static_cast<int>(Indicator::Ema12)] = f(ema12.update(close));
  out[static_cast<int>(Indicator::Ema26)] = f(ema26.update(close));
  bb.update(close);
  const bool bbReady = bb.ready();
  out[static_cast<int>(Indicator::BbUpper)] = bbReady ? f(bb.upper()) : kNaN;
  out[static_cast<int>(Indicator::BbMiddle)] = bbReady ? f(bb.middle()) : kNaN;
  out[static_cast<int>(Indicator::BbLower)] = bbReady ? f(bb.lower()) : kNaN;
  out[static_cast<int>(Indicator::Rsi14)] = f(rsi.update(close));
  macd.update(close);
  out[static_cast<int>(Indicator::Macd)] = f(macd.macd());
  out[static_cast<int>(Indicator::MacdSignal)] = f(macd.signal());
  out[static_cast<int>(Indicator::MacdHist)] = f(macd.histogram());
}

ChartSeries::ChartSeries() = default;

// ---- Data -------------------------------------------------------------------------------------------------------

Timestamp ChartSeries::estimateInterval(const std::vector<Bar>& bars) {
  std::vector<Timestamp> diffs;
  const std::size_t n = std::min<std::size_t>(bars.size(), 2001);
  for (std::size_t i = 1; i < n; ++i)
    if (bars[i].ts > bars[i - 1].ts) diffs.push_back(bars[i].ts - bars[i - 1].ts);
  if (diffs.empty()) return kMinute;
  std::nth_element(diffs.begin(), diffs.begin() + static_cast<std::ptrdiff_t>(diffs.size() / 2), diffs.end());
  return diffs[diffs.size() / 2];
}

void ChartSeries::setBase(std::vector<Bar> bars) {
  const auto less = [](const Bar& a, const Bar& b) { return a.ts < b.ts; };
  if (!std::is_sorted(bars.begin(), bars.end(), less)) std::stable_sort(bars.begin(), bars.end(), less);
  m_base = std::move(bars);
  // Headroom for live appends: growing a multi-million-bar vector (and the arrays derived from it) is a visible
  // hitch, so it should happen rarely, not on the first new bar.
  m_base.reserve(m_base.size() + std::max<std::size_t>(m_base.size() / 8, 4096));
  rebuild();
}

void ChartSeries::clear() {
  m_base.clear();
  rebuild();
}

bool ChartSeries::appendBase(const std::vector<Bar>& bars) {
  if (bars.empty()) return true;
  std::size_t changedFrom = m_base.size();
  bool inOrder = true;
  for (const Bar& b : bars) {
    if (m_base.empty() || b.ts > m_base.back().ts) {
      m_base.push_back(b);
    } else if (b.ts == m_base.back().ts) {
      m_base.back() = b;
      changedFrom = std::min(changedFrom, m_base.size() - 1);
    } else {
      inOrder = false;
      const auto it = std::lower_bound(m_base.begin(), m_base.end(), b, [](const Bar& x, const Bar& y) { return x.ts < y.ts; });
      if (it != m_base.end() && it->ts == b.ts)
        *it = b;
      else
        m_base.insert(it, b);
    }
  }
  // Small series: the interval estimate (and with it the resampling mode) may still change.
  if (!inOrder || m_base.size() < 64) {
    rebuild();
    return false;
  }
  rebuildTail(changedFrom);
  return true;
}

bool ChartSeries::updateLastPrice(double price) {
  if (m_base.empty() || !(price > 0.0)) return false;
  Bar& b = m_base.back();
  b.close = price;
  b.high = std::max(b.high, price);
  b.low = std::min(b.low, price);
  rebuildTail(m_base.size() - 1);
  return true;
}

// ---- Timeframe --------------------------------------------------------------------------------------------------

bool ChartSeries::identityFor(Timeframe tf) const {
  if (isDailyInterval(m_baseInterval)) return tf != Timeframe::W1;
  return timeframeDuration(tf) <= m_baseInterval;
}

Timeframe ChartSeries::effectiveTimeframe() const {
  if (!m_identity) return m_timeframe;
  if (isDailyInterval(m_baseInterval)) return m_baseInterval >= 5 * kDay ? Timeframe::W1 : Timeframe::D1;
  if (m_baseInterval >= domain::kNanosPerHour) return Timeframe::H1;
  if (m_baseInterval >= 15 * kMinute) return Timeframe::M15;
  if (m_baseInterval >= 5 * kMinute) return Timeframe::M5;
  return Timeframe::M1;
}

void ChartSeries::setTimeframe(Timeframe tf) {
  if (tf == m_timeframe) return;
  m_timeframe = tf;
  rebuild();
}

std::int64_t ChartSeries::indexAt(Timestamp t) const {
  const auto& b = bars();
  const auto it = std::upper_bound(b.begin(), b.end(), t, [](Timestamp v, const Bar& x) { return v < x.ts; });
  return static_cast<std::int64_t>(it - b.begin()) - 1;
}

std::size_t ChartSeries::lowerBound(Timestamp t) const {
  const auto& b = bars();
  return static_cast<std::size_t>(
      std::lower_bound(b.begin(), b.end(), t, [](const Bar& x, Timestamp v) { return x.ts < v; }) - b.begin());
}

// ---- Resampling -------------------------------------------------------------------------------------------------

std::vector<Bar> ChartSeries::resample(const std::vector<Bar>& base, Timeframe tf) {
  ChartSeries s;
  s.setTimeframe(tf);
  s.setBase(base);
  return s.bars();
}

void ChartSeries::rebuild() {
  ++m_fullRebuilds;
  m_baseInterval = estimateInterval(m_base);
  m_identity = identityFor(m_timeframe);
  m_bars.clear();
  m_lastBucketKey = std::numeric_limits<std::int64_t>::min();
  m_lastBucketBaseStart = 0;
  if (!m_identity) {
    m_bars.reserve(m_base.size() / 4 + 16);
    resampleFrom(0);
  }
  rebuildPyramidFrom(0);
  m_state = IndicatorState{};
  m_stateBeforeLast = IndicatorState{};
  m_indicatorCount = 0;
  recomputeIndicatorsFrom(0);
}

void ChartSeries::rebuildTail(std::size_t baseFrom) {
  ++m_incremental;
  std::size_t changed = baseFrom;
  if (!m_identity) {
    if (m_bars.empty()) {
      resampleFrom(0);
      changed = 0;
    } else {
      // Everything from the last bucket's first base bar is re-aggregated.
      m_bars.pop_back();
      changed = m_bars.size();
      const std::size_t from = m_lastBucketBaseStart;
      m_lastBucketKey = std::numeric_limits<std::int64_t>::min();
      resampleFrom(from);
    }
  }
  changed = std::min(changed, size() == 0 ? std::size_t(0) : size() - 1);
  rebuildPyramidFrom(changed);
  recomputeIndicatorsFrom(changed);
}

void ChartSeries::resampleFrom(std::size_t from) {
  Bucketer bucketer(m_timeframe, isDailyInterval(m_baseInterval));
  double vwapNum = 0.0;
  bool vwapKnown = true;
  const auto closeVwap = [&] {
    if (m_bars.empty()) return;
    Bar& last = m_bars.back();
    last.vwap = vwapKnown && last.volume > 0.0 ? vwapNum / last.volume : 0.0;
  };
  for (std::size_t i = from; i < m_base.size(); ++i) {
    const Bar& b = m_base[i];
    const Bucket k = bucketer.of(b);
    if (k.skip) continue;
    if (k.key != m_lastBucketKey || m_bars.empty()) {
      closeVwap();
      Bar nb = b;
      nb.ts = k.ts;
      m_bars.push_back(nb);
      m_lastBucketKey = k.key;
      m_lastBucketBaseStart = i;
      vwapNum = b.vwap * b.volume;
      vwapKnown = b.vwap > 0.0;
      continue;
    }
    Bar& cur = m_bars.back();
    cur.high = std::max(cur.high, b.high);
    cur.low = std::min(cur.low, b.low);
    cur.close = b.close;
    cur.volume += b.volume;
    cur.trades += b.trades;
    vwapNum += b.vwap * b.volume;
    vwapKnown = vwapKnown && b.vwap > 0.0;
  }
  closeVwap();
}

// ---- Pyramid ----------------------------------------------------------------------------------------------------

void ChartSeries::rebuildPyramidFrom(std::size_t from) {
  const auto& b = bars();
  const std::size_t n = b.size();
  std::size_t levels = 1;
  while ((std::size_t(1) << levels) < n) ++levels;
  if (levels != m_hi.size()) from = 0;  // a new (or dropped) level: rebuild every level
  m_hi.resize(levels);
  m_lo.resize(levels);
  if (m_volPrefix.capacity() < n + 1) m_volPrefix.reserve(n + 1 + std::max<std::size_t>(n / 8, 4096));
  m_volPrefix.resize(n + 1);
  m_volPrefix[0] = 0.0;
  for (std::size_t i = from; i < n; ++i) m_volPrefix[i + 1] = m_volPrefix[i] + b[i].volume;
  std::size_t prevSize = n;
  std::size_t start = from;
  for (std::size_t k = 1; k < levels; ++k) {
    const std::size_t size = (prevSize + 1) / 2;
    auto& hi = m_hi[k];
    auto& lo = m_lo[k];
    if (hi.capacity() < size) {
      hi.reserve(size + size / 8 + 64);
      lo.reserve(size + size / 8 + 64);
    }
    hi.resize(size);
    lo.resize(size);
    start /= 2;
    for (std::size_t j = start; j < size; ++j) {
      const std::size_t a = 2 * j, c = std::min(2 * j + 1, prevSize - 1);
      if (k == 1) {
        hi[j] = std::max(b[a].high, b[c].high);
        lo[j] = std::min(b[a].low, b[c].low);
      } else {
        hi[j] = std::max(m_hi[k - 1][a], m_hi[k - 1][c]);
        lo[j] = std::min(m_lo[k - 1][a], m_lo[k - 1][c]);
      }
    }
    prevSize = size;
  }
}

double ChartSeries::rangeHigh(std::size_t first, std::size_t last) const {
  const auto& b = bars();
  double hi = -std::numeric_limits<double>::infinity();
  const std::size_t levels = m_hi.size();
  std::size_t a = first;
  while (a < last) {
    std::size_t k = 0;
    while (k + 1 < levels && (a & ((std::size_t(1) << (k + 1)) - 1)) == 0 && a + (std::size_t(1) << (k + 1)) <= last) ++k;
    hi = std::max(hi, k == 0 ? b[a].high : m_hi[k][a >> k]);
    a += std::size_t(1) << k;
  }
  return hi;
}

double ChartSeries::rangeLow(std::size_t first, std::size_t last) const {
  const auto& b = bars();
  double lo = std::numeric_limits<double>::infinity();
  const std::size_t levels = m_lo.size();
  std::size_t a = first;
  while (a < last) {
    std::size_t k = 0;
    while (k + 1 < levels && (a & ((std::size_t(1) << (k + 1)) - 1)) == 0 && a + (std::size_t(1) << (k + 1)) <= last) ++k;
    lo = std::min(lo, k == 0 ? b[a].low : m_lo[k][a >> k]);
    a += std::size_t(1) << k;
  }
  return lo;
}

ChartSeries::Aggregate ChartSeries::aggregate(std::size_t first, std::size_t last) const {
  Aggregate g;
  const auto& b = bars();
  if (first >= last || last > b.size()) return g;
  g.open = b[first].open;
  g.close = b[last - 1].close;
  if (last - first == 1) {
    g.high = b[first].high;
    g.low = b[first].low;
    g.volume = b[first].volume;
    return g;
  }
  g.high = rangeHigh(first, last);
  g.low = rangeLow(first, last);
  g.volume = m_volPrefix[last] - m_volPrefix[first];
  return g;
}

// ---- Indicators -------------------------------------------------------------------------------------------------

void ChartSeries::recomputeIndicatorsFrom(std::size_t from) {
  const auto& b = bars();
  const std::size_t n = b.size();
  if (from + 1 == m_indicatorCount && from < n) {
    m_state = m_stateBeforeLast;  // the last bar was revised
    m_indicatorCount = from;
  } else if (from < m_indicatorCount || m_indicatorCount > n) {
    m_state = IndicatorState{};
    m_stateBeforeLast = IndicatorState{};
    m_indicatorCount = 0;
  }
  for (auto& v : m_ind) {
    if (v.capacity() < n) v.reserve(n + std::max<std::size_t>(n / 8, 4096));
    v.resize(n, kNaN);
  }
  float out[static_cast<std::size_t>(Indicator::Count)];
  for (std::size_t i = m_indicatorCount; i < n; ++i) {
    if (i + 1 == n) m_stateBeforeLast = m_state;
    m_state.update(b[i].close, out);
    for (std::size_t k = 0; k < static_cast<std::size_t>(Indicator::Count); ++k) m_ind[k][i] = out[k];
  }
  m_indicatorCount = n;
}

}  // namespace meridian::ui
