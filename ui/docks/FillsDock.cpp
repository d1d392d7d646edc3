#include "ui/docks/FillsDock.h"

#include <QAction>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/bridge/UiBridge.h"
#include "ui/docks/TableViews.h"
#include "ui/models/FillsModel.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {

FillsDock::FillsDock(FillsModel* model, QWidget* parent) : QDockWidget(QStringLiteral("Fills"), parent), m_model(model) {
  setObjectName(QStringLiteral("FillsDock"));

  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);

  m_summary = new QLabel(content);
  m_summary->setObjectName(QStringLiteral("fillsSummary"));

  m_proxy = new QSortFilterProxyModel(this);
  m_proxy->setSourceModel(m_model);
  m_proxy->setSortRole(FillsModel::SortRole);
  m_proxy->setDynamicSortFilter(true);

  m_view = new QTableView(content);
  m_view->setObjectName(QStringLiteral("fillsView"));
  m_view->setModel(m_proxy);
  configureTableView(m_view);
  // Newest first; the proxy's sort is stable, so fills of the same millisecond keep the model's newest-first order.
  m_view->sortByColumn(FillsModel::Time, Qt::DescendingOrder);
  const QFontMetrics fm = m_view->fontMetrics();
  const auto w = [&](const char* sample) { return fm.horizontalAdvance(QString::fromLatin1(sample)) + 12; };
  m_view->setColumnWidth(FillsModel::Time, w("00-00 00:00:00"));
  m_view->setColumnWidth(FillsModel::Symbol, w("SYMBOL"));
  m_view->setColumnWidth(FillsModel::Side, w("SELL"));
  m_view->setColumnWidth(FillsModel::Qty, w("00,000"));
  m_view->setColumnWidth(FillsModel::Price, w("0,000.00"));
  m_view->setColumnWidth(FillsModel::Notional, w("-000,000.00"));
  m_view->setColumnWidth(FillsModel::Commission, w("Commission"));
  m_view->setColumnWidth(FillsModel::OrderId, w("MRD-00000000-00000000"));
  m_view->setColumnWidth(FillsModel::FillId, w("MRD-00000000-00000000"));
  m_export = addCsvExportAction(m_view, QStringLiteral("Export Fills"), QStringLiteral("fills.csv"));

  layout->addWidget(m_summary);
  layout->addWidget(m_view, 1);
  setWidget(content);
  setFocusProxy(m_view);

  connect(m_model, &QAbstractItemModel::rowsInserted, this, &FillsDock::scheduleSummary);
  connect(m_model, &QAbstractItemModel::rowsRemoved, this, &FillsDock::scheduleSummary);
  connect(m_model, &QAbstractItemModel::modelReset, this, &FillsDock::scheduleSummary);
  updateSummary();
}

void FillsDock::setBridge(UiBridge* bridge) {
  m_historyRequest.clear();
  m_historyError.clear();
  if (bridge) {
    contract::RequestFillsHistory request;
    request.limit = static_cast<std::size_t>(m_model->capacity());
    m_historyRequest = bridge->request(std::move(request), this,
                                       [this](std::shared_ptr<const contract::FillsHistoryLoaded> r) {
                                         onFillsHistoryLoaded(std::move(r));
                                       });
  }
  scheduleSummary();
}

void FillsDock::onFillsHistoryLoaded(std::shared_ptr<const contract::FillsHistoryLoaded> result) {
  if (!result || QString::fromStdString(result->correlationId) != m_historyRequest) return;  // not (or no longer) ours
  m_historyRequest.clear();
  int added = 0;
  if (result->ok()) {
    added = m_model->mergeHistory(*result->fills);
  } else {
    m_historyError = QString::fromStdString(result->error);
  }
  scheduleSummary();
  Q_EMIT historyMerged(added, static_cast<int>(result->fills->size()));
}

void FillsDock::exportCsv() { exportViewCsvInteractive(m_view, QStringLiteral("Export Fills"), QStringLiteral("fills.csv")); }

void FillsDock::scheduleSummary() {
  if (m_summaryPending) return;
  m_summaryPending = true;
  QMetaObject::invokeMethod(this, &FillsDock::updateSummary, Qt::QueuedConnection);
}

void FillsDock::updateSummary() {
  m_summaryPending = false;
  double bought = 0.0, sold = 0.0, commission = 0.0;
  const int n = m_model->rowCount();
  for (int r = 0; r < n; ++r) {
    const domain::Fill& f = m_model->fillAt(r);
    (f.side == domain::Side::Buy ? bought : sold) += f.quantity * f.price;
    commission += f.commission;
  }
  QString text = QStringLiteral("%1 fills · bought %2 · sold %3 · commission %4")
                     .arg(n)
                     .arg(format::money(bought), format::money(sold), format::money(commission));
  if (isHistoryLoading())
    text += QStringLiteral(" · loading earlier fills…");
  else if (!m_historyError.isEmpty())
    text += QStringLiteral(" · earlier fills not loaded");
  m_summary->setText(text);
  m_summary->setToolTip(m_historyError);
}

}  // namespace meridian::ui
