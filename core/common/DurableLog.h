#pragma once
// DurableLog: an append-only file of records that survive a crash — for what must not be lost between the moment
// it happens and the moment the database has it (the journal spool), or that is the only record of it (the paper
// broker's book).
//
// Format: one record per line, "<checksum> <payload>\n", checksum = the first 8 hex digits of SHA-256(payload);
// the payload is one line of text (compact JSON). append() returns only once the line is on the disk (FileSync.h).
// open() reads every record back. A last line cut short or failing its checksum is a write the crash interrupted
// (never acknowledged to anyone): it is cut off, with a warning. A bad line anywhere else is corruption: open()
// fails with "<path>:<line>: ..." and the caller refuses to start rather than guess.
// The file is created at the first append; rewrite() replaces the whole content atomically (no records: the file
// is removed). Not thread-safe: one owner thread.
#include "core/common/Result.h"

#include <QFile>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::common {

class DurableLog {
 public:
  // Reads the records of `path` (a missing file = none) into `records`, in the order they were appended.
  static Result<std::unique_ptr<DurableLog>> open(std::string path, std::vector<std::string>& records);
  // The records of `path` without opening it for writing and without touching it (a torn last line, which the
  // owner may be writing right now, is left out): for inspection by another process.
  static Result<std::vector<std::string>> read(const std::string& path);
  ~DurableLog();
  DurableLog(const DurableLog&) = delete;
  DurableLog& operator=(const DurableLog&) = delete;

  // Appends one record and waits for the disk. `payload` must be one line (no '\n'). On failure nothing of the
  // record stays in the file (a partial line is cut off again) and the error says why.
  Status append(std::string_view payload);
  // Atomically replaces the file with `payloads` (temporary file, sync, rename). Empty: the file is removed.
  Status rewrite(const std::vector<std::string>& payloads);
  const std::string& path() const { return m_path; }
  std::size_t size() const { return m_count; }  // records in the file

  // The line as it is written ("<checksum> <payload>\n"); for tests that damage a file on purpose.
  static std::string encodeLine(std::string_view payload);

 private:
  explicit DurableLog(std::string path) : m_path(std::move(path)) {}
  Status openForAppend();

  std::string m_path;
  QFile m_file;
  std::size_t m_count = 0;
  bool m_broken = false;  // a failed append could not be undone: refuse further appends
};

}  // namespace meridian::common
