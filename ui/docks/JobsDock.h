#pragma once
// JobsDock ("JobsDock"): the scheduler's jobs (schedule, next run in the display time zone, last status) and the run
// history of the selected job. "Run Now" (button, Ctrl+R in the dock, or Enter on a row) emits runNowRequested; the
// MainWindow turns it into a RunJobNow command. Jobs without an injected action show "Not configured" and cannot
// be run. Until a scheduler publishes its contract::JobsSnapshot the dock says that no data has arrived yet.
#include <QDockWidget>
#include <QTimer>

#include <memory>

#include "core/common/Clock.h"
#include "core/contract/Jobs.h"

class QLabel;
class QSplitter;
class QPushButton;
class QTableView;

namespace meridian::ui {

class JobHistoryModel;
class JobsModel;

class JobsDock : public QDockWidget {
  Q_OBJECT

 public:
  // `clock`: the process's clock, for the "next run in …" countdown (see JobsModel).
  explicit JobsDock(std::shared_ptr<const common::IClock> clock, QWidget* parent = nullptr);

  JobsModel* model() const { return m_model; }
  JobHistoryModel* historyModel() const { return m_history; }
  QTableView* view() const { return m_view; }
  QTableView* historyView() const { return m_historyView; }
  QPushButton* runNowButton() const { return m_runNow; }
  QLabel* statusLabel() const { return m_status; }
  QString selectedJob() const;
  void selectJob(const QString& name);

 public Q_SLOTS:
  void onJobsUpdated(const std::shared_ptr<const meridian::contract::JobsSnapshot>& snapshot);
  void runSelectedNow();

 Q_SIGNALS:
  void runNowRequested(const QString& jobName);

 private Q_SLOTS:
  void onSelectionChanged();

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void updateStatus();

  JobsModel* m_model = nullptr;
  JobHistoryModel* m_history = nullptr;
  QTableView* m_view = nullptr;
  QTableView* m_historyView = nullptr;
  QPushButton* m_runNow = nullptr;
  QLabel* m_status = nullptr;
  QLabel* m_historyLabel = nullptr;
  QSplitter* m_split = nullptr;  // side by side when the dock is wide and short, stacked otherwise
  QTimer m_refresh;
};

}  // namespace meridian::ui
