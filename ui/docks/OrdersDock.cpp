#include "ui/docks/OrdersDock.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "core/common/Logging.h"
#include "ui/bridge/UiBridge.h"
#include "ui/docks/TableViews.h"
#include "ui/models/OrdersModel.h"

namespace meridian::ui {

OrdersDock::OrdersDock(OrdersModel* model, QWidget* parent)
    : QDockWidget(QStringLiteral("Orders"), parent), m_model(model) {
  setObjectName(QStringLiteral("OrdersDock"));

  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);

  m_proxy = new QSortFilterProxyModel(this);
  m_proxy->setSourceModel(m_model);
  m_proxy->setSortRole(OrdersModel::SortRole);
  m_proxy->setDynamicSortFilter(true);

  m_view = new QTableView(content);
  m_view->setObjectName(QStringLiteral("ordersView"));
  m_view->setModel(m_proxy);
  configureTableView(m_view);
  m_view->sortByColumn(OrdersModel::Time, Qt::DescendingOrder);
  // Widths fit "MM-dd HH:mm:ss", a 21-character client order id and 6-digit prices at the default font.
  const QFontMetrics fm = m_view->fontMetrics();
  const auto w = [&](const char* sample) { return fm.horizontalAdvance(QString::fromLatin1(sample)) + 12; };
  m_view->setColumnWidth(OrdersModel::Time, w("00-00 00:00:00"));
  m_view->setColumnWidth(OrdersModel::Id, w("MRD-00000000-00000000"));
  m_view->setColumnWidth(OrdersModel::Symbol, w("SYMBOL"));
  m_view->setColumnWidth(OrdersModel::Side, w("SELL"));
  m_view->setColumnWidth(OrdersModel::Type, w("STP LMT"));
  m_view->setColumnWidth(OrdersModel::Qty, w("00,000"));
  m_view->setColumnWidth(OrdersModel::Filled, w("00,000"));
  m_view->setColumnWidth(OrdersModel::Limit, w("0,000.00"));
  m_view->setColumnWidth(OrdersModel::Stop, w("0,000.00"));
  m_view->setColumnWidth(OrdersModel::AvgPx, w("0,000.00"));
  m_view->setColumnWidth(OrdersModel::Status, w("Partially Filled"));
  m_view->setContextMenuPolicy(Qt::ActionsContextMenu);

  auto* cancelAction = new QAction(QStringLiteral("Cancel Selected Orders"), m_view);
  cancelAction->setShortcut(QKeySequence::Delete);
  cancelAction->setShortcutContext(Qt::WidgetShortcut);
  connect(cancelAction, &QAction::triggered, this, &OrdersDock::cancelSelected);
  m_view->addAction(cancelAction);
  m_cancelAction = cancelAction;
  m_cancelAction->setObjectName(QStringLiteral("cancelSelectedAction"));
  m_export = addCsvExportAction(m_view, QStringLiteral("Export Orders"), QStringLiteral("orders.csv"));

  auto* bar = new QHBoxLayout;
  m_summary = new QLabel(content);
  m_summary->setObjectName(QStringLiteral("ordersSummary"));
  m_cancelButton = new QPushButton(QStringLiteral("Cancel Selected"), content);
  m_cancelButton->setToolTip(QStringLiteral("Cancel the selected working orders (Delete)"));
  m_cancelButton->setFocusPolicy(Qt::TabFocus);
  auto* cancelAll = new QPushButton(QStringLiteral("Cancel All"), content);
  m_cancelAllButton = cancelAll;
  cancelAll->setToolTip(QStringLiteral("Cancel every working order (Ctrl+Shift+X)"));
  cancelAll->setFocusPolicy(Qt::TabFocus);
  connect(m_cancelButton, &QPushButton::clicked, this, &OrdersDock::cancelSelected);
  connect(cancelAll, &QPushButton::clicked, this, &OrdersDock::cancelAllRequested);
  bar->addWidget(m_summary, 1);
  bar->addWidget(m_cancelButton);
  bar->addWidget(cancelAll);

  layout->addLayout(bar);
  layout->addWidget(m_view, 1);
  setWidget(content);
  setFocusProxy(m_view);

  // Several model signals can arrive in one bridge tick: recompute the summary once, after the tick.
  connect(m_model, &QAbstractItemModel::rowsInserted, this, &OrdersDock::scheduleSummary);
  connect(m_model, &QAbstractItemModel::dataChanged, this, &OrdersDock::scheduleSummary);
  connect(m_model, &QAbstractItemModel::modelReset, this, &OrdersDock::scheduleSummary);
  connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &OrdersDock::scheduleSummary);
  updateSummary();
}

QStringList OrdersDock::selectedWorkingOrders() const {
  QStringList ids;
  for (const QModelIndex& idx : m_view->selectionModel()->selectedRows()) {
    const QModelIndex src = m_proxy->mapToSource(idx);
    if (!src.data(OrdersModel::TerminalRole).toBool()) ids << src.data(OrdersModel::ClientOrderIdRole).toString();
  }
  return ids;
}

void OrdersDock::setBridge(UiBridge* bridge, domain::Timestamp since) {
  m_historyRequest.clear();
  if (!bridge) return;
  contract::RequestOrdersHistory request;
  request.limit = kHistoryLimit;
  request.since = since;
  m_historyRequest = bridge->request(std::move(request), this,
                                     [this](std::shared_ptr<const contract::OrdersHistoryLoaded> r) {
                                       if (!r || QString::fromStdString(r->correlationId) != m_historyRequest) return;
                                       m_historyRequest.clear();
                                       if (!r->ok()) {
                                         common::logger("ui")->warn("orders history: {}", r->error);
                                         return;
                                       }
                                       if (const int added = m_model->mergeHistory(*r->orders); added > 0)
                                         common::logger("ui")->info("orders blotter: {} journaled orders restored", added);
                                       scheduleSummary();
                                     });
}

void OrdersDock::setCommandsBlocked(const QString& reason) {
  m_blockedReason = reason;
  const QString tip = QStringLiteral("Cancel the selected working orders (Delete)");
  m_cancelButton->setToolTip(reason.isEmpty() ? tip : QStringLiteral("Disabled: %1").arg(reason));
  m_cancelAction->setEnabled(reason.isEmpty());
  m_cancelAllButton->setEnabled(reason.isEmpty());
  m_cancelAllButton->setToolTip(reason.isEmpty() ? QStringLiteral("Cancel every working order (Ctrl+Shift+X)")
                                                 : QStringLiteral("Disabled: %1").arg(reason));
  updateSummary();
}

void OrdersDock::cancelSelected() {
  if (!m_blockedReason.isEmpty()) return;
  for (const QString& id : selectedWorkingOrders()) Q_EMIT cancelRequested(id);
}

void OrdersDock::exportCsv() {
  exportViewCsvInteractive(m_view, QStringLiteral("Export Orders"), QStringLiteral("orders.csv"));
}

void OrdersDock::scheduleSummary() {
  if (m_summaryPending) return;
  m_summaryPending = true;
  QMetaObject::invokeMethod(this, &OrdersDock::updateSummary, Qt::QueuedConnection);
}

void OrdersDock::updateSummary() {
  m_summaryPending = false;
  const int working = m_model->workingCount();
  m_summary->setText(QStringLiteral("%1 orders · %2 working").arg(m_model->rowCount()).arg(working));
  m_cancelButton->setEnabled(m_blockedReason.isEmpty() && !selectedWorkingOrders().isEmpty());
}

}  // namespace meridian::ui
