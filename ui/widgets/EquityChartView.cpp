#include "ui/widgets/EquityChartView.h"

#include <QAreaSeries>
#include <QChart>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QEvent>
#include <QLineSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

#include "core/analytics/Drawdown.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {
namespace {

qreal msOf(domain::Timestamp ts) { return static_cast<qreal>(ts / domain::kNanosPerMilli); }

// Min/max decimation of `count` points given one by one in time order, so a long curve is never copied whole:
// at most ~max points are kept, per bucket its lowest and highest (in time order), and the last point.
class Decimator {
 public:
  Decimator(std::size_t count, int max)
      : m_all(count <= std::size_t(max)),
        m_buckets(std::max(1, max / 2)),
        m_per(double(count) / m_buckets),
        m_end(m_all ? count : std::size_t(m_per)) {
    m_out.reserve(m_all ? qsizetype(count) : qsizetype(m_buckets) * 2 + 1);
  }
  void add(qreal x, qreal y) {
    const QPointF p(x, y);
    m_last = p;
    if (m_all) {
      m_out << p;
      return;
    }
    if (m_i == m_end) flush();
    if (!m_open) {
      m_lo = m_hi = p;
      m_loAt = m_hiAt = m_i;
      m_open = true;
    } else if (y < m_lo.y()) {
      m_lo = p;
      m_loAt = m_i;
    } else if (y > m_hi.y()) {
      m_hi = p;
      m_hiAt = m_i;
    }
    ++m_i;
  }
  QList<QPointF> take() {
    if (!m_all) {
      flush();
      if (!m_out.isEmpty() && m_out.back() != m_last) m_out << m_last;
    }
    return std::move(m_out);
  }

 private:
  void flush() {
    if (m_open) {
      m_out << (m_loAt <= m_hiAt ? m_lo : m_hi);
      if (m_loAt != m_hiAt) m_out << (m_loAt <= m_hiAt ? m_hi : m_lo);
      m_open = false;
    }
    // On to the bucket that holds point m_i (every bucket holds a point: count > max, so m_per >= 2).
    while (m_end <= m_i && m_bucket < m_buckets) m_end = std::size_t(double(++m_bucket + 1) * m_per);
  }

  bool m_all;
  int m_buckets;
  double m_per;
  std::size_t m_end;
  int m_bucket = 0;
  std::size_t m_i = 0;
  bool m_open = false;
  QPointF m_lo, m_hi, m_last;
  std::size_t m_loAt = 0, m_hiAt = 0;
  QList<QPointF> m_out;
};

}  // namespace

EquityChartView::EquityChartView(Style style, QWidget* parent) : QChartView(parent), m_style(style) {
  auto* chart = new QChart;
  chart->legend()->hide();
  chart->setMargins(QMargins(4, 4, 4, 4));
  chart->setBackgroundRoundness(0);
  m_x = new QDateTimeAxis(chart);
  m_x->setFormat(QStringLiteral("yyyy-MM"));
  m_x->setTickCount(7);
  m_y = new QValueAxis(chart);
  m_y->setLabelFormat(style == Style::Equity ? QStringLiteral("%.0f") : QStringLiteral("%.0f%%"));
  chart->addAxis(m_x, Qt::AlignBottom);
  chart->addAxis(m_y, Qt::AlignLeft);

  m_line = new QLineSeries(chart);
  if (style == Style::Equity) {
    m_line->setName(QStringLiteral("Equity"));
    chart->addSeries(m_line);
    m_line->attachAxis(m_x);
    m_line->attachAxis(m_y);
    m_benchmark = new QLineSeries(chart);
    m_benchmark->setName(QStringLiteral("Buy & hold"));
    chart->addSeries(m_benchmark);
    m_benchmark->attachAxis(m_x);
    m_benchmark->attachAxis(m_y);
    chart->legend()->setAlignment(Qt::AlignTop);
  } else {
    m_zero = new QLineSeries(chart);
    m_area = new QAreaSeries(m_line, m_zero);
    m_area->setName(QStringLiteral("Drawdown"));
    chart->addSeries(m_area);
    m_area->attachAxis(m_x);
    m_area->attachAxis(m_y);
  }
  setChart(chart);
  setRenderHint(QPainter::Antialiasing, true);
  setMinimumSize(240, 110);
  applyTheme();
}

void EquityChartView::setTitle(const QString& title) { chart()->setTitle(title); }

void EquityChartView::setCurve(std::span<const analytics::EquityPoint> curve, double initialValue) {
  Decimator points(curve.size(), kMaxPoints);
  if (m_style == Style::Equity) {
    for (const auto& p : curve) points.add(msOf(p.ts), p.equity);
  } else {
    analytics::DrawdownTracker drawdown(initialValue);
    for (const auto& p : curve) points.add(msOf(p.ts), drawdown.next(p.equity) * 100.0);
  }
  m_line->replace(points.take());
  updateAxes();
}

void EquityChartView::setBenchmark(std::span<const analytics::EquityPoint> curve, const QString& name) {
  if (!m_benchmark) return;
  Decimator points(curve.size(), kMaxPoints);
  for (const auto& p : curve) points.add(msOf(p.ts), p.equity);
  m_benchmark->replace(points.take());
  m_benchmark->setName(name.isEmpty() ? QStringLiteral("Buy & hold") : name);
  m_line->setName(QStringLiteral("Strategy"));
  chart()->legend()->setVisible(!curve.empty());
  updateAxes();
}

void EquityChartView::updateAxes() {
  QList<QPointF> points = m_line->points();
  if (points.isEmpty()) {
    if (m_zero) m_zero->clear();
    return;
  }
  double lo = points.front().y(), hi = lo;
  double x0 = points.front().x(), x1 = points.back().x();
  for (const QPointF& p : points) {
    lo = std::min(lo, p.y());
    hi = std::max(hi, p.y());
  }
  if (m_benchmark) {
    for (const QPointF& p : m_benchmark->points()) {
      lo = std::min(lo, p.y());
      hi = std::max(hi, p.y());
      x0 = std::min(x0, p.x());
      x1 = std::max(x1, p.x());
    }
  }
  if (m_zero) {
    m_zero->replace(QList<QPointF>{QPointF(points.front().x(), 0.0), QPointF(points.back().x(), 0.0)});
    hi = 0.0;
    lo = std::min(lo, -1.0);
  }
  const double pad = std::max(1e-9, (hi - lo) * 0.05);
  m_y->setRange(lo - pad, m_style == Style::Drawdown ? 0.0 : hi + pad);
  m_y->setTickCount(5);
  m_y->applyNiceNumbers();  // round tick values (and no duplicate labels)
  const double tick = (m_y->max() - m_y->min()) / std::max(1, m_y->tickCount() - 1);
  const int decimals = tick >= 1.0 ? 0 : (tick >= 0.1 ? 1 : 2);
  m_y->setLabelFormat((m_style == Style::Equity ? QStringLiteral("%.%1f") : QStringLiteral("%.%1f%%")).arg(decimals));
  m_x->setRange(QDateTime::fromMSecsSinceEpoch(qint64(x0), Qt::UTC), QDateTime::fromMSecsSinceEpoch(qint64(x1), Qt::UTC));
  const qint64 spanDays = qint64(x1 - x0) / 86'400'000;
  m_x->setFormat(spanDays > 3 * 365 ? QStringLiteral("yyyy") : QStringLiteral("yyyy-MM"));
}

void EquityChartView::clear() {
  m_line->clear();
  if (m_zero) m_zero->clear();
  if (m_benchmark) {
    m_benchmark->clear();
    chart()->legend()->hide();
  }
}

int EquityChartView::pointCount() const { return static_cast<int>(m_line->count()); }
int EquityChartView::benchmarkPointCount() const { return m_benchmark ? static_cast<int>(m_benchmark->count()) : 0; }

void EquityChartView::changeEvent(QEvent* event) {
  QChartView::changeEvent(event);
  if (event->type() == QEvent::PaletteChange || event->type() == QEvent::StyleChange) applyTheme();
}

void EquityChartView::applyTheme() {
  const bool dark = palette().color(QPalette::Window).lightness() < 128;
  QChart* c = chart();
  const QColor bg = palette().color(QPalette::Base);
  const QColor fg = palette().color(QPalette::Text);
  const QColor grid = dark ? QColor(255, 255, 255, 40) : QColor(0, 0, 0, 30);
  c->setBackgroundBrush(bg);
  c->setTitleBrush(fg);
  for (QAbstractAxis* a : {static_cast<QAbstractAxis*>(m_x), static_cast<QAbstractAxis*>(m_y)}) {
    a->setLabelsBrush(fg);
    a->setLinePenColor(grid);
    a->setGridLineColor(grid);
  }
  if (m_style == Style::Equity) {
    QPen pen(dark ? QColor(0x64, 0xb5, 0xf6) : QColor(0x1f, 0x6f, 0xd1));
    pen.setWidthF(1.5);
    m_line->setPen(pen);
    QPen bench(dark ? QColor(0xbd, 0xbd, 0xbd) : QColor(0x75, 0x75, 0x75));
    bench.setWidthF(1.2);
    bench.setStyle(Qt::DashLine);
    m_benchmark->setPen(bench);
    c->legend()->setLabelColor(fg);
  } else {
    QColor red = format::downColor();
    QPen pen(red);
    pen.setWidthF(1.0);
    m_area->setPen(pen);
    red.setAlpha(dark ? 110 : 80);
    m_area->setBrush(red);
  }
}

}  // namespace meridian::ui
