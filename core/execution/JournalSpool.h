#pragma once
// JournalSpool: what the order journal must never lose when the database cannot take it.
//
// Every journal write of the execution path goes through here, on the storage thread:
//  * write(): an execution event (orders, fills, positions: storage::JournalBatch). Straight to the journal when
//    nothing is spooled and the database takes it; otherwise appended to the spool, a local file of checksummed,
//    fsync'd records (common::DurableLog), one per event, and it counts as journaled. Spooled events go to the
//    database in the order they happened (drain(), retried at most once per retry interval and from the execution
//    thread's timer); nothing is written directly while anything is spooled, so a later event never overtakes an
//    earlier one. Journal writes are idempotent (order upsert guarded by updated_ts, fills by fill id), so an
//    event replayed twice — a crash after the database took it but before the spool forgot it — changes nothing.
//  * admit(): a NEW order's pending_submit row, the write that lets the order go to the broker. Never spooled: a
//    new order is sent only when the database has it, so while the journal is down new orders are refused
//    (errc::kUnavailable: transient, the sender may try again) and only what the venue does to orders already
//    out there is spooled. An admission first tries to drain the spool, without waiting for the retry interval.
//  * A record the database refuses for good (constraint / invalid: a bug, not an outage) is moved to
//    "<spool>.refused" with the reason instead of blocking the records behind it; status().refused counts it.
// open() reads the spool back after a restart; every record names the database it belongs to, and a spool of
// another database is an error (never replayed into the wrong journal). The execution service drains it before
// it loads the journal, so a restart sees every fill the previous run had.
// An empty path keeps the spool in memory only (tests; never the application).
#include "core/common/Clock.h"
#include "core/common/DurableLog.h"
#include "core/common/Result.h"
#include "core/storage/IOrderJournal.h"

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

namespace meridian::execution {

struct SpoolOptions {
  std::string path;      // journal.spool_path; empty = memory only
  std::string database;  // identity of the journal's database (no secrets): records of another one are refused
  std::chrono::milliseconds retryInterval{1000};
};

// Thread-safe summary (health probe, Ops dock).
struct SpoolStatus {
  std::string path;
  std::size_t pending = 0;          // events waiting for the database
  std::uint64_t spooled = 0;        // appended since start
  std::uint64_t drained = 0;        // handed to the database since start
  std::uint64_t refused = 0;        // moved to <spool>.refused since start
  domain::Timestamp oldestTs = 0;   // when the oldest pending event was spooled
  std::string lastError;            // why the last write / drain failed
};

class JournalSpool {
 public:
  static Result<std::shared_ptr<JournalSpool>> open(SpoolOptions options, std::shared_ptr<const common::IClock> clock = {});

  // Storage thread only.
  Status write(storage::IOrderJournal& journal, const storage::JournalBatch& batch);
  Status admit(storage::IOrderJournal& journal, const storage::JournalBatch& batch);
  // Hands spooled events to the database, oldest first, until one fails. Without `force`, at most once per
  // retry interval after a failure. Ok when nothing is left.
  Status drain(storage::IOrderJournal& journal, bool force = false);

  // Any thread.
  std::size_t pending() const { return m_pendingCount.load(); }
  SpoolStatus status() const;

  static std::string encode(const storage::JournalBatch& batch, std::string_view database, domain::Timestamp ts);
  static Result<storage::JournalBatch> decode(std::string_view record, std::string* database = nullptr,
                                              domain::Timestamp* ts = nullptr);

 private:
  struct Record {
    std::string text;
    storage::JournalBatch batch;
    domain::Timestamp ts = 0;
  };
  JournalSpool(SpoolOptions options, std::shared_ptr<const common::IClock> clock);
  Status spool(const storage::JournalBatch& batch, const Error& why);
  void refuse(const Record& record, const Error& why);
  void setError(const std::string& error);
  void publishCounts();

  SpoolOptions m_options;
  std::shared_ptr<const common::IClock> m_clock;
  std::unique_ptr<common::DurableLog> m_log;      // null: memory only
  std::unique_ptr<common::DurableLog> m_refused;  // opened at the first refused record
  std::deque<Record> m_pending;
  std::chrono::steady_clock::time_point m_nextRetry{};
  std::atomic<std::size_t> m_pendingCount{0};
  mutable std::mutex m_statusMutex;
  SpoolStatus m_status;
};

// True for the errors a retry can cure (the database is down, a connection was lost); false for the ones it
// cannot (a constraint or an invalid value: refused for good).
bool journalErrorIsTransient(const Error& error);

}  // namespace meridian::execution
