#include "ui/models/OrdersModel.h"

#include <QBrush>

#include <algorithm>

#include "core/time/TimeZones.h"
#include "ui/models/CsvExport.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {

OrdersModel::OrdersModel(QObject* parent) : QAbstractTableModel(parent) {}

int OrdersModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int OrdersModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant OrdersModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const domain::Order& o = m_rows[static_cast<std::size_t>(index.row())];
  const int col = index.column();

  switch (role) {
    case Qt::DisplayRole:
      switch (col) {
        case Time: return format::displayTime(o.createdTs);
        case Id: return format::qstr(o.clientOrderId);
        case Symbol: return format::qstr(o.symbol);
        case Side: return format::sideText(o.side);
        case Type: return format::orderTypeText(o.type);
        case Qty: return format::quantity(o.quantity);
        case Filled: return format::quantity(o.filledQuantity);
        case Limit: return format::price(o.limitPrice, true);
        case Stop: return format::price(o.stopPrice, true);
        case AvgPx: return format::price(o.avgFillPrice, true);
        case Status: return format::statusText(o.status);
        case Strategy: return format::qstr(o.strategyId);
        default: return {};
      }
    case SortRole:
      switch (col) {
        case Time: return QVariant::fromValue<qint64>(o.createdTs);
        case Qty: return o.quantity;
        case Filled: return o.filledQuantity;
        case Limit: return o.limitPrice;
        case Stop: return o.stopPrice;
        case AvgPx: return o.avgFillPrice;
        case Side: return static_cast<int>(o.side);
        case Status: return static_cast<int>(o.status);
        default: return data(index, Qt::DisplayRole);
      }
    case csv::ExportRole:
      switch (col) {
        case Time: return format::isoUtc(o.createdTs);
        case Qty: return format::plainNumber(o.quantity);
        case Filled: return format::plainNumber(o.filledQuantity);
        case Limit: return format::plainNumber(o.limitPrice);
        case Stop: return format::plainNumber(o.stopPrice);
        case AvgPx: return format::plainNumber(o.avgFillPrice);
        default: return {};
      }
    case Qt::TextAlignmentRole:
      if (col >= Qty && col <= AvgPx) return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
      return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole:
      if (col == Side) return QBrush(o.side == domain::Side::Buy ? format::upColor() : format::downColor());
      if (col == Status) {
        if (o.status == domain::OrderStatus::Rejected) return QBrush(format::downColor());
        if (o.status == domain::OrderStatus::Filled) return QBrush(format::upColor());
      }
      if (domain::isTerminal(o.status) && o.status != domain::OrderStatus::Filled) return QBrush(format::mutedColor());
      return {};
    case Qt::ToolTipRole:
      if (col == Status && !o.rejectReason.empty()) return format::qstr(o.rejectReason);
      if (col == Id && !o.brokerOrderId.empty()) return QStringLiteral("Broker id: %1").arg(format::qstr(o.brokerOrderId));
      if (col == Time) return format::displayTime(o.createdTs, "yyyy-MM-dd HH:mm:ss.zzz t");
      return {};
    case ClientOrderIdRole: return format::qstr(o.clientOrderId);
    case TerminalRole: return domain::isTerminal(o.status);
    default: return {};
  }
}

QVariant OrdersModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  if (role == Qt::DisplayRole) {
    static const char* const kNames[ColumnCount] = {"Time",  "Id",   "Symbol", "Side",   "Type",   "Qty",
                                                   "Filled", "Limit", "Stop",  "Avg Px", "Status", "Strategy"};
    if (section == Time) return format::timeHeader();  // "Time (CST)"
    return (section >= 0 && section < ColumnCount) ? QString::fromLatin1(kNames[section]) : QVariant();
  }
  if (role == Qt::ToolTipRole && section == Time)
    return QStringLiteral("Creation time in the display time zone (%1)")
        .arg(QString::fromLatin1(time::TimeZones::displayTimeZoneId()));
  if (role == Qt::TextAlignmentRole && section >= Qty && section <= AvgPx)
    return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
  return {};
}

int OrdersModel::rowOf(const std::string& clientOrderId) const {
  const auto it = m_index.find(clientOrderId);
  return it == m_index.end() ? -1 : it->second;
}

int OrdersModel::workingCount() const {
  return static_cast<int>(
      std::count_if(m_rows.begin(), m_rows.end(), [](const domain::Order& o) { return !domain::isTerminal(o.status); }));
}

int OrdersModel::mergeHistory(const std::vector<domain::Order>& orders) {
  QVector<domain::Order> newer;
  int added = 0;
  for (const domain::Order& o : orders) {
    const auto it = m_index.find(o.clientOrderId);
    if (it == m_index.end()) {
      ++added;
      newer.push_back(o);
    } else if (m_rows[static_cast<std::size_t>(it->second)].updatedTs < o.updatedTs) {
      newer.push_back(o);
    }
  }
  // Oldest first, so the rows read in the order they were created.
  std::reverse(newer.begin(), newer.end());
  if (!newer.isEmpty()) upsertOrders(newer);
  return added;
}

void OrdersModel::upsertOrders(const QVector<domain::Order>& orders) {
  std::vector<int> changed;
  std::vector<const domain::Order*> added;
  for (const domain::Order& o : orders) {
    const auto it = m_index.find(o.clientOrderId);
    if (it != m_index.end()) {
      m_rows[static_cast<std::size_t>(it->second)] = o;
      changed.push_back(it->second);
    } else {
      // The batch is coalesced per id by the bridge, but guard against duplicates anyway.
      const auto dup = std::find_if(added.begin(), added.end(),
                                    [&](const domain::Order* a) { return a->clientOrderId == o.clientOrderId; });
      if (dup != added.end()) {
        *dup = &o;
      } else {
        added.push_back(&o);
      }
    }
  }

  if (!changed.empty()) {
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
    std::size_t i = 0;
    while (i < changed.size()) {
      std::size_t j = i;
      while (j + 1 < changed.size() && changed[j + 1] == changed[j] + 1) ++j;
      Q_EMIT dataChanged(index(changed[i], 0), index(changed[j], ColumnCount - 1));
      i = j + 1;
    }
  }

  if (!added.empty()) {
    const int first = static_cast<int>(m_rows.size());
    beginInsertRows({}, first, first + static_cast<int>(added.size()) - 1);
    m_rows.reserve(m_rows.size() + added.size());
    for (const domain::Order* o : added) {
      m_index.emplace(o->clientOrderId, static_cast<int>(m_rows.size()));
      m_rows.push_back(*o);
    }
    endInsertRows();
  }
}

void OrdersModel::clear() {
  beginResetModel();
  m_rows.clear();
  m_index.clear();
  endResetModel();
}

}  // namespace meridian::ui
