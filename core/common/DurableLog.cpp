#include "core/common/DurableLog.h"

#include "core/common/FileSync.h"
#include "core/common/Logging.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>

#include <fmt/format.h>

namespace meridian::common {
namespace {

constexpr std::size_t kSumLength = 8;

std::string checksum(std::string_view payload) {
  const QByteArray h = QCryptographicHash::hash(QByteArrayView(payload.data(), static_cast<qsizetype>(payload.size())),
                                                QCryptographicHash::Sha256)
                           .toHex();
  return std::string(h.constData(), kSumLength);
}

// The payload of a well-formed line (without its '\n'), or nothing.
bool parseLine(std::string_view line, std::string& payload) {
  if (line.size() < kSumLength + 1 || line[kSumLength] != ' ') return false;
  const std::string_view body = line.substr(kSumLength + 1);
  if (checksum(body) != line.substr(0, kSumLength)) return false;
  payload.assign(body);
  return true;
}

std::string directoryOf(const std::string& path) {
  return QFileInfo(QString::fromStdString(path)).absolutePath().toStdString();
}

Status ensureDirectory(const std::string& path) {
  const QString dir = QFileInfo(QString::fromStdString(path)).absolutePath();
  if (!QDir().mkpath(dir)) return makeError("file.io", "cannot create directory " + dir.toStdString());
  return {};
}

}  // namespace

std::string DurableLog::encodeLine(std::string_view payload) {
  std::string line = checksum(payload);
  line += ' ';
  line += payload;
  line += '\n';
  return line;
}

namespace {

// The records of the file's text; `goodEnd` = the offset after the last good record, `torn` = the line number of
// an unfinished or damaged last line (0 if none). Damage before the last line is an error.
Result<std::vector<std::string>> parse(const std::string& path, std::string_view text, std::size_t& goodEnd,
                                       std::size_t& torn) {
  std::vector<std::string> records;
  std::size_t pos = 0, lineNo = 0;
  goodEnd = 0;
  torn = 0;
  std::string payload;
  while (pos < text.size()) {
    ++lineNo;
    const std::size_t nl = text.find('\n', pos);
    const bool complete = nl != std::string_view::npos;
    const std::string_view line = text.substr(pos, complete ? nl - pos : std::string_view::npos);
    const std::size_t next = complete ? nl + 1 : text.size();
    if (complete && parseLine(line, payload)) {
      records.push_back(payload);
      goodEnd = next;
      pos = next;
      continue;
    }
    if (next < text.size())
      return makeError("file.corrupt", fmt::format("{}:{}: record fails its checksum (the file is damaged; it is "
                                                   "left as it is for inspection)",
                                                   path, lineNo));
    torn = lineNo;  // the last line: a write the crash cut short (or one being written now)
    break;
  }
  return records;
}

Result<QByteArray> readAll(const std::string& path) {
  QFile in(QString::fromStdString(path));
  if (!in.exists()) return QByteArray();
  if (!in.open(QIODevice::ReadOnly))
    return makeError("file.io", fmt::format("cannot read {}: {}", path, in.errorString().toStdString()));
  return in.readAll();
}

}  // namespace

Result<std::vector<std::string>> DurableLog::read(const std::string& path) {
  auto bytes = readAll(path);
  if (!bytes.ok()) return bytes.error();
  std::size_t goodEnd = 0, torn = 0;
  return parse(path, std::string_view(bytes->constData(), static_cast<std::size_t>(bytes->size())), goodEnd, torn);
}

Result<std::unique_ptr<DurableLog>> DurableLog::open(std::string path, std::vector<std::string>& records) {
  records.clear();
  std::unique_ptr<DurableLog> log(new DurableLog(std::move(path)));
  auto bytes = readAll(log->m_path);
  if (!bytes.ok()) return bytes.error();
  std::size_t goodEnd = 0, torn = 0;
  auto parsed = parse(log->m_path, std::string_view(bytes->constData(), static_cast<std::size_t>(bytes->size())),
                      goodEnd, torn);
  if (!parsed.ok()) return parsed.error();
  records = std::move(parsed).value();
  if (torn > 0) {
    // Never acknowledged to anyone: cut it off, so that the next append starts on a clean line.
    logger("storage")->warn("{}:{}: incomplete last record (a write interrupted by a crash) removed", log->m_path, torn);
    QFile trunc(QString::fromStdString(log->m_path));
    if (!trunc.resize(static_cast<qint64>(goodEnd)))
      return makeError("file.io", fmt::format("cannot cut the incomplete record off {}: {}", log->m_path,
                                              trunc.errorString().toStdString()));
  }
  log->m_count = records.size();
  return log;
}

DurableLog::~DurableLog() {
  if (m_file.isOpen()) m_file.close();
}

Status DurableLog::openForAppend() {
  if (m_file.isOpen()) return {};
  if (Status s = ensureDirectory(m_path); !s.ok()) return s;
  const bool created = !QFileInfo::exists(QString::fromStdString(m_path));
  m_file.setFileName(QString::fromStdString(m_path));
  if (!m_file.open(QIODevice::WriteOnly | QIODevice::Append))
    return makeError("file.io", fmt::format("cannot open {} for writing: {}", m_path, m_file.errorString().toStdString()));
  if (created) return syncDirectory(directoryOf(m_path));
  return {};
}

Status DurableLog::append(std::string_view payload) {
  if (payload.find('\n') != std::string_view::npos)
    return makeError("file.invalid", "durable log record must be one line");
  if (m_broken) return makeError("file.io", fmt::format("{}: an earlier write failed and could not be undone", m_path));
  if (Status s = openForAppend(); !s.ok()) return s;
  const qint64 before = m_file.size();
  const std::string line = encodeLine(payload);
  const qint64 wrote = m_file.write(line.data(), static_cast<qint64>(line.size()));
  Status synced = wrote == static_cast<qint64>(line.size())
                      ? syncFile(m_file)
                      : Status(makeError("file.io", fmt::format("cannot write {}: {}", m_path, m_file.errorString().toStdString())));
  if (synced.ok()) {
    ++m_count;
    return {};
  }
  // Undo the partial line so that the next append does not follow a torn one.
  m_file.close();
  QFile undo(QString::fromStdString(m_path));
  if (!undo.resize(before)) m_broken = true;
  return synced;
}

Status DurableLog::rewrite(const std::vector<std::string>& payloads) {
  if (m_file.isOpen()) m_file.close();
  m_broken = false;
  if (payloads.empty()) {
    if (QFileInfo::exists(QString::fromStdString(m_path))) {
      if (!QFile::remove(QString::fromStdString(m_path))) return makeError("file.io", "cannot remove " + m_path);
      if (Status s = syncDirectory(directoryOf(m_path)); !s.ok()) return s;
    }
    m_count = 0;
    return {};
  }
  if (Status s = ensureDirectory(m_path); !s.ok()) return s;
  const std::string tmp = m_path + ".tmp";
  {
    QFile out(QString::fromStdString(tmp));
    if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
      return makeError("file.io", fmt::format("cannot write {}: {}", tmp, out.errorString().toStdString()));
    std::string text;
    for (const auto& p : payloads) {
      if (p.find('\n') != std::string::npos) return makeError("file.invalid", "durable log record must be one line");
      text += encodeLine(p);
    }
    if (out.write(text.data(), static_cast<qint64>(text.size())) != static_cast<qint64>(text.size()))
      return makeError("file.io", fmt::format("cannot write {}: {}", tmp, out.errorString().toStdString()));
    if (Status s = syncFile(out); !s.ok()) return s;
  }
  if (Status s = replaceFile(tmp, m_path); !s.ok()) return s;
  m_count = payloads.size();
  return {};
}

}  // namespace meridian::common
