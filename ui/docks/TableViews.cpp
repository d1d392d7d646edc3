#include "ui/docks/TableViews.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTableView>

#include "ui/models/CsvExport.h"

namespace meridian::ui {

void configureTableView(QTableView* view, bool sortable) {
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
