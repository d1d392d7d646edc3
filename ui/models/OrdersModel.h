#pragma once
// Order blotter: one row per clientOrderId, updated in batches from UiBridge::ordersUpdated.
// New orders are appended with one beginInsertRows per batch; changed rows are reported as contiguous
// dataChanged ranges. Sort through a QSortFilterProxyModel using SortRole (raw numbers / timestamps).
#include <QAbstractTableModel>
#include <QVector>

#include <string>
#include <unordered_map>
#include <vector>

#include "core/domain/Types.h"

namespace meridian::ui {

class OrdersModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Time, Id, Symbol, Side, Type, Qty, Filled, Limit, Stop, AvgPx, Status, Strategy, ColumnCount };
  static constexpr int SortRole = Qt::UserRole + 1;
  static constexpr int ClientOrderIdRole = Qt::UserRole + 2;
  static constexpr int TerminalRole = Qt::UserRole + 3;  // bool: order can no longer fill

  explicit OrdersModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  // Inserts unknown orders, replaces known ones (latest update wins).
  void upsertOrders(const QVector<domain::Order>& orders);
  // Journaled orders read at start-up (contract::OrdersHistoryLoaded): unknown ones are added, a known row is
  // replaced only by a newer state (a live update that arrived first is never rolled back). Returns rows added.
  int mergeHistory(const std::vector<domain::Order>& orders);
  void clear();

  const domain::Order& orderAt(int row) const { return m_rows[static_cast<std::size_t>(row)]; }
  // -1 when unknown.
  int rowOf(const std::string& clientOrderId) const;
  int workingCount() const;

 private:
  std::vector<domain::Order> m_rows;
  std::unordered_map<std::string, int> m_index;
};

}  // namespace meridian::ui
