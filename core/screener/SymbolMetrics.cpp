#include "core/screener/SymbolMetrics.h"

#include "core/strategy/indicators/BollingerBands.h"
#include "core/strategy/indicators/Macd.h"
#include "core/strategy/indicators/RollingStats.h"
#include "core/strategy/indicators/Rsi.h"
#include "core/strategy/indicators/Sma.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "core/time/TimeZones.h"

namespace meridian::screener {
namespace {

std::optional<double> finite(double v) { return std::isfinite(v) ? std::optional<double>(v) : std::nullopt; }

std::optional<double> changeOver(std::span<const domain::Bar> bars, std::size_t k) {
  const std::size_t n = bars.size();
  if (n <= k) return std::nullopt;
  const double prev = bars[n - 1 - k].close;
  if (!(prev > 0.0)) return std::nullopt;
  return finite((bars[n - 1].close / prev - 1.0) * 100.0);
}

}  // namespace

std::size_t requiredBars(Metric m, std::size_t crossLookback) {
  switch (m) {
    case Metric::Change1d: return 2;
    case Metric::Change5d: return 6;
    case Metric::Change30d: return 31;
    case Metric::Volatility: return kVolatilityWindow + 1;
    case Metric::Rsi: return kRsiPeriod + 1;
    case Metric::Sma20: return kSmaShort;
    case Metric::Cross: return kSmaSlow + crossLookback;
    case Metric::Macd: return kMacdSlow + kMacdSignal - 1;
    case Metric::Bollinger: return kBollingerPeriod;
    case Metric::AvgVolume: return kAvgVolumeWindow;
  }
  return 0;
}

std::string_view metricName(Metric m) {
  switch (m) {
    case Metric::Change1d: return "1d change";
    case Metric::Change5d: return "5d change";
    case Metric::Change30d: return "30d change";
    case Metric::Volatility: return "volatility";
    case Metric::Rsi: return "RSI 14";
    case Metric::Sma20: return "SMA20";
    case Metric::Cross: return "50/200 cross";
    case Metric::Macd: return "MACD";
    case Metric::Bollinger: return "Bollinger %B";
    case Metric::AvgVolume: return "average volume";
  }
  return "?";
}

bool SymbolMetrics::has(Metric m) const {
  switch (m) {
    case Metric::Change1d: return change1d.has_value();
    case Metric::Change5d: return change5d.has_value();
    case Metric::Change30d: return change30d.has_value();
    case Metric::Volatility: return volatility.has_value();
    case Metric::Rsi: return rsi.has_value();
    case Metric::Sma20: return sma20.has_value();
    case Metric::Cross: return cross.has_value();
    case Metric::Macd: return macdHist.has_value();
    case Metric::Bollinger: return bollinger.has_value();
    case Metric::AvgVolume: return avgVolume.has_value();
  }
  return false;
}

std::size_t effectiveHistory(std::size_t crossLookback, std::size_t historyBars) {
  if (historyBars == 0) return 0;
  return std::max(historyBars, kSmaSlow + crossLookback + 1);
}

SymbolMetrics computeMetrics(std::string symbol, std::span<const domain::Bar> all, std::size_t crossLookback,
                             std::size_t historyBars) {
  SymbolMetrics m;
  m.symbol = std::move(symbol);
  const std::size_t window = effectiveHistory(crossLookback, historyBars);
  const std::span<const domain::Bar> bars =
      window == 0 || all.size() <= window ? all : all.subspan(all.size() - window);
  const std::size_t n = bars.size();
  m.bars = n;
  if (n == 0) return m;
  // One bad row spoils every metric that reads it: refuse the series, say which bar and why.
  for (std::size_t i = 0; i < all.size(); ++i) {
    const domain::Bar& b = all[i];
    const auto day = [&] { return time::TimeZones::exchangeDateText(b.ts).toStdString(); };
    const bool prices = std::isfinite(b.open) && std::isfinite(b.high) && std::isfinite(b.low) && std::isfinite(b.close) &&
                        b.close > 0.0 && b.open > 0.0 && b.high > 0.0 && b.low > 0.0;
    if (!prices) {
      m.dataProblem = fmt::format("bad bar {}: a price is missing or not positive", day());
    } else if (!std::isfinite(b.volume) || b.volume < 0.0) {
      m.dataProblem = fmt::format("bad bar {}: volume is blank or negative", day());
    } else if (i > 0 && b.ts <= all[i - 1].ts) {
      m.dataProblem = fmt::format("bad bar {}: {} date (after {})", day(), b.ts == all[i - 1].ts ? "duplicate" : "out-of-order",
                                  time::TimeZones::exchangeDateText(all[i - 1].ts).toStdString());
    }
    if (!m.dataProblem.empty()) return m;
  }
  const domain::Bar& lastBar = bars[n - 1];
  m.lastTs = lastBar.ts;
  m.last = lastBar.close;
  m.volume = lastBar.volume;
  m.change1d = changeOver(bars, 1);
  m.change5d = changeOver(bars, 5);
  m.change30d = changeOver(bars, 30);

  strategy::Sma sma20(kSmaShort), sma50(kSmaFast), sma200(kSmaSlow), avgVolume(kAvgVolumeWindow);
  strategy::Rsi rsi(kRsiPeriod);
  strategy::Macd macd(kMacdFast, kMacdSlow, kMacdSignal);
  strategy::BollingerBands bands(kBollingerPeriod, kBollingerK);
  strategy::RollingStats logReturns(kVolatilityWindow);

  // Cross detection: the sign of SMA50 - SMA200 per bar (a tie keeps the previous sign, so touching is not a
  // cross); the newest sign change is the last cross. Known only when the sign existed on the bar before the
  // look-back window, otherwise a cross inside the window could be missed.
  int sign = 0;
  std::size_t firstSignIndex = n;
  std::optional<std::size_t> lastCrossIndex;
  Cross lastCross = Cross::None;

  double prevClose = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    const double close = bars[i].close;
    sma20.update(close);
    sma50.update(close);
    sma200.update(close);
    avgVolume.update(bars[i].volume);
    rsi.update(close);
    macd.update(close);
    bands.update(close);
    if (i > 0 && prevClose > 0.0 && close > 0.0) logReturns.update(std::log(close / prevClose));
    prevClose = close;
    if (sma50.ready() && sma200.ready()) {
      const double diff = sma50.value() - sma200.value();
      const int s = diff > 0.0 ? 1 : diff < 0.0 ? -1 : sign;
      if (sign != 0 && s != sign) {
        lastCrossIndex = i;
        lastCross = s > 0 ? Cross::Golden : Cross::Death;
      }
      if (s != 0 && firstSignIndex == n) firstSignIndex = i;
      sign = s;
    }
  }

  if (avgVolume.ready()) m.avgVolume = finite(avgVolume.value());
  if (logReturns.ready()) m.volatility = finite(logReturns.stddev() * std::sqrt(kTradingDaysPerYear) * 100.0);
  // RSI on every bar given, not only the window: Wilder's smoothing keeps a trace of its seed, so a window would
  // make the value depend on how much history was loaded.
  if (all.size() > n) {
    strategy::Rsi warm(kRsiPeriod);
    for (const auto& b : all) warm.update(b.close);
    if (warm.ready()) m.rsi = finite(warm.value());
  } else if (rsi.ready()) {
    m.rsi = finite(rsi.value());
  }
  if (sma20.ready()) {
    m.sma20 = finite(sma20.value());
    if (m.sma20 && *m.sma20 > 0.0) m.vsSma20 = finite((m.last / *m.sma20 - 1.0) * 100.0);
  }
  if (sma50.ready()) m.sma50 = finite(sma50.value());
  if (sma200.ready()) m.sma200 = finite(sma200.value());
  if (n >= crossLookback + 1 && firstSignIndex <= n - 1 - crossLookback) {
    if (lastCrossIndex && *lastCrossIndex + crossLookback >= n) {
      m.cross = lastCross;
      m.crossBarsAgo = n - 1 - *lastCrossIndex;
    } else {
      m.cross = Cross::None;
    }
  }
  if (macd.ready()) {
    m.macd = finite(macd.macd());
    m.macdSignal = finite(macd.signal());
    m.macdHist = finite(macd.histogram());
  }
  if (bands.ready() && bands.upper() > bands.lower()) m.bollinger = finite(bands.percentB(m.last));
  if (m.sma50 && *m.sma50 > 0.0) m.vsSma50 = finite((m.last / *m.sma50 - 1.0) * 100.0);
  if (m.sma200 && *m.sma200 > 0.0) m.vsSma200 = finite((m.last / *m.sma200 - 1.0) * 100.0);

  // 52-week range, dollar volume, relative volume, gap: over the bars as given (all of them, not the window).
  const std::size_t total = all.size();
  if (total >= kFiftyTwoWeekBars) {
    double hi = all[total - kFiftyTwoWeekBars].high, lo = all[total - kFiftyTwoWeekBars].low;
    for (std::size_t i = total - kFiftyTwoWeekBars; i < total; ++i) {
      hi = std::max(hi, all[i].high);
      lo = std::min(lo, all[i].low);
    }
    m.high52w = finite(hi);
    m.low52w = finite(lo);
  }
  if (total >= kDollarVolumeWindow) {
    double sum = 0.0;
    for (std::size_t i = total - kDollarVolumeWindow; i < total; ++i) sum += all[i].close * all[i].volume;
    m.avgDollarVolume = finite(sum / double(kDollarVolumeWindow));
  }
  if (total >= kRelVolumeWindow + 1) {
    double sum = 0.0;
    for (std::size_t i = total - 1 - kRelVolumeWindow; i < total - 1; ++i) sum += all[i].volume;
    if (sum > 0.0) m.relVolume = finite(all[total - 1].volume / (sum / double(kRelVolumeWindow)));
  }
  if (total >= 2 && all[total - 2].close > 0.0)
    m.gapPct = finite((all[total - 1].open / all[total - 2].close - 1.0) * 100.0);
  // ATR 14, Wilder: the mean of the first 14 true ranges, then atr += (tr - atr) / 14, over every bar given.
  if (total >= kAtrPeriod + 1 && m.last > 0.0) {
    double atr = 0.0;
    for (std::size_t i = 1; i < total; ++i) {
      const double tr = std::max({all[i].high - all[i].low, std::abs(all[i].high - all[i - 1].close),
                                  std::abs(all[i].low - all[i - 1].close)});
      if (i <= kAtrPeriod)
        atr += tr / double(kAtrPeriod);
      else
        atr += (tr - atr) / double(kAtrPeriod);
    }
    m.atrPct = finite(atr / m.last * 100.0);
  }
  applyFundamentals(m, {});
  return m;
}

void applyFundamentals(SymbolMetrics& m, const Fundamentals& f) {
  if (!f.sector.empty()) m.sector = f.sector;
  if (f.marketCap) m.marketCap = f.marketCap;
  if (!m.high52w && f.fiftyTwoWeekHigh && *f.fiftyTwoWeekHigh > 0.0) m.high52w = f.fiftyTwoWeekHigh;
  if (!m.low52w && f.fiftyTwoWeekLow && *f.fiftyTwoWeekLow > 0.0) m.low52w = f.fiftyTwoWeekLow;
  if (m.bars > 0 && m.last > 0.0) {
    if (m.high52w && *m.high52w > 0.0) m.fromHigh52w = finite((m.last / *m.high52w - 1.0) * 100.0);
    if (m.low52w && *m.low52w > 0.0) m.fromLow52w = finite((m.last / *m.low52w - 1.0) * 100.0);
  }
}

}  // namespace meridian::screener
