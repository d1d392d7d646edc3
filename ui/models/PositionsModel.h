#pragma once
// Positions: rows keyed by (symbol, strategy). A PositionsSnapshot replaces the content (rows updated in place,
// vanished rows removed, new rows appended in one batch); quotes mark the positions to market between snapshots.
#include <QAbstractTableModel>
#include <QVector>

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "core/domain/Types.h"

namespace meridian::ui {

class PositionsModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Symbol, Qty, AvgCost, Last, MktValue, Unrealized, Realized, ColumnCount };
  static constexpr int SortRole = Qt::UserRole + 1;

  struct Totals {
    double marketValue = 0.0;
    double unrealized = 0.0;
    double realized = 0.0;
    int open = 0;  // positions with non-zero quantity
  };

  explicit PositionsModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  void applySnapshot(const contract::PositionsSnapshot& snapshot);
  // Updates lastPrice of matching positions with quotes newer than the position's mark.
  void applyQuotes(const QVector<domain::Quote>& quotes);

  const domain::Position& positionAt(int row) const { return m_rows[static_cast<std::size_t>(row)]; }
  Totals totals() const;

 Q_SIGNALS:
  void totalsChanged();

 private:
  static double markOf(const domain::Quote& q);
  void emitChangedRuns(std::vector<int>& rows, int firstColumn, int lastColumn);
  void rebuildSymbolIndex();

  std::vector<domain::Position> m_rows;
  std::unordered_map<std::string, std::vector<int>> m_bySymbol;  // symbol -> rows (several strategies)
};

}  // namespace meridian::ui
