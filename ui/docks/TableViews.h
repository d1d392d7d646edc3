#pragma once
// Shared set-up for the dock tables: compact fixed-height rows (no per-row sizing work), no vertical header,
// row selection, sorting through the proxy's SortRole.
#include <QString>
#include <QVariant>
#include <QStyledItemDelegate>

class QAction;
class QTableView;
class QWidget;

namespace meridian::ui {

// Every table's delegate (set by configureTableView): a number too wide for its column is shown compacted
// ("10,000,000" -> "10.00M", "$1,234,567.89" -> "$1.23M") instead of elided ("10,00…"); text and percentages elide as
// usual. The model's value, sorting and CSV export are unchanged.
class CompactNumberDelegate : public QStyledItemDelegate {
 public:
  using QStyledItemDelegate::QStyledItemDelegate;
  // `text` as it fits `width` pixels: unchanged when it fits or is not a number.
  static QString fitted(const QString& text, const QFontMetrics& fm, int width);

 protected:
  void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;
};

void configureTableView(QTableView* view, bool sortable = true);

// A table whose rows a snapshot replaces keeps its selection by key: the key (`role`) of the first selected row
// (an invalid QVariant when none is selected), and the row to select again (selected and made current; a negative
// row, one no longer in the model, is left alone).
QVariant selectedRowData(const QTableView* view, int role);
void selectModelRow(QTableView* view, int row);

// Adds "Export CSV…" (Ctrl+E while the view has focus) to the view's context menu (Qt::ActionsContextMenu is set).
// It asks for a path (QFileDialog, starting at the last export directory with `defaultFileName`) and writes the
// view's model — the sort proxy, i.e. the rows in the order shown — through csv::writeModel. Errors are shown in a
// message box. Returns the action (objectName "exportCsvAction").
QAction* addCsvExportAction(QTableView* view, const QString& title, const QString& defaultFileName);
// The same, without a dialog: writes the view's model to `path`. Returns false with *error.
bool exportViewCsv(const QTableView* view, const QString& path, QString* error = nullptr);
// Asks for a path and exports; the dialog parent is the view. Returns the written path (empty: cancelled/failed).
QString exportViewCsvInteractive(QTableView* view, const QString& title, const QString& defaultFileName);

}  // namespace meridian::ui
