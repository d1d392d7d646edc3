#pragma once
// Order lifecycle as an explicit transition table. Every status change in the OMS goes through transition();
// an illegal change is refused (the order is left untouched) and logged, never applied.
//
//   new -> pending_submit | rejected | cancelled                 (risk reject; held bracket child cancelled)
//   pending_submit -> accepted | rejected | partially_filled | filled | pending_cancel | cancelled | expired
//   accepted -> partially_filled | filled | pending_cancel | cancelled | expired | replaced | rejected
//   partially_filled -> partially_filled | filled | pending_cancel | cancelled | expired | replaced
//   pending_cancel -> cancelled | filled | partially_filled | accepted (cancel refused) | expired | replaced
//   filled, cancelled, rejected, expired, replaced: terminal (no way out)
#include "core/domain/Types.h"

#include <string_view>

namespace meridian::execution {

class OrderStateMachine {
 public:
  static bool canTransition(domain::OrderStatus from, domain::OrderStatus to);
  // Applies `to` to order.status when legal (also sets updatedTs = ts when ts > updatedTs and, for rejects,
  // rejectReason when given). Returns false and logs a warning when illegal; the order is then unchanged.
  static bool transition(domain::Order& order, domain::OrderStatus to, domain::Timestamp ts,
                         std::string_view reason = {});
  // Statuses in which an order is live at (or on its way to) the broker.
  static bool isWorking(domain::OrderStatus s) {
    return s == domain::OrderStatus::PendingSubmit || s == domain::OrderStatus::Accepted ||
           s == domain::OrderStatus::PartiallyFilled || s == domain::OrderStatus::PendingCancel;
  }
};

}  // namespace meridian::execution
