#pragma once
// The real order journal behind a switch that makes it unavailable as a stopped database server is: while `down`,
// every write (journalOrder, recordFill, savePosition, journalBatch) fails with storage::errc::kUnavailable; reads
// still work, for the test's own checks. With `failAfterCommit`, a batch is written but its answer is lost (the
// connection dropped at COMMIT). The flags are atomic: a test flips them from its thread while the storage thread
// writes.
#include "core/storage/IOrderJournal.h"
#include "core/storage/Records.h"

#include <atomic>

namespace meridian::testsupport {

class SwitchableJournal final : public storage::IOrderJournal {
 public:
  struct Switch {
    std::atomic<bool> down{false};
    std::atomic<bool> failAfterCommit{false};
    std::atomic<int> batches{0};  // journalBatch calls
  };

  SwitchableJournal(storage::IOrderJournal& db, Switch& sw) : m_db(db), m_sw(sw) {}

  Status journalOrder(const domain::Order& o) override { return m_sw.down ? unavailable() : m_db.journalOrder(o); }
  Result<std::optional<domain::Order>> loadOrder(std::string_view id) override { return m_db.loadOrder(id); }
  Result<std::vector<domain::Order>> loadOpenOrders() override { return m_db.loadOpenOrders(); }
  Result<std::vector<domain::Order>> loadOrders(std::size_t n) override { return m_db.loadOrders(n); }
  Result<bool> recordFill(const domain::Fill& f) override {
    if (m_sw.down) return unavailable();
    return m_db.recordFill(f);
  }
  Result<std::vector<domain::Fill>> loadFills(std::string_view id, std::size_t n) override { return m_db.loadFills(id, n); }
  Result<std::vector<domain::Fill>> loadStrategyFills(std::string_view id) override { return m_db.loadStrategyFills(id); }
  Status savePosition(const domain::Position& p) override { return m_sw.down ? unavailable() : m_db.savePosition(p); }
  Result<std::vector<domain::Position>> loadPositions() override { return m_db.loadPositions(); }
  Status journalBatch(const storage::JournalBatch& b) override {
    ++m_sw.batches;
    if (m_sw.down) return unavailable();
    Status s = m_db.journalBatch(b);
    if (s.ok() && m_sw.failAfterCommit) return makeError(storage::errc::kUnavailable, "test: connection lost at commit");
    return s;
  }

 private:
  static Error unavailable() { return makeError(storage::errc::kUnavailable, "test: the database is down"); }
  storage::IOrderJournal& m_db;
  Switch& m_sw;
};

}  // namespace meridian::testsupport
