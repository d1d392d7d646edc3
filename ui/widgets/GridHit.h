#pragma once
// Which cell of a painted grid (rows x columns, cellRect(row, column) in widget coordinates) holds a point: the
// heatmaps' tooltips and clicks.
#include <QPoint>
#include <QRectF>

namespace meridian::ui {

template <class CellRect>
bool gridCellAt(const QPoint& pos, int rows, int columns, CellRect cellRect, int& row, int& column) {
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < columns; ++c)
      if (cellRect(r, c).contains(pos)) {
        row = r;
        column = c;
        return true;
      }
  return false;
}

}  // namespace meridian::ui
