#include "core/marketdata/simulated/HistorySeed.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <string_view>

#include "core/marketdata/Timeframe.h"
#include "core/marketdata/simulated/Rng.h"
#include "core/time/NyseCalendar.h"
#include "core/time/TimeZones.h"

namespace meridian::marketdata {
namespace {

constexpr int kMaxSessions = 2520;  // ten years
constexpr double kTradingDays = 252.0;

double roundTo(double v, double tick) { return tick > 0.0 ? std::round(v / tick) * tick : v; }

}  // namespace

SeededHistory seedHistory(const SimulatedSymbol& symbol, domain::Timestamp end, int dailySessions, int minuteSessions,
                          std::uint64_t seed) {
  SeededHistory out;
  dailySessions = std::clamp(dailySessions, 0, kMaxSessions);
  minuteSessions = std::clamp(minuteSessions, 0, dailySessions);
  if (dailySessions == 0 || !(symbol.startPrice > 0.0)) return out;

  // The sessions that closed at or before `end`, newest last.
  const auto& calendar = time::NyseCalendar::instance();
  const QDate last = time::TimeZones::exchangeDate(end);
  std::vector<time::Session> sessions =
      calendar.sessions(last.addDays(-(dailySessions * 7 / 5 + 15)), last);  // enough calendar days for the count
  sessions.erase(std::remove_if(sessions.begin(), sessions.end(), [end](const time::Session& s) { return s.close > end; }),
                 sessions.end());
  if (static_cast<int>(sessions.size()) > dailySessions)
    sessions.erase(sessions.begin(), sessions.end() - dailySessions);
  if (sessions.empty()) return out;
  const std::size_t firstMinuteSession = sessions.size() - std::min<std::size_t>(sessions.size(), minuteSessions);

  Rng rng(seed ^ (std::hash<std::string_view>{}(symbol.symbol) * 0x9E3779B97F4A7C15ull));
  const double dailyVol = symbol.annualVol / std::sqrt(kTradingDays);
  const double dailyDrift = symbol.annualDrift / kTradingDays - 0.5 * dailyVol * dailyVol;
  double price = symbol.startPrice;  // rescaled below: only the shape matters here
  out.daily.reserve(sessions.size());
  for (std::size_t i = 0; i < sessions.size(); ++i) {
    const time::Session& s = sessions[i];
    domain::Bar day;
    day.ts = dailyBarTs(s.date);
    day.open = price * std::exp(0.15 * dailyVol * rng.normal());  // overnight gap
    if (i < firstMinuteSession) {
      day.close = day.open * std::exp(dailyDrift + dailyVol * rng.normal());
      const double range = std::abs(dailyVol * rng.normal()) * 0.6;
      day.high = std::max(day.open, day.close) * (1.0 + range * rng.uniform());
      day.low = std::min(day.open, day.close) * (1.0 - range * rng.uniform());
      day.volume = std::round(2e6 * (0.5 + rng.uniform()));
    } else {
      // Minute bars of the session; the day is their aggregate.
      const int minutes = static_cast<int>((s.close - s.open) / domain::kNanosPerMinute);
      const double minuteVol = dailyVol / std::sqrt(std::max(1, minutes));
      double px = day.open;
      day.high = day.low = day.open;
      day.volume = 0.0;
      for (int m = 0; m < minutes; ++m) {
        domain::Bar bar;
        bar.ts = s.open + m * domain::kNanosPerMinute;
        bar.open = px;
        px *= std::exp(dailyDrift / minutes + minuteVol * rng.normal());
        bar.close = px;
        const double wick = minuteVol * 0.5;
        bar.high = std::max(bar.open, bar.close) * (1.0 + wick * rng.uniform());
        bar.low = std::min(bar.open, bar.close) * (1.0 - wick * rng.uniform());
        // U-shaped intraday volume: busier at the open and the close.
        const double x = (m + 0.5) / minutes;
        bar.volume = std::round(2e6 / minutes * (0.4 + 2.4 * (x - 0.5) * (x - 0.5) * 4.0 / 2.4) * (0.5 + rng.uniform()));
        day.high = std::max(day.high, bar.high);
        day.low = std::min(day.low, bar.low);
        day.volume += bar.volume;
        out.minutes.push_back(bar);
      }
      day.close = px;
    }
    price = day.close;
    out.daily.push_back(day);
  }

  // Rescale: the last close is the symbol's start price (where the live feed begins); prices on the tick grid.
  const double k = symbol.startPrice / out.daily.back().close;
  const auto scale = [&](std::vector<domain::Bar>& bars) {
    for (domain::Bar& b : bars) {
      b.open = roundTo(b.open * k, symbol.tickSize);
      b.close = roundTo(b.close * k, symbol.tickSize);
      b.high = std::max({roundTo(b.high * k, symbol.tickSize), b.open, b.close});
      b.low = std::min({roundTo(b.low * k, symbol.tickSize), b.open, b.close});
      b.vwap = (b.high + b.low + b.close) / 3.0;
    }
  };
  scale(out.daily);
  scale(out.minutes);
  return out;
}

}  // namespace meridian::marketdata
