#pragma once
// Monthly returns heatmap: one row per year, one column per month plus the compounded year, each cell coloured
// by its return (red losses, green gains, intensity relative to the largest absolute month) with the value drawn
// in percent. Painted directly (QPainter); tooltips give the exact value.
#include <QWidget>

#include <map>
#include <span>

#include "core/analytics/MonthlyReturns.h"

namespace meridian::ui {

class MonthlyReturnsHeatmap : public QWidget {
  Q_OBJECT

 public:
  explicit MonthlyReturnsHeatmap(QWidget* parent = nullptr);

  void setReturns(std::span<const analytics::MonthlyReturn> returns);
  void clear();
  int yearCount() const { return static_cast<int>(m_years.size()); }
  // NaN when the month has no value.
  double value(int year, int month) const;
  double yearValue(int year) const;  // compounded over the year's months

  QSize sizeHint() const override;
  QSize minimumSizeHint() const override;

 protected:
  void paintEvent(QPaintEvent* event) override;
  bool event(QEvent* event) override;

 private:
  struct Year {
    double months[12];
    double total;
  };
  QRectF cellRect(int row, int column) const;
  bool cellAt(const QPoint& pos, int& row, int& column) const;
  QColor cellColor(double v, double scale) const;

  std::map<int, Year> m_years;
  double m_scale = 0.0;  // largest absolute monthly return
};

}  // namespace meridian::ui
