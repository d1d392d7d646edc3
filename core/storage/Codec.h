#pragma once
// JSON payloads for the Redis pub/sub channels (and any other process boundary).
//
// Channels: "md.bar.<SYMBOL>" carries a BarEvent, "exec.order.<CLIENT_ORDER_ID>" an Order snapshot.
// Field names are snake_case like the SQL columns; enums use the domain wire names; timestamps are JSON
// integers (UTC ns, exact in Qt 6; decoders also accept them as strings); doubles use the shortest exact form.
// Every payload carries "type" ("bar" / "order") and "v" (schema version, currently 1).
#include "core/common/Result.h"
#include "core/domain/Types.h"

#include <string>
#include <string_view>

namespace meridian::storage {

struct BarEvent {
  std::string symbol;
  std::string source;  // data source, e.g. "yahoo"; may be empty
  domain::Bar bar;
  friend bool operator==(const BarEvent&, const BarEvent&) = default;
};

std::string barChannel(std::string_view symbol);          // "md.bar.AAPL"
std::string orderChannel(std::string_view clientOrderId); // "exec.order.MRD-..."

std::string encodeBarEvent(const BarEvent& event);
Result<BarEvent> decodeBarEvent(std::string_view json);
std::string encodeOrderEvent(const domain::Order& order);
Result<domain::Order> decodeOrderEvent(std::string_view json);

}  // namespace meridian::storage
