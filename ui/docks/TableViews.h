#pragma once
// Shared set-up for the dock tables: compact fixed-height rows (no per-row sizing work), no vertical header,
// row selection, sorting through the proxy's SortRole.
class QTableView;

namespace meridian::ui {

void configureTableView(QTableView* view, bool sortable = true);

}  // namespace meridian::ui
