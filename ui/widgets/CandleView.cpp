#include "ui/widgets/CandleView.h"

#include <QDateTime>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/time/NyseCalendar.h"
#include "core/time/TimeZones.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {
namespace {

constexpr double kRightGap = 6.0;  // keeps the newest candle off the axis line
constexpr double kZoomStep = 1.25;
constexpr std::size_t kOverlayCount = static_cast<std::size_t>(CandleView::Overlay::Count);

}  // namespace

// Outside the anonymous namespace: CandleView::Frame holds one (g++ -Wsubobject-linkage).
struct CandleColors {
  bool dark = false;
  QColor bg, grid, text, frame, up, down, upVol, downVol, cross, crossLabel;
  std::array<QColor, kOverlayCount> overlay;
  QColor rsi, macd, signal, band;
};

namespace {

using Colors = CandleColors;

// Opaque equivalent of `fg` at `alpha` over `bg`. The raster engine fills opaque integer rectangles ~30x faster
// than alpha-blended ones, and volume/histogram bars are always drawn over the plain background.
QColor over(const QColor& fg, int alpha, const QColor& bg) {
  const auto mix = [alpha](int f, int b) { return (f * alpha + b * (255 - alpha) + 127) / 255; };
  return QColor(mix(fg.red(), bg.red()), mix(fg.green(), bg.green()), mix(fg.blue(), bg.blue()));
}

Colors colorsFor(const QPalette& pal) {
  Colors c;
  c.dark = pal.color(QPalette::Window).lightness() < 128;
  if (c.dark) {
    c.bg = QColor(0x16, 0x19, 0x1f);
    c.grid = QColor(0x26, 0x2b, 0x33);
    c.text = QColor(0xa9, 0xb1, 0xbd);
    c.frame = QColor(0x3a, 0x40, 0x4a);
    c.up = QColor(0x26, 0xa6, 0x5b);
    c.down = QColor(0xef, 0x53, 0x50);
    c.cross = QColor(0x8a, 0x93, 0xa0);
    c.crossLabel = QColor(0x3a, 0x40, 0x4a);
    c.overlay = {QColor(0xf5, 0xb0, 0x41), QColor(0x4d, 0xa3, 0xff), QColor(0xc3, 0x7b, 0xff),
                 QColor(0x2e, 0xd3, 0xb7), QColor(0xff, 0x7a, 0x9a), QColor(0x8f, 0xa8, 0xc8)};
    c.rsi = QColor(0xc3, 0x7b, 0xff);
    c.macd = QColor(0x4d, 0xa3, 0xff);
    c.signal = QColor(0xf5, 0xb0, 0x41);
    c.band = QColor(0x2a, 0x2f, 0x3a);
  } else {
    c.bg = QColor(0xff, 0xff, 0xff);
    c.grid = QColor(0xec, 0xee, 0xf1);
    c.text = QColor(0x55, 0x5b, 0x66);
    c.frame = QColor(0xc8, 0xcc, 0xd2);
    c.up = format::upColor();
    c.down = format::downColor();
    c.cross = QColor(0x70, 0x76, 0x80);
    c.crossLabel = QColor(0x55, 0x5b, 0x66);
    c.overlay = {QColor(0xe0, 0x8e, 0x0b), QColor(0x1f, 0x6f, 0xd1), QColor(0x80, 0x3c, 0xb0),
                 QColor(0x0e, 0x9f, 0x87), QColor(0xd6, 0x33, 0x6c), QColor(0x5b, 0x7b, 0xa6)};
    c.rsi = QColor(0x80, 0x3c, 0xb0);
    c.macd = QColor(0x1f, 0x6f, 0xd1);
    c.signal = QColor(0xe0, 0x8e, 0x0b);
    c.band = QColor(0xf3, 0xee, 0xfa);
  }
  c.upVol = over(c.up, c.dark ? 90 : 110, c.bg);
  c.downVol = over(c.down, c.dark ? 90 : 110, c.bg);
  return c;
}

// 1-2-5 step giving about `target` intervals over `range`.
double niceStep(double range, int target) {
  if (range <= 0.0 || target <= 0) return 1.0;
  const double raw = range / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  const double nice = f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0;
  return nice * mag;
}

int decimalsFor(double step) { return step >= 1.0 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 4; }

QString number(double v, int decimals = 2) { return std::isfinite(v) ? QString::number(v, 'f', decimals) : QStringLiteral("—"); }

bool intraday(Timeframe tf) { return tf != Timeframe::D1 && tf != Timeframe::W1; }

Indicator overlayIndicator(CandleView::Overlay o) {
  switch (o) {
    case CandleView::Overlay::Sma20: return Indicator::Sma20;
    case CandleView::Overlay::Sma50: return Indicator::Sma50;
    case CandleView::Overlay::Sma200: return Indicator::Sma200;
    case CandleView::Overlay::Ema12: return Indicator::Ema12;
    case CandleView::Overlay::Ema26: return Indicator::Ema26;
    case CandleView::Overlay::Bollinger: return Indicator::BbMiddle;
    case CandleView::Overlay::Count: break;
  }
  return Indicator::Sma20;
}

}  // namespace

const char* CandleView::rangeLabel(Range r) {
  switch (r) {
    case Range::D1: return "1D";
    case Range::D5: return "5D";
    case Range::M1: return "1M";
    case Range::M3: return "3M";
    case Range::M6: return "6M";
    case Range::Y1: return "1Y";
    case Range::Y5: return "5Y";
    case Range::All: return "All";
  }
  return "";
}

const char* CandleView::overlayLabel(Overlay o) {
  switch (o) {
    case Overlay::Sma20: return "SMA 20";
    case Overlay::Sma50: return "SMA 50";
    case Overlay::Sma200: return "SMA 200";
    case Overlay::Ema12: return "EMA 12";
    case Overlay::Ema26: return "EMA 26";
    case Overlay::Bollinger: return "Bollinger 20/2";
    case Overlay::Count: break;
  }
  return "";
}

CandleView::CandleView(QWidget* parent) : QWidget(parent) {
  setFocusPolicy(Qt::StrongFocus);
  setMouseTracking(true);
  setAttribute(Qt::WA_OpaquePaintEvent);
  setAutoFillBackground(false);
  setAccessibleName(QStringLiteral("Candlestick chart"));
  m_overlays[static_cast<std::size_t>(Overlay::Sma20)] = true;
  m_overlays[static_cast<std::size_t>(Overlay::Sma50)] = true;
  m_panes[static_cast<std::size_t>(Pane::Volume)] = true;
  m_panes[static_cast<std::size_t>(Pane::Rsi)] = true;
  m_panes[static_cast<std::size_t>(Pane::Macd)] = true;
}

// ---- Data ---------------------------------------------------------------------------------------------------------

void CandleView::setSymbol(const QString& symbol) {
  if (symbol == m_symbol) return;
  m_symbol = symbol;
  m_hover = QPointF(-1, -1);
  update();
}

void CandleView::setBars(std::vector<domain::Bar> bars) {
  m_series.setBase(std::move(bars));
  m_follow = true;
  onDataChanged(false);
}

void CandleView::setSeries(ChartSeries series) {
  m_series = std::move(series);
  m_follow = true;
  onDataChanged(false);
  Q_EMIT viewChanged();
}

ChartSeries CandleView::takeSeries() {
  ChartSeries out = std::move(m_series);
  m_series = ChartSeries();
  m_follow = true;
  onDataChanged(false);
  return out;
}

void CandleView::setLoading(bool loading, const QString& message) {
  if (loading == m_loading && message == m_loadingMessage) return;
  m_loading = loading;
  m_loadingMessage = message;
  update();
}

QString CandleView::markerTextAt(QPointF pos, double radius) const {
  const MarkerHit* best = nullptr;
  double bestD = radius * radius;
  for (const MarkerHit& h : m_markerHits) {
    const double dx = h.centre.x() - pos.x(), dy = h.centre.y() - pos.y();
    const double d = dx * dx + dy * dy;
    if (d <= bestD) {
      bestD = d;
      best = &h;
    }
  }
  return best ? best->text : QString();
}

void CandleView::appendBars(const std::vector<domain::Bar>& bars) {
  if (bars.empty()) return;
  m_series.appendBase(bars);
  onDataChanged(true);
}

void CandleView::updateLastPrice(double price) {
  if (m_series.updateLastPrice(price)) onDataChanged(true);
}

void CandleView::clear() {
  m_series.clear();
  m_follow = true;
  onDataChanged(false);
}

void CandleView::onDataChanged(bool keepRight) {
  if (!keepRight) m_right = static_cast<double>(m_series.size());
  update();
}

void CandleView::setTimeframe(Timeframe tf) {
  if (tf == m_series.timeframe()) return;
  // Keep the same time span in view: remember the times at both edges, map them into the new series.
  const std::size_t n = m_series.size();
  domain::Timestamp leftTs = 0, rightTs = 0;
  const bool wasFollowing = followingLatest();
  if (n > 0) {
    leftTs = m_series.bars()[std::min(n - 1, visibleBegin())].ts;
    rightTs = m_series.bars()[std::min(n - 1, std::max<std::size_t>(visibleEnd(), 1) - 1)].ts;
  }
  m_series.setTimeframe(tf);
  if (n > 0 && m_mode == Mode::Free && !m_series.empty()) {
    const Layout l = computeLayout();
    const double a = static_cast<double>(m_series.lowerBound(leftTs));
    const double b = static_cast<double>(std::max<std::int64_t>(m_series.indexAt(rightTs), 0)) + 1.0;
    View v;
    v.width = l.plotWidth;
    v.spacing = std::clamp(l.plotWidth / std::max(1.0, b - a), minSpacing(l.plotWidth), kMaxSpacing);
    v.right = wasFollowing ? static_cast<double>(m_series.size()) : b;
    setFreeView(v);
    m_follow = wasFollowing;
  }
  update();
  Q_EMIT viewChanged();
}

void CandleView::setRange(Range r) {
  m_range = r;
  m_mode = r == Range::All ? Mode::FitAll : Mode::Range;
  m_follow = true;
  update();
  Q_EMIT viewChanged();
}

void CandleView::setOverlayVisible(Overlay o, bool visible) {
  m_overlays[static_cast<std::size_t>(o)] = visible;
  update();
}

void CandleView::setPaneVisible(Pane p, bool visible) {
  m_panes[static_cast<std::size_t>(p)] = visible;
  update();
}

void CandleView::setOrderLines(std::vector<ChartOrderLine> lines) {
  // A drag in progress keeps its line when the same order is still there (a quote update must not drop it).
  QString dragId;
  bool dragStop = false;
  if (m_orderDrag >= 0 && m_orderDrag < int(m_orderLines.size())) {
    dragId = m_orderLines[std::size_t(m_orderDrag)].id;
    dragStop = m_orderLines[std::size_t(m_orderDrag)].stop;
  }
  m_orderLines = std::move(lines);
  m_orderDrag = -1;
  for (std::size_t i = 0; !dragId.isEmpty() && i < m_orderLines.size(); ++i)
    if (m_orderLines[i].id == dragId && m_orderLines[i].stop == dragStop) m_orderDrag = int(i);
  if (m_orderDrag < 0 && !dragId.isEmpty()) unsetCursor();
  update();
}

double CandleView::orderLineY(const QString& id, bool stop) const {
  if (m_series.empty() || !(m_priceHi > m_priceLo)) return -1.0;
  for (const ChartOrderLine& l : m_orderLines)
    if (l.id == id && l.stop == stop) {
      const double y = yOfPrice(l.price);
      return y >= m_priceRect.top() && y <= m_priceRect.bottom() ? y : -1.0;
    }
  return -1.0;
}

double CandleView::priceAtY(double y) const {
  if (!(m_priceHi > m_priceLo) || m_priceRect.height() <= 0) return 0.0;
  const double price = m_priceHi - (y - m_priceRect.top()) / m_priceRect.height() * (m_priceHi - m_priceLo);
  return std::max(0.01, std::round(price * 100.0) / 100.0);
}

int CandleView::orderLineAt(QPointF pos) const {
  if (!m_priceRect.contains(QPointF(m_priceRect.center().x(), pos.y())) || pos.x() < m_priceRect.left() ||
      pos.x() > m_priceRect.right())
    return -1;
  int best = -1;
  double bestDist = 5.0;  // px
  for (std::size_t i = 0; i < m_orderLines.size(); ++i) {
    const double d = std::abs(yOfPrice(m_orderLines[i].price) - pos.y());
    if (d <= bestDist) {
      bestDist = d;
      best = int(i);
    }
  }
  return best;
}

void CandleView::setMarkers(std::vector<ChartMarker> markers) {
  std::stable_sort(markers.begin(), markers.end(), [](const ChartMarker& a, const ChartMarker& b) { return a.ts < b.ts; });
  m_markers = std::move(markers);
  update();
}

void CandleView::addMarkers(const std::vector<ChartMarker>& markers) {
  if (markers.empty()) return;
  m_markers.insert(m_markers.end(), markers.begin(), markers.end());
  std::stable_sort(m_markers.begin(), m_markers.end(), [](const ChartMarker& a, const ChartMarker& b) { return a.ts < b.ts; });
  update();
}

// ---- View model ---------------------------------------------------------------------------------------------------

CandleView::Layout CandleView::computeLayout() const {
  Layout l;
  const QFontMetrics fm = fontMetrics();
  const double lineH = fm.height();
  l.axisW = fm.horizontalAdvance(QStringLiteral("00,000.00")) + 16.0;
  l.headerH = lineH + 10.0;
  const double timeAxisH = lineH + 8.0;
  l.plotLeft = 8.0;
  l.plotRight = width() - l.axisW;
  l.plotWidth = std::max(0.0, l.plotRight - l.plotLeft - kRightGap);
  const double top = l.headerH + 4.0;
  const double bottom = height() - timeAxisH;
  l.timeAxisTop = bottom;
  const double total = std::max(0.0, bottom - top);
  const double gap = 8.0;
  const double rsiH = paneVisible(Pane::Rsi) ? std::floor(total * 0.16) : 0.0;
  const double macdH = paneVisible(Pane::Macd) ? std::floor(total * 0.18) : 0.0;
  double y = bottom;
  if (macdH > 0) {
    l.macd = QRectF(l.plotLeft, y - macdH + gap, l.plotRight - l.plotLeft, macdH - gap);
    y -= macdH;
  }
  if (rsiH > 0) {
    l.rsi = QRectF(l.plotLeft, y - rsiH + gap, l.plotRight - l.plotLeft, rsiH - gap);
    y -= rsiH;
  }
  const double priceH = std::max(0.0, y - top);
  const double volH = paneVisible(Pane::Volume) ? std::floor(priceH * 0.2) : 0.0;
  l.volume = QRectF(l.plotLeft, y - volH, l.plotRight - l.plotLeft, volH);
  l.price = QRectF(l.plotLeft, top, l.plotRight - l.plotLeft, std::max(0.0, priceH - volH - (volH > 0 ? 4.0 : 0.0)));
  return l;
}

double CandleView::minSpacing(double plotWidth) const {
  const double n = static_cast<double>(std::max<std::size_t>(m_series.size(), 1));
  return std::min(plotWidth / n, 2.0);
}

std::size_t CandleView::rangeFirstIndex(Range r) const {
  const auto& b = m_series.bars();
  if (b.empty()) return 0;
  const domain::Timestamp last = b.back().ts;
  const auto& cal = time::NyseCalendar::instance();
  domain::Timestamp cutoff = 0;
  const QDateTime lastEt = time::TimeZones::toExchange(last);
  switch (r) {
    case Range::D1:
    case Range::D5: {
      QDate d = lastEt.date();
      if (!cal.isTradingDay(d)) d = cal.previousTradingDay(d);
      for (int i = 1; i < (r == Range::D1 ? 1 : 5) && d.isValid(); ++i) d = cal.previousTradingDay(d);
      cutoff = time::TimeZones::fromExchange(d, QTime(0, 0));
      break;
    }
    case Range::M1: cutoff = time::TimeZones::fromQDateTime(lastEt.addMonths(-1)); break;
    case Range::M3: cutoff = time::TimeZones::fromQDateTime(lastEt.addMonths(-3)); break;
    case Range::M6: cutoff = time::TimeZones::fromQDateTime(lastEt.addMonths(-6)); break;
    case Range::Y1: cutoff = time::TimeZones::fromQDateTime(lastEt.addYears(-1)); break;
    case Range::Y5: cutoff = time::TimeZones::fromQDateTime(lastEt.addYears(-5)); break;
    case Range::All: return 0;
  }
  return std::min(m_series.lowerBound(cutoff), b.size() - 1);
}

CandleView::View CandleView::effectiveView(double plotWidth) const {
  View v;
  v.width = plotWidth;
  const double n = static_cast<double>(m_series.size());
  if (n <= 0 || plotWidth <= 0) {
    v.spacing = m_spacing;
    v.right = n;
    return v;
  }
  switch (m_mode) {
    case Mode::FitAll:
      v.spacing = std::min(kMaxSpacing, plotWidth / n);
      v.right = n;
      return v;
    case Mode::Range: {
      const double count = std::max(1.0, n - static_cast<double>(rangeFirstIndex(m_range)));
      v.spacing = std::min(kMaxSpacing, plotWidth / count);
      v.right = n;
      return v;
    }
    case Mode::Free: break;
  }
  v.spacing = std::clamp(m_spacing, minSpacing(plotWidth), kMaxSpacing);
  const double visible = plotWidth / v.spacing;
  v.right = m_follow ? n : std::clamp(m_right, std::min(n, visible), n);
  return v;
}

void CandleView::setFreeView(const View& v) {
  const double n = static_cast<double>(m_series.size());
  m_mode = Mode::Free;
  m_spacing = std::clamp(v.spacing, minSpacing(v.width), kMaxSpacing);
  const double visible = v.width / m_spacing;
  m_right = std::clamp(v.right, std::min(n, visible), n);
  m_follow = m_right >= n - 1e-9;
}

double CandleView::barSpacing() const { return effectiveView(computeLayout().plotWidth).spacing; }
double CandleView::firstVisible() const { return effectiveView(computeLayout().plotWidth).first(); }
double CandleView::rightVisible() const { return effectiveView(computeLayout().plotWidth).right; }
bool CandleView::followingLatest() const { return m_mode != Mode::Free || m_follow; }

std::size_t CandleView::visibleBegin() const {
  const double f = std::max(0.0, std::floor(firstVisible()));
  return std::min(static_cast<std::size_t>(f), m_series.size());
}

std::size_t CandleView::visibleEnd() const {
  const double r = std::max(0.0, std::ceil(rightVisible()));
  return std::min(static_cast<std::size_t>(r), m_series.size());
}

void CandleView::zoomBy(double factor, double anchorX) {
  const Layout l = computeLayout();
  View v = effectiveView(l.plotWidth);
  if (l.plotWidth <= 0 || m_series.empty()) return;
  const bool following = followingLatest();
  // Bar position under the anchor stays under the anchor; the right edge when following (or no anchor).
  const double ax = (anchorX < 0 || following) ? l.plotWidth : std::clamp(anchorX - l.plotLeft, 0.0, l.plotWidth);
  const double idx = v.first() + ax / v.spacing;
  View nv = v;
  nv.spacing = std::clamp(v.spacing * factor, minSpacing(l.plotWidth), kMaxSpacing);
  nv.right = idx + (l.plotWidth - ax) / nv.spacing;
  setFreeView(nv);
  if (following) m_follow = true;
  update();
  Q_EMIT viewChanged();
}

void CandleView::zoomIn() { zoomBy(kZoomStep); }
void CandleView::zoomOut() { zoomBy(1.0 / kZoomStep); }

void CandleView::fitAll() {
  m_mode = Mode::FitAll;
  m_follow = true;
  update();
  Q_EMIT viewChanged();
}

void CandleView::resetZoom() {
  m_mode = Mode::Free;
  m_spacing = kDefaultSpacing;
  m_follow = true;
  m_right = static_cast<double>(m_series.size());
  update();
  Q_EMIT viewChanged();
}

void CandleView::panBars(double bars) {
  const Layout l = computeLayout();
  View v = effectiveView(l.plotWidth);
  v.right += bars;
  setFreeView(v);
  update();
  Q_EMIT viewChanged();
}

void CandleView::panPages(double pages) {
  const Layout l = computeLayout();
  const View v = effectiveView(l.plotWidth);
  panBars(pages * (v.width / v.spacing));
}

void CandleView::setCrosshair(QPointF pos) {
  m_hover = pos;
  update();
}

double CandleView::yOfPrice(double price) const {
  if (!(m_priceHi > m_priceLo)) return m_priceRect.center().y();
  return m_priceRect.top() + (m_priceHi - price) / (m_priceHi - m_priceLo) * m_priceRect.height();
}

// ---- Events -------------------------------------------------------------------------------------------------------

void CandleView::wheelEvent(QWheelEvent* event) {
  const int dy = event->angleDelta().y();
  if (dy != 0) zoomBy(std::pow(kZoomStep, dy / 120.0), event->position().x());
  event->accept();
}

void CandleView::keyPressEvent(QKeyEvent* event) {
  if (m_orderDrag >= 0 && event->key() == Qt::Key_Escape) {  // drop the dragged line where it was
    m_orderDrag = -1;
    unsetCursor();
    update();
    event->accept();
    return;
  }
  const Layout l = computeLayout();
  const View v = effectiveView(l.plotWidth);
  const double visible = v.spacing > 0 ? v.width / v.spacing : 1.0;
  const double step = std::max(1.0, std::round(visible / 20.0));
  const bool shift = event->modifiers() & Qt::ShiftModifier;
  switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomIn(); break;
    case Qt::Key_Minus:
    case Qt::Key_Underscore: zoomOut(); break;
    case Qt::Key_Home: fitAll(); break;
    case Qt::Key_End: resetZoom(); break;
    case Qt::Key_Left: shift ? panPages(-1) : panBars(-step); break;
    case Qt::Key_Right: shift ? panPages(1) : panBars(step); break;
    case Qt::Key_PageUp: panPages(-1); break;
    case Qt::Key_PageDown: panPages(1); break;
    default: QWidget::keyPressEvent(event); return;
  }
  event->accept();
}

void CandleView::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton && !m_series.empty()) {
    if (const int line = orderLineAt(event->position()); line >= 0) {  // grab a working order's line
      m_orderDrag = line;
      m_orderDragPrice = m_orderLines[std::size_t(line)].price;
      setCursor(Qt::SizeVerCursor);
      event->accept();
      return;
    }
  }
  if (event->button() == Qt::LeftButton) {
    const Layout l = computeLayout();
    m_dragging = true;
    m_dragStartX = event->position().x();
    m_dragStartRight = effectiveView(l.plotWidth).right;
    setCursor(Qt::ClosedHandCursor);
    event->accept();
    return;
  }
  QWidget::mousePressEvent(event);
}

void CandleView::mouseMoveEvent(QMouseEvent* event) {
  m_hover = event->position();
  if (m_orderDrag >= 0) {
    const double y = std::clamp(event->position().y(), m_priceRect.top(), m_priceRect.bottom());
    m_orderDragPrice = priceAtY(y);
    update();
    return;
  }
  if (!m_dragging) {
    if (orderLineAt(event->position()) >= 0) setCursor(Qt::SizeVerCursor);
    else if (cursor().shape() == Qt::SizeVerCursor) unsetCursor();
  }
  if (m_dragging) {
    const Layout l = computeLayout();
    View v = effectiveView(l.plotWidth);
    v.right = m_dragStartRight - (event->position().x() - m_dragStartX) / v.spacing;
    setFreeView(v);
    Q_EMIT viewChanged();
  }
  update();
  const QString tip = m_dragging ? QString() : markerTextAt(event->position());
  if (!tip.isEmpty())
    QToolTip::showText(event->globalPosition().toPoint(), tip, this);
  else if (QToolTip::isVisible())
    QToolTip::hideText();
}

void CandleView::mouseReleaseEvent(QMouseEvent* event) {
  if (m_orderDrag >= 0 && event->button() == Qt::LeftButton) {
    const ChartOrderLine line = m_orderLines[std::size_t(m_orderDrag)];
    const double price = m_orderDragPrice;
    m_orderDrag = -1;
    unsetCursor();
    update();
    event->accept();
    if (std::abs(price - line.price) >= 0.005) Q_EMIT orderLineMoved(line.id, line.stop, price);
    return;
  }
  if (m_dragging && event->button() == Qt::LeftButton) {
    m_dragging = false;
    unsetCursor();
    event->accept();
    return;
  }
  QWidget::mouseReleaseEvent(event);
}

void CandleView::mouseDoubleClickEvent(QMouseEvent* event) {
  fitAll();
  event->accept();
}

void CandleView::leaveEvent(QEvent* event) {
  m_hover = QPointF(-1, -1);
  update();
  QWidget::leaveEvent(event);
}

void CandleView::changeEvent(QEvent* event) {
  if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange) update();
  QWidget::changeEvent(event);
}

// ---- Painting -----------------------------------------------------------------------------------------------------

void CandleView::buildColumns(const View& v, double plotLeft) {
  m_columns.clear();
  const auto n = m_series.size();
  if (n == 0 || v.width < 1.0) return;
  const double first = v.first();
  if (v.spacing >= 1.0) {
    const auto lo = static_cast<std::size_t>(std::max(0.0, std::floor(first)));
    const auto hi = static_cast<std::size_t>(std::clamp(std::ceil(v.right), 0.0, static_cast<double>(n)));
    const auto& bars = m_series.bars();
    m_columns.reserve(hi > lo ? hi - lo : 0);
    for (std::size_t i = lo; i < hi; ++i) {
      const double x = plotLeft + (static_cast<double>(i) + 0.5 - first) * v.spacing;
      if (x < plotLeft - v.spacing || x > plotLeft + v.width + v.spacing) continue;
      const domain::Bar& b = bars[i];
      m_columns.push_back(ChartColumn{x, i, i + 1, b.open, b.high, b.low, b.close, b.volume});
    }
    return;
  }
  // Sub-pixel bars: pixel column px covers bars [floor(first + px / spacing), floor(first + (px + 1) / spacing)).
  const auto columns = static_cast<std::int64_t>(std::floor(v.width));
  m_columns.reserve(static_cast<std::size_t>(columns));
  const double perPx = 1.0 / v.spacing;
  for (std::int64_t px = 0; px < columns; ++px) {
    const double a = std::floor(first + static_cast<double>(px) * perPx);
    const double b = std::floor(first + static_cast<double>(px + 1) * perPx);
    const auto lo = static_cast<std::size_t>(std::clamp(a, 0.0, static_cast<double>(n)));
    const auto hi = static_cast<std::size_t>(std::clamp(b, 0.0, static_cast<double>(n)));
    if (lo >= hi) continue;
    const ChartSeries::Aggregate g = m_series.aggregate(lo, hi);
    m_columns.push_back(ChartColumn{plotLeft + static_cast<double>(px) + 0.5, lo, hi, g.open, g.high, g.low, g.close, g.volume});
  }
}

// What one paint works out once and every layer reads: palette, metrics, layout, view, scales and the column the
// readout and the pane titles describe.
struct CandleView::Frame {
  Colors c;
  QFontMetrics fm;
  double lineH = 0.0;
  Layout l;
  View v;
  double titleW = 0.0;          // header title width: the readout starts after it
  double colSpacing = 1.0;      // px per drawn column (a pixel column when bars are narrower)
  int body = 1, halfBody = 0;   // width of candle bodies, volume and MACD histogram bars
  bool smoothLines = false;
  Timeframe tf = Timeframe::M1;
  double lo = 0.0, hi = 1.0;    // price scale of the price pane
  double vmax = 0.0;            // volume scale of the volume pane
  double lastY = 0.0;           // y of the last price (its dashed line and axis tag)
  bool hovering = false;        // crosshair inside the plot
  const ChartColumn* shown = nullptr;  // column under the crosshair, else the newest
  mutable QPolygonF line;       // scratch polyline shared by every indicator line of the frame

  double yOf(double price) const { return l.price.top() + (hi - price) / (hi - lo) * l.price.height(); }
  double vyOf(double volume) const {
    return vmax > 0.0 ? l.volume.bottom() - volume / vmax * (l.volume.height() - 2.0) : l.volume.bottom();
  }
};

namespace {

// The raster engine's fastest primitive: opaque integer rectangles batched per colour.
void fillRects(QPainter& p, const QVector<QRect>& rects, const QColor& color) {
  p.setBrush(color);
  p.drawRects(rects);
}

// One indicator as a polyline sampled at each column's last bar, broken where the indicator is not ready (NaN).
template <typename YMap>
void drawIndicatorLine(QPainter& p, const std::vector<float>& values, const std::vector<ChartColumn>& columns,
                       const QColor& color, const YMap& yMap, Qt::PenStyle style, QPolygonF& line) {
  // Cosmetic pens take the raster engine's fast stroker; a wide pen would go through the general path stroker,
  // which costs ~20x more per frame.
  QPen pen(color, 1.0, style);
  pen.setCosmetic(true);
  p.setPen(pen);
  line.clear();
  for (const ChartColumn& col : columns) {
    const float val = values[col.last - 1];
    if (std::isnan(val)) {
      if (line.size() > 1) p.drawPolyline(line);
      line.clear();
      continue;
    }
    line.push_back(QPointF(col.x, yMap(static_cast<double>(val))));
  }
  if (line.size() > 1) p.drawPolyline(line);
}

}  // namespace

// Layers are painted back to front; each one leaves the painter's pen, brush and hints to the next as it found them
// or as the next expects (the order and the state hand-over are what the pixel test pins down).
void CandleView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  Frame f{.c = colorsFor(palette()), .fm = p.fontMetrics(), .l = computeLayout()};
  f.lineH = f.fm.height();
  p.fillRect(rect(), f.c.bg);
  paintHeader(p, f);
  m_markerHits.clear();
  if (m_series.empty()) {
    paintEmptyMessage(p, f);
    return;
  }
  f.v = effectiveView(f.l.plotWidth);
  buildColumns(f.v, f.l.plotLeft);
  m_priceRect = f.l.price;
  if (m_columns.empty() || f.l.price.height() < 10.0) {
    m_readout.clear();
    return;
  }
  computeScales(f);
  paintGridAndPriceAxis(p, f);
  paintTimeAxis(p, f);
  paintCandlesAndVolume(p, f);
  paintOverlays(p, f);
  const std::vector<const ChartMarker*> hoverMarkers = paintMarkers(p, f);
  paintRsiPane(p, f);
  paintMacdPane(p, f);
  paintLastPrice(p, f);
  paintOrderLines(p, f);
  paintCrosshair(p, f);
  paintReadout(p, f, hoverMarkers);
}

// Symbol and timeframe title, and the loading badge beside it while bars are being replaced.
void CandleView::paintHeader(QPainter& p, Frame& f) const {
  const Colors& c = f.c;
  QFont bold = font();
  bold.setBold(true);
  bold.setPointSizeF(bold.pointSizeF() * 1.15);
  p.setFont(bold);
  p.setPen(c.dark ? QColor(0xe6, 0xe9, 0xee) : palette().color(QPalette::WindowText));
  QString title = m_symbol.isEmpty() ? QStringLiteral("—") : m_symbol;
  if (!m_series.empty()) title += QStringLiteral("  ·  %1").arg(QLatin1String(timeframeLabel(m_series.effectiveTimeframe())));
  p.drawText(QPointF(f.l.plotLeft, f.lineH + 2.0), title);
  f.titleW = QFontMetrics(bold).horizontalAdvance(title) + 14.0;
  p.setFont(font());

  if (m_loading && !m_series.empty()) {
    // Badge next to the title: the bars shown are about to be replaced (new timeframe / symbol history).
    const QString badge = QStringLiteral(" %1 ").arg(m_loadingMessage);
    const QRectF r(f.l.plotLeft + f.titleW, 3.0, f.fm.horizontalAdvance(badge) + 8.0, f.lineH + 2.0);
    p.fillRect(r, c.crossLabel);
    p.setPen(Qt::white);
    p.drawText(r, Qt::AlignCenter, badge);
  }
}

// No bars: says why (no symbol, loading, nothing received yet) in the middle of the widget.
void CandleView::paintEmptyMessage(QPainter& p, const Frame& f) {
  m_columns.clear();
  m_readout.clear();
  p.setPen(f.c.text);
  QFont big = font();
  big.setPointSizeF(big.pointSizeF() * 1.3);
  p.setFont(big);
  const QString msg = m_symbol.isEmpty() ? QStringLiteral("No symbol selected")
                      : m_loading      ? QStringLiteral("%1 — %2").arg(m_symbol, m_loadingMessage)
                                       : QStringLiteral("No data for %1 yet — bars appear as they arrive").arg(m_symbol);
  p.drawText(rect(), Qt::AlignCenter, msg);
}

// Price and volume scales over the drawn columns, bar widths, and the column under the crosshair. Draws nothing.
void CandleView::computeScales(Frame& f) {
  const Layout& l = f.l;
  f.colSpacing = f.v.spacing >= 1.0 ? f.v.spacing : 1.0;
  f.body = f.colSpacing >= 3.0 ? std::max(1, static_cast<int>(std::floor(f.colSpacing * 0.7))) : 1;
  f.halfBody = f.body / 2;
  // Antialiased lines cost per pixel covered; sampled at one value per pixel column over many bars, indicator lines
  // zig-zag across their pane and AA would dominate the frame, so it is only used when candles are at least 1 px.
  f.smoothLines = f.v.spacing >= 1.0;
  f.tf = m_series.effectiveTimeframe();

  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  double vmax = 0.0;
  for (const ChartColumn& col : m_columns) {
    lo = std::min(lo, col.low);
    hi = std::max(hi, col.high);
    vmax = std::max(vmax, col.volume);
  }
  if (!(hi > lo)) {
    const double pad = std::max(0.01, std::abs(hi) * 0.005);
    hi += pad;
    lo -= pad;
  }
  const double padding = (hi - lo) * 0.06;
  hi += padding;
  lo -= padding;
  m_priceLo = lo;
  m_priceHi = hi;
  f.lo = lo;
  f.hi = hi;
  f.vmax = vmax;
  f.lastY = std::round(f.yOf(m_series.bars().back().close)) + 0.5;

  f.shown = &m_columns.back();
  f.hovering =
      m_hover.x() >= l.plotLeft && m_hover.x() <= l.plotRight && m_hover.y() >= l.price.top() && m_hover.y() <= l.timeAxisTop;
  if (f.hovering) {
    const auto it = std::min_element(m_columns.begin(), m_columns.end(), [&](const ChartColumn& a, const ChartColumn& b) {
      return std::abs(a.x - m_hover.x()) < std::abs(b.x - m_hover.x());
    });
    f.shown = &*it;
  }
}

// Horizontal grid at a 1-2-5 price step with its labels, the plot frame, and the volume pane's separator and scale.
void CandleView::paintGridAndPriceAxis(QPainter& p, const Frame& f) const {
  const Colors& c = f.c;
  const Layout& l = f.l;
  const QRectF& pr = l.price;
  const QRectF& vr = l.volume;
  const double lineH = f.lineH;
  const double step = niceStep(f.hi - f.lo, std::max(2, static_cast<int>(pr.height() / (lineH * 2.5))));
  const int decimals = decimalsFor(step);
  for (double val = std::ceil(f.lo / step) * step; val <= f.hi; val += step) {
    const double y = std::round(f.yOf(val)) + 0.5;
    p.setPen(c.grid);
    p.drawLine(QPointF(l.plotLeft, y), QPointF(l.plotRight, y));
    if (std::abs(y - f.lastY) < lineH) continue;  // the last-price tag is drawn there
    p.setPen(c.text);
    p.drawText(QRectF(l.plotRight + 6.0, y - lineH / 2.0, l.axisW - 8.0, lineH), Qt::AlignLeft | Qt::AlignVCenter,
               QString::number(val, 'f', decimals));
  }
  p.setPen(c.frame);
  p.drawLine(QPointF(l.plotRight + 0.5, pr.top() - 4.0), QPointF(l.plotRight + 0.5, l.timeAxisTop));
  p.drawLine(QPointF(l.plotLeft, l.timeAxisTop + 0.5), QPointF(l.plotRight, l.timeAxisTop + 0.5));
  if (vr.height() > 0) {
    p.drawLine(QPointF(l.plotLeft, vr.top() - 2.5), QPointF(l.plotRight, vr.top() - 2.5));
    p.setPen(c.text);
    p.drawText(QRectF(l.plotRight + 6.0, vr.top(), l.axisW - 8.0, lineH), Qt::AlignLeft | Qt::AlignVCenter,
               format::compact(f.vmax));
  }
}

// Date/time labels every few columns from the newest backwards, each with its vertical grid line.
void CandleView::paintTimeAxis(QPainter& p, const Frame& f) const {
  const Colors& c = f.c;
  const Layout& l = f.l;
  const auto& bars = m_series.bars();
  const double labelW = f.fm.horizontalAdvance(QStringLiteral("2026-12-31 ")) + 12.0;
  const std::size_t every = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(labelW / f.colSpacing)));
  for (std::size_t i = m_columns.size(); i-- > 0;) {
    if ((m_columns.size() - 1 - i) % every != 0) continue;
    const ChartColumn& col = m_columns[i];
    const double x = col.x;
    if (x - labelW / 2.0 < l.plotLeft) break;
    if (x + labelW / 2.0 > width()) continue;
    const QString label = time::TimeZones::formatDisplay(
        bars[col.first].ts, intraday(f.tf) ? QStringLiteral("MM-dd HH:mm") : QStringLiteral("yyyy-MM-dd"));
    p.setPen(c.grid);
    p.drawLine(QPointF(std::round(x) + 0.5, l.price.top()), QPointF(std::round(x) + 0.5, l.timeAxisTop));
    p.setPen(c.text);
    p.drawText(QRectF(x - labelW / 2.0, l.timeAxisTop + 3.0, labelW, f.lineH), Qt::AlignCenter, label);
  }
}

// Wicks, bodies and volume bars, batched per colour as opaque integer rectangles.
void CandleView::paintCandlesAndVolume(QPainter& p, const Frame& f) const {
  const Colors& c = f.c;
  const QRectF& vr = f.l.volume;
  const int body = f.body;
  const int halfBody = f.halfBody;
  QVector<QRect> upWicks, downWicks, upBodies, downBodies, upVols, downVols;
  upWicks.reserve(static_cast<qsizetype>(m_columns.size()));
  downWicks.reserve(static_cast<qsizetype>(m_columns.size()));
  const int volBottom = static_cast<int>(std::floor(vr.bottom()));
  for (const ChartColumn& col : m_columns) {
    const bool rising = col.close >= col.open;
    const int x = static_cast<int>(std::floor(col.x));
    const int top = static_cast<int>(std::floor(f.yOf(col.high)));
    const int bottom = static_cast<int>(std::floor(f.yOf(col.low)));
    (rising ? upWicks : downWicks).push_back(QRect(x, top, 1, std::max(1, bottom - top + 1)));
    if (body > 1) {
      const int y1 = static_cast<int>(std::floor(f.yOf(std::max(col.open, col.close))));
      const int y2 = static_cast<int>(std::floor(f.yOf(std::min(col.open, col.close))));
      (rising ? upBodies : downBodies).push_back(QRect(x - halfBody, y1, body, std::max(1, y2 - y1 + 1)));
    }
    if (vr.height() > 0) {
      const int vy = static_cast<int>(std::floor(f.vyOf(col.volume)));
      (rising ? upVols : downVols).push_back(QRect(x - halfBody, vy, body, std::max(1, volBottom - vy)));
    }
  }
  p.setRenderHint(QPainter::Antialiasing, false);
  p.setPen(Qt::NoPen);
  fillRects(p, upVols, c.upVol);
  fillRects(p, downVols, c.downVol);
  fillRects(p, upWicks, c.up);
  fillRects(p, downWicks, c.down);
  fillRects(p, upBodies, c.up);
  fillRects(p, downBodies, c.down);
  p.setBrush(Qt::NoBrush);
}

// Moving averages and Bollinger bands over the price pane, sampled at each column's last bar.
void CandleView::paintOverlays(QPainter& p, const Frame& f) const {
  p.save();
  p.setClipRect(f.l.price.adjusted(0, -2, 0, 2));
  p.setRenderHint(QPainter::Antialiasing, f.smoothLines);
  f.line.reserve(static_cast<qsizetype>(m_columns.size()));
  const auto yOf = [&f](double val) { return f.yOf(val); };
  const auto draw = [&](Indicator which, const QColor& color, Qt::PenStyle style) {
    drawIndicatorLine(p, m_series.indicatorValues(which), m_columns, color, yOf, style, f.line);
  };
  for (std::size_t o = 0; o < kOverlayCount; ++o) {
    if (!m_overlays[o]) continue;
    const auto ov = static_cast<Overlay>(o);
    if (ov == Overlay::Bollinger) {
      draw(Indicator::BbUpper, f.c.overlay[o], Qt::SolidLine);
      draw(Indicator::BbLower, f.c.overlay[o], Qt::SolidLine);
      draw(Indicator::BbMiddle, f.c.overlay[o], Qt::DashLine);
    } else {
      draw(overlayIndicator(ov), f.c.overlay[o], Qt::SolidLine);
    }
  }
  p.restore();
}

// Fill triangles and signal diamonds in view (at most 5000), clipped to the price pane like the overlays. Records
// each for hit-testing and returns those on the shown column for the readout.
std::vector<const ChartMarker*> CandleView::paintMarkers(QPainter& p, const Frame& f) {
  std::vector<const ChartMarker*> hoverMarkers;
  if (m_markers.empty()) return hoverMarkers;
  const Colors& c = f.c;
  const View& v = f.v;
  const auto& bars = m_series.bars();
  const ChartColumn* shown = f.shown;
  p.save();
  p.setClipRect(f.l.price.adjusted(0, -2, 0, 2));
  p.setRenderHint(QPainter::Antialiasing, f.smoothLines);
  const domain::Timestamp t0 = bars[m_columns.front().first].ts;
  const domain::Timestamp t1 =
      m_columns.back().last < bars.size() ? bars[m_columns.back().last].ts : std::numeric_limits<domain::Timestamp>::max();
  auto it = std::lower_bound(m_markers.begin(), m_markers.end(), t0,
                             [](const ChartMarker& m, domain::Timestamp t) { return m.ts < t; });
  int drawn = 0;
  for (; it != m_markers.end() && it->ts < t1 && drawn < 5000; ++it, ++drawn) {
    const std::int64_t idx = m_series.indexAt(it->ts);
    if (idx < 0) continue;
    const double x = f.l.plotLeft + (static_cast<double>(idx) + 0.5 - v.first()) * v.spacing;
    const double y = f.yOf(it->price);
    const double s = 6.0;
    QPainterPath tri;
    QColor color;
    switch (it->kind) {
      case ChartMarker::Kind::Buy:
        color = c.up;
        tri.moveTo(x, y + 1);
        tri.lineTo(x - s, y + 1 + s * 1.6);
        tri.lineTo(x + s, y + 1 + s * 1.6);
        break;
      case ChartMarker::Kind::Sell:
        color = c.down;
        tri.moveTo(x, y - 1);
        tri.lineTo(x - s, y - 1 - s * 1.6);
        tri.lineTo(x + s, y - 1 - s * 1.6);
        break;
      case ChartMarker::Kind::SignalLong:
      case ChartMarker::Kind::SignalShort:
      case ChartMarker::Kind::SignalExit:
        // Signals are decisions, not executions: a hollow-centred diamond in the overlay palette (blue long,
        // pink short, grey exit), never the solid green/red triangles of fills.
        color = it->kind == ChartMarker::Kind::SignalLong ? c.overlay[1]
                : it->kind == ChartMarker::Kind::SignalShort ? c.overlay[4]
                                                              : c.text;
        tri.moveTo(x, y - s);
        tri.lineTo(x + s, y);
        tri.lineTo(x, y + s);
        tri.lineTo(x - s, y);
        tri.closeSubpath();
        tri.addEllipse(QPointF(x, y), 2.0, 2.0);
        break;
    }
    tri.closeSubpath();
    p.setPen(QPen(c.bg, 1.0));
    p.setBrush(color);
    p.drawPath(tri);
    m_markerHits.push_back(MarkerHit{QPointF(x, y), it->kind, it->text});
    if (static_cast<std::size_t>(idx) >= shown->first && static_cast<std::size_t>(idx) < shown->last) hoverMarkers.push_back(&*it);
  }
  p.restore();
  return hoverMarkers;
}

// Separator line and title (with the shown column's value) above an indicator pane.
void CandleView::paintPaneFrame(QPainter& p, const Frame& f, const QRectF& r, const QString& name) const {
  p.setPen(f.c.frame);
  p.drawLine(QPointF(r.left(), r.top() - 4.5), QPointF(f.l.plotRight, r.top() - 4.5));
  p.setPen(f.c.text);
  p.drawText(QRectF(r.left() + 2, r.top(), r.width(), f.lineH), Qt::AlignLeft | Qt::AlignTop, name);
}

// RSI 14 on a fixed 0..100 scale with the 30/70 band.
void CandleView::paintRsiPane(QPainter& p, const Frame& f) const {
  const Layout& l = f.l;
  if (l.rsi.isEmpty()) return;
  const Colors& c = f.c;
  const QRectF& r = l.rsi;
  const double lineH = f.lineH;
  const auto ry = [&](double val) { return r.top() + (100.0 - val) / 100.0 * r.height(); };
  p.fillRect(QRectF(r.left(), ry(70), r.width() - 1, ry(30) - ry(70)), c.band);
  p.setPen(QPen(c.grid, 1.0, Qt::DashLine));
  for (double lvl : {30.0, 70.0}) {
    p.drawLine(QPointF(r.left(), std::round(ry(lvl)) + 0.5), QPointF(l.plotRight, std::round(ry(lvl)) + 0.5));
    p.setPen(c.text);
    p.drawText(QRectF(l.plotRight + 6.0, ry(lvl) - lineH / 2.0, l.axisW - 8.0, lineH), Qt::AlignLeft | Qt::AlignVCenter,
               QString::number(lvl, 'f', 0));
    p.setPen(QPen(c.grid, 1.0, Qt::DashLine));
  }
  p.save();
  p.setClipRect(r);
  p.setRenderHint(QPainter::Antialiasing, f.smoothLines);
  drawIndicatorLine(p, m_series.indicatorValues(Indicator::Rsi14), m_columns, c.rsi, ry, Qt::SolidLine, f.line);
  p.restore();
  paintPaneFrame(p, f, r, QStringLiteral("RSI 14  %1").arg(number(m_series.indicator(Indicator::Rsi14, f.shown->last - 1), 1)));
}

// MACD 12/26/9: histogram bars around a zero line, MACD and signal lines, on a symmetric scale fitted to the view.
void CandleView::paintMacdPane(QPainter& p, const Frame& f) const {
  const Layout& l = f.l;
  if (l.macd.isEmpty()) return;
  const Colors& c = f.c;
  const QRectF& r = l.macd;
  double m = 0.0;
  const auto& mv = m_series.indicatorValues(Indicator::Macd);
  const auto& sv = m_series.indicatorValues(Indicator::MacdSignal);
  const auto& hv = m_series.indicatorValues(Indicator::MacdHist);
  for (const ChartColumn& col : m_columns) {
    for (const auto* vals : {&mv, &sv, &hv}) {
      const float val = (*vals)[col.last - 1];
      if (!std::isnan(val)) m = std::max(m, std::abs(static_cast<double>(val)));
    }
  }
  if (m <= 0.0) m = 1.0;
  m *= 1.1;
  const auto my = [&](double val) { return r.center().y() - val / m * (r.height() / 2.0); };
  p.setPen(QPen(c.grid, 1.0));
  p.drawLine(QPointF(r.left(), std::round(my(0)) + 0.5), QPointF(l.plotRight, std::round(my(0)) + 0.5));
  QVector<QRect> upHist, downHist;
  const int zeroY = static_cast<int>(std::floor(my(0)));
  for (const ChartColumn& col : m_columns) {
    const float h = hv[col.last - 1];
    if (std::isnan(h)) continue;
    const int y1 = static_cast<int>(std::floor(my(static_cast<double>(h))));
    const int x = static_cast<int>(std::floor(col.x));
    (h >= 0 ? upHist : downHist)
        .push_back(QRect(x - f.halfBody, std::min(zeroY, y1), f.body, std::max(1, std::abs(y1 - zeroY))));
  }
  p.setPen(Qt::NoPen);
  fillRects(p, upHist, c.upVol);
  fillRects(p, downHist, c.downVol);
  p.setBrush(Qt::NoBrush);
  p.save();
  p.setClipRect(r);
  p.setRenderHint(QPainter::Antialiasing, f.smoothLines);
  drawIndicatorLine(p, mv, m_columns, c.macd, my, Qt::SolidLine, f.line);
  drawIndicatorLine(p, sv, m_columns, c.signal, my, Qt::SolidLine, f.line);
  p.restore();
  const int md = decimalsFor(m / 4.0) + 1;
  p.setPen(c.text);
  p.drawText(QRectF(l.plotRight + 6.0, r.top() - 2, l.axisW - 8.0, f.lineH), Qt::AlignLeft | Qt::AlignVCenter, number(m, md));
  paintPaneFrame(p, f, r,
                 QStringLiteral("MACD 12/26/9  %1 / %2")
                     .arg(number(m_series.indicator(Indicator::Macd, f.shown->last - 1), md),
                          number(m_series.indicator(Indicator::MacdSignal, f.shown->last - 1), md)));
}

// Dashed line at the newest close across the plot and its tag on the price axis, coloured by the newest bar.
void CandleView::paintLastPrice(QPainter& p, const Frame& f) const {
  const Layout& l = f.l;
  const domain::Bar& lastBar = m_series.bars().back();
  const QColor lastColor = lastBar.close >= lastBar.open ? f.c.up : f.c.down;
  p.setPen(QPen(lastColor, 1.0, Qt::DashLine));
  p.drawLine(QPointF(l.plotLeft, f.lastY), QPointF(l.plotRight, f.lastY));
  const QRectF tag(l.plotRight + 1.0, f.lastY - f.lineH / 2.0 - 1.0, l.axisW - 2.0, f.lineH + 2.0);
  p.fillRect(tag, lastColor);
  p.setPen(Qt::white);
  p.drawText(tag.adjusted(5, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, format::price(lastBar.close));
}

// Working orders: a dotted line per limit / stop price with its label on the left and its price tag on the axis;
// the line being dragged is drawn where the mouse holds it, with the price it would move to.
void CandleView::paintOrderLines(QPainter& p, const Frame& f) const {
  const Layout& l = f.l;
  for (std::size_t i = 0; i < m_orderLines.size(); ++i) {
    const ChartOrderLine& o = m_orderLines[i];
    const bool dragged = int(i) == m_orderDrag;
    const double price = dragged ? m_orderDragPrice : o.price;
    const double y = std::round(f.yOf(price)) + 0.5;
    if (y < l.price.top() || y > l.price.bottom()) continue;
    const QColor color = o.buy ? QColor(0x1e, 0x88, 0xe5) : QColor(0xf5, 0x7c, 0x00);
    p.setPen(QPen(color, dragged ? 2.0 : 1.0, Qt::DotLine));
    p.drawLine(QPointF(l.plotLeft, y), QPointF(l.plotRight, y));
    const QString text = dragged ? QStringLiteral("%1 %2 → %3").arg(o.label, format::price(o.price), format::price(price))
                                 : QStringLiteral("%1 %2").arg(o.label, format::price(price));
    const QRectF label(l.plotLeft + 2.0, y - f.lineH - 1.0, f.fm.horizontalAdvance(text) + 10.0, f.lineH + 1.0);
    p.fillRect(label, color);
    p.setPen(Qt::white);
    p.drawText(label.adjusted(5, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, text);
    const QRectF tag(l.plotRight + 1.0, y - f.lineH / 2.0 - 1.0, l.axisW - 2.0, f.lineH + 2.0);
    p.fillRect(tag, color);
    p.drawText(tag.adjusted(5, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, format::price(price));
  }
}

// Crosshair snapped to the shown column, with its price tag (inside the price pane) and time tag.
void CandleView::paintCrosshair(QPainter& p, const Frame& f) const {
  if (!f.hovering) return;
  const Colors& c = f.c;
  const Layout& l = f.l;
  const QRectF& pr = l.price;
  const double lineH = f.lineH;
  const double x = std::round(f.shown->x) + 0.5;
  p.setPen(QPen(c.cross, 1.0, Qt::DashLine));
  p.drawLine(QPointF(x, pr.top()), QPointF(x, l.timeAxisTop));
  const double y = std::round(m_hover.y()) + 0.5;
  p.drawLine(QPointF(l.plotLeft, y), QPointF(l.plotRight, y));
  if (y >= pr.top() && y <= pr.bottom()) {
    const double price = f.hi - (y - pr.top()) / pr.height() * (f.hi - f.lo);
    const QRectF ptag(l.plotRight + 1.0, y - lineH / 2.0 - 1.0, l.axisW - 2.0, lineH + 2.0);
    p.fillRect(ptag, c.crossLabel);
    p.setPen(Qt::white);
    p.drawText(ptag.adjusted(5, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, format::price(price));
  }
  const QString when = time::TimeZones::formatDisplay(
      m_series.bars()[f.shown->first].ts, intraday(f.tf) ? QStringLiteral("yyyy-MM-dd HH:mm") : QStringLiteral("ddd yyyy-MM-dd"));
  const double tw = f.fm.horizontalAdvance(when) + 12.0;
  const QRectF ttag(std::clamp(x - tw / 2.0, l.plotLeft, l.plotRight - tw), l.timeAxisTop + 1.0, tw, lineH + 2.0);
  p.fillRect(ttag, c.crossLabel);
  p.setPen(Qt::white);
  p.drawText(ttag, Qt::AlignCenter, when);
}

// Header readout of the shown column: time, OHLCV, visible overlays and panes, and the markers on it. Kept in
// m_readout for readoutText().
void CandleView::paintReadout(QPainter& p, const Frame& f, const std::vector<const ChartMarker*>& hoverMarkers) {
  const ChartColumn* shown = f.shown;
  const std::size_t li = shown->last - 1;
  const QString when = time::TimeZones::formatDisplay(
      m_series.bars()[shown->first].ts, intraday(f.tf) ? QStringLiteral("yyyy-MM-dd HH:mm t") : QStringLiteral("yyyy-MM-dd"));
  QString readout = QStringLiteral("%1   O %2  H %3  L %4  C %5  V %6")
                        .arg(when, format::price(shown->open), format::price(shown->high), format::price(shown->low),
                             format::price(shown->close), format::compact(shown->volume));
  if (shown->last - shown->first > 1) readout += QStringLiteral("  (%1 bars)").arg(shown->last - shown->first);
  for (std::size_t o = 0; o < kOverlayCount; ++o) {
    if (!m_overlays[o]) continue;
    const auto ov = static_cast<Overlay>(o);
    if (ov == Overlay::Bollinger) {
      readout += QStringLiteral("  BB %1/%2/%3")
                     .arg(number(m_series.indicator(Indicator::BbUpper, li)), number(m_series.indicator(Indicator::BbMiddle, li)),
                          number(m_series.indicator(Indicator::BbLower, li)));
    } else {
      readout += QStringLiteral("  %1 %2").arg(QLatin1String(indicatorLabel(overlayIndicator(ov))),
                                               number(m_series.indicator(overlayIndicator(ov), li)));
    }
  }
  if (paneVisible(Pane::Rsi)) readout += QStringLiteral("  RSI %1").arg(number(m_series.indicator(Indicator::Rsi14, li), 1));
  if (paneVisible(Pane::Macd))
    readout += QStringLiteral("  MACD %1/%2").arg(number(m_series.indicator(Indicator::Macd, li), 3),
                                                  number(m_series.indicator(Indicator::MacdSignal, li), 3));
  for (const ChartMarker* mk : hoverMarkers) readout += QStringLiteral("  ◆ %1").arg(mk->text);
  m_readout = readout;
  p.setPen(f.c.text);
  const double rw = width() - f.l.plotLeft - f.titleW - 8.0;
  p.drawText(QRectF(f.l.plotLeft + f.titleW, 0, rw, f.l.headerH - 4.0), Qt::AlignLeft | Qt::AlignBottom,
             f.fm.elidedText(readout, Qt::ElideRight, static_cast<int>(rw)));
}

}  // namespace meridian::ui
