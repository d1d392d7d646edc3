#include "core/execution/JournalSpool.h"

#include "core/common/Logging.h"
#include "core/contract/Wire.h"
#include "core/storage/Records.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <fmt/format.h>

namespace meridian::execution {
namespace {

std::shared_ptr<spdlog::logger> log() { return common::logger("execution"); }

template <class T, class FromJson>
Status readArray(const QJsonObject& o, const char* name, std::vector<T>& out, FromJson fromJson) {
  const QJsonValue v = o.value(QLatin1String(name));
  if (!v.isArray()) return makeError(contract::kDecodeError, fmt::format("journal spool record: '{}' is not an array", name));
  for (const QJsonValue& item : v.toArray()) {
    auto r = fromJson(item.toObject());
    if (!r.ok()) return r.error();
    out.push_back(std::move(r).value());
  }
  return {};
}

}  // namespace

bool journalErrorIsTransient(const Error& e) {
  return e.code != storage::errc::kConstraint && e.code != storage::errc::kInvalid;
}

std::string JournalSpool::encode(const storage::JournalBatch& b, std::string_view database, domain::Timestamp ts) {
  QJsonArray orders, fills, positions;
  for (const auto& o : b.orders) orders.append(contract::orderToJson(o));
  for (const auto& f : b.fills) fills.append(contract::fillToJson(f));
  for (const auto& p : b.positions) positions.append(contract::positionToJson(p));
  QJsonObject o;
  o.insert("type", "journal_batch");
  o.insert("v", 1);
  o.insert("db", QString::fromUtf8(database.data(), static_cast<qsizetype>(database.size())));
  o.insert("ts", static_cast<qint64>(ts));
  o.insert("orders", orders);
  o.insert("fills", fills);
  o.insert("positions", positions);
  return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
}

Result<storage::JournalBatch> JournalSpool::decode(std::string_view record, std::string* database, domain::Timestamp* ts) {
  QJsonParseError err{};
  const QJsonDocument doc =
      QJsonDocument::fromJson(QByteArray(record.data(), static_cast<qsizetype>(record.size())), &err);
  if (err.error != QJsonParseError::NoError || !doc.isObject())
    return makeError(contract::kDecodeError, "journal spool record is not a JSON object: " + err.errorString().toStdString());
  const QJsonObject o = doc.object();
  if (o.value("type").toString() != QLatin1String("journal_batch") || o.value("v").toInt() != 1)
    return makeError(contract::kDecodeError, "journal spool record: not a version 1 journal_batch");
  storage::JournalBatch b;
  if (Status s = readArray(o, "orders", b.orders, contract::orderFromJson); !s.ok()) return s.error();
  if (Status s = readArray(o, "fills", b.fills, contract::fillFromJson); !s.ok()) return s.error();
  if (Status s = readArray(o, "positions", b.positions, contract::positionFromJson); !s.ok()) return s.error();
  if (database) *database = o.value("db").toString().toStdString();
  if (ts) *ts = static_cast<domain::Timestamp>(o.value("ts").toInteger());
  return b;
}

JournalSpool::JournalSpool(SpoolOptions options, std::shared_ptr<const common::IClock> clock)
    : m_options(std::move(options)), m_clock(clock ? std::move(clock) : std::make_shared<const common::RealClock>()) {
  m_status.path = m_options.path;
}

Result<std::shared_ptr<JournalSpool>> JournalSpool::open(SpoolOptions options, std::shared_ptr<const common::IClock> clock) {
  std::shared_ptr<JournalSpool> spool(new JournalSpool(std::move(options), std::move(clock)));
  if (spool->m_options.path.empty()) return spool;
  std::vector<std::string> records;
  auto file = common::DurableLog::open(spool->m_options.path, records);
  if (!file.ok()) return file.error();
  spool->m_log = std::move(file).value();
  for (std::size_t i = 0; i < records.size(); ++i) {
    Record r;
    std::string db;
    auto batch = decode(records[i], &db, &r.ts);
    if (!batch.ok())
      return makeError(contract::kDecodeError,
                       fmt::format("{}: record {}: {}", spool->m_options.path, i + 1, batch.error().message));
    if (db != spool->m_options.database)
      return makeError("journal.spool",
                       fmt::format("{} holds {} journal event(s) of the database '{}', not of '{}': they are not "
                                   "replayed into the wrong journal. Start with the database they belong to, or move "
                                   "the file away (journal.spool_path)",
                                   spool->m_options.path, records.size(), db, spool->m_options.database));
    r.batch = std::move(batch).value();
    r.text = std::move(records[i]);
    spool->m_pending.push_back(std::move(r));
  }
  if (!spool->m_pending.empty()) {
    log()->warn("journal spool {}: {} event(s) from the previous run wait for the database", spool->m_options.path,
                spool->m_pending.size());
    std::lock_guard lock(spool->m_statusMutex);
    spool->m_status.oldestTs = spool->m_pending.front().ts;
  }
  spool->publishCounts();
  return spool;
}

void JournalSpool::publishCounts() {
  m_pendingCount = m_pending.size();
  std::lock_guard lock(m_statusMutex);
  m_status.pending = m_pending.size();
  m_status.oldestTs = m_pending.empty() ? 0 : m_pending.front().ts;
  if (m_pending.empty()) m_status.lastError.clear();
}

void JournalSpool::setError(const std::string& error) {
  std::lock_guard lock(m_statusMutex);
  m_status.lastError = error;
}

SpoolStatus JournalSpool::status() const {
  std::lock_guard lock(m_statusMutex);
  return m_status;
}

Status JournalSpool::spool(const storage::JournalBatch& batch, const Error& why) {
  Record r;
  r.ts = m_clock->now();
  r.batch = batch;
  r.text = encode(batch, m_options.database, r.ts);
  if (m_log) {
    if (Status s = m_log->append(r.text); !s.ok()) {
      log()->critical("journal event LOST for this process: the database refused it ({}) and the spool {} cannot be "
                      "written ({}); the venue's record is all that is left",
                      why.message, m_options.path, s.error().message);
      setError(s.error().message);
      return s;
    }
  }
  if (m_pending.empty())
    log()->warn("order journal unavailable ({}): events are spooled to {} and handed to the database when it is back",
                why.message, m_options.path.empty() ? std::string("memory") : m_options.path);
  m_pending.push_back(std::move(r));
  {
    std::lock_guard lock(m_statusMutex);
    ++m_status.spooled;
    m_status.lastError = why.message;
  }
  publishCounts();
  return {};
}

void JournalSpool::refuse(const Record& record, const Error& why) {
  log()->error("order journal refused an event for good ({}): kept in {}.refused", why.message,
               m_options.path.empty() ? std::string("<memory>") : m_options.path);
  if (!m_options.path.empty()) {
    if (!m_refused) {
      std::vector<std::string> ignored;
      auto r = common::DurableLog::open(m_options.path + ".refused", ignored);
      if (r.ok()) m_refused = std::move(r).value();
    }
    QJsonObject o;
    o.insert("error", QString::fromStdString(why.message));
    o.insert("code", QString::fromStdString(why.code));
    o.insert("record", QString::fromStdString(record.text));
    const std::string text = QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString();
    if (!m_refused || !m_refused->append(text).ok())
      log()->critical("cannot keep the refused journal event in {}.refused: {}", m_options.path, record.text);
  }
  std::lock_guard lock(m_statusMutex);
  ++m_status.refused;
  m_status.lastError = why.message;
}

Status JournalSpool::write(storage::IOrderJournal& journal, const storage::JournalBatch& batch) {
  if (batch.empty()) return {};
  if (!m_pending.empty()) (void)drain(journal);
  if (m_pending.empty()) {
    Status s = journal.journalBatch(batch);
    if (s.ok()) return s;
    if (!journalErrorIsTransient(s.error())) {
      Record r;
      r.ts = m_clock->now();
      r.batch = batch;
      r.text = encode(batch, m_options.database, r.ts);
      refuse(r, s.error());
      return s;
    }
    m_nextRetry = std::chrono::steady_clock::now() + m_options.retryInterval;
    return spool(batch, s.error());
  }
  return spool(batch, makeError(storage::errc::kUnavailable, status().lastError));
}

Status JournalSpool::admit(storage::IOrderJournal& journal, const storage::JournalBatch& batch) {
  // A new order is someone's decision now: the database is asked now too, whatever the retry interval says (one
  // attempt per order; the interval only paces the background retries).
  if (!m_pending.empty()) (void)drain(journal, true);
  if (!m_pending.empty())
    return makeError(storage::errc::kUnavailable,
                     fmt::format("the order journal is unavailable ({} event(s) wait in the spool: {})", m_pending.size(),
                                 status().lastError));
  Status s = journal.journalBatch(batch);
  if (s.ok() || !journalErrorIsTransient(s.error())) return s;
  return makeError(storage::errc::kUnavailable, "the order journal is unavailable: " + s.error().message);
}

Status JournalSpool::drain(storage::IOrderJournal& journal, bool force) {
  if (m_pending.empty()) return {};
  const auto now = std::chrono::steady_clock::now();
  if (!force && now < m_nextRetry)
    return makeError(storage::errc::kUnavailable, fmt::format("{} journal event(s) spooled", m_pending.size()));
  std::size_t done = 0;
  Status failed;
  std::vector<std::size_t> refusedAt;
  for (std::size_t i = 0; i < m_pending.size(); ++i) {
    Status s = journal.journalBatch(m_pending[i].batch);
    if (s.ok()) {
      ++done;
      continue;
    }
    if (!journalErrorIsTransient(s.error())) {
      refuse(m_pending[i], s.error());
      refusedAt.push_back(i);
      ++done;
      continue;
    }
    failed = s;
    break;
  }
  if (done > 0) {
    // The file forgets the events only once the database has them; if that rewrite fails they stay pending here
    // too and are written again (idempotently, in order) at the next drain.
    std::vector<std::string> rest;
    for (std::size_t i = done; i < m_pending.size(); ++i) rest.push_back(m_pending[i].text);
    Status rewritten = m_log ? m_log->rewrite(rest) : Status{};
    if (rewritten.ok()) {
      m_pending.erase(m_pending.begin(), m_pending.begin() + static_cast<std::ptrdiff_t>(done));
      std::lock_guard lock(m_statusMutex);
      m_status.drained += done - refusedAt.size();
    } else {
      log()->error("journal spool {}: cannot forget the {} event(s) the database took: {} (they are written again "
                   "at the next drain)",
                   m_options.path, done, rewritten.error().message);
      if (failed.ok()) failed = rewritten;
    }
  }
  publishCounts();
  if (!failed.ok()) {
    m_nextRetry = now + m_options.retryInterval;
    setError(failed.error().message);
    return failed;
  }
  log()->info("journal spool drained: the database has every spooled event ({} handed over)", done);
  return {};
}

}  // namespace meridian::execution
