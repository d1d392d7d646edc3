#include "ui/widgets/CandleView.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/time/TimeZones.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {
namespace {

const QColor kBackground(0xff, 0xff, 0xff);
const QColor kGrid(0xec, 0xee, 0xf1);
const QColor kAxisText(0x55, 0x5b, 0x66);
const QColor kFrame(0xc8, 0xcc, 0xd2);

// 1-2-5 step giving about `target` intervals over `range`.
double niceStep(double range, int target) {
  if (range <= 0.0 || target <= 0) return 1.0;
  const double raw = range / target;
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / mag;
  const double nice = f < 1.5 ? 1.0 : f < 3.5 ? 2.0 : f < 7.5 ? 5.0 : 10.0;
  return nice * mag;
}

bool lessTs(const domain::Bar& a, const domain::Bar& b) { return a.ts < b.ts; }

}  // namespace

CandleView::CandleView(QWidget* parent) : QWidget(parent) {
  setFocusPolicy(Qt::StrongFocus);
  setMouseTracking(true);
  setAttribute(Qt::WA_OpaquePaintEvent);
  setAutoFillBackground(false);
  setAccessibleName(QStringLiteral("Candlestick chart"));
}

void CandleView::setSymbol(const QString& symbol) {
  if (symbol == m_symbol) return;
  m_symbol = symbol;
  m_hoverX = -1;
  update();
}

void CandleView::setBars(std::vector<domain::Bar> bars) {
  if (!std::is_sorted(bars.begin(), bars.end(), lessTs)) std::stable_sort(bars.begin(), bars.end(), lessTs);
  m_bars = std::move(bars);
  update();
}

void CandleView::appendBars(const std::vector<domain::Bar>& bars) {
  for (const domain::Bar& b : bars) {
    if (m_bars.empty() || b.ts > m_bars.back().ts) {
      m_bars.push_back(b);
    } else if (b.ts == m_bars.back().ts) {
      m_bars.back() = b;
    } else {
      auto it = std::lower_bound(m_bars.begin(), m_bars.end(), b, lessTs);
      if (it != m_bars.end() && it->ts == b.ts) {
        *it = b;
      } else {
        m_bars.insert(it, b);
      }
    }
  }
  if (!bars.empty()) update();
}

void CandleView::clear() {
  m_bars.clear();
  update();
}

void CandleView::zoomIn() {
  m_spacing = std::min(kMaxSpacing, (m_fitAll ? m_columnWidth : m_spacing) * 1.25);
  m_fitAll = false;
  update();
}

void CandleView::zoomOut() {
  m_spacing = std::max(kMinSpacing, (m_fitAll ? m_columnWidth : m_spacing) / 1.25);
  m_fitAll = false;
  update();
}

void CandleView::fitAll() {
  m_fitAll = true;
  update();
}

void CandleView::resetZoom() {
  m_fitAll = false;
  m_spacing = kDefaultSpacing;
  update();
}

void CandleView::wheelEvent(QWheelEvent* event) {
  const int dy = event->angleDelta().y();
  if (dy > 0) zoomIn();
  else if (dy < 0) zoomOut();
  event->accept();
}

void CandleView::keyPressEvent(QKeyEvent* event) {
  switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomIn(); break;
    case Qt::Key_Minus: zoomOut(); break;
    case Qt::Key_Home: fitAll(); break;
    case Qt::Key_End: resetZoom(); break;
    default: QWidget::keyPressEvent(event); return;
  }
  event->accept();
}

void CandleView::mouseMoveEvent(QMouseEvent* event) {
  m_hoverX = static_cast<int>(event->position().x());
  update();
}

void CandleView::leaveEvent(QEvent* event) {
  m_hoverX = -1;
  update();
  QWidget::leaveEvent(event);
}

double CandleView::effectiveSpacing(double plotWidth) const {
  if (!m_fitAll || m_bars.empty()) return m_spacing;
  return std::clamp(plotWidth / static_cast<double>(m_bars.size()), kMinSpacing, kMaxSpacing);
}

void CandleView::buildColumns(double plotLeft, double plotWidth) {
  m_columns.clear();
  const double spacing = effectiveSpacing(plotWidth);
  m_columnWidth = spacing;
  const auto n = static_cast<std::int64_t>(m_bars.size());
  if (n == 0 || plotWidth < 1.0) return;

  if (spacing >= 1.0) {
    const auto visible = std::min<std::int64_t>(n, static_cast<std::int64_t>(std::floor(plotWidth / spacing)));
    const std::int64_t first = n - visible;
    // Right-align the newest candle.
    const double right = plotLeft + plotWidth;
    m_columns.reserve(static_cast<std::size_t>(visible));
    for (std::int64_t i = first; i < n; ++i) {
      const domain::Bar& b = m_bars[static_cast<std::size_t>(i)];
      Column c;
      c.x = right - (static_cast<double>(n - i) - 0.5) * spacing;
      c.open = b.open;
      c.high = b.high;
      c.low = b.low;
      c.close = b.close;
      c.volume = b.volume;
      c.ts = b.ts;
      c.bars = 1;
      m_columns.push_back(c);
    }
    return;
  }

  // Sub-pixel bars: one aggregated candle per pixel column. Walk backwards from the newest bar so the right
  // edge always shows the latest data; column k (1 = rightmost) covers bars [n - floor(k * barsPerPixel), end).
  const double barsPerPixel = 1.0 / spacing;
  const auto columns = static_cast<std::int64_t>(std::floor(plotWidth));
  m_columns.reserve(static_cast<std::size_t>(columns));
  std::int64_t end = n;  // exclusive
  for (std::int64_t k = 1; k <= columns && end > 0; ++k) {
    const auto span = static_cast<std::int64_t>(std::floor(static_cast<double>(k) * barsPerPixel));
    const std::int64_t start = std::max<std::int64_t>(0, n - span);
    if (start >= end) continue;
    Column c;
    c.x = plotLeft + static_cast<double>(columns - k) + 0.5;
    c.open = m_bars[static_cast<std::size_t>(start)].open;
    c.close = m_bars[static_cast<std::size_t>(end - 1)].close;
    c.high = -std::numeric_limits<double>::infinity();
    c.low = std::numeric_limits<double>::infinity();
    for (std::int64_t i = start; i < end; ++i) {
      const domain::Bar& b = m_bars[static_cast<std::size_t>(i)];
      c.high = std::max(c.high, b.high);
      c.low = std::min(c.low, b.low);
      c.volume += b.volume;
    }
    c.ts = m_bars[static_cast<std::size_t>(start)].ts;
    c.bars = static_cast<int>(end - start);
    m_columns.push_back(c);
    end = start;
  }
  std::reverse(m_columns.begin(), m_columns.end());
}

void CandleView::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), kBackground);
  const QFontMetrics fm = p.fontMetrics();
  const int lineH = fm.height();

  // ---- Layout -------------------------------------------------------------------------------------------------
  const double left = 8.0;
  const double axisW = fm.horizontalAdvance(QStringLiteral("00,000.00")) + 16.0;
  const double headerH = lineH + 10.0;
  const double timeAxisH = lineH + 8.0;
  const double plotLeft = left;
  const double plotRight = width() - axisW;
  const double rightGap = 6.0;  // keep the newest candle off the axis line
  const double plotWidth = std::max(0.0, plotRight - plotLeft);
  const double top = headerH;
  const double bottom = height() - timeAxisH;
  const double totalH = std::max(0.0, bottom - top);
  const double volumeH = std::floor(totalH * 0.22);
  const double priceBottom = bottom - volumeH - 6.0;
  const double priceTop = top + 4.0;
  const double volumeTop = bottom - volumeH;

  // ---- Header ------------------------------------------------------------------------------------------------
  QFont bold = p.font();
  bold.setBold(true);
  bold.setPointSizeF(bold.pointSizeF() * 1.15);
  p.setFont(bold);
  p.setPen(palette().color(QPalette::WindowText));
  const QString title = m_symbol.isEmpty() ? QStringLiteral("—") : m_symbol;
  p.drawText(QPointF(left, lineH + 2.0), title);
  const double titleW = QFontMetrics(bold).horizontalAdvance(title) + 14.0;
  p.setFont(font());

  if (m_bars.empty()) {
    m_paintedColumns = 0;
    p.setPen(kAxisText);
    QFont big = font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    p.setFont(big);
    const QString msg = m_symbol.isEmpty() ? QStringLiteral("No symbol selected")
                                           : QStringLiteral("No data for %1").arg(m_symbol);
    p.drawText(rect(), Qt::AlignCenter, msg);
    return;
  }

  buildColumns(plotLeft, std::max(0.0, plotWidth - rightGap));
  m_paintedColumns = static_cast<int>(m_columns.size());
  if (m_columns.empty() || priceBottom - priceTop < 10.0) return;

  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();
  double vmax = 0.0;
  for (const Column& c : m_columns) {
    lo = std::min(lo, c.low);
    hi = std::max(hi, c.high);
    vmax = std::max(vmax, c.volume);
  }
  if (!(hi > lo)) {
    const double pad = std::max(0.01, std::abs(hi) * 0.005);
    hi += pad;
    lo -= pad;
  }
  const double padding = (hi - lo) * 0.05;
  hi += padding;
  lo -= padding;
  const double priceH = priceBottom - priceTop;
  auto yOf = [&](double v) { return priceTop + (hi - v) / (hi - lo) * priceH; };
  auto vyOf = [&](double v) { return vmax > 0.0 ? bottom - v / vmax * (volumeH - 2.0) : bottom; };

  const double lastY = std::round(yOf(m_columns.back().close)) + 0.5;

  // ---- Grid + price axis ----------------------------------------------------------------------------------------
  const double step = niceStep(hi - lo, std::max(2, static_cast<int>(priceH / (lineH * 2.5))));
  const int decimals = step >= 1.0 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 4;
  p.setPen(kGrid);
  for (double v = std::ceil(lo / step) * step; v <= hi; v += step) {
    const double y = std::round(yOf(v)) + 0.5;
    p.setPen(kGrid);
    p.drawLine(QPointF(plotLeft, y), QPointF(plotRight, y));
    if (std::abs(y - lastY) < lineH) continue;  // the last-price tag is drawn there
    p.setPen(kAxisText);
    p.drawText(QRectF(plotRight + 6.0, y - lineH / 2.0, axisW - 8.0, lineH), Qt::AlignLeft | Qt::AlignVCenter,
               QString::number(v, 'f', decimals));
  }
  p.setPen(kFrame);
  p.drawLine(QPointF(plotRight + 0.5, top), QPointF(plotRight + 0.5, bottom));
  p.drawLine(QPointF(plotLeft, volumeTop - 3.0), QPointF(plotRight, volumeTop - 3.0));
  p.drawLine(QPointF(plotLeft, bottom + 0.5), QPointF(plotRight, bottom + 0.5));
  p.setPen(kAxisText);
  p.drawText(QRectF(plotRight + 6.0, volumeTop, axisW - 8.0, lineH), Qt::AlignLeft | Qt::AlignVCenter,
             format::compact(vmax));

  // ---- Time axis ------------------------------------------------------------------------------------------------
  const domain::Timestamp interval =
      m_bars.size() >= 2 ? (m_bars.back().ts - m_bars.front().ts) / static_cast<domain::Timestamp>(m_bars.size() - 1) : 0;
  const bool daily = interval >= 20 * domain::kNanosPerHour;
  const double colSpacing = m_columns.size() >= 2 ? (m_columns.back().x - m_columns.front().x) /
                                                        static_cast<double>(m_columns.size() - 1)
                                                  : 10.0;
  const double labelW = fm.horizontalAdvance(QStringLiteral("2026-12-31 ")) + 12.0;
  const std::size_t every = std::max<std::size_t>(1, static_cast<std::size_t>(std::ceil(labelW / std::max(colSpacing, 0.01))));
  for (std::size_t i = m_columns.size(); i-- > 0;) {
    if ((m_columns.size() - 1 - i) % every != 0) continue;
    const Column& c = m_columns[i];
    const QDateTime dt = time::TimeZones::toDisplay(c.ts);
    const QString label = dt.toString(daily ? QStringLiteral("yyyy-MM-dd") : QStringLiteral("MM-dd HH:mm"));
    const double x = c.x;
    if (x - labelW / 2.0 < plotLeft) break;
    if (x + labelW / 2.0 > width()) continue;
    p.setPen(kGrid);
    p.drawLine(QPointF(std::round(x) + 0.5, priceTop), QPointF(std::round(x) + 0.5, bottom));
    p.setPen(kAxisText);
    p.drawText(QRectF(x - labelW / 2.0, bottom + 3.0, labelW, lineH), Qt::AlignCenter, label);
  }

  // ---- Candles + volume -----------------------------------------------------------------------------------------
  const double body = colSpacing >= 3.0 ? std::max(1.0, std::floor(colSpacing * 0.7)) : 1.0;
  const QColor up = format::upColor();
  const QColor down = format::downColor();
  QColor upVol = up;
  upVol.setAlpha(110);
  QColor downVol = down;
  downVol.setAlpha(110);
  p.setRenderHint(QPainter::Antialiasing, false);
  for (const Column& c : m_columns) {
    const bool rising = c.close >= c.open;
    const QColor& col = rising ? up : down;
    const double x = std::round(c.x);
    // Volume
    const double vy = vyOf(c.volume);
    p.fillRect(QRectF(x - body / 2.0, vy, body, bottom - vy), rising ? upVol : downVol);
    // Wick
    p.setPen(col);
    p.drawLine(QPointF(x, yOf(c.high)), QPointF(x, yOf(c.low)));
    // Body
    if (body > 1.0) {
      const double y1 = yOf(std::max(c.open, c.close));
      const double y2 = yOf(std::min(c.open, c.close));
      p.fillRect(QRectF(x - std::floor(body / 2.0), y1, body, std::max(1.0, y2 - y1)), col);
    }
  }

  // ---- Last price marker ------------------------------------------------------------------------------------------
  const Column& lastCol = m_columns.back();
  const double ly = lastY;
  const QColor lastColor = lastCol.close >= lastCol.open ? up : down;
  QPen dash(lastColor, 1.0, Qt::DashLine);
  p.setPen(dash);
  p.drawLine(QPointF(plotLeft, ly), QPointF(plotRight, ly));
  const QRectF tag(plotRight + 1.0, ly - lineH / 2.0 - 1.0, axisW - 2.0, lineH + 2.0);
  p.fillRect(tag, lastColor);
  p.setPen(Qt::white);
  p.drawText(tag.adjusted(5, 0, 0, 0), Qt::AlignLeft | Qt::AlignVCenter, format::price(lastCol.close));

  // ---- Crosshair + header values ------------------------------------------------------------------------------------
  const Column* shown = &lastCol;
  if (m_hoverX >= plotLeft && m_hoverX <= plotRight) {
    const auto it = std::min_element(m_columns.begin(), m_columns.end(), [&](const Column& a, const Column& b) {
      return std::abs(a.x - m_hoverX) < std::abs(b.x - m_hoverX);
    });
    shown = &*it;
    p.setPen(QPen(kAxisText, 1.0, Qt::DotLine));
    p.drawLine(QPointF(std::round(shown->x) + 0.5, top), QPointF(std::round(shown->x) + 0.5, bottom));
  }
  p.setPen(kAxisText);
  const QString when = time::TimeZones::formatDisplay(shown->ts, daily ? QStringLiteral("yyyy-MM-dd")
                                                                        : QStringLiteral("yyyy-MM-dd HH:mm t"));
  const QString values = QStringLiteral("%1   O %2  H %3  L %4  C %5  V %6%7")
                             .arg(when, format::price(shown->open), format::price(shown->high),
                                  format::price(shown->low), format::price(shown->close), format::compact(shown->volume),
                                  shown->bars > 1 ? QStringLiteral("  (%1 bars)").arg(shown->bars) : QString());
  p.drawText(QRectF(left + titleW, 0, width() - left - titleW - 8.0, headerH - 4.0), Qt::AlignLeft | Qt::AlignBottom,
             fm.elidedText(values, Qt::ElideRight, static_cast<int>(width() - left - titleW - 8.0)));
}

}  // namespace meridian::ui
