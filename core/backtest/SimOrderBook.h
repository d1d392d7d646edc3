#pragma once
// The simulated order book and account that the backtest engine (BacktestEngine.cpp) and the live strategy host
// (core/runtime/LiveStrategyHost) both run a strategy against. It exists once so that a strategy's orders are
// accepted, matched and booked by the same code in a backtest and live: the live-vs-backtest parity depends on it.
//
// The host drives it bar by bar:
//   beginBar(t, ts, bars, accepting)   bar t's bars (one per instrument), before timers fire;
//   matchWorking()                     orders submitted before bar t are matched against bar t by the FillModel;
//   markToClose()                      positions are marked at bar t's close;
//   ... strategy.onBar: submit() / cancel() ...
// Rules (the engine's, unchanged):
//  * submit() validates the request and rejects it immediately (kNoOrder, counted as rejected, no callback) for an
//    unknown instrument, a quantity that is not a positive finite number, a Limit/StopLimit without a limit price,
//    a Stop/StopLimit without a stop price, a TrailingStop without a trail percent, or while not accepting orders
//    (warm-up). Several orders may work at once, on the same or different instruments.
//  * An order submitted on bar t is first eligible on bar t+1 (no look-ahead): market orders fill at its open.
//  * Per bar and instrument, fills share the FillModel's volume cap in submission order. Fill-or-kill orders are
//    cancelled when the cap cannot fill them; IOC/FOK remainders are cancelled and Day orders expire after their
//    first eligible bar.
//  * At fill time a sell beyond the long position is rejected when !allowShort, and a buy costing more than the
//    cash (with commission) when !allowMargin.
//  * Every fill updates the Portfolio (cash, average-cost position, round-trip trades), counts, optionally a
//    FillRecord, and is reported to the strategy (onFill). Rejections, cancellations and expiries at match time
//    are reported through onOrderUpdate; a cancel() by the strategy itself is not.
//
// Plain C++, one thread. No allocation per bar: the order vector and the volume scratch are reused; only a new
// order beyond the reserved capacity or a recorded fill beyond the reserved one allocates.
#include "core/backtest/BacktestResult.h"
#include "core/backtest/FillModel.h"
#include "core/backtest/Portfolio.h"
#include "core/strategy/IStrategy.h"

#include <cassert>
#include <span>
#include <string>
#include <vector>

namespace meridian::backtest {

struct SimOrderBookConfig {
  double initialCash = 100'000.0;
  FillModelConfig fill;
  bool allowShort = true;    // false: sells beyond the long position are rejected at fill time
  bool allowMargin = false;  // false: buys costing more than the available cash are rejected at fill time
  bool recordFills = false;  // keep a FillRecord per execution (takeFills)
};

class SimOrderBook {
 public:
  // `strategy` receives onFill / onOrderUpdate with `context` (the host that owns this book). Both must outlive
  // the book; they are not called from the constructor. One instrument per symbol.
  SimOrderBook(const SimOrderBookConfig& config, std::span<const std::string> symbols, strategy::IStrategy& strategy,
               strategy::StrategyContext& context);
  SimOrderBook(const SimOrderBook&) = delete;
  SimOrderBook& operator=(const SimOrderBook&) = delete;

  // Makes bar `t` (timestamp `ts`, bars[i] for instrument i) current: matchWorking() matches against it, fills are
  // stamped with ts and bar index t, orders submitted from now on become eligible at t+1 and a trailing stop
  // without a mark anchors at the instrument's close. `accepting` false refuses new orders (warm-up). `bars` is
  // not copied: it must stay valid until the next beginBar.
  void beginBar(std::size_t t, domain::Timestamp ts, std::span<const domain::Bar> bars, bool accepting) {
    assert(bars.size() == m_portfolio.size());
    m_t = t;
    m_now = ts;
    m_bars = bars;
    m_accepting = accepting;
  }
  // Matches the eligible working orders against the current bar (see the rules above).
  void matchWorking() {
    if (!m_orders.empty()) matchOrders();
  }
  // Marks every instrument at the current bar's close.
  void markToClose() {
    for (std::size_t i = 0; i < m_bars.size(); ++i) m_portfolio.mark(i, m_bars[i].close);
  }

  // Validates and books a new order (see the rules above); returns its id, or kNoOrder when rejected.
  strategy::OrderId submit(const strategy::OrderRequest& request);
  // Cancels a working order of this book; false when it is unknown or already terminal. No onOrderUpdate: the
  // strategy asked for it.
  bool cancel(strategy::OrderId id);
  // Closes every open position at the current bar's close, with slippage and commission (fills with kNoOrder).
  void liquidate();
  // End of data: orders still working are counted as cancelled and dropped (no callback: the run is over).
  void cancelAllAtEnd();

  // Signed shares the working orders of `instrument` would still add to its position.
  double workingDelta(std::size_t instrument) const;
  std::size_t openOrders() const { return m_openOrders; }
  const OrderCounts& counts() const { return m_counts; }
  std::size_t barIndex() const { return m_t; }
  domain::Timestamp now() const { return m_now; }
  const FillModel& fillModel() const { return m_fill; }
  const Portfolio& portfolio() const { return m_portfolio; }
  Portfolio& portfolio() { return m_portfolio; }
  const std::vector<FillRecord>& fills() const { return m_fills; }
  std::vector<FillRecord> takeFills() { return std::move(m_fills); }

 private:
  struct Order {
    strategy::OrderId id = 0;
    std::uint32_t instrument = 0;
    std::uint32_t tag = 0;
    domain::TimeInForce tif = domain::TimeInForce::Gtc;
    std::size_t eligibleFrom = 0;  // first bar index it may fill on
    WorkingOrder w;
    bool done = false;
  };

  void matchOrders();
  void finish(Order& o, domain::OrderStatus status, std::string_view reason, bool notify = true);
  void execute(std::uint32_t instrument, strategy::OrderId id, std::uint32_t tag, domain::Side side, double qty,
               double price, bool orderDone);

  SimOrderBookConfig m_cfg;
  FillModel m_fill;
  Portfolio m_portfolio;
  strategy::IStrategy& m_strategy;
  strategy::StrategyContext& m_context;
  std::vector<Order> m_orders;
  std::vector<double> m_volumeUsed;  // per instrument, shares filled on the current bar (volume cap)
  std::vector<FillRecord> m_fills;
  OrderCounts m_counts;
  std::span<const domain::Bar> m_bars;
  std::size_t m_openOrders = 0;
  strategy::OrderId m_lastId = 0;
  std::size_t m_t = 0;
  domain::Timestamp m_now = 0;
  bool m_accepting = false;
};

}  // namespace meridian::backtest
