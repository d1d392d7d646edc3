#pragma once
// Fills blotter: executions appended in batches from UiBridge::fillsAppended, NEWEST FIRST (row 0 is the latest
// fill), bounded to `capacity` rows (the oldest are dropped, one beginRemoveRows per batch). A fill id seen before
// is ignored, so a replayed event never shows twice. Sort through a QSortFilterProxyModel using SortRole;
// ExportRole gives plain numbers and ISO-8601 UTC times for csv::writeModel.
// mergeHistory() adds the journaled fills loaded at start-up; it is by the same fill-id rule, so a fill that arrived
// live while the history was loading (and is also in the history) stays one row.
#include <QAbstractTableModel>
#include <QVector>

#include <deque>
#include <string>
#include <unordered_set>
#include <vector>

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
  // Journaled fills, newest first (as IOrderJournal::loadFills gives them). Merged by time with the rows already
  // shown (a live fill and a history fill of the same time: the live one stays above), fill ids seen before
  // skipped, the result bounded to `capacity` (the oldest left out). Rows are appended at the bottom when the
  // history is older than everything shown (the usual case), else the model is reset once. Returns rows added.
  int mergeHistory(const std::vector<domain::Fill>& newestFirst);
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
