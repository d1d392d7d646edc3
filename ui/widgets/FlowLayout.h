#pragma once
// FlowLayout: lays its items out left to right and wraps to a new row when the width runs out (a dock's tool row
// that must not set a wide minimum width: the chart's symbol / timeframe / range / tool groups). Each item gets its
// size hint, clamped to the row's width; the layout's minimum width is its widest item's, and it reports the height
// it needs for a given width (heightForWidth), so the widget below it gets the rest.
#include <QLayout>
#include <QList>

namespace meridian::ui {

class FlowLayout : public QLayout {
 public:
  explicit FlowLayout(QWidget* parent = nullptr, int horizontalSpacing = 6, int verticalSpacing = 2);
  ~FlowLayout() override;
  FlowLayout(const FlowLayout&) = delete;
  FlowLayout& operator=(const FlowLayout&) = delete;

  void addItem(QLayoutItem* item) override;
  int count() const override { return static_cast<int>(m_items.size()); }
  QLayoutItem* itemAt(int index) const override { return m_items.value(index); }
  QLayoutItem* takeAt(int index) override;
  Qt::Orientations expandingDirections() const override { return {}; }
  bool hasHeightForWidth() const override { return true; }
  int heightForWidth(int width) const override;
  void setGeometry(const QRect& rect) override;
  QSize sizeHint() const override;     // everything on one row
  QSize minimumSize() const override;  // the widest item (and the tallest)

  // Rows the items take at `width` (1 when they fit on one).
  int rowsFor(int width) const;

 private:
  // Places the items in `rect` (when `apply`) and returns the height used; `rows` gets the row count.
  int arrange(const QRect& rect, bool apply, int* rows = nullptr) const;

  QList<QLayoutItem*> m_items;
  int m_hSpacing;
  int m_vSpacing;
};

}  // namespace meridian::ui
