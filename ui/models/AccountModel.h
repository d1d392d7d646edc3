#pragma once
// Account blotter: the latest contract::AccountSnapshot (published by the ExecutionService after
// fills and on its 1 s timer) as one row per figure (Field | Value). The latest snapshot wins; a new snapshot only
// emits dataChanged for the values that changed, so a steady account costs nothing to repaint. SortRole gives raw
// numbers, ExportRole plain numbers for csv::writeModel.
#include <QAbstractTableModel>

#include <memory>

#include "core/contract/Orders.h"
#include "core/contract/Risk.h"

namespace meridian::ui {

class AccountModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Field, Value, ColumnCount };
  enum Row { Broker, Equity, Cash, BuyingPower, DayPnl, RealizedPnl, UnrealizedPnl, GrossExposure, Leverage,
             PeakEquity, Drawdown, AsOf, RowCount };
  static constexpr int SortRole = Qt::UserRole + 1;

  explicit AccountModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  void applySnapshot(const std::shared_ptr<const contract::AccountSnapshot>& snapshot);
  // Null until the first snapshot.
  const contract::AccountSnapshot* snapshot() const { return m_snapshot.get(); }
  static QString fieldName(Row row);
  // Drawdown from the peak in percent (0 when no peak yet), e.g. -2.5.
  static double drawdownPct(const contract::AccountSnapshot& a);

 Q_SIGNALS:
  void snapshotChanged();

 private:
  static QVariant rawValue(const contract::AccountSnapshot& a, int row);

  std::shared_ptr<const contract::AccountSnapshot> m_snapshot;
};

}  // namespace meridian::ui
