#pragma once
// First-run history for the simulated market: a few months of daily bars and the last sessions of 1-minute bars per
// symbol, so the chart, the indicators and the screener have data the moment the workstation starts (instead of
// "No data yet" until the live feed has built some bars).
//
// The series is a seeded geometric random walk with the symbol's volatility and drift over real NYSE sessions
// (NyseCalendar: holidays and early closes included), rescaled so that its last close is the symbol's start price:
// the live feed continues where the history stops. The daily bars of the minute sessions are aggregated from those
// minutes, so 1m and 1d agree. Deterministic: the same symbol, end, sizes and seed give the same bars.
#include "core/domain/Types.h"
#include "core/marketdata/simulated/TickGenerator.h"

#include <cstdint>
#include <vector>

namespace meridian::marketdata {

struct SeededHistory {
  std::vector<domain::Bar> daily;    // ts = session open (dailyBarTs), oldest first; source "<source>"
  std::vector<domain::Bar> minutes;  // ts = minute start, oldest first; source "<source>_1m"
};

// `dailySessions` sessions that closed at or before `end` (daily bars), the last `minuteSessions` of them also as
// 1-minute bars. Sizes are clamped to [0, 2520] and [0, dailySessions].
SeededHistory seedHistory(const SimulatedSymbol& symbol, domain::Timestamp end, int dailySessions, int minuteSessions,
                          std::uint64_t seed);

}  // namespace meridian::marketdata
