#pragma once
// Write priority between the connections of this process to one SQLite file.
//
// SQLite has one write lock per database and no queue for it: a connection that finds it taken sleeps in its busy
// handler and retries, so a writer that commits and begins again at once (the bar writer storing first-run history
// or a burst of bars) can keep the lock for seconds while the order journal's BEGIN IMMEDIATE keeps missing the
// gaps -- and fails with "database is locked" when its busy timeout runs out.
//
// The gate gives foreground writers (the journal's connection, every connection by default) the next turn: each
// announces itself while it asks for and holds the lock, and background writers wait before each transaction
// while any is announced. A foreground writer so waits at most for the background transaction in progress (and
// one that began as it arrived). Only connections of this process take part: another process is not held back.
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>

namespace meridian::storage {

class SqliteWriteGate {
 public:
  // The gate of a database file, shared by every connection of this process that opens it (the key is the file's
  // canonical path). Lives while a connection holds it.
  static std::shared_ptr<SqliteWriteGate> forFile(const std::string& canonicalPath);

  void enterForeground();
  void leaveForeground();
  // Returns once no foreground writer is announced, or after `limit` (false then).
  bool yieldToForeground(std::chrono::milliseconds limit);

 private:
  std::mutex m_mutex;
  std::condition_variable m_clear;
  int m_foreground = 0;
};

}  // namespace meridian::storage
