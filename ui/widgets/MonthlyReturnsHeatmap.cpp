#include "ui/widgets/MonthlyReturnsHeatmap.h"

#include <QHelpEvent>
#include <QLocale>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <iterator>

#include "ui/models/Formatting.h"
#include "ui/widgets/GridHit.h"

namespace meridian::ui {
namespace {

constexpr int kColumns = 13;  // 12 months + year
const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Year"};

// Percent with as many decimals as the cell affords: 0.04 -> "0.04", 12.3 -> "12.3", 153 -> "153".
QString pctText(double v) {
  if (!std::isfinite(v)) return {};
  double p = v * 100.0;
  const int decimals = std::abs(p) >= 100 ? 0 : (std::abs(p) >= 10 ? 1 : 2);
  const double unit = std::pow(10.0, -decimals) / 2;
  if (std::abs(p) < unit) p = 0.0;  // no "-0.00"
  return QLocale().toString(p, 'f', decimals);
}

}  // namespace

MonthlyReturnsHeatmap::MonthlyReturnsHeatmap(QWidget* parent) : QWidget(parent) {
  setMouseTracking(true);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
}

void MonthlyReturnsHeatmap::setReturns(std::span<const analytics::MonthlyReturn> returns) {
  m_years.clear();
  m_scale = 0.0;
  for (const auto& r : returns) {
    if (r.month < 1 || r.month > 12) continue;
    auto [it, inserted] = m_years.try_emplace(r.year);
    if (inserted) {
      std::fill(std::begin(it->second.months), std::end(it->second.months), std::nan(""));
      it->second.total = std::nan("");
    }
    it->second.months[r.month - 1] = r.value;
    if (std::isfinite(r.value)) m_scale = std::max(m_scale, std::abs(r.value));
  }
  for (auto& [year, y] : m_years) {
    double growth = 1.0;
    bool any = false;
    for (double v : y.months)
      if (std::isfinite(v)) {
        growth *= 1.0 + v;
        any = true;
      }
    y.total = any ? growth - 1.0 : std::nan("");
  }
  updateGeometry();
  update();
}

void MonthlyReturnsHeatmap::clear() { setReturns({}); }

double MonthlyReturnsHeatmap::value(int year, int month) const {
  const auto it = m_years.find(year);
  return it == m_years.end() || month < 1 || month > 12 ? std::nan("") : it->second.months[month - 1];
}

double MonthlyReturnsHeatmap::yearValue(int year) const {
  const auto it = m_years.find(year);
  return it == m_years.end() ? std::nan("") : it->second.total;
}

QSize MonthlyReturnsHeatmap::sizeHint() const {
  const QFontMetrics fm = fontMetrics();
  const int cellW = fm.horizontalAdvance(QStringLiteral("-100.0")) + 14;
  const int rowH = fm.height() + 8;
  return {fm.horizontalAdvance(QStringLiteral("0000")) + 16 + kColumns * cellW,
          (yearCount() + 1) * rowH + 4};
}

QSize MonthlyReturnsHeatmap::minimumSizeHint() const {
  const QFontMetrics fm = fontMetrics();
  return {fm.horizontalAdvance(QStringLiteral("0000")) + 16 + kColumns * 28, 2 * (fm.height() + 4)};
}

QRectF MonthlyReturnsHeatmap::cellRect(int row, int column) const {
  // row -1 = month header, column -1 = year label.
  const QFontMetrics fm = fontMetrics();
  const qreal labelW = fm.horizontalAdvance(QStringLiteral("0000")) + 16;
  const qreal headerH = fm.height() + 8;
  const qreal cellW = (width() - labelW - 2) / kColumns;
  const qreal rowH = yearCount() > 0 ? std::min<qreal>((height() - headerH - 2) / yearCount(), 3.0 * fm.height())
                                     : headerH;
  const qreal x = column < 0 ? 0 : labelW + column * cellW + (column == kColumns - 1 ? 4 : 0);
  const qreal w = column < 0 ? labelW : cellW - (column == kColumns - 1 ? 4 : 0);
  const qreal y = row < 0 ? 0 : headerH + row * rowH;
  return {x, y, w, row < 0 ? headerH : rowH};
}

bool MonthlyReturnsHeatmap::cellAt(const QPoint& pos, int& row, int& column) const {
  return gridCellAt(pos, yearCount(), kColumns, [this](int r, int c) { return cellRect(r, c); }, row, column);
}

QColor MonthlyReturnsHeatmap::cellColor(double v, double scale) const {
  const QColor base = palette().color(QPalette::Base);
  if (!std::isfinite(v)) return base;
  const double t = scale > 0 ? std::clamp(std::abs(v) / scale, 0.0, 1.0) : 0.0;
  const double k = 0.12 + 0.78 * std::sqrt(t);  // visible tint even for small moves
  const QColor to = v >= 0 ? QColor(0x2e, 0x9d, 0x4a) : QColor(0xd6, 0x3a, 0x3a);
  auto mix = [&](int a, int b) { return int(std::lround(a + (b - a) * k)); };
  return QColor(mix(base.red(), to.red()), mix(base.green(), to.green()), mix(base.blue(), to.blue()));
}

void MonthlyReturnsHeatmap::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing, false);
  p.fillRect(rect(), palette().color(QPalette::Base));
  const QColor text = palette().color(QPalette::Text);
  const QColor muted = palette().color(QPalette::PlaceholderText);
  QFont bold = font();
  bold.setBold(true);

  if (m_years.empty()) {
    p.setPen(muted);
    p.drawText(rect(), Qt::AlignCenter, QStringLiteral("No monthly returns"));
    return;
  }
  p.setFont(bold);
  p.setPen(muted);
  p.drawText(cellRect(-1, -1).adjusted(4, 0, -8, 0), Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("%"));
  p.setPen(text);
  for (int c = 0; c < kColumns; ++c)
    p.drawText(cellRect(-1, c), Qt::AlignCenter, QString::fromLatin1(kMonths[c]));

  // Year totals get their own scale (they are naturally larger than months).
  double yearScale = 0.0;
  for (const auto& [year, y] : m_years)
    if (std::isfinite(y.total)) yearScale = std::max(yearScale, std::abs(y.total));

  int row = 0;
  for (const auto& [year, y] : m_years) {
    p.setFont(bold);
    p.setPen(text);
    p.drawText(cellRect(row, -1).adjusted(4, 0, -8, 0), Qt::AlignRight | Qt::AlignVCenter, QString::number(year));
    p.setFont(font());
    for (int c = 0; c < kColumns; ++c) {
      const double v = c < 12 ? y.months[c] : y.total;
      const QRectF cell = cellRect(row, c).adjusted(1, 1, -1, -1);
      const QColor bg = cellColor(v, c < 12 ? m_scale : yearScale);
      p.fillRect(cell, bg);
      if (!std::isfinite(v)) continue;
      p.setPen(bg.lightness() < 110 ? QColor(Qt::white) : QColor(0x20, 0x20, 0x20));
      if (c == 12) p.setFont(bold);
      p.drawText(cell, Qt::AlignCenter, pctText(v));
      if (c == 12) p.setFont(font());
    }
    ++row;
  }
}

bool MonthlyReturnsHeatmap::event(QEvent* e) {
  if (e->type() == QEvent::ToolTip) {
    auto* help = static_cast<QHelpEvent*>(e);
    int r = 0, c = 0;
    if (cellAt(help->pos(), r, c)) {
      auto it = m_years.begin();
      std::advance(it, r);
      const double v = c < 12 ? it->second.months[c] : it->second.total;
      if (std::isfinite(v)) {
        QToolTip::showText(help->globalPos(), QStringLiteral("%1 %2: %3")
                                                  .arg(QString::fromLatin1(kMonths[c]))
                                                  .arg(it->first)
                                                  .arg(format::percent(v * 100.0)));
        return true;
      }
    }
    QToolTip::hideText();
    e->ignore();
    return true;
  }
  return QWidget::event(e);
}

}  // namespace meridian::ui
