#pragma once
// Closed round-trip trades of one backtest (or of a walk-forward's out-of-sample windows), in entry order.
// Sort through a QSortFilterProxyModel using SortRole (raw numbers / timestamps). writeCsv exports every row.
#include <QAbstractTableModel>

#include <memory>
#include <vector>

#include "core/analytics/TradeRecord.h"

namespace meridian::ui {

class BacktestTradesModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Number, Symbol, Side, Qty, EntryDate, EntryPrice, ExitDate, ExitPrice, Pnl, Return, Bars, Commission,
                ColumnCount };
  static constexpr int SortRole = Qt::UserRole + 1;

  explicit BacktestTradesModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  // `owner` keeps the trades alive (the immutable result they belong to); no copy is made.
  void setTrades(std::shared_ptr<const void> owner, const std::vector<analytics::TradeRecord>* trades);
  void clear();
  const analytics::TradeRecord& tradeAt(int row) const { return (*m_trades)[static_cast<std::size_t>(row)]; }

  // Header plus one line per trade (dates YYYY-MM-DD, plain numbers) through csv::writeRows (RFC 4180 quoting).
  // Returns false with *error on failure.
  bool writeCsv(const QString& path, QString* error = nullptr) const;

 private:
  std::shared_ptr<const void> m_owner;
  const std::vector<analytics::TradeRecord>* m_trades = nullptr;
};

}  // namespace meridian::ui
