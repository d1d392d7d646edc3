#pragma once
// Jobs dock models, fed by UiBridge::jobsUpdated (the scheduler's immutable JobsSnapshot, latest wins).
//   JobsModel        one row per job (registration order): schedule, next run (display tz), last status, message
//   JobHistoryModel  recent runs, most recent first; filterJob() restricts it to one job
// An unchanged job list is updated with one dataChanged over every row; a changed list resets the model.
#include <QAbstractTableModel>
#include <QString>

#include <memory>

#include "core/common/Clock.h"
#include "core/contract/Jobs.h"

namespace meridian::ui {

class JobsModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Job, Schedule, CatchUp, NextRun, LastStatus, LastRun, Message, ColumnCount };
  static constexpr int NameRole = Qt::UserRole + 1;        // QString job name
  static constexpr int RunnableRole = Qt::UserRole + 2;    // bool: configured and not running
  static constexpr int EnabledRole = Qt::UserRole + 3;     // bool: scheduled (jobs.<name>.enabled)

  // `clock` (required) is the process's clock: "next run in 2 h 13 min" counts down on the scheduler's time.
  explicit JobsModel(std::shared_ptr<const common::IClock> clock, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  void applySnapshot(const std::shared_ptr<const contract::JobsSnapshot>& snapshot);
  bool hasData() const { return static_cast<bool>(m_snapshot); }
  std::shared_ptr<const contract::JobsSnapshot> snapshot() const { return m_snapshot; }
  int rowOf(const QString& name) const;
  // Relative times ("in 2 h 13 min") are computed when painted: call periodically to refresh them.
  void refreshTimes();

  // "Succeeded", "Failed", "Retrying", "Running", "Timed out", "Cancelled", "Abandoned", "Not configured", "Never run",
  // "Disabled"
  static QString statusText(const contract::JobState& s);
  static QString statusText(const std::string& status);
  static QColor statusColor(const std::string& status);

 private:
  std::shared_ptr<const common::IClock> m_clock;
  std::shared_ptr<const contract::JobsSnapshot> m_snapshot;
};

class JobHistoryModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Started, Job, Status, Attempt, Duration, Message, ColumnCount };

  explicit JobHistoryModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  void applySnapshot(const std::shared_ptr<const contract::JobsSnapshot>& snapshot);
  // Empty = every job.
  void setFilterJob(const QString& name);
  QString filterJob() const { return m_filter; }

 private:
  void rebuild();
  std::shared_ptr<const contract::JobsSnapshot> m_snapshot;
  std::vector<const contract::JobRun*> m_rows;  // into m_snapshot
  QString m_filter;
};

}  // namespace meridian::ui
