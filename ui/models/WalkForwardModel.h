#pragma once
// Walk-forward windows: in-sample start, out-of-sample range, the parameters chosen in-sample, the in-sample
// score and the out-of-sample result with the capital carried from window to window, and the walk-forward
// efficiency (annualised out-of-sample return / annualised in-sample return, backtest::walkForwardEfficiency).
#include <QAbstractTableModel>

#include <memory>

#include "core/contract/Backtest.h"

namespace meridian::ui {

class WalkForwardModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column {
    Window, InStart, OutStart, OutEnd, Params, InScore, StartValue, EndValue, Return, Trades,
    InAnnual, OutAnnual, Efficiency, ColumnCount
  };
  static constexpr int SortRole = Qt::UserRole + 1;

  explicit WalkForwardModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  void setReport(std::shared_ptr<const backtest::WalkForwardReport> report);
  void clear() { setReport(nullptr); }
  const backtest::WalkForwardReport* report() const { return m_report.get(); }

 private:
  std::shared_ptr<const backtest::WalkForwardReport> m_report;
};

}  // namespace meridian::ui
