#include "ui/docks/TableViews.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLocale>
#include <QStyle>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTableView>

#include "ui/models/CsvExport.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {

QString CompactNumberDelegate::fitted(const QString& text, const QFontMetrics& fm, int width) {
  if (width <= 0 || fm.horizontalAdvance(text) <= width) return text;
  // A number that does not fit: "10,000,000" -> "10.00M", "$1,234,567.89" -> "$1.23M", "-25,000" -> "-25.0K".
  // Text (symbols, statuses) and percentages are left to the usual elision.
  QString t = text.trimmed();
  QString prefix;
  if (t.startsWith(QLatin1Char('-'))) {
    prefix = QStringLiteral("-");
    t.remove(0, 1);
  }
  if (t.startsWith(QLatin1Char('$'))) {
    prefix += QLatin1Char('$');
    t.remove(0, 1);
  }
  const QLocale locale;
  t.remove(locale.groupSeparator());
  bool ok = false;
  const double v = locale.toDouble(t, &ok);
  if (!ok) return text;
  return prefix + format::compact(v);
}

void CompactNumberDelegate::initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const {
  QStyledItemDelegate::initStyleOption(option, index);
  const int margin = 2 * (option->widget ? option->widget->style()->pixelMetric(QStyle::PM_FocusFrameHMargin) + 1 : 4);
  option->text = fitted(option->text, option->fontMetrics, option->rect.width() - margin);
}

QVariant selectedRowData(const QTableView* view, int role) {
  const QModelIndexList rows = view->selectionModel() ? view->selectionModel()->selectedRows() : QModelIndexList{};
  return rows.isEmpty() ? QVariant() : rows.first().data(role);
}

void selectModelRow(QTableView* view, int row) {
  if (row < 0 || !view->model()) return;
  view->selectRow(row);
  view->setCurrentIndex(view->model()->index(row, 0));
}

void configureTableView(QTableView* view, bool sortable) {
  view->setItemDelegate(new CompactNumberDelegate(view));
  view->setSelectionBehavior(QAbstractItemView::SelectRows);
  view->setSelectionMode(QAbstractItemView::ExtendedSelection);
  view->setEditTriggers(QAbstractItemView::NoEditTriggers);
  view->setAlternatingRowColors(true);
  view->setShowGrid(false);
  view->setWordWrap(false);
  view->setTextElideMode(Qt::ElideRight);
  view->setCornerButtonEnabled(false);
  view->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
  view->verticalHeader()->setVisible(false);
  view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
  view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
  view->horizontalHeader()->setHighlightSections(false);
  view->horizontalHeader()->setStretchLastSection(true);
  view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
  view->horizontalHeader()->setDefaultSectionSize(80);
  view->horizontalHeader()->setMinimumSectionSize(36);
  view->setSortingEnabled(sortable);
}

bool exportViewCsv(const QTableView* view, const QString& path, QString* error) {
  if (!view || !view->model()) {
    if (error) *error = QStringLiteral("nothing to export");
    return false;
  }
  return csv::writeModel(path, *view->model(), error);
}

QString exportViewCsvInteractive(QTableView* view, const QString& title, const QString& defaultFileName) {
  static QString lastDir;  // per process: where the previous export went
  if (lastDir.isEmpty()) lastDir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
  const QString path = QFileDialog::getSaveFileName(view, title, QDir(lastDir).filePath(defaultFileName),
                                                    QStringLiteral("CSV files (*.csv);;All files (*)"));
  if (path.isEmpty()) return {};
  lastDir = QFileInfo(path).absolutePath();
  QString error;
  if (!exportViewCsv(view, path, &error)) {
    QMessageBox::warning(view, title, error);
    return {};
  }
  return path;
}

QAction* addCsvExportAction(QTableView* view, const QString& title, const QString& defaultFileName) {
  auto* action = new QAction(QStringLiteral("Export CSV…"), view);
  action->setObjectName(QStringLiteral("exportCsvAction"));
  action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
  // Only while this table has focus: each blotter exports itself, and Ctrl+E never becomes ambiguous.
  action->setShortcutContext(Qt::WidgetShortcut);
  action->setStatusTip(QStringLiteral("Save the rows of this table, in the order shown, as a CSV file"));
  view->setContextMenuPolicy(Qt::ActionsContextMenu);
  view->addAction(action);
  QObject::connect(action, &QAction::triggered, view,
                   [view, title, defaultFileName] { exportViewCsvInteractive(view, title, defaultFileName); });
  return action;
}

}  // namespace meridian::ui
