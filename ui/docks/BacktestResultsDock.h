#pragma once
// BacktestResultsDock (objectName "BacktestResultsDock"): the outcome of backtests run from the Backtest menu.
// Tabs: Summary (metrics with the buy-and-hold benchmark's return, alpha and beta; equity chart with the
// benchmark line; drawdown chart), Trades (sortable, CSV export), Monthly returns (heatmap), Optimization (a score
// heatmap over two grid parameters when the grid has two, and one row per parameter combination; double-click a
// cell or a row runs that combination as a backtest) and Walk-forward (stitched out-of-sample equity and
// drawdown, per-window table with the walk-forward efficiency). A new backtest replaces Summary/Trades/Monthly, a
// new optimization the Optimization tab, a new walk-forward its tab.
// Everything shown is an immutable result shared with the core (no copies of curves or trades).
#include <QDockWidget>

#include <memory>

#include "core/contract/Backtest.h"
#include "ui/widgets/CandleView.h"

class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QTabWidget;
class QTableView;

namespace meridian::ui {

class BacktestMetricsModel;
class BacktestTradesModel;
class EquityChartView;
class MonthlyReturnsHeatmap;
class OptimizationRunsModel;
class ParamHeatmap;
class WalkForwardModel;

class BacktestResultsDock : public QDockWidget {
  Q_OBJECT

 public:
  enum Tab { SummaryTab, TradesTab, MonthlyTab, OptimizationTab, WalkForwardTab };

  explicit BacktestResultsDock(QWidget* parent = nullptr);

  // Shows a successful BacktestFinished (failed ones are ignored: the dialog reports them).
  void showFinished(const std::shared_ptr<const contract::BacktestFinished>& finished);
  void clear();
  bool hasResults() const;

  backtest::BacktestResultPtr result() const { return m_result; }
  std::shared_ptr<const contract::BacktestFinished> lastBacktest() const { return m_backtest; }
  std::shared_ptr<const contract::BacktestFinished> lastOptimization() const { return m_optimization; }
  std::shared_ptr<const contract::BacktestFinished> lastWalkForward() const { return m_walkForward; }

  QTabWidget* tabs() const { return m_tabs; }
  QLabel* summaryLabel() const { return m_summary; }
  BacktestMetricsModel* metricsModel() const { return m_metrics; }
  BacktestTradesModel* tradesModel() const { return m_trades; }
  OptimizationRunsModel* optimizationModel() const { return m_optimizationModel; }
  WalkForwardModel* walkForwardModel() const { return m_walkForwardModel; }
  QTableView* tradesView() const { return m_tradesView; }
  QTableView* optimizationView() const { return m_optimizationView; }
  QTableView* walkForwardView() const { return m_walkForwardView; }
  QPushButton* exportTradesButton() const { return m_exportTrades; }
  EquityChartView* equityChart() const { return m_equityChart; }
  EquityChartView* drawdownChart() const { return m_drawdownChart; }
  MonthlyReturnsHeatmap* heatmap() const { return m_heatmap; }
  ParamHeatmap* paramHeatmap() const { return m_paramHeatmap; }
  // "Final value" of the backtest shown, as displayed ("" when none).
  QString finalValueText() const;

  // "Show on Chart" (button, Ctrl+Shift+G in the dock): the shown backtest's trades as chart markers for one of its
  // symbols: per trade an entry (long / short signal) and an exit marker, per fill a buy / sell marker, each with its
  // text (price, quantity, P&L). The timeframe is the run's bar spacing (1m, 5m, 1h, 1D).
  QPushButton* showOnChartButton() const { return m_showOnChart; }
  std::vector<ChartMarker> chartMarkers(const QString& symbol) const;
  Timeframe chartTimeframe() const;
  QString chartLabel() const;  // "sma_cross (fast=10, slow=30)"

  // Writes the shown trades as CSV (the Export button asks for the path, then calls this).
  bool exportTradesCsv(const QString& path, QString* error = nullptr) const;

 Q_SIGNALS:
  // Double-click (or Enter) on an optimization row: run the combination as a single backtest.
  // `sourceCorrelationId` is the optimization's, so the receiver can reuse its data and settings.
  void runCombinationRequested(const QString& sourceCorrelationId, const meridian::strategy::ParamSet& params);
  // Show on Chart: draw the shown backtest's trades on the chart of `symbol` (chartMarkers / chartTimeframe).
  void showOnChartRequested(const QString& symbol);

 public Q_SLOTS:
  void onExportTrades();

 private Q_SLOTS:
  void onOptimizationActivated(const QModelIndex& proxyIndex);

 private:
  QWidget* buildSummaryTab();
  QWidget* buildTradesTab();
  QWidget* buildOptimizationTab();
  QWidget* buildWalkForwardTab();
  void updateHeader(const contract::BacktestFinished& f);
  void updateTabStates();

  QStackedWidget* m_stack = nullptr;
  QLabel* m_empty = nullptr;
  QLabel* m_summary = nullptr;
  QPushButton* m_showOnChart = nullptr;
  QTabWidget* m_tabs = nullptr;

  BacktestMetricsModel* m_metrics = nullptr;
  EquityChartView* m_equityChart = nullptr;
  EquityChartView* m_drawdownChart = nullptr;

  BacktestTradesModel* m_trades = nullptr;
  QSortFilterProxyModel* m_tradesProxy = nullptr;
  QTableView* m_tradesView = nullptr;
  QPushButton* m_exportTrades = nullptr;
  QLabel* m_tradesInfo = nullptr;

  MonthlyReturnsHeatmap* m_heatmap = nullptr;

  OptimizationRunsModel* m_optimizationModel = nullptr;
  QSortFilterProxyModel* m_optimizationProxy = nullptr;
  QTableView* m_optimizationView = nullptr;
  ParamHeatmap* m_paramHeatmap = nullptr;
  QLabel* m_optimizationInfo = nullptr;

  WalkForwardModel* m_walkForwardModel = nullptr;
  QSortFilterProxyModel* m_walkForwardProxy = nullptr;
  QTableView* m_walkForwardView = nullptr;
  EquityChartView* m_wfEquityChart = nullptr;
  EquityChartView* m_wfDrawdownChart = nullptr;
  QLabel* m_walkForwardInfo = nullptr;

  backtest::BacktestResultPtr m_result;
  std::shared_ptr<const contract::BacktestFinished> m_backtest;
  std::shared_ptr<const contract::BacktestFinished> m_optimization;
  std::shared_ptr<const contract::BacktestFinished> m_walkForward;
};

}  // namespace meridian::ui
