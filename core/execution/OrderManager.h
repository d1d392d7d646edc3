#pragma once
// OrderManager (OMS): owns the working orders of one account and applies every status change through the
// OrderStateMachine. Plain C++, single-threaded (the execution thread), no I/O: each operation reports what it
// changed and what the caller must do next in OmsEffects (journal + publish the changed orders, book the fills,
// submit activated bracket exits, cancel OCO siblings).
//
// Groups (parentId links, persisted in the journal):
//  * Bracket: entry + take-profit + stop-loss. The exits have parentId = entry id and are held (status new) until
//    the entry fills; then both are activated with the filled quantity and form an OCO pair. When the entry ends
//    (cancelled / expired / rejected) without any fill the exits are cancelled; after a partial fill they are
//    activated for the filled quantity.
//  * OCO: two legs with the same parentId (the group id "OCO-<first leg id>"); when one leg is completely filled
//    the other is cancelled.
//  With a broker that runs groups natively (IBroker::nativeOrderGroups) the OMS only tracks the legs.
#include "core/common/Result.h"
#include "core/domain/Types.h"
#include "core/execution/IBroker.h"

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace meridian::execution {

enum class OrderRole : std::uint8_t { Single, BracketEntry, TakeProfit, StopLoss, OcoLeg };

struct ManagedOrder {
  domain::Order order;
  OrderRole role = OrderRole::Single;
  std::string correlationId;       // of the command that created the order
  std::vector<std::string> links;  // entry: {takeProfit, stopLoss}; exits / OCO legs: {sibling}
  bool held = false;               // bracket exit waiting for its entry
  bool nativeGroup = false;        // the broker runs this order's group
};

struct OmsEffects {
  std::vector<std::string> changed;   // client ids whose order changed (each once, in order of first change)
  std::vector<domain::Fill> fills;    // new executions (duplicates by fillId already removed)
  std::vector<std::string> toSubmit;  // activated bracket exits: journal, then send to the broker
  std::vector<std::string> toCancel;  // OCO siblings to cancel at the broker
  void touch(const std::string& id);
  void clear();
  bool empty() const { return changed.empty() && fills.empty() && toSubmit.empty() && toCancel.empty(); }
};

class OrderManager {
 public:
  // Adds a new order (status must be New; clientOrderId unique and non-empty).
  Status add(domain::Order order, std::string correlationId = {});
  Status addBracket(domain::Order entry, domain::Order takeProfit, domain::Order stopLoss, std::string correlationId,
                    bool nativeGroup);
  Status addOco(domain::Order first, domain::Order second, std::string correlationId, bool nativeGroup);
  // Adds orders loaded from the journal (any status); roles and links are rebuilt from parentId. Existing ids
  // are left alone (restoring twice is harmless).
  void restore(const std::vector<domain::Order>& orders);

  // Status change through the state machine; false (and nothing changed) when illegal or unknown.
  bool transition(const std::string& clientOrderId, domain::OrderStatus to, domain::Timestamp ts,
                  std::string_view reason, OmsEffects& fx);
  // Applies a broker event (status, fill, replace) and the group rules.
  void onBrokerEvent(const BrokerEvent& event, OmsEffects& fx);
  // Registers the replacement order of a cancel/replace (status New, same group as the original).
  Status addReplacement(const std::string& originalId, domain::Order replacement, std::string correlationId);

  const ManagedOrder* find(std::string_view clientOrderId) const;
  // Working = pending_submit / accepted / partially_filled / pending_cancel, plus held bracket exits.
  std::vector<std::string> workingIds() const;
  bool isWorking(std::string_view clientOrderId) const;
  // Remaining quantity of working orders of a symbol per side (for the position limit).
  void workingQuantity(std::string_view symbol, double& buy, double& sell) const;
  std::size_t size() const { return m_orders.size(); }
  // Forgets terminal orders beyond the most recent `keep` (the journal keeps them all).
  void pruneTerminal(std::size_t keep);

 private:
  ManagedOrder* get(std::string_view id);
  void applyFill(ManagedOrder& m, const BrokerEvent& e, OmsEffects& fx);
  void afterStatusChange(ManagedOrder& m, domain::Timestamp ts, OmsEffects& fx);
  void activateExits(ManagedOrder& entry, domain::Timestamp ts, OmsEffects& fx);
  Status validateNew(const domain::Order& o) const;

  std::map<std::string, ManagedOrder, std::less<>> m_orders;
  std::vector<std::string> m_insertion;  // ids in insertion order (pruning)
  std::unordered_set<std::string> m_seenFills;
};

}  // namespace meridian::execution
