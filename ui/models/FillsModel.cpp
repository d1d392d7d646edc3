#include "ui/models/FillsModel.h"

#include <QBrush>

#include <algorithm>
#include <vector>

#include "core/time/TimeZones.h"
#include "ui/models/CsvExport.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {

FillsModel::FillsModel(int capacity, QObject* parent) : QAbstractTableModel(parent), m_capacity(std::max(1, capacity)) {}

int FillsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int FillsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant FillsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const domain::Fill& f = fillAt(index.row());
  const int col = index.column();
  switch (role) {
    case Qt::DisplayRole:
      switch (col) {
        case Time: return format::displayTime(f.ts);
        case Symbol: return format::qstr(f.symbol);
        case Side: return format::sideText(f.side);
        case Qty: return format::quantity(f.quantity);
        case Price: return format::price(f.price);
        case Notional: return format::money(f.quantity * f.price);
        case Commission: return format::money(f.commission);
        case OrderId: return format::qstr(f.clientOrderId);
        case FillId: return format::qstr(f.fillId);
        case Strategy: return format::qstr(f.strategyId);
        default: return {};
      }
    case SortRole:
      switch (col) {
        case Time: return QVariant::fromValue<qint64>(f.ts);
        case Side: return static_cast<int>(f.side);
        case Qty: return f.quantity;
        case Price: return f.price;
        case Notional: return f.quantity * f.price;
        case Commission: return f.commission;
        default: return data(index, Qt::DisplayRole);
      }
    case csv::ExportRole:
      switch (col) {
        case Time: return format::isoUtc(f.ts);
        case Qty: return format::plainNumber(f.quantity);
        case Price: return format::plainNumber(f.price);
        case Notional: return format::plainNumber(f.quantity * f.price);
        case Commission: return format::plainNumber(f.commission);
        default: return {};
      }
    case Qt::TextAlignmentRole:
      if (col >= Qty && col <= Commission) return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
      return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole:
      if (col == Side) return QBrush(f.side == domain::Side::Buy ? format::upColor() : format::downColor());
      return {};
    case Qt::ToolTipRole:
      if (col == Time) return format::displayTime(f.ts, "yyyy-MM-dd HH:mm:ss.zzz t");
      return {};
    default: return {};
  }
}

QVariant FillsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  if (role == Qt::DisplayRole) {
    static const char* const kNames[ColumnCount] = {"Time",     "Symbol",     "Side",     "Qty",     "Price",
                                                   "Notional", "Commission", "Order Id", "Fill Id", "Strategy"};
    if (section == Time) return format::timeHeader();  // "Time (CST)"
    return (section >= 0 && section < ColumnCount) ? QString::fromLatin1(kNames[section]) : QVariant();
  }
  if (role == Qt::ToolTipRole && section == Time)
    return QStringLiteral("Execution time in the display time zone (%1)")
        .arg(QString::fromLatin1(time::TimeZones::displayTimeZoneId()));
  if (role == Qt::TextAlignmentRole && section >= Qty && section <= Commission)
    return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
  return {};
}

void FillsModel::appendFills(const QVector<domain::Fill>& fills) {
  // Newest first: the batch goes to the top in reverse arrival order. Only the last `capacity` fills of a huge
  // batch can ever be shown, so the rest is skipped before touching the model.
  std::vector<const domain::Fill*> fresh;
  fresh.reserve(static_cast<std::size_t>(fills.size()));
  for (auto it = fills.crbegin(); it != fills.crend() && static_cast<int>(fresh.size()) < m_capacity; ++it) {
    if (!it->fillId.empty() && !m_ids.insert(it->fillId).second) continue;  // seen before
    fresh.push_back(&*it);
  }
  if (fresh.empty()) return;

  const int n = static_cast<int>(fresh.size());
  beginInsertRows({}, 0, n - 1);
  for (auto it = fresh.rbegin(); it != fresh.rend(); ++it) m_rows.push_front(**it);  // newest ends up at row 0
  endInsertRows();

  const int excess = static_cast<int>(m_rows.size()) - m_capacity;
  if (excess > 0) {
    const int first = m_capacity;
    beginRemoveRows({}, first, first + excess - 1);
    for (int i = 0; i < excess; ++i) {
      m_ids.erase(m_rows.back().fillId);
      m_rows.pop_back();
    }
    endRemoveRows();
    m_dropped += static_cast<std::uint64_t>(excess);
  }
}

int FillsModel::mergeHistory(const std::vector<domain::Fill>& newestFirst) {
  std::vector<const domain::Fill*> fresh;
  fresh.reserve(std::min(newestFirst.size(), static_cast<std::size_t>(m_capacity)));
  for (const domain::Fill& f : newestFirst) {
    if (!f.fillId.empty() && !m_ids.insert(f.fillId).second) continue;  // shown already (live) or repeated
    fresh.push_back(&f);
  }
  if (fresh.empty()) return 0;
  // The journal's order is newest first already; sorted anyway so a differently ordered source cannot scramble rows.
  std::stable_sort(fresh.begin(), fresh.end(), [](const domain::Fill* a, const domain::Fill* b) { return a->ts > b->ts; });
  const auto forget = [this](const domain::Fill& f) {
    if (!f.fillId.empty()) m_ids.erase(f.fillId);
  };

  if (m_rows.empty() || fresh.front()->ts <= m_rows.back().ts) {
    // All older than what is shown: below it, as far as the capacity allows.
    const std::size_t room = static_cast<std::size_t>(m_capacity) - m_rows.size();
    const std::size_t n = std::min(room, fresh.size());
    for (std::size_t i = n; i < fresh.size(); ++i) forget(*fresh[i]);
    if (n == 0) return 0;
    const int first = static_cast<int>(m_rows.size());
    beginInsertRows({}, first, first + static_cast<int>(n) - 1);
    for (std::size_t i = 0; i < n; ++i) m_rows.push_back(*fresh[i]);
    endInsertRows();
    return static_cast<int>(n);
  }

  // Interleaved with live rows (a history fill newer than a live one): merge by time, once, as a reset.
  std::deque<domain::Fill> merged;
  auto live = m_rows.begin();
  auto hist = fresh.begin();
  int added = 0;
  std::uint64_t droppedLive = 0;
  while (live != m_rows.end() || hist != fresh.end()) {
    const bool takeLive = hist == fresh.end() || (live != m_rows.end() && live->ts >= (*hist)->ts);
    const domain::Fill& f = takeLive ? *live : **hist;
    if (merged.size() < static_cast<std::size_t>(m_capacity)) {
      merged.push_back(f);
      if (!takeLive) ++added;
    } else {
      forget(f);
      if (takeLive) ++droppedLive;
    }
    if (takeLive)
      ++live;
    else
      ++hist;
  }
  beginResetModel();
  m_rows = std::move(merged);
  endResetModel();
  m_dropped += droppedLive;
  return added;
}

void FillsModel::clear() {
  beginResetModel();
  m_rows.clear();
  m_ids.clear();
  endResetModel();
}

}  // namespace meridian::ui
