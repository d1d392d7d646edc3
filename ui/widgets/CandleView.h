#pragma once
// CandleView: QPainter candlestick chart for one symbol: candles + volume, overlays (SMA 20/50/200, EMA 12/26,
// Bollinger 20/2), RSI 14 and MACD 12/26/9 panes on a shared x-axis, fill/signal markers, crosshair with an OHLC and
// indicator readout, timeframes (ChartSeries) and range presets.
//
// Drawing cost is O(plot width), never O(bars): when bars are narrower than a pixel, each pixel column draws one
// candle aggregating the bars under it (first open, max high, min low, last close, summed volume) taken from the
// ChartSeries min/max pyramid in O(log n), and overlays/panes are sampled at each column's last bar.
//
// View model: a bar spacing in pixels and the (fractional) bar index at the plot's right edge. While the newest bar is
// in view the chart follows live data. Keyboard (when focused):
//   Left / Right        pan by 1/20 of the visible range (at least one bar)      Shift: by a page
//   PageUp / PageDown   pan one page back / forward
//   + / -               zoom in / out (anchored at the right edge when following, else the centre)
//   Home / End          fit every bar / newest bars at the default zoom
// Mouse: drag to pan, wheel to zoom at the cursor, hover for the crosshair, double-click to fit.
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QWidget>

#include <array>
#include <vector>

#include "core/domain/Types.h"
#include "ui/widgets/ChartSeries.h"

class QPainter;

namespace meridian::ui {

struct ChartMarker {
  enum class Kind : std::uint8_t { Buy, Sell, SignalLong, SignalShort, SignalExit };
  domain::Timestamp ts = 0;
  double price = 0.0;
  Kind kind = Kind::Buy;
  QString text;  // shown in the readout when hovering its bar and as the marker's tooltip, e.g. "BUY 100 @ 189.47"
};

// A working order's price drawn across the chart: its limit, or its stop (a stop-limit has both lines). Dragging
// the line with the mouse moves the price: orderLineMoved on release (Esc while dragging cancels).
struct ChartOrderLine {
  QString id;     // client order id
  QString label;  // e.g. "BUY 10 LMT"
  double price = 0.0;
  bool stop = false;  // the stop price (else the limit price)
  bool buy = true;
};

// One drawn column (a candle, or a pixel column aggregating several bars): resampled bars [first, last).
struct ChartColumn {
  double x = 0.0;  // centre, px
  std::size_t first = 0;
  std::size_t last = 0;
  double open = 0.0, high = 0.0, low = 0.0, close = 0.0, volume = 0.0;
};

class CandleView : public QWidget {
  Q_OBJECT

 public:
  static constexpr double kDefaultSpacing = 9.0;
  static constexpr double kMaxSpacing = 60.0;

  enum class Overlay : std::uint8_t { Sma20, Sma50, Sma200, Ema12, Ema26, Bollinger, Count };
  enum class Pane : std::uint8_t { Volume, Rsi, Macd, Count };
  enum class Range : std::uint8_t { D1, D5, M1, M3, M6, Y1, Y5, All };
  static const char* rangeLabel(Range r);  // "1D", "5D", "1M", "3M", "6M", "1Y", "5Y", "All"
  static const char* overlayLabel(Overlay o);

  explicit CandleView(QWidget* parent = nullptr);

  QString symbol() const { return m_symbol; }
  void setSymbol(const QString& symbol);
  // Replaces all bars (sorted by ts on entry). The view follows the newest bars at the current zoom.
  void setBars(std::vector<domain::Bar> bars);
  // Adds bars: same ts replaces, newer appends (incremental), older is inserted (rebuild).
  void appendBars(const std::vector<domain::Bar>& bars);
  // Installs a series built elsewhere (ChartDock builds it on a worker thread: resampling, pyramid and indicators
  // of a million bars are not GUI-thread work). The view follows the newest bars, the zoom mode is kept.
  void setSeries(ChartSeries series);
  // Moves the series out (the view is left empty), e.g. to free a million-bar series off the GUI thread.
  ChartSeries takeSeries();
  // Live last-trade price for the newest bar (close, and high/low when exceeded).
  void updateLastPrice(double price);
  // "Loading…" state: an empty chart says so instead of "no data"; a chart with bars shows a badge.
  void setLoading(bool loading, const QString& message = QStringLiteral("Loading…"));
  bool isLoading() const { return m_loading; }
  void clear();
  // Base bars as received (not resampled).
  const std::vector<domain::Bar>& bars() const { return m_series.base(); }
  const ChartSeries& series() const { return m_series; }

  void setTimeframe(Timeframe tf);
  Timeframe timeframe() const { return m_series.timeframe(); }
  // Shows the bars of the last `r` (sessions for 1D/5D, calendar months/years otherwise), following live data.
  void setRange(Range r);

  void setOverlayVisible(Overlay o, bool visible);
  bool overlayVisible(Overlay o) const { return m_overlays[static_cast<std::size_t>(o)]; }
  void setPaneVisible(Pane p, bool visible);
  bool paneVisible(Pane p) const { return m_panes[static_cast<std::size_t>(p)]; }

  void setMarkers(std::vector<ChartMarker> markers);   // sorted by ts on entry
  void setOrderLines(std::vector<ChartOrderLine> lines);
  const std::vector<ChartOrderLine>& orderLines() const { return m_orderLines; }
  // Where the line was drawn in the last paint (px, widget coordinates); -1 when not on screen.
  double orderLineY(const QString& id, bool stop) const;
  // The price a y coordinate of the price pane stands for in the last paint (snapped to the cent).
  double priceAtY(double y) const;
  void addMarkers(const std::vector<ChartMarker>& markers);
  const std::vector<ChartMarker>& markers() const { return m_markers; }

  // ---- View state (for the dock, tests and the benchmark) ----
  double barSpacing() const;         // px per resampled bar
  double firstVisible() const;       // fractional bar index at the plot's left edge
  double rightVisible() const;       // fractional bar index at the plot's right edge
  double visibleBars() const { return rightVisible() - firstVisible(); }
  bool followingLatest() const;
  // Whole bars at least partly in view: [visibleBegin, visibleEnd).
  std::size_t visibleBegin() const;
  std::size_t visibleEnd() const;

  // ---- Last paint (tests, benchmark) ----
  int lastPaintedColumns() const { return static_cast<int>(m_columns.size()); }
  const std::vector<ChartColumn>& columns() const { return m_columns; }
  QRectF pricePlotRect() const { return m_priceRect; }
  // y pixel of a price in the last paint's price scale.
  double yOfPrice(double price) const;
  // The readout shown in the header: bar under the crosshair, else the newest bar.
  QString readoutText() const { return m_readout; }
  // Crosshair at a widget position (what hovering does); an invalid point hides it.
  void setCrosshair(QPointF pos);
  // Markers drawn in the last paint (for tests): centre and the marker's text.
  struct MarkerHit {
    QPointF centre;
    ChartMarker::Kind kind = ChartMarker::Kind::Buy;
    QString text;
  };
  const std::vector<MarkerHit>& paintedMarkers() const { return m_markerHits; }
  // Text of the painted marker nearest to pos within `radius` px (what the tooltip shows); empty when none.
  QString markerTextAt(QPointF pos, double radius = 9.0) const;

  QSize sizeHint() const override { return {720, 420}; }
  QSize minimumSizeHint() const override { return {240, 160}; }

 public Q_SLOTS:
  void zoomIn();
  void zoomOut();
  void fitAll();
  void resetZoom();
  void panBars(double bars);   // > 0 towards newer bars
  void panPages(double pages);
  void zoomBy(double factor, double anchorX = -1.0);

 Q_SIGNALS:
  // A working order's line was dragged to `price` (already snapped to the cent, different from where it was).
  void orderLineMoved(const QString& id, bool stop, double price);
  // Visible range, timeframe or data changed (coalesced by the event loop: emitted from paint at most).
  void viewChanged();

 protected:
  void paintEvent(QPaintEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void mouseDoubleClickEvent(QMouseEvent* event) override;
  void leaveEvent(QEvent* event) override;
  void changeEvent(QEvent* event) override;

 private:
  enum class Mode : std::uint8_t { Free, FitAll, Range };
  struct Layout {
    double plotLeft = 0, plotRight = 0, plotWidth = 0, axisW = 0, headerH = 0;
    QRectF price, volume, rsi, macd;
    double timeAxisTop = 0;
  };
  struct View {
    double spacing = kDefaultSpacing;
    double right = 0.0;  // bar index at the right edge
    double first() const { return right - width / spacing; }
    double width = 0.0;
  };
  Layout computeLayout() const;
  View effectiveView(double plotWidth) const;
  void setFreeView(const View& v);
  double minSpacing(double plotWidth) const;
  std::size_t rangeFirstIndex(Range r) const;
  void buildColumns(const View& v, double plotLeft);
  void onDataChanged(bool keepRight);

  // Painting: paintEvent computes a Frame (scales, bar widths, shown column) and paints these layers back to front.
  struct Frame;
  void paintHeader(QPainter& p, Frame& f) const;
  void paintEmptyMessage(QPainter& p, const Frame& f);
  void computeScales(Frame& f);
  void paintGridAndPriceAxis(QPainter& p, const Frame& f) const;
  void paintTimeAxis(QPainter& p, const Frame& f) const;
  void paintCandlesAndVolume(QPainter& p, const Frame& f) const;
  void paintOverlays(QPainter& p, const Frame& f) const;
  std::vector<const ChartMarker*> paintMarkers(QPainter& p, const Frame& f);
  void paintPaneFrame(QPainter& p, const Frame& f, const QRectF& r, const QString& name) const;
  void paintRsiPane(QPainter& p, const Frame& f) const;
  void paintMacdPane(QPainter& p, const Frame& f) const;
  void paintLastPrice(QPainter& p, const Frame& f) const;
  void paintOrderLines(QPainter& p, const Frame& f) const;
  int orderLineAt(QPointF pos) const;  // index into m_orderLines of a drawn line within a few px, or -1
  void paintCrosshair(QPainter& p, const Frame& f) const;
  void paintReadout(QPainter& p, const Frame& f, const std::vector<const ChartMarker*>& hoverMarkers);

  QString m_symbol;
  ChartSeries m_series;
  std::vector<ChartMarker> m_markers;
  std::vector<ChartOrderLine> m_orderLines;
  int m_orderDrag = -1;         // the line being dragged (index), -1 none
  double m_orderDragPrice = 0;  // where it is now
  std::array<bool, static_cast<std::size_t>(Overlay::Count)> m_overlays{};
  std::array<bool, static_cast<std::size_t>(Pane::Count)> m_panes{};

  Mode m_mode = Mode::Free;
  Range m_range = Range::All;
  double m_spacing = kDefaultSpacing;
  double m_right = 0.0;
  bool m_follow = true;

  // Interaction
  QPointF m_hover{-1, -1};
  bool m_dragging = false;
  double m_dragStartX = 0.0;
  double m_dragStartRight = 0.0;

  // Last paint
  std::vector<ChartColumn> m_columns;
  QRectF m_priceRect;
  double m_priceLo = 0.0, m_priceHi = 1.0;
  QString m_readout;
  std::vector<MarkerHit> m_markerHits;
  bool m_loading = false;
  QString m_loadingMessage;
};

}  // namespace meridian::ui
