#include "ui/models/LogsFilterModel.h"

#include "ui/models/LogsModel.h"

namespace meridian::ui {

LogsFilterModel::LogsFilterModel(QObject* parent) : QSortFilterProxyModel(parent) {
  setDynamicSortFilter(true);
}

void LogsFilterModel::setMinimumLevel(int level) {
  if (level == m_minimumLevel) return;
  m_minimumLevel = level;
  invalidateRowsFilter();
}

void LogsFilterModel::setText(const QString& text) {
  const QString t = text.trimmed();
  if (t == m_text) return;
  m_text = t;
  invalidateRowsFilter();
}

bool LogsFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
  const QAbstractItemModel* src = sourceModel();
  if (!src) return true;
  const int level = src->index(sourceRow, LogsModel::Level, sourceParent).data(LogsModel::LevelRole).toInt();
  if (level < m_minimumLevel) return false;
  if (m_text.isEmpty()) return true;
  return src->index(sourceRow, LogsModel::Message, sourceParent).data().toString().contains(m_text, Qt::CaseInsensitive) ||
         src->index(sourceRow, LogsModel::Logger, sourceParent).data().toString().contains(m_text, Qt::CaseInsensitive);
}

}  // namespace meridian::ui
