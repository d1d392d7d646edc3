#pragma once
// PnlReportDialog (Backtest > Trading P&L Report…, Ctrl+Alt+R): the P&L of what was traded, from the journal
// (contract::RequestPnlReport, answered by the history service; the same report as `meridian-cli report`).
// Range (empty = from the first / to the last fill), strategy (empty = all, "manual" = orders without one) and the
// initial equity; Enter runs. Shows the summary, the rows by day / ISO week / month, the equity curve and its
// drawdown, and the metrics the backtester reports. Export CSV… (full precision) and Export PDF… (QPdfWriter).
// Compare with Backtest (a report of one live strategy, "live:<instance>"): sends contract::CompareLiveStrategy
// for the report's dates and shows the live and backtest P&L, fees, fills, trades and metrics side by side
// (contract::comparePnl, the same table as `meridian-cli report --compare-backtest`).
#include <QDialog>
#include <QString>

#include <memory>

#include "core/contract/Backtest.h"
#include "core/contract/Reports.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace meridian::ui {

class EquityChartView;
class UiBridge;

class PnlReportDialog : public QDialog {
  Q_OBJECT

 public:
  PnlReportDialog(UiBridge* bridge, QString settingsOrganization, QString settingsApplication,
                  QWidget* parent = nullptr);
  ~PnlReportDialog() override;

  QLineEdit* fromEdit() const { return m_from; }
  QLineEdit* toEdit() const { return m_to; }
  QComboBox* strategyCombo() const { return m_strategy; }
  QComboBox* granularityCombo() const { return m_granularity; }
  QTableWidget* table() const { return m_table; }
  QLabel* summaryLabel() const { return m_summary; }
  QLabel* metricsLabel() const { return m_metrics; }
  EquityChartView* equityChart() const { return m_equity; }
  EquityChartView* drawdownChart() const { return m_drawdown; }
  QPushButton* runButton() const { return m_run; }
  QPushButton* compareButton() const { return m_compare; }
  QTableWidget* compareTable() const { return m_compareTable; }
  QLabel* compareLabel() const { return m_compareLabel; }
  // The last comparison shown (null before one).
  std::shared_ptr<const contract::PnlComparison> comparison() const { return m_comparison; }
  std::shared_ptr<const contract::PnlReport> report() const { return m_report; }

  // Writes the shown report; false with the reason in *error.
  bool exportCsv(const QString& path, QString* error) const;
  bool exportPdf(const QString& path, QString* error);

 Q_SIGNALS:
  void reportShown();
  void comparisonShown();

 public Q_SLOTS:
  void runReport();
  void compareWithBacktest();

 private:
  void onReady(std::shared_ptr<const contract::PnlReportReady> ready);
  void fillTable();
  void onBacktestFinished(const std::shared_ptr<const contract::BacktestFinished>& finished);
  void showComparison();
  QString summaryText() const;
  QString metricsText() const;

  UiBridge* m_bridge;
  QString m_settingsOrganization;
  QString m_settingsApplication;
  QLineEdit* m_from = nullptr;
  QLineEdit* m_to = nullptr;
  QComboBox* m_strategy = nullptr;
  QDoubleSpinBox* m_initialEquity = nullptr;
  QComboBox* m_granularity = nullptr;
  QTableWidget* m_table = nullptr;
  QLabel* m_summary = nullptr;
  QLabel* m_metrics = nullptr;
  EquityChartView* m_equity = nullptr;
  EquityChartView* m_drawdown = nullptr;
  QPushButton* m_run = nullptr;
  QPushButton* m_compare = nullptr;
  QTableWidget* m_compareTable = nullptr;
  QLabel* m_compareLabel = nullptr;
  QString m_compareCorrelation;
  std::shared_ptr<const contract::PnlReport> m_compareReport;  // the report the pending comparison is for
  std::shared_ptr<const contract::PnlComparison> m_comparison;
  QPushButton* m_exportCsv = nullptr;
  QPushButton* m_exportPdf = nullptr;
  std::shared_ptr<const contract::PnlReport> m_report;
};

}  // namespace meridian::ui
