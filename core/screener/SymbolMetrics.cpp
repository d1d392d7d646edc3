#include "core/screener/SymbolMetrics.h"

#include "core/strategy/indicators/BollingerBands.h"
#include "core/strategy/indicators/Macd.h"
#include "core/strategy/indicators/RollingStats.h"
#include "core/strategy/indicators/Rsi.h"
#include "core/strategy/indicators/Sma.h"

#include <algorithm>
#include <cmath>

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
  if (rsi.ready()) m.rsi = finite(rsi.value());
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
  return m;
}

}  // namespace meridian::screener
