#pragma once
// In-app log table fed by UiBridge::logsAppended. Bounded: when a batch would exceed the capacity, the oldest
// rows are removed in ONE beginRemoveRows before the batch is inserted with ONE beginInsertRows.
#include <QAbstractTableModel>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <vector>

#include "core/common/Logging.h"

namespace meridian::ui {

class LogsModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Time, Level, Logger, Message, ColumnCount };
  static constexpr int LevelRole = Qt::UserRole + 1;  // int spdlog::level::level_enum
  static constexpr std::size_t kDefaultCapacity = 20'000;

  explicit LogsModel(std::size_t capacity = kDefaultCapacity, QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  void appendRecords(const std::vector<common::LogRecord>& records);
  void clear();

  std::size_t capacity() const { return m_capacity; }
  std::uint64_t droppedRows() const { return m_droppedRows; }
  const common::LogRecord& recordAt(int row) const { return m_rows[static_cast<std::size_t>(row)]; }

  static QString levelText(int level);

 private:
  std::deque<common::LogRecord> m_rows;
  std::size_t m_capacity;
  std::uint64_t m_droppedRows = 0;
};

}  // namespace meridian::ui
