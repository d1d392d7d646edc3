#pragma once
// Two-parameter heatmap of a grid optimization: one row per value of the first varying grid axis, one column per
// value of the second, each cell coloured by the objective score (worst red -> best green, relative to the grid's
// range) with the score drawn in it; the best cell is outlined and starred. Grids with more than two varying axes
// show, per cell, the best score over the other axes. Invalid combinations are left blank. Painted directly
// (QPainter); tooltips give the parameters and the score; a double-click emits the run of that cell.
#include <QWidget>

#include <memory>
#include <optional>
#include <vector>

#include "core/backtest/BacktestReports.h"

namespace meridian::ui {

class ParamHeatmap : public QWidget {
  Q_OBJECT

 public:
  explicit ParamHeatmap(QWidget* parent = nullptr);

  // Shows the report's scores; hasGrid() is false when fewer than two axes vary (nothing to draw).
  void setReport(std::shared_ptr<const backtest::OptimizationReport> report);
  void clear() { setReport(nullptr); }
  bool hasGrid() const { return m_rows > 0 && m_columns > 0; }

  QString rowAxis() const { return m_rowAxis; }
  QString columnAxis() const { return m_columnAxis; }
  int rows() const { return m_rows; }
  int columns() const { return m_columns; }
  double rowValue(int row) const { return m_rowValues.at(std::size_t(row)); }
  double columnValue(int column) const { return m_columnValues.at(std::size_t(column)); }
  // Score of a cell (NaN when no valid run), the run behind it (index into the report's runs).
  double score(int row, int column) const;
  std::optional<std::size_t> runAt(int row, int column) const;
  // Cell of the report's best run, (-1, -1) when none.
  QPoint bestCell() const { return m_best; }
  QRectF cellRect(int row, int column) const;  // widget coordinates; row/column -1 = axis labels
  QColor cellColor(double score) const;

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 Q_SIGNALS:
  void runActivated(std::size_t runIndex);

 protected:
  void paintEvent(QPaintEvent* event) override;
  bool event(QEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;

 private:
  bool cellAt(const QPoint& pos, int& row, int& column) const;

  std::shared_ptr<const backtest::OptimizationReport> m_report;
  QString m_rowAxis, m_columnAxis;
  int m_rows = 0, m_columns = 0;
  std::vector<double> m_rowValues, m_columnValues;
  std::vector<std::optional<std::size_t>> m_cells;  // row-major; the run shown in the cell
  double m_lo = 0.0, m_hi = 0.0;                    // score range of the valid cells
  QPoint m_best{-1, -1};
};

}  // namespace meridian::ui
