#include "core/execution/OrderManager.h"

#include "core/common/Logging.h"
#include "core/execution/OrderStateMachine.h"

#include <algorithm>
#include <cmath>

namespace meridian::execution {
namespace {

using domain::OrderStatus;
using domain::OrderType;
constexpr double kQtyEps = 1e-9;

bool isExitRole(OrderRole r) { return r == OrderRole::TakeProfit || r == OrderRole::StopLoss; }

}  // namespace

void OmsEffects::touch(const std::string& id) {
  if (std::find(changed.begin(), changed.end(), id) == changed.end()) changed.push_back(id);
}

void OmsEffects::clear() {
  changed.clear();
  fills.clear();
  toSubmit.clear();
  toCancel.clear();
}

ManagedOrder* OrderManager::get(std::string_view id) {
  auto it = m_orders.find(id);
  return it == m_orders.end() ? nullptr : &it->second;
}

const ManagedOrder* OrderManager::find(std::string_view id) const {
  auto it = m_orders.find(id);
  return it == m_orders.end() ? nullptr : &it->second;
}

Status OrderManager::validateNew(const domain::Order& o) const {
  if (o.clientOrderId.empty()) return makeError("oms.invalid", "order has no client order id");
  if (o.clientOrderId.size() > 48) return makeError("oms.invalid", "client order id longer than 48 characters");
  if (m_orders.count(o.clientOrderId)) return makeError("oms.duplicate", "duplicate client order id " + o.clientOrderId);
  if (o.status != OrderStatus::New) return makeError("oms.invalid", "a new order must have status new");
  return {};
}

Status OrderManager::add(domain::Order order, std::string correlationId) {
  if (Status s = validateNew(order); !s.ok()) return s;
  const std::string id = order.clientOrderId;
  ManagedOrder m;
  m.order = std::move(order);
  m.correlationId = std::move(correlationId);
  m_orders.emplace(id, std::move(m));
  m_insertion.push_back(id);
  return {};
}

Status OrderManager::addBracket(domain::Order entry, domain::Order tp, domain::Order sl, std::string corr,
                                bool native) {
  for (const auto* o : {&entry, &tp, &sl})
    if (Status s = validateNew(*o); !s.ok()) return s;
  if (entry.clientOrderId == tp.clientOrderId || entry.clientOrderId == sl.clientOrderId ||
      tp.clientOrderId == sl.clientOrderId)
    return makeError("oms.duplicate", "bracket legs need distinct client order ids");
  if (tp.type != OrderType::Limit) return makeError("oms.invalid", "bracket take-profit must be a limit order");
  if (sl.type != OrderType::Stop && sl.type != OrderType::StopLimit && sl.type != OrderType::TrailingStop)
    return makeError("oms.invalid", "bracket stop-loss must be a stop, stop-limit or trailing stop order");
  const domain::Side exitSide = entry.side == domain::Side::Buy ? domain::Side::Sell : domain::Side::Buy;
  for (auto* exit : {&tp, &sl}) {
    exit->symbol = entry.symbol;
    exit->side = exitSide;
    exit->quantity = entry.quantity;
    exit->parentId = entry.clientOrderId;
    if (exit->strategyId.empty()) exit->strategyId = entry.strategyId;
  }
  ManagedOrder e{std::move(entry), OrderRole::BracketEntry, corr, {tp.clientOrderId, sl.clientOrderId}, false, native};
  ManagedOrder t{std::move(tp), OrderRole::TakeProfit, corr, {sl.clientOrderId}, !native, native};
  ManagedOrder s{std::move(sl), OrderRole::StopLoss, corr, {t.order.clientOrderId}, !native, native};
  for (ManagedOrder* m : {&e, &t, &s}) {
    const std::string id = m->order.clientOrderId;
    m_orders.emplace(id, std::move(*m));
    m_insertion.push_back(id);
  }
  return {};
}

Status OrderManager::addOco(domain::Order a, domain::Order b, std::string corr, bool native) {
  for (const auto* o : {&a, &b})
    if (Status s = validateNew(*o); !s.ok()) return s;
  if (a.clientOrderId == b.clientOrderId) return makeError("oms.duplicate", "OCO legs need distinct client order ids");
  if (a.symbol != b.symbol) return makeError("oms.invalid", "OCO legs must be for the same symbol");
  const std::string group = "OCO-" + a.clientOrderId;
  a.parentId = group;
  b.parentId = group;
  ManagedOrder ma{std::move(a), OrderRole::OcoLeg, corr, {b.clientOrderId}, false, native};
  ManagedOrder mb{std::move(b), OrderRole::OcoLeg, corr, {ma.order.clientOrderId}, false, native};
  for (ManagedOrder* m : {&ma, &mb}) {
    const std::string id = m->order.clientOrderId;
    m_orders.emplace(id, std::move(*m));
    m_insertion.push_back(id);
  }
  return {};
}

Status OrderManager::addReplacement(const std::string& originalId, domain::Order replacement, std::string corr) {
  const ManagedOrder* orig = find(originalId);
  if (!orig) return makeError("oms.unknown", "unknown order " + originalId);
  if (Status s = validateNew(replacement); !s.ok()) return s;
  ManagedOrder m;
  m.order = std::move(replacement);
  m.order.parentId = orig->order.parentId;
  m.role = orig->role;
  m.links = orig->links;
  m.nativeGroup = orig->nativeGroup;
  m.correlationId = std::move(corr);
  const std::string id = m.order.clientOrderId;
  // Siblings now point at the replacement.
  for (const auto& l : orig->links)
    if (ManagedOrder* sib = get(l))
      std::replace(sib->links.begin(), sib->links.end(), originalId, id);
  m_orders.emplace(id, std::move(m));
  m_insertion.push_back(id);
  return {};
}

void OrderManager::restore(const std::vector<domain::Order>& orders) {
  for (const auto& o : orders) {
    if (o.clientOrderId.empty() || m_orders.count(o.clientOrderId)) continue;
    ManagedOrder m;
    m.order = o;
    m.held = o.status == OrderStatus::New && !o.parentId.empty();
    m_orders.emplace(o.clientOrderId, std::move(m));
    m_insertion.push_back(o.clientOrderId);
  }
  // Rebuild roles and links from parentId: a parent that is an order -> bracket; otherwise an OCO group id.
  std::map<std::string, std::vector<std::string>> groups;
  for (auto& [id, m] : m_orders) {
    if (m.order.parentId.empty()) continue;
    if (ManagedOrder* parent = get(m.order.parentId)) {
      parent->role = OrderRole::BracketEntry;
      if (std::find(parent->links.begin(), parent->links.end(), id) == parent->links.end()) parent->links.push_back(id);
      m.role = m.order.type == OrderType::Limit ? OrderRole::TakeProfit : OrderRole::StopLoss;
    } else {
      m.role = OrderRole::OcoLeg;
    }
    groups[m.order.parentId].push_back(id);
  }
  for (auto& [group, ids] : groups) {
    for (const auto& id : ids) {
      ManagedOrder* m = get(id);
      for (const auto& other : ids)
        if (other != id && std::find(m->links.begin(), m->links.end(), other) == m->links.end()) m->links.push_back(other);
    }
  }
}

bool OrderManager::transition(const std::string& id, OrderStatus to, domain::Timestamp ts, std::string_view reason,
                              OmsEffects& fx) {
  ManagedOrder* m = get(id);
  if (!m) {
    common::logger("oms")->warn("transition to {} for unknown order {}", domain::toString(to), id);
    return false;
  }
  if (!OrderStateMachine::transition(m->order, to, ts, reason)) return false;
  if (to != OrderStatus::New) m->held = false;
  fx.touch(id);
  afterStatusChange(*m, ts, fx);
  return true;
}

void OrderManager::applyFill(ManagedOrder& m, const BrokerEvent& e, OmsEffects& fx) {
  domain::Fill f = e.fill;
  if (f.fillId.empty() || !(f.quantity > 0.0) || !(f.price > 0.0)) {
    common::logger("oms")->warn("order {}: ignoring malformed fill", m.order.clientOrderId);
    return;
  }
  if (!m_seenFills.insert(f.fillId).second) return;  // duplicate execution report
  domain::Order& o = m.order;
  f.clientOrderId = o.clientOrderId;
  f.symbol = o.symbol;
  f.side = o.side;
  if (f.strategyId.empty()) f.strategyId = o.strategyId;
  if (f.ts == 0) f.ts = e.ts;
  const double newFilled = o.filledQuantity + f.quantity;
  if (newFilled > o.quantity + kQtyEps)  // the venue executed more than was asked: it counts (the position is real)
    common::logger("oms")->error("order {}: overfill: {} filled of {} (execution {} of {})", o.clientOrderId, newFilled,
                                 o.quantity, f.fillId, f.quantity);
  o.avgFillPrice = newFilled > 0.0 ? (o.avgFillPrice * o.filledQuantity + f.price * f.quantity) / newFilled : 0.0;
  o.filledQuantity = newFilled;
  if (f.ts > o.updatedTs) o.updatedTs = f.ts;
  fx.fills.push_back(f);
  fx.touch(o.clientOrderId);
  if (domain::isTerminal(o.status)) {
    // A fill reported after the order ended (cancel race): the execution counts, the status stays.
    common::logger("oms")->warn("order {}: fill of {} after status {}", o.clientOrderId, f.quantity,
                                domain::toString(o.status));
    return;
  }
  const OrderStatus to = o.filledQuantity + kQtyEps >= o.quantity ? OrderStatus::Filled : OrderStatus::PartiallyFilled;
  if (OrderStateMachine::transition(o, to, f.ts)) afterStatusChange(m, f.ts, fx);
}

void OrderManager::onBrokerEvent(const BrokerEvent& e, OmsEffects& fx) {
  ManagedOrder* m = get(e.clientOrderId);
  if (!m) {
    common::logger("oms")->warn("broker event for unknown order {}", e.clientOrderId);
    return;
  }
  if (!e.brokerOrderId.empty() && m->order.brokerOrderId.empty() && e.kind != BrokerEvent::Kind::Replaced) {
    m->order.brokerOrderId = e.brokerOrderId;
    fx.touch(e.clientOrderId);
  }
  using K = BrokerEvent::Kind;
  const OrderStatus cur = m->order.status;
  switch (e.kind) {
    case K::Accepted:
      if (cur == OrderStatus::PendingSubmit || cur == OrderStatus::PendingCancel || cur == OrderStatus::New)
        transition(e.clientOrderId, OrderStatus::Accepted, e.ts, {}, fx);
      break;  // already accepted / partially filled: nothing to do
    case K::Rejected:
      transition(e.clientOrderId, OrderStatus::Rejected, e.ts, e.reason, fx);
      break;
    case K::Fill:
      applyFill(*m, e, fx);
      break;
    case K::Cancelled:
      if (cur != OrderStatus::Cancelled) transition(e.clientOrderId, OrderStatus::Cancelled, e.ts, e.reason, fx);
      break;
    case K::Expired:
      if (cur != OrderStatus::Expired) transition(e.clientOrderId, OrderStatus::Expired, e.ts, e.reason, fx);
      break;
    case K::PendingCancel:
      if (cur != OrderStatus::PendingCancel) transition(e.clientOrderId, OrderStatus::PendingCancel, e.ts, {}, fx);
      break;
    case K::CancelRejected: {  // braced: the logger temporary's lifetime ends inside this case
      if (cur == OrderStatus::PendingCancel) {
        const OrderStatus back = m->order.filledQuantity > 0.0 ? OrderStatus::PartiallyFilled : OrderStatus::Accepted;
        transition(e.clientOrderId, back, e.ts, {}, fx);
      }
      common::logger("oms")->warn("order {}: cancel refused: {}", e.clientOrderId, e.reason);
      break;
    }
    case K::Replaced: {
      ManagedOrder* repl = get(e.replacementClientOrderId);
      if (transition(e.clientOrderId, OrderStatus::Replaced, e.ts, {}, fx) && repl) {
        if (!e.brokerOrderId.empty()) repl->order.brokerOrderId = e.brokerOrderId;
        if (repl->order.status == OrderStatus::PendingSubmit)
          transition(repl->order.clientOrderId, OrderStatus::Accepted, e.ts, {}, fx);
        fx.touch(repl->order.clientOrderId);
      }
      break;
    }
    case K::Reconciled:
      break;  // about the broker, not an order (ExecutionService handles it)
  }
}

void OrderManager::afterStatusChange(ManagedOrder& m, domain::Timestamp ts, OmsEffects& fx) {
  if (m.nativeGroup) return;  // the broker runs the group
  const OrderStatus st = m.order.status;
  if (m.role == OrderRole::BracketEntry) {
    if (st == OrderStatus::Filled) {
      activateExits(m, ts, fx);
    } else if (domain::isTerminal(st) && st != OrderStatus::Replaced) {
      if (m.order.filledQuantity > kQtyEps) {
        activateExits(m, ts, fx);
      } else {
        for (const auto& id : m.links) {
          ManagedOrder* exit = get(id);
          if (exit && exit->held) {
            exit->held = false;
            const std::string why = "bracket entry " + std::string(domain::toString(st));
            transition(id, OrderStatus::Cancelled, ts, why, fx);
          }
        }
      }
    }
  } else if ((isExitRole(m.role) || m.role == OrderRole::OcoLeg) && st == OrderStatus::Filled) {
    for (const auto& id : m.links) {
      ManagedOrder* sib = get(id);
      if (!sib || domain::isTerminal(sib->order.status)) continue;
      if (sib->held || sib->order.status == OrderStatus::New) {
        sib->held = false;
        transition(id, OrderStatus::Cancelled, ts, "other OCO leg filled", fx);
      } else if (sib->order.status != OrderStatus::PendingCancel) {
        if (std::find(fx.toCancel.begin(), fx.toCancel.end(), id) == fx.toCancel.end()) fx.toCancel.push_back(id);
      }
    }
  }
}

void OrderManager::activateExits(ManagedOrder& entry, domain::Timestamp ts, OmsEffects& fx) {
  for (const auto& id : entry.links) {
    ManagedOrder* exit = get(id);
    if (!exit || !exit->held) continue;
    exit->held = false;
    exit->order.quantity = entry.order.filledQuantity;
    if (ts > exit->order.updatedTs) exit->order.updatedTs = ts;
    fx.touch(id);
    fx.toSubmit.push_back(id);
  }
}

std::vector<std::string> OrderManager::workingIds() const {
  std::vector<std::string> out;
  for (const auto& id : m_insertion) {
    const ManagedOrder* m = find(id);
    if (m && (m->held || OrderStateMachine::isWorking(m->order.status))) out.push_back(id);
  }
  return out;
}

bool OrderManager::isWorking(std::string_view id) const {
  const ManagedOrder* m = find(id);
  return m && (m->held || OrderStateMachine::isWorking(m->order.status));
}

void OrderManager::workingQuantity(std::string_view symbol, double& buy, double& sell) const {
  buy = 0.0;
  sell = 0.0;
  for (const auto& [id, m] : m_orders) {
    if (m.order.symbol != symbol || m.held || !OrderStateMachine::isWorking(m.order.status)) continue;
    (m.order.side == domain::Side::Buy ? buy : sell) += std::max(0.0, m.order.remaining());
  }
}

void OrderManager::pruneTerminal(std::size_t keep) {
  if (m_orders.size() <= keep) return;
  std::size_t excess = m_orders.size() - keep;
  std::vector<std::string> kept;
  kept.reserve(m_insertion.size());
  for (const auto& id : m_insertion) {
    const ManagedOrder* m = find(id);
    if (!m) continue;
    if (excess > 0 && domain::isTerminal(m->order.status) && !m->held) {
      bool groupLive = false;
      for (const auto& l : m->links)
        if (isWorking(l)) groupLive = true;
      if (!groupLive) {
        m_orders.erase(id);
        --excess;
        continue;
      }
    }
    kept.push_back(id);
  }
  m_insertion = std::move(kept);
}

}  // namespace meridian::execution
