#pragma once
// Backtest history rows: runs completed in this session (kept in memory, re-showable) and runs saved in the run
// store (analytics.backtest_runs, listed through the BacktestService). Most recent first.
#include <QAbstractTableModel>
#include <QString>
#include <QVector>

#include <memory>
#include <vector>

#include "core/contract/Backtest.h"

namespace meridian::ui {

struct BacktestHistoryEntry {
  bool saved = false;          // from the run store (else: this session)
  std::int64_t savedId = 0;    // run store id (also set for session runs that were saved)
  domain::Timestamp createdTs = 0;
  contract::BacktestKind kind = contract::BacktestKind::Backtest;
  QString strategy;
  QString params;
  QString symbols;
  domain::Timestamp startTs = 0;
  domain::Timestamp endTs = 0;
  double finalValue = 0.0;
  double totalReturn = 0.0;
  double sharpe = 0.0;
  double maxDrawdown = 0.0;
  qint64 trades = 0;
  std::shared_ptr<const contract::BacktestFinished> finished;  // session runs: the result to show again

  static BacktestHistoryEntry fromFinished(const std::shared_ptr<const contract::BacktestFinished>& f,
                                           domain::Timestamp createdTs);
  static BacktestHistoryEntry fromSummary(const contract::BacktestRunSummary& r);
};

class BacktestHistoryModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Source, Created, Kind, Strategy, Params, Symbols, Period, FinalValue, Return, Sharpe, MaxDrawdown,
                Trades, ColumnCount };
  static constexpr int SortRole = Qt::UserRole + 1;

  explicit BacktestHistoryModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  // Session runs first replace the rows; saved runs are merged (a saved run already listed as a session run
  // with the same id is not repeated).
  void setEntries(QVector<BacktestHistoryEntry> session, const std::vector<contract::BacktestRunSummary>& saved);
  const BacktestHistoryEntry& entryAt(int row) const { return m_rows[row]; }
  int savedCount() const;
  int sessionCount() const;

 private:
  QVector<BacktestHistoryEntry> m_rows;
};

}  // namespace meridian::ui
