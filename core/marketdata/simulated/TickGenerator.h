#pragma once
// Deterministic multi-symbol trade/quote generator for the simulated market (no threads, no I/O).
//
// Each call to next(ts) picks a symbol with the seeded Rng and moves its price by geometric Brownian motion over
// the time since that symbol's previous tick, measured in trading years (252 x 6.5 h; gaps capped at 2 h so an
// overnight gap is a modest jump, not a 17-hour random walk). Volatility follows an intraday U shape: higher
// after the 09:30 open and before the close. Prices are rounded to the tick size; bid/ask straddle the trade with
// a spread of spreadBps (at least one tick). Same seed + same ts sequence => the same ticks (the Rng is
// platform-independent; prices also depend on the C library's exp/log, which are exact to the ulp on glibc).
#include "core/domain/Types.h"
#include "core/marketdata/SessionCursor.h"
#include "core/marketdata/simulated/Rng.h"

#include <cstdint>
#include <string>
#include <vector>

namespace meridian::marketdata {

struct SimulatedSymbol {
  std::string symbol;
  double startPrice = 100.0;
  double annualVol = 0.30;
  double annualDrift = 0.05;
  double spreadBps = 2.0;
  double tickSize = 0.01;
};

// A liquid large-cap set: AAPL, MSFT, NVDA, AMZN, GOOGL, META, TSLA, JPM, SPY, QQQ.
std::vector<SimulatedSymbol> defaultSimulatedSymbols();

struct Tick {
  std::uint32_t symbolIndex = 0;
  domain::Timestamp ts = 0;
  double price = 0.0;  // trade price
  double size = 0.0;   // trade size (shares)
  double bid = 0.0;
  double ask = 0.0;
  double bidSize = 0.0;
  double askSize = 0.0;
};

class TickGenerator {
 public:
  TickGenerator(std::vector<SimulatedSymbol> symbols, std::uint64_t seed);

  // One trade at ts (non-decreasing across calls) for a symbol chosen by the Rng.
  Tick next(domain::Timestamp ts);

  const std::vector<SimulatedSymbol>& symbols() const { return m_symbols; }
  double price(std::size_t symbolIndex) const { return m_state[symbolIndex].price; }

 private:
  double volFactor(domain::Timestamp ts);
  struct State {
    double price = 0.0;  // unrounded
    domain::Timestamp lastTs = 0;
  };
  std::vector<SimulatedSymbol> m_symbols;
  std::vector<State> m_state;
  Rng m_rng;
  SessionCursor m_cursor;
};

}  // namespace meridian::marketdata
