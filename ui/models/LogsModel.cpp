#include "ui/models/LogsModel.h"

#include <QBrush>

#include <algorithm>

#include "core/time/TimeZones.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {

LogsModel::LogsModel(std::size_t capacity, QObject* parent)
    : QAbstractTableModel(parent), m_capacity(std::max<std::size_t>(capacity, 1)) {}

int LogsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int LogsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString LogsModel::levelText(int level) {
  switch (level) {
    case spdlog::level::trace: return QStringLiteral("TRACE");
    case spdlog::level::debug: return QStringLiteral("DEBUG");
    case spdlog::level::info: return QStringLiteral("INFO");
    case spdlog::level::warn: return QStringLiteral("WARN");
    case spdlog::level::err: return QStringLiteral("ERROR");
    case spdlog::level::critical: return QStringLiteral("CRIT");
    default: return QStringLiteral("OFF");
  }
}

QVariant LogsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const common::LogRecord& r = m_rows[static_cast<std::size_t>(index.row())];
  switch (role) {
    case Qt::DisplayRole:
      switch (index.column()) {
        case Time: return format::displayTime(r.ts, "HH:mm:ss.zzz");
        case Level: return levelText(r.level);
        case Logger: return format::qstr(r.logger);
        case Message: return format::qstr(r.message);
        default: return {};
      }
    case Qt::ToolTipRole:
      if (index.column() == Time) return format::displayTime(r.ts, "yyyy-MM-dd HH:mm:ss.zzz t");
      if (index.column() == Message) return format::qstr(r.message);
      return {};
    case Qt::ForegroundRole:
      if (r.level >= spdlog::level::err) return QBrush(format::downColor());
      if (r.level == spdlog::level::warn) return QBrush(format::warnColor());
      if (r.level <= spdlog::level::debug) return QBrush(format::mutedColor());
      return {};
    case LevelRole: return static_cast<int>(r.level);
    default: return {};
  }
}

QVariant LogsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* const kNames[ColumnCount] = {"Time", "Level", "Logger", "Message"};
  return (section >= 0 && section < ColumnCount) ? QString::fromLatin1(kNames[section]) : QVariant();
}

void LogsModel::appendRecords(const std::vector<common::LogRecord>& records) {
  if (records.empty()) return;
  // Only the newest `capacity` records of the batch can survive.
  const std::size_t take = std::min(records.size(), m_capacity);
  const std::size_t skip = records.size() - take;
  m_droppedRows += skip;

  const std::size_t overflow = m_rows.size() + take > m_capacity ? m_rows.size() + take - m_capacity : 0;
  if (overflow > 0) {
    beginRemoveRows({}, 0, static_cast<int>(overflow) - 1);
    m_rows.erase(m_rows.begin(), m_rows.begin() + static_cast<std::ptrdiff_t>(overflow));
    endRemoveRows();
    m_droppedRows += overflow;
  }
  const int first = static_cast<int>(m_rows.size());
  beginInsertRows({}, first, first + static_cast<int>(take) - 1);
  m_rows.insert(m_rows.end(), records.begin() + static_cast<std::ptrdiff_t>(skip), records.end());
  endInsertRows();
}

void LogsModel::clear() {
  beginResetModel();
  m_rows.clear();
  endResetModel();
}

}  // namespace meridian::ui
