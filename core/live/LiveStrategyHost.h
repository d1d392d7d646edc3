#pragma once
// Runs one IStrategy live, bar by bar, with exactly the backtest engine's per-bar sequence and order semantics
// (core/backtest/BacktestEngine.h), so a strategy decides the same things live as in a backtest on the same bars:
//   1. clock := the slice's timestamp; due timers fire;
//   2. the strategy's working orders from earlier slices are matched against this slice by the shared FillModel
//      (market orders fill at the open), with the engine's short / cash checks and time-in-force handling;
//   3. positions are marked at the close (shared backtest::Portfolio);
//   4. strategy.onBar(slice): every accepted order becomes an OrderIntent (the live signal).
// The book is the strategy's own shadow book (capital from strategy.capital), not the broker account: it is what
// keeps live decisions identical to the backtest. The runner turns intents into real orders separately.
// While `trading` is false (warm-up on stored history) orders are refused, as the engine does before tradeStart.
//
// Steps 2-3, order acceptance and the shadow book are backtest::SimOrderBook and the timers of step 1
// backtest::StrategyTimers, the very code the engine runs.
//
// Plain C++, one thread (the runner's); no allocation per bar in steady state beyond the intents of that bar.
#include "core/backtest/SimOrderBook.h"
#include "core/backtest/StrategyTimers.h"
#include "core/strategy/IStrategy.h"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace meridian::live {

struct LiveHostConfig {
  double initialCash = 100'000.0;   // BacktestConfig defaults, so a default backtest is the reference
  backtest::FillModelConfig fill;
  strategy::SizingRule sizing;
  bool allowShort = true;
  bool allowMargin = false;
};

// One order the strategy placed on a slice.
struct OrderIntent {
  std::size_t instrument = 0;
  strategy::OrderId orderId = strategy::kNoOrder;
  domain::Side side = domain::Side::Buy;
  domain::OrderType type = domain::OrderType::Market;
  double quantity = 0.0;
  double limitPrice = 0.0;
  double stopPrice = 0.0;
  double targetPosition = 0.0;  // shadow position once this and every earlier working order of the instrument fill
  domain::Timestamp ts = 0;     // slice timestamp
  double close = 0.0;           // the instrument's close on that slice
};

class LiveStrategyHost final : public strategy::StrategyContext {
 public:
  LiveStrategyHost(std::unique_ptr<strategy::IStrategy> strategy, std::vector<std::string> symbols,
                   LiveHostConfig config = {});
  ~LiveStrategyHost();
  LiveStrategyHost(const LiveStrategyHost&) = delete;
  LiveStrategyHost& operator=(const LiveStrategyHost&) = delete;

  // One aligned slice (bars[i] for symbol i, same ts, ts > lastTs()). Returns the intents placed by onBar on
  // this slice (valid until the next call).
  const std::vector<OrderIntent>& step(std::span<const domain::Bar> bars, bool trading);
  void finish();  // onStop

  strategy::IStrategy& strategy() { return *m_strategy; }
  const std::vector<std::string>& symbols() const { return m_symbols; }
  domain::Timestamp lastTs() const { return m_now; }
  std::size_t barsSeen() const { return m_t; }
  std::size_t fills() const { return std::size_t(m_book.counts().fills); }
  // Signed shares the shadow book's working orders of instrument i would still add (the strategy's target is
  // position(i) + workingDelta(i)).
  double workingDelta(std::size_t i) const { return i < m_symbols.size() ? m_book.workingDelta(i) : 0.0; }
  // Moves the shadow position of instrument i by `delta` shares without an order: a restart puts the shadow book
  // back where it was when the warm-up could not replay it exactly. Booked like a fill without commission at the
  // current slice's close (cash moves, equity does not); before the first slice, at the first slice's open.
  void adjustPosition(std::size_t i, double delta);

  // ---- StrategyContext ---------------------------------------------------------------------------------
  domain::Timestamp now() const override { return m_now; }
  std::size_t instrumentCount() const override { return m_symbols.size(); }
  std::string_view symbol(std::size_t i) const override;
  double position(std::size_t i) const override;
  double cash() const override { return m_book.portfolio().cash(); }
  double equity() const override { return m_book.portfolio().equity(); }
  double defaultQuantity(std::size_t instrument, double price) const override;
  strategy::OrderId submit(const strategy::OrderRequest& order) override;
  bool cancel(strategy::OrderId id) override { return m_book.cancel(id); }
  std::size_t openOrders() const override { return m_book.openOrders(); }
  void scheduleTimer(domain::Timestamp at, std::uint32_t tag) override { m_timers.schedule(at, tag); }

 private:
  void book(std::size_t i, double delta, double price);

  std::unique_ptr<strategy::IStrategy> m_strategy;
  std::vector<std::string> m_symbols;
  LiveHostConfig m_cfg;
  std::vector<domain::Bar> m_current;  // the slice being processed; the book reads it (matching, trailing anchor)
  backtest::SimOrderBook m_book;       // after m_strategy and m_symbols, which it is built from
  backtest::StrategyTimers m_timers;
  std::vector<OrderIntent> m_intents;
  std::vector<double> m_pendingAdjust;  // adjustPosition before the first slice, per instrument
  std::size_t m_t = 0;  // slices seen
  domain::Timestamp m_now = 0;
  bool m_trading = false;
  bool m_started = false;
};

}  // namespace meridian::live
