#pragma once
// CandleView: QPainter candlestick + volume chart for one symbol.
//
// Bars are kept sorted by time. The view is anchored at the newest bar; the horizontal scale is a bar spacing in
// pixels (mouse wheel / +/- zoom, Home = fit all, End = default). When bars are narrower than a pixel, each pixel
// column draws ONE candle aggregating the bars that fall into it (first open, max high, min low, last close, sum
// volume), so painting costs O(width), never O(bars).
#include <QString>
#include <QWidget>

#include <vector>

#include "core/domain/Types.h"

namespace meridian::ui {

class CandleView : public QWidget {
  Q_OBJECT

 public:
  static constexpr double kDefaultSpacing = 9.0;
  static constexpr double kMinSpacing = 0.02;
  static constexpr double kMaxSpacing = 60.0;

  explicit CandleView(QWidget* parent = nullptr);

  QString symbol() const { return m_symbol; }
  void setSymbol(const QString& symbol);
  // Replaces all bars (sorted by ts on entry).
  void setBars(std::vector<domain::Bar> bars);
  // Adds bars: a bar with the same ts as an existing one replaces it; out-of-order bars are inserted in place.
  void appendBars(const std::vector<domain::Bar>& bars);
  void clear();
  const std::vector<domain::Bar>& bars() const { return m_bars; }

  double barSpacing() const { return m_spacing; }
  // Number of drawn columns in the last paint (candles, or pixel columns when aggregating).
  int lastPaintedColumns() const { return m_paintedColumns; }

  QSize sizeHint() const override { return {720, 420}; }
  QSize minimumSizeHint() const override { return {240, 160}; }

 public Q_SLOTS:
  void zoomIn();
  void zoomOut();
  void fitAll();
  void resetZoom();

 protected:
  void paintEvent(QPaintEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void leaveEvent(QEvent* event) override;

 private:
  struct Column {
    double x = 0.0;      // centre, px
    double open = 0.0, high = 0.0, low = 0.0, close = 0.0, volume = 0.0;
    domain::Timestamp ts = 0;  // first bar's time
    int bars = 0;
  };
  void buildColumns(double plotLeft, double plotWidth);
  double effectiveSpacing(double plotWidth) const;

  QString m_symbol;
  std::vector<domain::Bar> m_bars;
  std::vector<Column> m_columns;  // reused between paints
  double m_spacing = kDefaultSpacing;
  bool m_fitAll = false;
  double m_columnWidth = kDefaultSpacing;
  int m_paintedColumns = 0;
  int m_hoverX = -1;
};

}  // namespace meridian::ui
