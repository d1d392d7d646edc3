#include "ui/dialogs/BacktestHistoryDialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/bridge/UiBridge.h"
#include "ui/docks/TableViews.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {

BacktestHistoryDialog::BacktestHistoryDialog(UiBridge* bridge, QWidget* parent) : QDialog(parent), m_bridge(bridge) {
  setObjectName(QStringLiteral("BacktestHistoryDialog"));
  setWindowTitle(QStringLiteral("Backtest History"));
  setModal(false);
  auto* layout = new QVBoxLayout(this);
  m_status = new QLabel(this);
  m_status->setObjectName(QStringLiteral("historyStatus"));
  m_status->setWordWrap(true);
  m_model = new BacktestHistoryModel(this);
  m_proxy = new QSortFilterProxyModel(this);
  m_proxy->setSourceModel(m_model);
  m_proxy->setSortRole(BacktestHistoryModel::SortRole);
  m_view = new QTableView(this);
  m_view->setObjectName(QStringLiteral("historyView"));
  m_view->setModel(m_proxy);
  configureTableView(m_view);
  m_view->setSelectionMode(QAbstractItemView::SingleSelection);
  m_view->sortByColumn(BacktestHistoryModel::Created, Qt::DescendingOrder);
  connect(m_view, &QTableView::activated, this, &BacktestHistoryDialog::onActivated);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
  connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
  layout->addWidget(m_status);
  layout->addWidget(m_view, 1);
  layout->addWidget(buttons);
  resize(1000, 420);

  m_timeout.setSingleShot(true);
  m_timeout.setInterval(kAnswerTimeoutMs);
  connect(&m_timeout, &QTimer::timeout, this, &BacktestHistoryDialog::onTimeout);

}

void BacktestHistoryDialog::refresh(QVector<BacktestHistoryEntry> session) {
  m_session = std::move(session);
  m_model->setEntries(m_session, {});
  m_view->resizeColumnsToContents();
  if (!m_bridge) {
    updateStatus(QStringLiteral("Saved runs are not available."));
    return;
  }
  m_correlationId = m_bridge->request(contract::ListBacktestRuns{{}, 500}, this,
                                     [this](std::shared_ptr<const contract::BacktestRunsListed> r) { onRunsListed(r); });
  updateStatus(QStringLiteral("Loading saved runs…"));
  m_timeout.start();
}

void BacktestHistoryDialog::onRunsListed(const std::shared_ptr<const contract::BacktestRunsListed>& runs) {
  if (!runs || m_correlationId.isEmpty() || format::qstr(runs->correlationId) != m_correlationId) return;
  m_correlationId.clear();
  m_timeout.stop();
  if (!runs->error.empty()) {
    m_model->setEntries(m_session, {});
    updateStatus(QStringLiteral("Saved runs unavailable: %1").arg(format::qstr(runs->error)));
  } else {
    m_model->setEntries(m_session, runs->runs);
    const auto total = static_cast<int>(runs->runs.size());
    const int listed = m_model->savedCount();
    updateStatus(total == listed ? QStringLiteral("%1 saved run(s).").arg(total)
                                 : QStringLiteral("%1 saved run(s), %2 of them from this session.").arg(total).arg(total - listed));
  }
  m_view->resizeColumnsToContents();
}

void BacktestHistoryDialog::onTimeout() {
  if (m_correlationId.isEmpty()) return;
  m_correlationId.clear();
  updateStatus(QStringLiteral("No answer from the backtest service about saved runs."));
}

void BacktestHistoryDialog::updateStatus(const QString& savedNote) {
  const int n = m_session.size();
  m_status->setText(QStringLiteral("%1 run(s) completed in this session%2. %3")
                        .arg(n)
                        .arg(n ? QStringLiteral(" (double-click one to show it again)") : QString())
                        .arg(savedNote));
}

void BacktestHistoryDialog::onActivated(const QModelIndex& index) {
  const QModelIndex src = m_proxy->mapToSource(index);
  if (!src.isValid()) return;
  const BacktestHistoryEntry& e = m_model->entryAt(src.row());
  if (e.finished) Q_EMIT showRunRequested(e.finished);
}

}  // namespace meridian::ui
