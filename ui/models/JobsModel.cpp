#include "ui/models/JobsModel.h"

#include <QBrush>
#include <QFont>

#include "core/time/TimeZones.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {
namespace {

QString duration(domain::Timestamp ns) {
  const qint64 s = ns / domain::kNanosPerSecond;
  if (s < 60) return QStringLiteral("%1 s").arg(std::max<qint64>(s, 0));
  if (s < 3600) return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60);
  if (s < 86400) return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
  return QStringLiteral("%1 d %2 h").arg(s / 86400).arg((s % 86400) / 3600);
}

QString whenText(domain::Timestamp t) { return t == 0 ? QString() : format::displayTime(t, "ddd MM-dd HH:mm t"); }

}  // namespace

// ---- JobsModel ------------------------------------------------------------------------------------------------------

JobsModel::JobsModel(std::shared_ptr<const common::IClock> clock, QObject* parent)
    : QAbstractTableModel(parent), m_clock(std::move(clock)) {
  Q_ASSERT(m_clock);
}

int JobsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || !m_snapshot ? 0 : static_cast<int>(m_snapshot->jobs.size());
}

int JobsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString JobsModel::statusText(const std::string& status) {
  if (status.empty()) return QStringLiteral("Never run");
  if (status == "succeeded") return QStringLiteral("Succeeded");
  if (status == "failed") return QStringLiteral("Failed");
  if (status == "retrying") return QStringLiteral("Retrying");
  if (status == "running") return QStringLiteral("Running");
  if (status == "timed_out") return QStringLiteral("Timed out");
  if (status == "cancelled") return QStringLiteral("Cancelled");
  if (status == "abandoned") return QStringLiteral("Abandoned");
  return format::qstr(status);
}

QString JobsModel::statusText(const contract::JobState& s) {
  if (!s.configured) return QStringLiteral("Not configured");
  if (s.running) return QStringLiteral("Running (attempt %1)").arg(s.attempt);
  if (!s.enabled && s.lastStatus.empty()) return QStringLiteral("Disabled");
  return statusText(s.lastStatus);
}

QColor JobsModel::statusColor(const std::string& status) {
  if (status == "succeeded") return format::upColor();
  if (status == "failed" || status == "timed_out") return format::downColor();
  if (status == "retrying" || status == "cancelled" || status == "abandoned") return format::warnColor();
  if (status == "running") return QColor(0x1f, 0x6f, 0xd1);
  return format::mutedColor();
}

QVariant JobsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const contract::JobState& s = m_snapshot->jobs[static_cast<std::size_t>(index.row())];
  const int col = index.column();
  switch (role) {
    case Qt::DisplayRole:
      switch (col) {
        case Job: return format::qstr(s.name);
        case Schedule: return format::qstr(s.schedule);
        case CatchUp: return s.catchUp == "once" ? QStringLiteral("once at start") : QStringLiteral("none");
        case NextRun: {
          if (!s.configured) return QStringLiteral("—");
          if (!s.enabled) return QStringLiteral("disabled");
          if (s.running) return QStringLiteral("running now");
          if (s.nextRun == 0) return QStringLiteral("manual");
          const domain::Timestamp left = s.nextRun - m_clock->now();
          return left > 0 ? QStringLiteral("%1  (in %2)").arg(whenText(s.nextRun), duration(left)) : whenText(s.nextRun);
        }
        case LastStatus: return statusText(s);
        case LastRun: return whenText(s.lastStarted);
        case Message: return format::qstr(s.configured ? s.lastMessage : s.notConfiguredReason);
        default: return {};
      }
    case Qt::ForegroundRole:
      if (!s.configured) return QBrush(format::mutedColor());
      if (col == LastStatus) return QBrush(statusColor(s.running ? std::string("running") : s.lastStatus));
      return {};
    case Qt::FontRole:
      if (col == Job) {
        QFont f;
        f.setBold(true);
        return f;
      }
      return {};
    case Qt::ToolTipRole: {
      QString tip = format::qstr(s.description);
      if (!s.configured) tip += QStringLiteral("\nNot configured: %1").arg(format::qstr(s.notConfiguredReason));
      tip += QStringLiteral("\nRetries: %1, %2 s apart; timeout: %3")
                 .arg(s.retries)
                 .arg(s.retryDelayMs / 1000)
                 .arg(s.timeoutMs > 0 ? QStringLiteral("%1 s").arg(s.timeoutMs / 1000) : QStringLiteral("none"));
      tip += s.catchUp == "once" ? QStringLiteral("\nCatch-up: a run missed while Meridian was closed runs once at start")
                                 : QStringLiteral("\nCatch-up: none (a missed run is skipped)");
      if (!s.lastMessage.empty()) tip += QStringLiteral("\nLast: %1").arg(format::qstr(s.lastMessage));
      return tip;
    }
    case NameRole: return format::qstr(s.name);
    case RunnableRole: return s.configured && !s.running;
    case EnabledRole: return s.enabled;
    default: return {};
  }
}

QVariant JobsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Job: return QStringLiteral("Job");
    case Schedule: return QStringLiteral("Schedule (ET)");
    case CatchUp: return QStringLiteral("Catch-up");
    case NextRun: return QStringLiteral("Next run (%1)").arg(QString::fromLatin1(time::TimeZones::displayTimeZoneId()));
    case LastStatus: return QStringLiteral("Last status");
    case LastRun: return QStringLiteral("Last run (%1)").arg(QString::fromLatin1(time::TimeZones::displayTimeZoneId()));
    case Message: return QStringLiteral("Message");
    default: return {};
  }
}

void JobsModel::applySnapshot(const std::shared_ptr<const contract::JobsSnapshot>& snapshot) {
  if (!snapshot) return;
  bool sameJobs = m_snapshot && m_snapshot->jobs.size() == snapshot->jobs.size();
  for (std::size_t i = 0; sameJobs && i < snapshot->jobs.size(); ++i) sameJobs = m_snapshot->jobs[i].name == snapshot->jobs[i].name;
  if (sameJobs) {
    m_snapshot = snapshot;
    if (!snapshot->jobs.empty()) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    return;
  }
  beginResetModel();
  m_snapshot = snapshot;
  endResetModel();
}

int JobsModel::rowOf(const QString& name) const {
  for (int r = 0; r < rowCount(); ++r)
    if (format::qstr(m_snapshot->jobs[static_cast<std::size_t>(r)].name) == name) return r;
  return -1;
}

void JobsModel::refreshTimes() {
  if (rowCount() > 0) Q_EMIT dataChanged(index(0, NextRun), index(rowCount() - 1, NextRun), {Qt::DisplayRole});
}

// ---- JobHistoryModel ------------------------------------------------------------------------------------------------

JobHistoryModel::JobHistoryModel(QObject* parent) : QAbstractTableModel(parent) {}

int JobHistoryModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : static_cast<int>(m_rows.size()); }
int JobHistoryModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant JobHistoryModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const contract::JobRun& r = *m_rows[static_cast<std::size_t>(index.row())];
  const int col = index.column();
  switch (role) {
    case Qt::DisplayRole:
      switch (col) {
        case Started: return format::displayTime(r.startedTs, "yyyy-MM-dd HH:mm:ss");
        case Job: return format::qstr(r.jobName);
        case Status: return JobsModel::statusText(r.status);
        case Attempt: return r.attempt;
        case Duration: return r.finishedTs ? duration(*r.finishedTs - r.startedTs) : QStringLiteral("…");
        case Message: return format::qstr(r.message);
        default: return {};
      }
    case Qt::ForegroundRole:
      if (col == Status) return QBrush(JobsModel::statusColor(r.status));
      return {};
    case Qt::ToolTipRole: return format::qstr(r.message);
    case Qt::TextAlignmentRole:
      if (col == Attempt || col == Duration) return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
      return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    default: return {};
  }
}

QVariant JobHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Started: return QStringLiteral("Started (%1)").arg(QString::fromLatin1(time::TimeZones::displayTimeZoneId()));
    case Job: return QStringLiteral("Job");
    case Status: return QStringLiteral("Status");
    case Attempt: return QStringLiteral("Attempt");
    case Duration: return QStringLiteral("Duration");
    case Message: return QStringLiteral("Message");
    default: return {};
  }
}

void JobHistoryModel::applySnapshot(const std::shared_ptr<const contract::JobsSnapshot>& snapshot) {
  if (!snapshot) return;
  m_snapshot = snapshot;
  rebuild();
}

void JobHistoryModel::setFilterJob(const QString& name) {
  if (name == m_filter) return;
  m_filter = name;
  rebuild();
}

void JobHistoryModel::rebuild() {
  beginResetModel();
  m_rows.clear();
  if (m_snapshot) {
    const std::string filter = m_filter.toStdString();
    for (const auto& r : m_snapshot->history)
      if (filter.empty() || r.jobName == filter) m_rows.push_back(&r);
  }
  endResetModel();
}

}  // namespace meridian::ui
