#pragma once
// PaperBook: the paper venue's own durable record of what it did, so that after a crash (SIGKILL between a fill and
// its journal write, a database outage) the venue still knows which orders it holds and which fills it gave —
// as a real venue does — and reconciliation reports what the journal misses instead of executing anything twice.
//
// One common::DurableLog (checksummed lines, fsync'd before the event is reported), one JSON record per venue
// action, written BEFORE the broker reports it:
//   {"t":"arm","order":{..},"remaining":r,"seq":n,"expires":ts}    an order starts working (submit / re-arm)
//   {"t":"fill","fill":{..},"seq":n}                               a fill (seq: the order's fill counter)
//   {"t":"end","id":"..","status":"cancelled|expired|rejected","reason":".."}
//   {"t":"replace","id":"..","order":{..},"remaining":r,"expires":ts}   ends one order and arms its replacement
// open() replays the file into entries(); compact() rewrites it with the history of the orders still needed, read
// from the file as it is when compact() runs (records written after open(), e.g. during the reconciliation that
// compacts, belong to the orders they name like the others: an order's fills never outlive its arm record).
// An empty path keeps nothing (unit tests; the application always has a book).
#include "core/common/DurableLog.h"
#include "core/common/Result.h"
#include "core/domain/Types.h"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace meridian::execution {

class PaperBook {
 public:
  struct Entry {
    domain::Order order;          // as armed, with the fills applied (filledQuantity, avgFillPrice, status)
    double remaining = 0.0;
    int fillSeq = 0;
    domain::Timestamp expiresTs = 0;
    std::vector<domain::Fill> fills;
    std::string end;              // "" while working; cancelled / expired / rejected / replaced
    std::string endReason;
    std::string replacement;      // end == "replaced": the order that took its place
    std::vector<std::size_t> records;  // this order's lines in the file (1-based), for compact()
  };

  static Result<std::unique_ptr<PaperBook>> open(const std::string& path);
  bool durable() const { return m_log != nullptr; }
  const std::string& path() const { return m_path; }
  // What the file held at open() (cleared by compact()).
  const std::map<std::string, Entry>& entries() const { return m_entries; }

  Status armed(const domain::Order& order, double remaining, int fillSeq, domain::Timestamp expiresTs);
  Status filled(const domain::Fill& fill, int fillSeq);
  Status ended(const std::string& clientOrderId, std::string_view status, const std::string& reason);
  Status replaced(const std::string& clientOrderId, const domain::Order& replacement, double remaining,
                  domain::Timestamp expiresTs);
  // Rewrites the file with every record it holds now (read back: what open() read and everything appended since)
  // of the orders in `keep` only, in file order; forgets entries(). Fails, leaving the file as it is, when the
  // file cannot be read back.
  Status compact(const std::set<std::string>& keep);

 private:
  PaperBook() = default;
  Status append(const std::string& record);
  // Replays records (line numbers from 1) into `entries`; an error names `path` and the record.
  static Status replay(const std::string& path, const std::vector<std::string>& records,
                       std::map<std::string, Entry>& entries);
  static Status apply(const std::string& path, const std::string& record, std::size_t line,
                      std::map<std::string, Entry>& entries);

  std::string m_path;
  std::unique_ptr<common::DurableLog> m_log;
  std::map<std::string, Entry> m_entries;
};

}  // namespace meridian::execution
