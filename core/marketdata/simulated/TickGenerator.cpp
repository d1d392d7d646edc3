#include "core/marketdata/simulated/TickGenerator.h"

#include <algorithm>
#include <cmath>

namespace meridian::marketdata {
namespace {

constexpr double kTradingYearNs = 252.0 * 6.5 * double(domain::kNanosPerHour);
constexpr domain::Timestamp kMaxGap = 2 * domain::kNanosPerHour;

double roundTo(double v, double step) { return std::round(v / step) * step; }

}  // namespace

std::vector<SimulatedSymbol> defaultSimulatedSymbols() {
  return {
      {"AAPL", 190.0, 0.25, 0.08, 1.0, 0.01}, {"MSFT", 375.0, 0.24, 0.08, 1.0, 0.01},
      {"NVDA", 480.0, 0.50, 0.15, 1.5, 0.01}, {"AMZN", 150.0, 0.32, 0.10, 1.5, 0.01},
      {"GOOGL", 140.0, 0.30, 0.08, 1.5, 0.01}, {"META", 350.0, 0.38, 0.10, 1.5, 0.01},
      {"TSLA", 250.0, 0.60, 0.05, 2.0, 0.01}, {"JPM", 170.0, 0.22, 0.06, 1.5, 0.01},
      {"SPY", 475.0, 0.14, 0.07, 0.5, 0.01},  {"QQQ", 405.0, 0.19, 0.09, 0.5, 0.01},
  };
}

TickGenerator::TickGenerator(std::vector<SimulatedSymbol> symbols, std::uint64_t seed)
    : m_symbols(std::move(symbols)), m_rng(seed) {
  m_state.resize(m_symbols.size());
  for (std::size_t i = 0; i < m_symbols.size(); ++i) m_state[i].price = m_symbols[i].startPrice;
}

double TickGenerator::volFactor(domain::Timestamp ts) {
  const auto& d = m_cursor.dayOf(ts);
  if (!d.inSession(ts)) return 0.3;
  const double fromOpen = double(ts - d.open) / double(domain::kNanosPerMinute);
  const double toClose = double(d.close - ts) / double(domain::kNanosPerMinute);
  return 0.7 + 0.9 * std::exp(-fromOpen / 25.0) + 0.5 * std::exp(-toClose / 20.0);
}

Tick TickGenerator::next(domain::Timestamp ts) {
  Tick t;
  t.ts = ts;
  if (m_symbols.empty()) return t;
  const auto i = std::uint32_t(m_rng.below(m_symbols.size()));
  t.symbolIndex = i;
  const SimulatedSymbol& sym = m_symbols[i];
  State& st = m_state[i];
  const domain::Timestamp gap = st.lastTs == 0 ? 0 : std::clamp<domain::Timestamp>(ts - st.lastTs, 0, kMaxGap);
  st.lastTs = ts;
  const double z = m_rng.normal();
  if (gap > 0) {
    const double dt = double(gap) / kTradingYearNs;
    const double sigma = sym.annualVol * volFactor(ts);
    st.price *= std::exp((sym.annualDrift - 0.5 * sigma * sigma) * dt + sigma * std::sqrt(dt) * z);
    st.price = std::max(st.price, 2.0 * sym.tickSize);
  }
  const double tick = sym.tickSize;
  const double px = std::max(tick, roundTo(st.price, tick));
  const double spread = std::max(tick, roundTo(px * sym.spreadBps * 1e-4, tick));
  double bid = std::max(tick, roundTo(px - 0.5 * spread, tick));
  if (bid > px) bid = px;
  double ask = roundTo(bid + spread, tick);
  if (ask < px) ask = px;
  t.price = px;
  t.bid = bid;
  t.ask = ask;
  const double u = m_rng.uniform();
  t.size = u < 0.2 ? double(1 + m_rng.below(99)) : 100.0 * double(1 + std::uint64_t(-std::log(1.0 - m_rng.uniform()) * 2.0));
  t.bidSize = 100.0 * double(1 + m_rng.below(20));
  t.askSize = 100.0 * double(1 + m_rng.below(20));
  return t;
}

}  // namespace meridian::marketdata
