#pragma once
// Strategy Monitor model: one row per live strategy instance, from the runner's contract::StrategiesSnapshot
// (latest wins). An unchanged instance list is updated with one dataChanged over every row; a changed list resets.
#include <QAbstractTableModel>
#include <QStringList>

#include <memory>

#include "core/contract/Strategy.h"

namespace meridian::ui {

class StrategyMonitorModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Instance, Mode, State, Legs, LastSignal, Indicators, Realized, Unrealized, OpenOrders, ColumnCount };
  static constexpr int InstanceRole = Qt::UserRole + 1;  // QString "pairs:KO/PEP"
  static constexpr int PausedRole = Qt::UserRole + 2;    // bool
  static constexpr int ModeRole = Qt::UserRole + 3;      // QString PAPER / LIVE / SIGNALS
  static constexpr int SymbolsRole = Qt::UserRole + 4;   // QStringList of the legs
  static constexpr int StateRole = Qt::UserRole + 5;     // QString state ("flat", "paused", ...)

  explicit StrategyMonitorModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  void applySnapshot(const std::shared_ptr<const contract::StrategiesSnapshot>& snapshot);
  bool hasData() const { return static_cast<bool>(m_snapshot); }
  const contract::StrategyInstanceState* instanceAt(int row) const;
  int rowOf(const QString& instance) const;

  // "KO 100 / 100 · PEP -40 / -40" (position / target per leg)
  static QString legsText(const contract::StrategyInstanceState& s);
  // "z 2.35 · hedge 0.412"; a value not ready yet is "—"
  static QString indicatorsText(const contract::StrategyInstanceState& s);
  // "State" column: "Paused — flattened", "Error — KO order rejected ...", "Long", "Warming up — 12 of 60 bars"
  static QString stateText(const contract::StrategyInstanceState& s);

 private:
  std::shared_ptr<const contract::StrategiesSnapshot> m_snapshot;
};

}  // namespace meridian::ui
