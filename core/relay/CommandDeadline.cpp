#include "core/relay/CommandDeadline.h"

#include "core/contract/Jobs.h"
#include "core/contract/Orders.h"

namespace meridian::relay {

std::chrono::milliseconds commandDeadline(const bus::Envelope& e) {
  if (const auto* s = e.as<contract::SubmitOrder>())
    return s->order.type == domain::OrderType::Market ? kMarketOrderDeadline : kOrderDeadline;
  if (const auto* b = e.as<contract::SubmitBracket>())
    return b->entry.type == domain::OrderType::Market ? kMarketOrderDeadline : kOrderDeadline;
  if (e.as<contract::RunJobNow>()) return kJobDeadline;
  return kOrderDeadline;
}

}  // namespace meridian::relay
