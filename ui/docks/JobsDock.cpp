#include "ui/docks/JobsDock.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QResizeEvent>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/docks/TableViews.h"
#include "ui/models/Formatting.h"
#include "ui/models/JobsModel.h"
#include "core/time/TimeZones.h"

namespace meridian::ui {

JobsDock::JobsDock(std::shared_ptr<const common::IClock> clock, QWidget* parent)
    : QDockWidget(QStringLiteral("Jobs"), parent) {
  setObjectName(QStringLiteral("JobsDock"));
  m_model = new JobsModel(std::move(clock), this);
  m_history = new JobHistoryModel(this);

  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);

  auto* bar = new QHBoxLayout;
  m_status = new QLabel(content);
  m_status->setObjectName(QStringLiteral("jobsStatus"));
  m_status->setWordWrap(true);
  m_runNow = new QPushButton(QStringLiteral("&Run Now"), content);
  m_runNow->setObjectName(QStringLiteral("jobsRunNow"));
  m_runNow->setToolTip(QStringLiteral("Run the selected job now (Ctrl+R, or Enter on the row)"));
  m_runNow->setEnabled(false);
  connect(m_runNow, &QPushButton::clicked, this, &JobsDock::runSelectedNow);
  bar->addWidget(m_status, 1);
  bar->addWidget(m_runNow);

  m_view = new QTableView(content);
  m_view->setObjectName(QStringLiteral("jobsView"));
  m_view->setModel(m_model);
  configureTableView(m_view, /*sortable=*/false);
  m_view->setSelectionMode(QAbstractItemView::SingleSelection);
  m_view->setColumnWidth(JobsModel::Job, 115);
  m_view->setColumnWidth(JobsModel::Schedule, 170);
  m_view->setColumnWidth(JobsModel::CatchUp, 100);
  m_view->setColumnWidth(JobsModel::NextRun, 235);
  m_view->setColumnWidth(JobsModel::LastStatus, 105);
  m_view->setColumnWidth(JobsModel::LastRun, 135);
  connect(m_view, &QTableView::activated, this, &JobsDock::runSelectedNow);
  connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &JobsDock::onSelectionChanged);
  connect(m_model, &QAbstractItemModel::modelReset, this, &JobsDock::onSelectionChanged);
  connect(m_model, &QAbstractItemModel::dataChanged, this, &JobsDock::onSelectionChanged);

  auto* runAction = new QAction(QStringLiteral("Run Selected Job Now"), this);
  runAction->setObjectName(QStringLiteral("actionRunJobNow"));
  runAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
  runAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  connect(runAction, &QAction::triggered, this, &JobsDock::runSelectedNow);
  addAction(runAction);
  m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
  m_view->addAction(runAction);

  auto* historyBox = new QWidget(content);
  auto* hl = new QVBoxLayout(historyBox);
  hl->setContentsMargins(0, 0, 0, 0);
  hl->setSpacing(2);
  m_historyLabel = new QLabel(QStringLiteral("Run history"), historyBox);
  m_historyLabel->setObjectName(QStringLiteral("jobsHistoryLabel"));
  QFont bold = m_historyLabel->font();
  bold.setBold(true);
  m_historyLabel->setFont(bold);
  m_historyView = new QTableView(historyBox);
  m_historyView->setObjectName(QStringLiteral("jobsHistoryView"));
  m_historyView->setModel(m_history);
  configureTableView(m_historyView, /*sortable=*/false);
  m_historyView->setColumnWidth(JobHistoryModel::Started, 140);
  m_historyView->setColumnWidth(JobHistoryModel::Job, 115);
  m_historyView->setColumnWidth(JobHistoryModel::Status, 100);
  m_historyView->setColumnWidth(JobHistoryModel::Attempt, 64);
  m_historyView->setColumnWidth(JobHistoryModel::Duration, 90);
  hl->addWidget(m_historyLabel);
  hl->addWidget(m_historyView, 1);

  m_split = new QSplitter(Qt::Vertical, content);
  m_split->setChildrenCollapsible(false);
  m_split->addWidget(m_view);
  m_split->addWidget(historyBox);
  m_split->setStretchFactor(0, 3);
  m_split->setStretchFactor(1, 2);

  layout->addLayout(bar);
  layout->addWidget(m_split, 1);
  setWidget(content);
  setFocusProxy(m_view);

  m_refresh.setInterval(15'000);
  connect(&m_refresh, &QTimer::timeout, m_model, &JobsModel::refreshTimes);
  m_refresh.start();
  updateStatus();
}

void JobsDock::resizeEvent(QResizeEvent* event) {
  QDockWidget::resizeEvent(event);
  m_split->setOrientation(width() > 2 * height() ? Qt::Horizontal : Qt::Vertical);
}

QString JobsDock::selectedJob() const { return selectedRowData(m_view, JobsModel::NameRole).toString(); }

void JobsDock::selectJob(const QString& name) { selectModelRow(m_view, m_model->rowOf(name)); }

void JobsDock::onJobsUpdated(const std::shared_ptr<const contract::JobsSnapshot>& snapshot) {
  if (!snapshot) return;
  const QString selected = selectedJob();
  m_model->applySnapshot(snapshot);
  m_history->applySnapshot(snapshot);
  if (!selected.isEmpty() && selectedJob() != selected) selectJob(selected);
  updateStatus();
}

void JobsDock::onSelectionChanged() {
  const QString job = selectedJob();
  m_history->setFilterJob(job);
  m_historyLabel->setText(job.isEmpty() ? QStringLiteral("Run history — all jobs") : QStringLiteral("Run history — %1").arg(job));
  m_runNow->setEnabled(selectedRowData(m_view, JobsModel::RunnableRole).toBool());
}

void JobsDock::runSelectedNow() {
  const QModelIndexList rows = m_view->selectionModel()->selectedRows();
  if (rows.isEmpty() || !rows.first().data(JobsModel::RunnableRole).toBool()) return;
  const QString name = rows.first().data(JobsModel::NameRole).toString();
  if (!rows.first().data(JobsModel::EnabledRole).toBool()) {
    // A disabled job is off on purpose (jobs.<name>.enabled=false): running it takes a second thought.
    QMessageBox box(QMessageBox::Question, QStringLiteral("Run a disabled job?"),
                    QStringLiteral("Job '%1' is disabled (jobs.%1.enabled=false), so it never runs on its schedule.\n\n"
                                   "Run it once now anyway?").arg(name),
                    QMessageBox::Yes | QMessageBox::Cancel, this);
    box.setObjectName(QStringLiteral("confirmRunDisabledJob"));
    box.setDefaultButton(QMessageBox::Cancel);
    if (box.exec() != QMessageBox::Yes) return;
  }
  Q_EMIT runNowRequested(name);
}

void JobsDock::updateStatus() {
  const auto snap = m_model->snapshot();
  if (!snap) {
    m_status->setText(QStringLiteral("No data yet — the job scheduler has not published its state (sys.jobs)."));
    return;
  }
  int notConfigured = 0, failing = 0, running = 0;
  for (const auto& j : snap->jobs) {
    notConfigured += j.configured ? 0 : 1;
    failing += (j.lastStatus == "failed" || j.lastStatus == "timed_out") ? 1 : 0;
    running += j.running ? 1 : 0;
  }
  QStringList parts;
  parts << QStringLiteral("%1 job(s)").arg(snap->jobs.size());
  if (running) parts << QStringLiteral("%1 running").arg(running);
  if (failing) parts << QStringLiteral("<span style='color:%1'>%2 failed</span>").arg(format::downColor().name()).arg(failing);
  if (notConfigured) parts << QStringLiteral("%1 not configured").arg(notConfigured);
  parts << QStringLiteral("times in %1, schedules in ET (America/New_York)").arg(QString::fromLatin1(time::TimeZones::displayTimeZoneId()));
  m_status->setText(parts.join(QStringLiteral(" · ")));
}

}  // namespace meridian::ui
