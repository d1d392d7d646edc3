#pragma once
// Strategy API shared by backtest, paper and live. A strategy only sees a StrategyContext: the backtest engine
// implements it today, the live order manager later, so the same strategy code runs everywhere.
//
// Threading: a strategy and its context live on one thread; callbacks never overlap.
// Hot path: onBar is one virtual call per time step (not per field); contexts must not allocate per call.
#include "core/domain/Types.h"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meridian::strategy {

using OrderId = std::uint64_t;
inline constexpr OrderId kNoOrder = 0;  // returned by submit() when the order is rejected immediately

// What a strategy asks for. Instruments are indices into the host's instrument list (0..instrumentCount-1).
struct OrderRequest {
  std::uint32_t instrument = 0;
  domain::Side side = domain::Side::Buy;
  domain::OrderType type = domain::OrderType::Market;
  domain::TimeInForce tif = domain::TimeInForce::Gtc;
  double quantity = 0.0;      // > 0, shares
  double limitPrice = 0.0;    // Limit, StopLimit
  double stopPrice = 0.0;     // Stop, StopLimit
  double trailPercent = 0.0;  // TrailingStop, e.g. 5 = 5 %
  std::uint32_t tag = 0;      // free for the strategy, echoed in fills
};

struct FillEvent {
  OrderId orderId = kNoOrder;
  std::uint32_t instrument = 0;
  domain::Side side = domain::Side::Buy;
  double quantity = 0.0;
  double price = 0.0;
  double commission = 0.0;
  domain::Timestamp ts = 0;
  bool orderDone = false;  // the order is completely filled
  std::uint32_t tag = 0;
};

// Terminal order outcomes other than a complete fill (which is reported by onFill with orderDone).
struct OrderUpdate {
  OrderId orderId = kNoOrder;
  std::uint32_t instrument = 0;
  domain::OrderStatus status = domain::OrderStatus::Rejected;  // Rejected, Cancelled or Expired
  std::string_view reason;
  std::uint32_t tag = 0;
};

// All instruments' bars at one time step (series are aligned: same timestamps).
struct BarSlice {
  domain::Timestamp ts = 0;
  std::size_t index = 0;                // time step from the start of the run
  std::span<const domain::Bar> bars;    // one per instrument
  const domain::Bar& operator[](std::size_t i) const { return bars[i]; }
  std::size_t size() const { return bars.size(); }
};

// How the host sizes an order when a strategy asks for "the default quantity" (CLI --size / --size-pct).
struct SizingRule {
  enum class Mode : std::uint8_t { FixedQuantity, PercentOfEquity };
  Mode mode = Mode::FixedQuantity;
  double value = 100.0;  // shares, or percent of equity (e.g. 95)
  double quantity(double equity, double price) const {
    if (mode == Mode::FixedQuantity) return value;
    if (!(price > 0.0) || !(equity > 0.0)) return 0.0;
    return std::floor(equity * value / 100.0 / price);
  }
};

class StrategyContext {
 public:
  virtual domain::Timestamp now() const = 0;
  virtual std::size_t instrumentCount() const = 0;
  virtual std::string_view symbol(std::size_t instrument) const = 0;
  virtual double position(std::size_t instrument) const = 0;  // signed shares
  virtual double cash() const = 0;
  virtual double equity() const = 0;                          // cash + market value at the last mark
  // The host's default order size at `price` (SizingRule).
  virtual double defaultQuantity(std::size_t instrument, double price) const = 0;
  // Orders placed during onBar(t) are first eligible on bar t+1 (market orders fill at its open).
  virtual OrderId submit(const OrderRequest& order) = 0;
  virtual bool cancel(OrderId id) = 0;
  // Number of working (not yet terminal) orders.
  virtual std::size_t openOrders() const = 0;
  // onTimer(at, tag) fires before the first bar whose timestamp is >= at.
  virtual void scheduleTimer(domain::Timestamp at, std::uint32_t tag) = 0;

  OrderId marketOrder(std::uint32_t instrument, domain::Side side, double quantity, std::uint32_t tag = 0) {
    OrderRequest r;
    r.instrument = instrument;
    r.side = side;
    r.quantity = quantity;
    r.tag = tag;
    return submit(r);
  }

 protected:
  ~StrategyContext() = default;
};

class IStrategy {
 public:
  virtual ~IStrategy() = default;
  virtual std::string_view name() const = 0;
  // Instruments the strategy trades (1 for single-asset strategies, 2 for pairs).
  virtual std::size_t instruments() const { return 1; }
  // Bars needed before the first signal can appear (indicator warm-up).
  virtual std::size_t warmupBars() const { return 0; }

  virtual void onStart(StrategyContext&) {}
  virtual void onBar(StrategyContext& ctx, const BarSlice& bars) = 0;
  virtual void onQuote(StrategyContext&, std::size_t /*instrument*/, const domain::Quote&) {}
  virtual void onFill(StrategyContext&, const FillEvent&) {}
  virtual void onOrderUpdate(StrategyContext&, const OrderUpdate&) {}
  virtual void onTimer(StrategyContext&, domain::Timestamp /*now*/, std::uint32_t /*tag*/) {}
  virtual void onStop(StrategyContext&) {}
  // The indicator values a monitor shows for the last bar (e.g. pairs: z, hedge ratio, p-value, half-life), as
  // (name, value) pairs appended to `out`; NaN while not ready. Not on the hot path: called when a status is
  // published, never per bar by the engine.
  virtual void indicators(std::vector<std::pair<std::string, double>>& /*out*/) const {}
};

}  // namespace meridian::strategy
