#pragma once
// Watchlist: an editable list of symbols with their latest quote. Quotes for every symbol are remembered
// (one small struct per symbol), so a symbol added later shows data at once. Chg% is against the previous
// session's close when bars for two sessions were seen, else against the first bar's open of the session;
// Volume is the session volume summed from bars.
#include <QAbstractTableModel>
#include <QHash>
#include <QStringList>
#include <QVector>

#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Strategy.h"
#include "core/domain/Types.h"

namespace meridian::ui {

class WatchlistModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Symbol, Bid, Ask, Last, ChgPct, Volume, ColumnCount };
  static constexpr int SortRole = Qt::UserRole + 1;

  explicit WatchlistModel(QObject* parent = nullptr);

  static QStringList defaultSymbols();  // AAPL, MSFT, NVDA, AMZN, SPY, QQQ (the simulated market's)
  static bool isValidSymbol(const QString& symbol);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
  bool removeRows(int row, int count, const QModelIndex& parent = {}) override;

  QStringList symbols() const { return m_symbols; }
  void setSymbols(const QStringList& symbols);
  // Upper-cases and validates; false when invalid or already present.
  bool addSymbol(const QString& symbol);
  bool removeSymbol(const QString& symbol);
  int rowOf(const QString& symbol) const { return m_rowOf.value(symbol, -1); }

  void applyQuotes(const QVector<domain::Quote>& quotes);
  void applyBars(const QVector<contract::BarClosed>& bars);
  // Stored minute bars of `symbol` (oldest first), for a window that starts or attaches during a session: Chg%'s
  // reference and the session Volume then include what traded before the first live bar this window saw (bars at or
  // after it are already counted and ignored here).
  void mergeHistoryBars(const QString& symbol, const std::vector<domain::Bar>& bars);
  double sessionVolume(const QString& symbol) const { return m_data.value(symbol).sessionVolume; }

 private:
  struct Row {
    double bid = 0.0;
    double ask = 0.0;
    double last = 0.0;
    double reference = 0.0;     // previous close (or session open) for Chg%
    double sessionVolume = 0.0;
    qint64 sessionDay = 0;      // exchange-date julian day of sessionVolume
    double lastBarClose = 0.0;
    domain::Timestamp quoteTs = 0;
    domain::Timestamp barTs = 0;
    domain::Timestamp firstLiveTs = 0;  // the first bar applyBars counted
  };
  // One bar into a row's session statistics; false when it is older than the row's latest bar.
  static bool accumulate(Row& r, const domain::Bar& bar);
  double changePct(const Row& r) const;
  void emitRowsChanged(QVector<int>& rows);
  void rebuildRowIndex();

  QStringList m_symbols;
  QHash<QString, int> m_rowOf;
  QHash<QString, Row> m_data;  // every symbol seen, not only the listed ones
};

}  // namespace meridian::ui
