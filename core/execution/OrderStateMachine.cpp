#include "core/execution/OrderStateMachine.h"

#include "core/common/Logging.h"

#include <array>

namespace meridian::execution {
namespace {

using S = domain::OrderStatus;
constexpr std::size_t kN = 10;
constexpr std::size_t idx(S s) { return static_cast<std::size_t>(s); }

constexpr std::array<std::array<bool, kN>, kN> buildTable() {
  std::array<std::array<bool, kN>, kN> t{};
  auto allow = [&t](S from, std::initializer_list<S> to) {
    for (S s : to) t[idx(from)][idx(s)] = true;
  };
  allow(S::New, {S::PendingSubmit, S::Rejected, S::Cancelled});
  allow(S::PendingSubmit,
        {S::Accepted, S::Rejected, S::PartiallyFilled, S::Filled, S::PendingCancel, S::Cancelled, S::Expired});
  allow(S::Accepted,
        {S::PartiallyFilled, S::Filled, S::PendingCancel, S::Cancelled, S::Expired, S::Replaced, S::Rejected});
  allow(S::PartiallyFilled, {S::PartiallyFilled, S::Filled, S::PendingCancel, S::Cancelled, S::Expired, S::Replaced});
  allow(S::PendingCancel, {S::Cancelled, S::Filled, S::PartiallyFilled, S::Accepted, S::Expired, S::Replaced});
  return t;
}
constexpr auto kTable = buildTable();

}  // namespace

bool OrderStateMachine::canTransition(S from, S to) {
  if (idx(from) >= kN || idx(to) >= kN) return false;
  return kTable[idx(from)][idx(to)];
}

bool OrderStateMachine::transition(domain::Order& order, S to, domain::Timestamp ts, std::string_view reason) {
  if (!canTransition(order.status, to)) {
    common::logger("oms")->warn("order {}: illegal transition {} -> {} refused", order.clientOrderId,
                                domain::toString(order.status), domain::toString(to));
    return false;
  }
  order.status = to;
  if (ts > order.updatedTs) order.updatedTs = ts;
  if (!reason.empty() && (to == S::Rejected || to == S::Cancelled || to == S::Expired))
    order.rejectReason = std::string(reason);
  return true;
}

}  // namespace meridian::execution
