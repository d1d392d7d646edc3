#pragma once
// Two-column table (Metric, Value) of a backtest's performance metrics. Replaced as a whole per result.
// RawRole gives the unformatted number (NaN where undefined) so tests and copy/paste need not parse text.
#include <QAbstractTableModel>
#include <QVector>

#include "core/analytics/Benchmark.h"
#include "core/analytics/Metrics.h"

namespace meridian::ui {

class BacktestMetricsModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Name, Value, ColumnCount };
  static constexpr int RawRole = Qt::UserRole + 1;

  explicit BacktestMetricsModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  // initialValue / finalValue come from the result itself (BacktestResult::finalValue is the authority).
  void setMetrics(const analytics::Metrics& metrics, double initialValue, double finalValue);
  // Appends the buy-and-hold benchmark's rows ("Buy & hold return", "Alpha (ann.)", "Beta", "Correlation").
  void addBenchmark(const QString& symbol, const analytics::BenchmarkStats& stats);
  void clear();
  // Row of the metric called `name` ("Final value", "Sharpe", ...), -1 when absent.
  int rowOf(const QString& name) const;
  QString valueText(const QString& name) const;

 private:
  struct Row {
    QString name;
    QString text;
    double raw = 0.0;
    int sign = 0;  // colour: +1 good, -1 bad, 0 neutral
    QString tip = {};
  };
  QVector<Row> m_rows;
};

}  // namespace meridian::ui
