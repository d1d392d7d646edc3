#pragma once
// Whether orders from this window reach a paper venue or real money, and through which broker. Header-only so the
// UI bridge can take it off the bus without linking the runtime.
//
//   "sys.trading_mode"  TradingMode  published by the Kernel once execution started (standalone / serve), and by
//                                    an attached process's relay whenever the serving process's heartbeat first
//                                    shows, or changes, its mode (latest wins)
//
// An attached process does not know the mode before the server's first heartbeat (known = false); callers must
// not present that as PAPER with the same confidence (the UI keeps its safer defaults until it is known).
#include <string>

namespace meridian::runtime {

namespace topics {
inline constexpr const char* kTradingMode = "sys.trading_mode";
}

struct TradingMode {
  bool known = false;   // false: attached and no heartbeat with a mode seen yet
  bool live = false;    // real money (broker.kind=alpaca with broker.alpaca_live)
  std::string broker;   // "paper" | "alpaca" (ExecutionService::brokerName of the process that trades)
  std::string origin;   // attach: the serving process's instance id; empty for the local process

  const char* label() const { return !known ? "UNKNOWN" : live ? "LIVE" : "PAPER"; }
  friend bool operator==(const TradingMode&, const TradingMode&) = default;
};

}  // namespace meridian::runtime
