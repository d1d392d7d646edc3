#pragma once
// Port: the order journal. An order is journaled before it is sent to a broker; replaying the journal
// (loadOpenOrders + loadPositions) restores the execution state after a restart.
#include "core/common/Result.h"
#include "core/domain/Types.h"

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace meridian::storage {

// What one execution event changes: the orders (new state), the fills and the positions they moved. Journaled
// together, so that an order's filled quantity, its fills and the positions never disagree in the journal.
struct JournalBatch {
  std::vector<domain::Order> orders;
  std::vector<domain::Fill> fills;
  std::vector<domain::Position> positions;
  bool empty() const { return orders.empty() && fills.empty() && positions.empty(); }
  friend bool operator==(const JournalBatch&, const JournalBatch&) = default;
};

class IOrderJournal {
 public:
  virtual ~IOrderJournal() = default;

  // Upsert by clientOrderId (idempotent: journaling the same order twice is a no-op). A stale write
  // (order.updatedTs older than the stored row's updated_ts) is ignored, so late duplicates cannot roll an
  // order back to an earlier state.
  virtual Status journalOrder(const domain::Order& order) = 0;
  virtual Result<std::optional<domain::Order>> loadOrder(std::string_view clientOrderId) = 0;
  // Orders whose status is not terminal (domain::isTerminal), oldest first.
  virtual Result<std::vector<domain::Order>> loadOpenOrders() = 0;
  // Most recent orders first (by created_ts); limit 0 = all.
  virtual Result<std::vector<domain::Order>> loadOrders(std::size_t limit) = 0;

  // Idempotent by fillId. Returns true when the fill was newly inserted, false when it was already known.
  // The fill's order must have been journaled (foreign key; errc::kConstraint otherwise).
  virtual Result<bool> recordFill(const domain::Fill& fill) = 0;
  // Fills of one order (clientOrderId non-empty) or of all orders (empty); newest first; limit 0 = all.
  virtual Result<std::vector<domain::Fill>> loadFills(std::string_view clientOrderId, std::size_t limit) = 0;
  // Every fill tagged with strategyId (Fill::strategyId, copied from its order), oldest first (ts, fill id): what a
  // strategy holds, rebuilt from the journal (the live runner's restart).
  virtual Result<std::vector<domain::Fill>> loadStrategyFills(std::string_view strategyId) = 0;

  // Upsert by (symbol, strategyId).
  virtual Status savePosition(const domain::Position& position) = 0;
  // Ordered by symbol, strategyId. Flat positions are returned too (quantity 0, realized P&L kept).
  virtual Result<std::vector<domain::Position>> loadPositions() = 0;

  // Orders, then fills, then positions, all or nothing (one transaction). Idempotent like the calls it is made
  // of: journaling the same batch again (a retry after a lost connection, a replayed spool) changes nothing.
  virtual Status journalBatch(const JournalBatch& batch) = 0;
};

}  // namespace meridian::storage
