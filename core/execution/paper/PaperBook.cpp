#include "core/execution/paper/PaperBook.h"

#include "core/contract/Wire.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <fmt/format.h>

namespace meridian::execution {
namespace {

constexpr double kEps = 1e-9;

std::string toLine(const QJsonObject& o) { return QJsonDocument(o).toJson(QJsonDocument::Compact).toStdString(); }

QJsonObject armRecord(const char* type, const domain::Order& order, double remaining, domain::Timestamp expiresTs) {
  QJsonObject o;
  o.insert("t", type);
  o.insert("order", contract::orderToJson(order));
  o.insert("remaining", remaining);
  o.insert("expires", static_cast<qint64>(expiresTs));
  return o;
}

}  // namespace

Result<std::unique_ptr<PaperBook>> PaperBook::open(const std::string& path) {
  std::unique_ptr<PaperBook> book(new PaperBook());
  book->m_path = path;
  if (path.empty()) return book;
  std::vector<std::string> records;
  auto log = common::DurableLog::open(path, records);
  if (!log.ok()) return log.error();
  book->m_log = std::move(log).value();
  if (Status s = replay(path, records, book->m_entries); !s.ok()) return s.error();
  return book;
}

Status PaperBook::replay(const std::string& path, const std::vector<std::string>& records,
                         std::map<std::string, Entry>& entries) {
  for (std::size_t i = 0; i < records.size(); ++i)
    if (Status s = apply(path, records[i], i + 1, entries); !s.ok()) return s;
  return {};
}

Status PaperBook::apply(const std::string& path, const std::string& record, std::size_t line,
                        std::map<std::string, Entry>& entries) {
  auto bad = [&](const std::string& why) {
    return makeError(contract::kDecodeError, fmt::format("{}: record {}: {}", path, line, why));
  };
  QJsonParseError err{};
  const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(record), &err);
  if (!doc.isObject()) return bad("not a JSON object");
  const QJsonObject o = doc.object();
  const QString t = o.value("t").toString();
  if (t == QLatin1String("arm") || t == QLatin1String("replace")) {
    auto order = contract::orderFromJson(o.value("order").toObject());
    if (!order.ok()) return bad(order.error().message);
    if (t == QLatin1String("replace")) {
      const std::string id = o.value("id").toString().toStdString();
      // The replaced order may be gone from a compacted book (its end was journaled): then this arms only.
      if (auto it = entries.find(id); it != entries.end()) {
        it->second.end = "replaced";
        it->second.replacement = order->clientOrderId;
        it->second.records.push_back(line);
      }
    }
    Entry& e = entries[order->clientOrderId];
    e = Entry{};
    e.order = std::move(order).value();
    e.remaining = o.value("remaining").toDouble();
    e.fillSeq = o.value("seq").toInt();
    e.expiresTs = static_cast<domain::Timestamp>(o.value("expires").toInteger());
    e.records.push_back(line);
    return {};
  }
  if (t == QLatin1String("fill")) {
    auto fill = contract::fillFromJson(o.value("fill").toObject());
    if (!fill.ok()) return bad(fill.error().message);
    auto it = entries.find(fill->clientOrderId);
    if (it == entries.end()) return bad("fill of an order the book never armed: " + fill->clientOrderId);
    Entry& e = it->second;
    domain::Order& ord = e.order;
    const double filled = ord.filledQuantity + fill->quantity;
    ord.avgFillPrice = filled > 0.0 ? (ord.avgFillPrice * ord.filledQuantity + fill->price * fill->quantity) / filled : 0.0;
    ord.filledQuantity = filled;
    e.remaining -= fill->quantity;
    ord.status = e.remaining > kEps ? domain::OrderStatus::PartiallyFilled : domain::OrderStatus::Filled;
    e.fillSeq = o.value("seq").toInt();
    e.fills.push_back(std::move(fill).value());
    e.records.push_back(line);
    return {};
  }
  if (t == QLatin1String("end")) {
    auto it = entries.find(o.value("id").toString().toStdString());
    if (it == entries.end()) return bad("end of an order the book never armed");
    it->second.end = o.value("status").toString().toStdString();
    it->second.endReason = o.value("reason").toString().toStdString();
    it->second.records.push_back(line);
    return {};
  }
  return bad("unknown record type '" + t.toStdString() + "'");
}

Status PaperBook::append(const std::string& record) {
  if (!m_log) return {};
  if (Status s = m_log->append(record); !s.ok())
    return makeError("paper.book", "paper: the venue's book cannot be written: " + s.error().message);
  return {};
}

Status PaperBook::armed(const domain::Order& order, double remaining, int fillSeq, domain::Timestamp expiresTs) {
  QJsonObject o = armRecord("arm", order, remaining, expiresTs);
  o.insert("seq", fillSeq);
  return append(toLine(o));
}

Status PaperBook::filled(const domain::Fill& fill, int fillSeq) {
  QJsonObject o;
  o.insert("t", "fill");
  o.insert("fill", contract::fillToJson(fill));
  o.insert("seq", fillSeq);
  return append(toLine(o));
}

Status PaperBook::ended(const std::string& id, std::string_view status, const std::string& reason) {
  QJsonObject o;
  o.insert("t", "end");
  o.insert("id", QString::fromStdString(id));
  o.insert("status", QString::fromUtf8(status.data(), static_cast<qsizetype>(status.size())));
  o.insert("reason", QString::fromStdString(reason));
  return append(toLine(o));
}

Status PaperBook::replaced(const std::string& id, const domain::Order& replacement, double remaining,
                           domain::Timestamp expiresTs) {
  QJsonObject o = armRecord("replace", replacement, remaining, expiresTs);
  o.insert("id", QString::fromStdString(id));
  return append(toLine(o));
}

Status PaperBook::compact(const std::set<std::string>& keep) {
  m_entries.clear();
  if (!m_log) return {};
  // The file as it is NOW, not as open() read it: the reconciliation that compacts has written to it since (arms of
  // orders the venue never saw, re-arms from the journal, completed cancels), and fills follow those arms. Replayed
  // to find each order's records, then the kept orders' records in file order (a replace record arms its
  // replacement: it must stay before that order's fills).
  auto records = common::DurableLog::read(m_path);
  if (!records.ok()) return records.error();
  std::map<std::string, Entry> current;
  if (Status s = replay(m_path, *records, current); !s.ok()) return s;
  std::set<std::size_t> lines;
  for (const auto& [id, e] : current)
    if (keep.count(id)) lines.insert(e.records.begin(), e.records.end());
  std::vector<std::string> kept;
  kept.reserve(lines.size());
  for (std::size_t line : lines) kept.push_back(std::move((*records)[line - 1]));
  return m_log->rewrite(kept);
}

}  // namespace meridian::execution
