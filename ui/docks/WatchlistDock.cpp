#include "ui/docks/WatchlistDock.h"

#include <QFontMetrics>
#include <QHeaderView>
#include <QStyle>

#include <QAction>
#include <QHeaderView>
#include <QLineEdit>
#include <QRegularExpressionValidator>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

#include "ui/docks/TableViews.h"
#include "ui/models/WatchlistModel.h"

namespace meridian::ui {

WatchlistDock::WatchlistDock(WatchlistModel* model, QWidget* parent)
    : QDockWidget(QStringLiteral("Watchlist"), parent), m_model(model) {
  setObjectName(QStringLiteral("WatchlistDock"));

  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);

  m_addEdit = new QLineEdit(content);
  m_addEdit->setObjectName(QStringLiteral("watchlistAddEdit"));
  m_addEdit->setPlaceholderText(QStringLiteral("Add symbol…  (Enter)"));
  m_addEdit->setValidator(
      new QRegularExpressionValidator(QRegularExpression(QStringLiteral("[A-Za-z][A-Za-z0-9.\\-]{0,9}")), m_addEdit));
  m_addEdit->setClearButtonEnabled(true);
  connect(m_addEdit, &QLineEdit::returnPressed, this, &WatchlistDock::onAddSymbol);

  m_proxy = new QSortFilterProxyModel(this);
  m_proxy->setSourceModel(m_model);
  m_proxy->setSortRole(WatchlistModel::SortRole);
  m_proxy->setDynamicSortFilter(true);

  m_view = new QTableView(content);
  m_view->setObjectName(QStringLiteral("watchlistView"));
  m_view->setModel(m_proxy);
  configureTableView(m_view);
  m_view->sortByColumn(-1, Qt::AscendingOrder);  // keep the user's order until a header is clicked
  // Fit every column in the dock's width (Stretch never measures contents, unlike ResizeToContents).
  m_view->horizontalHeader()->setStretchLastSection(false);
  m_view->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  // Every column wide enough for a price like "12,345.67" (or "-12.34%", "999.9M"): a narrow dock can never elide
  // Bid/Ask/Last/Chg% into "189…"; the view's minimum width (all columns at that width) holds the dock open.
  const QFontMetrics fm(m_view->font());
  const int minSection = fm.horizontalAdvance(QStringLiteral("12,345.67")) + 14;
  m_view->horizontalHeader()->setMinimumSectionSize(minSection);
  m_view->setMinimumWidth(minSection * WatchlistModel::ColumnCount + (m_view->verticalHeader()->isHidden() ? 0 : m_view->verticalHeader()->sizeHint().width()) +
                          m_view->style()->pixelMetric(QStyle::PM_ScrollBarExtent) + 2 * m_view->frameWidth() + 4);
  m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
  connect(m_view, &QTableView::activated, this, &WatchlistDock::onActivated);

  auto* removeAction = new QAction(QStringLiteral("Remove Symbol"), m_view);
  removeAction->setShortcut(QKeySequence::Delete);
  removeAction->setShortcutContext(Qt::WidgetShortcut);
  connect(removeAction, &QAction::triggered, this, &WatchlistDock::removeSelected);
  m_view->addAction(removeAction);

  layout->addWidget(m_addEdit);
  layout->addWidget(m_view, 1);
  setWidget(content);
  setFocusProxy(m_view);
}

void WatchlistDock::onAddSymbol() {
  if (m_model->addSymbol(m_addEdit->text())) {
    const int row = m_model->rowOf(m_addEdit->text().trimmed().toUpper());
    m_view->scrollTo(m_proxy->mapFromSource(m_model->index(row, 0)));
    m_addEdit->clear();
  } else {
    m_addEdit->selectAll();
  }
}

void WatchlistDock::onActivated(const QModelIndex& proxyIndex) {
  const QModelIndex src = m_proxy->mapToSource(proxyIndex);
  if (!src.isValid()) return;
  Q_EMIT symbolActivated(m_model->symbols().value(src.row()));
}

void WatchlistDock::removeSelected() {
  QStringList symbols;
  for (const QModelIndex& idx : m_view->selectionModel()->selectedRows())
    symbols << m_model->symbols().value(m_proxy->mapToSource(idx).row());
  for (const QString& s : symbols) m_model->removeSymbol(s);
}

}  // namespace meridian::ui
