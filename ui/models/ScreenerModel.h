#pragma once
// ScreenerModel: the rows of one screener result (core/screener ScreenerResult), one column per screener::Column.
// Sorting is the model's own sort() with the screener's order (unknown values last in both directions, ties by
// symbol), so the table, the CLI and saved presets agree. ExportRole (ui/models/CsvExport.h) gives the
// machine-readable cell text (screener::exportText: numbers at full precision, the shortest text that reads back to the same
// double; display rounding is for the screen only), the same as `meridian-cli screen --csv`.
#include <QAbstractTableModel>

#include <memory>
#include <vector>

#include "core/screener/Screener.h"

namespace meridian::ui {

class ScreenerModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  static constexpr int SortRole = Qt::UserRole + 1;  // raw number (unknown = invalid QVariant)

  explicit ScreenerModel(QObject* parent = nullptr);

  // Replaces every row (one model reset); keeps the current sort column / order.
  void setResult(std::shared_ptr<const screener::ScreenerResult> result);
  void clear();
  std::shared_ptr<const screener::ScreenerResult> result() const { return m_result; }
  const screener::SymbolMetrics& rowAt(int row) const { return m_rows[static_cast<std::size_t>(row)]; }
  QString symbolAt(int row) const;
  screener::Column sortColumn() const { return m_sortColumn; }
  bool sortDescending() const { return m_descending; }

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;

 private:
  std::shared_ptr<const screener::ScreenerResult> m_result;
  std::vector<screener::SymbolMetrics> m_rows;  // sorted copy of m_result->rows
  screener::Column m_sortColumn = screener::Column::Symbol;
  bool m_descending = false;
};

}  // namespace meridian::ui
