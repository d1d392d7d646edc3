#include "ui/widgets/ParamHeatmap.h"

#include <QHelpEvent>
#include <QLocale>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <limits>

#include "ui/models/Formatting.h"
#include "ui/widgets/GridHit.h"

namespace meridian::ui {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

QString valueText(double v) { return QLocale().toString(v, 'g', 6); }

QString scoreText(double v) {
  if (!std::isfinite(v)) return {};
  const double a = std::abs(v);
  return QLocale().toString(v, 'f', a >= 1000 ? 0 : (a >= 10 ? 2 : 3));
}

}  // namespace

ParamHeatmap::ParamHeatmap(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void ParamHeatmap::setReport(std::shared_ptr<const backtest::OptimizationReport> report) {
  m_report = std::move(report);
  m_rowAxis.clear();
  m_columnAxis.clear();
  m_rows = m_columns = 0;
  m_rowValues.clear();
  m_columnValues.clear();
  m_cells.clear();
  m_best = QPoint(-1, -1);
  m_lo = m_hi = 0.0;
  if (m_report) {
    const auto& runs = m_report->result.runs;
    // The values each axis takes (ascending), and the first two axes that vary.
    std::vector<std::size_t> varying;
    std::vector<std::vector<double>> values(m_report->axes.size());
    for (std::size_t a = 0; a < m_report->axes.size(); ++a) {
      for (const auto& run : runs) values[a].push_back(run.params.get(m_report->axes[a], kNaN));
      std::sort(values[a].begin(), values[a].end());
      values[a].erase(std::unique(values[a].begin(), values[a].end()), values[a].end());
      if (values[a].size() > 1 && varying.size() < 2) varying.push_back(a);
    }
    if (varying.size() == 2) {
      const std::string& ra = m_report->axes[varying[0]];
      const std::string& ca = m_report->axes[varying[1]];
      m_rowAxis = format::qstr(ra);
      m_columnAxis = format::qstr(ca);
      m_rowValues = values[varying[0]];
      m_columnValues = values[varying[1]];
      m_rows = int(m_rowValues.size());
      m_columns = int(m_columnValues.size());
      m_cells.assign(m_rowValues.size() * m_columnValues.size(), std::nullopt);
      bool any = false;
      for (std::size_t i = 0; i < runs.size(); ++i) {
        if (!runs[i].valid || !std::isfinite(runs[i].score)) continue;
        const auto r = std::lower_bound(m_rowValues.begin(), m_rowValues.end(), runs[i].params.get(ra, kNaN));
        const auto c = std::lower_bound(m_columnValues.begin(), m_columnValues.end(), runs[i].params.get(ca, kNaN));
        if (r == m_rowValues.end() || c == m_columnValues.end()) continue;
        auto& cell = m_cells[std::size_t(r - m_rowValues.begin()) * m_columnValues.size() + std::size_t(c - m_columnValues.begin())];
        if (!cell || runs[i].score > runs[*cell].score) cell = i;  // other axes: the best of them
        m_lo = any ? std::min(m_lo, runs[i].score) : runs[i].score;
        m_hi = any ? std::max(m_hi, runs[i].score) : runs[i].score;
        any = true;
      }
      const auto best = m_report->result.best;
      for (int r = 0; best && r < m_rows; ++r)
        for (int c = 0; c < m_columns; ++c)
          if (runAt(r, c) == best) m_best = QPoint(c, r);
    }
  }
  updateGeometry();
  update();
}

double ParamHeatmap::score(int row, int column) const {
  const auto run = runAt(row, column);
  return run ? m_report->result.runs[*run].score : kNaN;
}

std::optional<std::size_t> ParamHeatmap::runAt(int row, int column) const {
  if (row < 0 || column < 0 || row >= m_rows || column >= m_columns) return std::nullopt;
  return m_cells[std::size_t(row) * std::size_t(m_columns) + std::size_t(column)];
}

QSize ParamHeatmap::sizeHint() const {
  const QFontMetrics fm = fontMetrics();
  const int cellW = fm.horizontalAdvance(QStringLiteral("-0.000★")) + 12;
  return {fm.horizontalAdvance(QStringLiteral("slow = 0000")) + 16 + std::max(1, m_columns) * cellW,
          (std::max(1, m_rows) + 2) * (fm.height() + 10)};
}

QSize ParamHeatmap::minimumSizeHint() const {
  const QFontMetrics fm = fontMetrics();
  return {fm.horizontalAdvance(QStringLiteral("slow = 0000")) + 16 + std::max(1, m_columns) * 24,
          (std::max(1, m_rows) + 2) * (fm.height() / 2 + 4)};
}

QRectF ParamHeatmap::cellRect(int row, int column) const {
  // Row -2: the column axis name; row -1: column values; column -1: row values (the row axis name at (-2, -1)).
  const QFontMetrics fm = fontMetrics();
  const qreal labelW = fm.horizontalAdvance(QStringLiteral("slow = 0000")) + 16;
  const qreal headerH = fm.height() + 6;
  const qreal cellW = m_columns > 0 ? (width() - labelW - 2) / m_columns : 0;
  const qreal rowH = m_rows > 0 ? std::min<qreal>((height() - 2 * headerH - 2) / m_rows, 4.0 * fm.height()) : 0;
  const qreal x = column < 0 ? 0 : labelW + column * cellW;
  const qreal w = column < 0 ? labelW : cellW;
  const qreal y = row < 0 ? (row + 2) * headerH : 2 * headerH + row * rowH;
  return {x, y, w, row < 0 ? headerH : rowH};
}

bool ParamHeatmap::cellAt(const QPoint& pos, int& row, int& column) const {
  return gridCellAt(pos, m_rows, m_columns, [this](int r, int c) { return cellRect(r, c); }, row, column);
}

QColor ParamHeatmap::cellColor(double s) const {
  if (!std::isfinite(s)) return palette().color(QPalette::Base);
  // Worst red, middle amber, best green.
  const double t = m_hi > m_lo ? std::clamp((s - m_lo) / (m_hi - m_lo), 0.0, 1.0) : 1.0;
  const QColor lo(0xd6, 0x3a, 0x3a), mid(0xe8, 0xb9, 0x3c), hi(0x2e, 0x9d, 0x4a);
  const QColor& a = t < 0.5 ? lo : mid;
  const QColor& b = t < 0.5 ? mid : hi;
  const double k = t < 0.5 ? t * 2.0 : (t - 0.5) * 2.0;
  auto mix = [k](int x, int y) { return int(std::lround(x + (y - x) * k)); };
  return QColor(mix(a.red(), b.red()), mix(a.green(), b.green()), mix(a.blue(), b.blue()));
}

void ParamHeatmap::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.fillRect(rect(), palette().color(QPalette::Base));
  const QColor text = palette().color(QPalette::Text);
  QFont bold = font();
  bold.setBold(true);
  if (!hasGrid()) {
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(rect(), Qt::AlignCenter, QStringLiteral("A heatmap needs a grid over two parameters"));
    return;
  }
  p.setFont(bold);
  p.setPen(text);
  const QRectF axisName = cellRect(-2, 0).united(cellRect(-2, m_columns - 1));
  p.drawText(axisName, Qt::AlignCenter, m_columnAxis);
  p.drawText(cellRect(-2, -1).adjusted(4, 0, -4, 0), Qt::AlignLeft | Qt::AlignVCenter,
             QStringLiteral("%1 ↓").arg(m_rowAxis));
  p.setFont(font());
  for (int c = 0; c < m_columns; ++c) p.drawText(cellRect(-1, c), Qt::AlignCenter, valueText(m_columnValues[std::size_t(c)]));
  for (int r = 0; r < m_rows; ++r)
    p.drawText(cellRect(r, -1).adjusted(4, 0, -8, 0), Qt::AlignRight | Qt::AlignVCenter,
               QStringLiteral("%1 = %2").arg(m_rowAxis, valueText(m_rowValues[std::size_t(r)])));
  for (int r = 0; r < m_rows; ++r) {
    for (int c = 0; c < m_columns; ++c) {
      const double s = score(r, c);
      const QRectF cell = cellRect(r, c).adjusted(1, 1, -1, -1);
      const QColor bg = cellColor(s);
      p.fillRect(cell, bg);
      if (!std::isfinite(s)) continue;
      const bool best = m_best == QPoint(c, r);
      p.setPen(bg.lightness() < 110 ? QColor(Qt::white) : QColor(0x20, 0x20, 0x20));
      p.setFont(best ? bold : font());
      p.drawText(cell, Qt::AlignCenter, best ? scoreText(s) + QStringLiteral("★") : scoreText(s));
      if (best) {
        QPen pen(text);
        pen.setWidth(3);
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        p.drawRect(cell.adjusted(1.5, 1.5, -1.5, -1.5));
      }
    }
  }
  p.setFont(font());
}

bool ParamHeatmap::event(QEvent* e) {
  if (e->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(e);
    int r = 0, c = 0;
    if (cellAt(help->pos(), r, c) && runAt(r, c)) {
      const auto& run = m_report->result.runs[*runAt(r, c)];
      QToolTip::showText(help->globalPos(), QStringLiteral("%1\n%2 %3\nDouble-click to run it as a backtest")
                                                .arg(format::qstr(run.params.toString()),
                                                     format::qstr(backtest::toString(m_report->objective)),
                                                     scoreText(run.score)));
      return true;
    }
    QToolTip::hideText();
    e->ignore();
    return true;
  }
  return QWidget::event(e);
}

void ParamHeatmap::mouseDoubleClickEvent(QMouseEvent* e) {
  int r = 0, c = 0;
  if (cellAt(e->position().toPoint(), r, c))
    if (const auto run = runAt(r, c)) Q_EMIT runActivated(*run);
  QWidget::mouseDoubleClickEvent(e);
}

}  // namespace meridian::ui
