#include "ui/widgets/FlowLayout.h"

#include <QWidget>

#include <algorithm>

namespace meridian::ui {

FlowLayout::FlowLayout(QWidget* parent, int horizontalSpacing, int verticalSpacing)
    : QLayout(parent), m_hSpacing(horizontalSpacing), m_vSpacing(verticalSpacing) {
  setContentsMargins(0, 0, 0, 0);
}

FlowLayout::~FlowLayout() {
  while (QLayoutItem* item = takeAt(0)) delete item;
}

void FlowLayout::addItem(QLayoutItem* item) { m_items.append(item); }

QLayoutItem* FlowLayout::takeAt(int index) {
  if (index < 0 || index >= m_items.size()) return nullptr;
  return m_items.takeAt(index);
}

int FlowLayout::heightForWidth(int width) const { return arrange(QRect(0, 0, width, 0), false); }

int FlowLayout::rowsFor(int width) const {
  int rows = 0;
  arrange(QRect(0, 0, width, 0), false, &rows);
  return rows;
}

void FlowLayout::setGeometry(const QRect& rect) {
  QLayout::setGeometry(rect);
  arrange(rect, true);
}

QSize FlowLayout::sizeHint() const {
  int width = 0, height = 0, shown = 0;
  for (const QLayoutItem* item : m_items) {
    if (item->isEmpty()) continue;
    const QSize s = item->sizeHint();
    width += s.width() + (shown++ > 0 ? m_hSpacing : 0);
    height = std::max(height, s.height());
  }
  const QMargins m = contentsMargins();
  return {width + m.left() + m.right(), height + m.top() + m.bottom()};
}

QSize FlowLayout::minimumSize() const {
  QSize size;
  for (const QLayoutItem* item : m_items)
    if (!item->isEmpty()) size = size.expandedTo(item->minimumSize());
  const QMargins m = contentsMargins();
  return size + QSize(m.left() + m.right(), m.top() + m.bottom());
}

int FlowLayout::arrange(const QRect& rect, bool apply, int* rows) const {
  const QMargins m = contentsMargins();
  const QRect area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom());
  int x = area.x(), y = area.y(), rowHeight = 0, rowCount = 0;
  for (QLayoutItem* item : m_items) {
    if (item->isEmpty()) continue;
    QSize s = item->sizeHint().boundedTo(item->maximumSize()).expandedTo(item->minimumSize());
    s.setWidth(std::min(s.width(), std::max(area.width(), item->minimumSize().width())));
    if (rowCount == 0) rowCount = 1;
    if (x > area.x() && x + s.width() > area.x() + area.width()) {  // wrap
      x = area.x();
      y += rowHeight + m_vSpacing;
      rowHeight = 0;
      ++rowCount;
    }
    if (apply) item->setGeometry(QRect(QPoint(x, y), s));
    x += s.width() + m_hSpacing;
    rowHeight = std::max(rowHeight, s.height());
  }
  if (rows) *rows = rowCount;
  return y + rowHeight - rect.y() + m.bottom();
}

}  // namespace meridian::ui
