#pragma once
// One row per parameter combination of a grid optimization (grid order): the parameters of the grid axes, the
// objective score and headline metrics. The best combination is shown in bold. Sort through a proxy on SortRole.
#include <QAbstractTableModel>
#include <QStringList>

#include <memory>

#include "core/contract/Backtest.h"

namespace meridian::ui {

class OptimizationRunsModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  static constexpr int SortRole = Qt::UserRole + 1;
  static constexpr int BestRole = Qt::UserRole + 2;  // bool

  explicit OptimizationRunsModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  void setReport(std::shared_ptr<const backtest::OptimizationReport> report);
  void clear() { setReport(nullptr); }
  const backtest::OptimizationReport* report() const { return m_report.get(); }
  // Full parameter set of a row (grid values over the base parameters), for "run this combination".
  const backtest::OptimizationRun* runAt(int row) const;
  int objectiveColumn() const { return 1 + static_cast<int>(m_axes.size()); }
  int bestRow() const;

 private:
  enum Fixed { Score, FinalValue, TotalReturn, Sharpe, MaxDrawdown, Trades, Status, FixedCount };
  QVariant fixedData(const backtest::OptimizationRun& r, int fixed, int role) const;

  std::shared_ptr<const backtest::OptimizationReport> m_report;
  QStringList m_axes;
};

}  // namespace meridian::ui
