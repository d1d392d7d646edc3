#pragma once
#include <string>

namespace meridian::common {

// Client order id: "MRD-" + 8 hex digits of the process's random instance tag + "-" + 8 hex digits of a
// per-process counter. Unique across restarts and processes without coordination; at most 48 characters
// as Alpaca requires for client_order_id. Thread-safe.
std::string newClientOrderId();
// Correlation id for commands sent from the UI to core. Thread-safe.
std::string newCorrelationId();

}  // namespace meridian::common
