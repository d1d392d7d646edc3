#pragma once
// Pre-trade risk vocabulary: the limits (RiskLimits), the state a check reads (RiskState) and its answer
// (RiskDecision). Plain C++ value types: building or returning them never allocates.
#include "core/domain/Types.h"

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace meridian::common {
class Config;
}

namespace meridian::risk {

using domain::Timestamp;

// One rule of the RiskEngine. Stable lower-case names (toString) appear in logs and in RiskRejected events.
enum class RiskRule : std::uint8_t {
  None,
  KillSwitch,
  CircuitBreaker,
  TradingHours,
  InvalidOrder,
  NoReferencePrice,
  MaxOrderQty,
  MaxOrderNotional,
  PriceBand,
  MaxPosition,
  MaxGrossExposure,
  DailyLoss,
  Correlation,
  RateLimit,
};
std::string_view toString(RiskRule rule);

// Limits. A limit <= 0 disables its rule (except the flags). Boundaries are inclusive: a value exactly AT the
// limit passes, anything beyond it is rejected (qty == maxOrderQty passes, maxOrderQty + 1 is rejected).
struct RiskLimits {
  double maxOrderQty = 10'000;              // risk.max_order_qty (shares)
  double maxOrderNotional = 250'000;        // risk.max_order_notional ($, qty x reference price)
  double maxPositionQty = 25'000;           // risk.max_position_qty (|shares| per symbol after the order,
                                            //   working orders on the same side included)
  double maxPositionNotional = 0;           // risk.max_position_notional ($ per symbol; 0 = off)
  double maxGrossExposurePct = 0.80;        // risk.max_gross_exposure_pct (sum |market value| / equity)
  double priceBandPct = 0.05;               // risk.price_band_pct (|limit or stop - last| / last: fat finger)
  int maxOrdersPerWindow = 20;              // risk.max_orders_per_window
  Timestamp rateWindow = domain::kNanosPerSecond;  // risk.rate_window_ms
  double maxDailyLossPct = 0.02;            // risk.max_daily_loss_pct (of start-of-day equity)
  double maxDailyLoss = 0;                  // risk.max_daily_loss ($; 0 = off)
  double drawdownPct = 0.05;                // risk.drawdown_pct: breaker trips when equity < (1 - x) * peak
  double maxPairCorrelation = 0.85;         // risk.max_pair_correlation (|r| of the two legs' returns)
  bool enforceTradingHours = true;          // risk.trading_hours: NYSE regular session only
  bool requireReferencePrice = true;        // risk.require_reference_price: no last price -> reject
  bool allowReducingWhenHalted = true;      // risk.allow_reducing_when_halted: daily-loss / breaker let
                                            //   position-reducing orders through (the kill switch never does)

  // The defaults (or `base`) overridden by the risk.* keys above that `config` sets (set to nothing: the default).
  static RiskLimits fromConfig(const common::Config& config);
  static RiskLimits fromConfig(const common::Config& config, const RiskLimits& base);
  // Why `value` cannot be the setting `key` (a risk.* key above): not a risk limit, not a number / whole number /
  // boolean, negative, or a fraction above 1. Empty when it can (an empty value can: it means the default).
  static std::string checkSetting(std::string_view key, std::string_view value);
};

// Everything a check needs about the account and the order's symbol, gathered by the caller (ExecutionService
// from its PositionBook; the benchmark from a prepared array). Plain data: no lookups inside the check.
struct RiskState {
  Timestamp now = 0;
  double equity = 0.0;
  double peakEquity = 0.0;
  double dayStartEquity = 0.0;
  double grossExposure = 0.0;       // sum over symbols of |position market value|
  // The order's symbol.
  double lastPrice = 0.0;           // 0 = unknown
  double positionQty = 0.0;         // signed net position
  double workingBuyQty = 0.0;       // remaining quantity of working buy orders (this order excluded)
  double workingSellQty = 0.0;
  // Pairs legs only (see CorrelationGuard::parsePairTag): rolling correlation of the legs' returns, NaN = unknown.
  bool pairsLeg = false;
  double pairCorrelation = std::numeric_limits<double>::quiet_NaN();
};

struct RiskDecision {
  static constexpr std::size_t kReasonCapacity = 200;

  bool ok = true;
  RiskRule rule = RiskRule::None;
  std::size_t reasonLength = 0;
  std::array<char, kReasonCapacity> reasonText;  // not zero-initialised: only [0, reasonLength) is meaningful

  std::string_view reason() const { return {reasonText.data(), reasonLength}; }
};

}  // namespace meridian::risk
