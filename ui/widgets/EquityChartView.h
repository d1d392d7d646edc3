#pragma once
// Time-series chart of a backtest (QtCharts): the equity curve (line, optionally with a benchmark line) or its
// drawdown (filled area, percent).
// Curves longer than kMaxPoints are reduced by min/max decimation per bucket, so peaks and troughs stay visible.
// Follows the application palette (light / dark chart theme).
#include <QChartView>

#include <span>

#include "core/analytics/Metrics.h"

QT_BEGIN_NAMESPACE
class QAreaSeries;
class QDateTimeAxis;
class QLineSeries;
class QValueAxis;
QT_END_NAMESPACE

namespace meridian::ui {

class EquityChartView : public QChartView {
  Q_OBJECT

 public:
  enum class Style { Equity, Drawdown };
  static constexpr int kMaxPoints = 6000;

  explicit EquityChartView(Style style, QWidget* parent = nullptr);

  void setTitle(const QString& title);
  // Style::Equity: equity per point. Style::Drawdown: the curve's drawdown in percent, its peaks starting at
  // initialValue (the starting cash or equity).
  void setCurve(std::span<const analytics::EquityPoint> curve, double initialValue = 0.0);
  // Style::Equity: a second line (a buy-and-hold benchmark, dashed, named in the legend); empty removes it.
  void setBenchmark(std::span<const analytics::EquityPoint> curve, const QString& name = {});
  void clear();
  int pointCount() const;           // points plotted (after decimation)
  int benchmarkPointCount() const;  // 0 without a benchmark
  Style style() const { return m_style; }

 protected:
  void changeEvent(QEvent* event) override;

 private:
  void applyTheme();
  void updateAxes();

  Style m_style;
  QLineSeries* m_line = nullptr;
  QLineSeries* m_zero = nullptr;  // drawdown: lower edge of the area
  QLineSeries* m_benchmark = nullptr;  // equity: the benchmark line
  QAreaSeries* m_area = nullptr;
  QDateTimeAxis* m_x = nullptr;
  QValueAxis* m_y = nullptr;
};

}  // namespace meridian::ui
