#pragma once
// Fills blotter: executions appended in batches from UiBridge::fillsAppended, NEWEST FIRST (row 0 is the latest
// fill), bounded to `capacity` rows (the oldest are dropped, one beginRemoveRows per batch). A fill id seen before
// is ignored, so a replayed event never shows twice. Sort through a QSortFilterProxyModel using SortRole;
// ExportRole gives plain numbers and ISO-8601 UTC times for csv::writeModel.
#include <QAbstractTableModel>
#include <QVector>

#include <deque>
#include <string>
#include <unordered_set>

#include "core/domain/Types.h"

namespace meridian::ui {

class FillsModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Time, Symbol, Side, Qty, Price, Notional, Commission, OrderId, FillId, Strategy, ColumnCount };
  static constexpr int SortRole = Qt::UserRole + 1;
  static constexpr int kDefaultCapacity = 10'000;

  explicit FillsModel(int capacity = kDefaultCapacity, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  // `fills` in arrival order (oldest first), as the bridge emits them.
  void appendFills(const QVector<domain::Fill>& fills);
  void clear();

  int capacity() const { return m_capacity; }
  const domain::Fill& fillAt(int row) const { return m_rows[static_cast<std::size_t>(row)]; }
  std::uint64_t dropped() const { return m_dropped; }  // rows pushed out by the capacity bound

 private:
  int m_capacity;
  std::deque<domain::Fill> m_rows;  // front = newest
  std::unordered_set<std::string> m_ids;
  std::uint64_t m_dropped = 0;
};

}  // namespace meridian::ui
