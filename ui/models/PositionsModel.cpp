#include "ui/models/PositionsModel.h"

#include <QBrush>

#include <algorithm>
#include <unordered_map>

#include "ui/models/CsvExport.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {
namespace {

std::string keyOf(const domain::Position& p) { return p.symbol + '\x1f' + p.strategyId; }

}  // namespace

PositionsModel::PositionsModel(QObject* parent) : QAbstractTableModel(parent) {}

int PositionsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int PositionsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant PositionsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const domain::Position& p = m_rows[static_cast<std::size_t>(index.row())];
  const int col = index.column();
  const bool flat = p.quantity == 0.0;

  switch (role) {
    case Qt::DisplayRole:
      switch (col) {
        case Symbol: return format::qstr(p.symbol);
        case Qty: return format::quantity(p.quantity);
        case AvgCost: return flat ? QString() : format::price(p.avgCost);
        case Last: return format::price(p.lastPrice, true);
        case MktValue: return format::money(p.marketValue());
        case Unrealized: return format::money(p.unrealizedPnl());
        case Realized: return format::money(p.realizedPnl);
        default: return {};
      }
    case SortRole:
      switch (col) {
        case Symbol: return format::qstr(p.symbol);
        case Qty: return p.quantity;
        case AvgCost: return p.avgCost;
        case Last: return p.lastPrice;
        case MktValue: return p.marketValue();
        case Unrealized: return p.unrealizedPnl();
        case Realized: return p.realizedPnl;
        default: return {};
      }
    case csv::ExportRole:
      switch (col) {
        case Symbol: return format::qstr(p.symbol);
        case Qty: return format::plainNumber(p.quantity);
        case AvgCost: return format::plainNumber(p.avgCost);
        case Last: return format::plainNumber(p.lastPrice);
        case MktValue: return format::plainNumber(p.marketValue());
        case Unrealized: return format::plainNumber(p.unrealizedPnl());
        case Realized: return format::plainNumber(p.realizedPnl);
        default: return {};
      }
    case Qt::TextAlignmentRole:
      return QVariant::fromValue((col == Symbol ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter);
    case Qt::ForegroundRole: {
      double v = 0.0;
      if (col == Unrealized) v = p.unrealizedPnl();
      else if (col == Realized) v = p.realizedPnl;
      else if (col == Qty) v = p.quantity;
      if (flat && col != Realized) return QBrush(format::mutedColor());
      if (v > 0.0) return QBrush(format::upColor());
      if (v < 0.0) return QBrush(format::downColor());
      return {};
    }
    case Qt::ToolTipRole:
      if (col == Symbol && !p.strategyId.empty())
        return QStringLiteral("Strategy: %1").arg(format::qstr(p.strategyId));
      return {};
    default: return {};
  }
}

QVariant PositionsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  if (role == Qt::DisplayRole) {
    static const char* const kNames[ColumnCount] = {"Symbol",     "Qty",        "Avg Cost", "Last",
                                                   "Mkt Value", "Unrealized", "Realized"};
    return (section >= 0 && section < ColumnCount) ? QString::fromLatin1(kNames[section]) : QVariant();
  }
  if (role == Qt::TextAlignmentRole)
    return QVariant::fromValue((section == Symbol ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter);
  return {};
}

double PositionsModel::markOf(const domain::Quote& q) { return q.last > 0.0 ? q.last : q.mid(); }

void PositionsModel::emitChangedRuns(std::vector<int>& rows, int firstColumn, int lastColumn) {
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  std::size_t i = 0;
  while (i < rows.size()) {
    std::size_t j = i;
    while (j + 1 < rows.size() && rows[j + 1] == rows[j] + 1) ++j;
    Q_EMIT dataChanged(index(rows[i], firstColumn), index(rows[j], lastColumn));
    i = j + 1;
  }
}

void PositionsModel::applySnapshot(const contract::PositionsSnapshot& snapshot) {
  std::unordered_map<std::string, const domain::Position*> incoming;
  incoming.reserve(snapshot.positions.size());
  for (const auto& p : snapshot.positions) incoming[keyOf(p)] = &p;

  // 1. Remove rows that vanished, in contiguous runs from the bottom so indexes stay valid.
  int row = static_cast<int>(m_rows.size()) - 1;
  while (row >= 0) {
    if (incoming.count(keyOf(m_rows[static_cast<std::size_t>(row)]))) {
      --row;
      continue;
    }
    int first = row;
    while (first - 1 >= 0 && !incoming.count(keyOf(m_rows[static_cast<std::size_t>(first - 1)]))) --first;
    beginRemoveRows({}, first, row);
    m_rows.erase(m_rows.begin() + first, m_rows.begin() + row + 1);
    endRemoveRows();
    row = first - 1;
  }

  // 2. Update the rows that remain.
  std::vector<int> changed;
  for (std::size_t i = 0; i < m_rows.size(); ++i) {
    auto it = incoming.find(keyOf(m_rows[i]));
    if (it == incoming.end() || !it->second) continue;
    domain::Position next = *it->second;
    // Keep a fresher mark obtained from quotes.
    if (m_rows[i].updatedTs > next.updatedTs && m_rows[i].lastPrice > 0.0) next.lastPrice = m_rows[i].lastPrice;
    if (!(next == m_rows[i])) {
      m_rows[i] = std::move(next);
      changed.push_back(static_cast<int>(i));
    }
    it->second = nullptr;  // consumed
  }
  emitChangedRuns(changed, 0, ColumnCount - 1);

  // 3. Append new rows in snapshot order, one batch.
  std::vector<const domain::Position*> added;
  for (const auto& p : snapshot.positions) {
    auto it = incoming.find(keyOf(p));
    if (it != incoming.end() && it->second == &p) added.push_back(&p);
  }
  if (!added.empty()) {
    const int first = static_cast<int>(m_rows.size());
    beginInsertRows({}, first, first + static_cast<int>(added.size()) - 1);
    for (const auto* p : added) m_rows.push_back(*p);
    endInsertRows();
  }
  rebuildSymbolIndex();
  Q_EMIT totalsChanged();
}

void PositionsModel::applyQuotes(const QVector<domain::Quote>& quotes) {
  if (m_rows.empty()) return;
  std::vector<int> changed;
  for (const auto& q : quotes) {
    const double mark = markOf(q);
    if (mark <= 0.0) continue;
    const auto it = m_bySymbol.find(q.symbol);
    if (it == m_bySymbol.end()) continue;
    for (const int row : it->second) {
      domain::Position& p = m_rows[static_cast<std::size_t>(row)];
      if (q.ts < p.updatedTs || p.lastPrice == mark) continue;
      p.lastPrice = mark;
      p.updatedTs = q.ts;
      changed.push_back(row);
    }
  }
  if (changed.empty()) return;
  emitChangedRuns(changed, Last, Unrealized);
  Q_EMIT totalsChanged();
}

void PositionsModel::rebuildSymbolIndex() {
  m_bySymbol.clear();
  for (std::size_t i = 0; i < m_rows.size(); ++i) m_bySymbol[m_rows[i].symbol].push_back(static_cast<int>(i));
}

PositionsModel::Totals PositionsModel::totals() const {
  Totals t;
  for (const auto& p : m_rows) {
    t.marketValue += p.marketValue();
    t.unrealized += p.unrealizedPnl();
    t.realized += p.realizedPnl;
    if (p.quantity != 0.0) ++t.open;
  }
  return t;
}

}  // namespace meridian::ui
