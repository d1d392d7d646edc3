#pragma once
// PnlReportDialog (Backtest > Trading P&L Report…, Ctrl+Shift+R): the P&L of what was traded, from the journal
// (contract::RequestPnlReport, answered by the history service; the same report as `meridian-cli report`).
// Range (empty = from the first / to the last fill), strategy (empty = all, "manual" = orders without one) and the
// initial equity; Enter runs. Shows the summary, the rows by day / ISO week / month, the equity curve and its
// drawdown, and the metrics the backtester reports. Export CSV… (full precision) and Export PDF… (QPdfWriter).
#include <QDialog>
#include <QString>

#include <memory>

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
  std::shared_ptr<const contract::PnlReport> report() const { return m_report; }

  // Writes the shown report; false with the reason in *error.
  bool exportCsv(const QString& path, QString* error) const;
  bool exportPdf(const QString& path, QString* error);

 Q_SIGNALS:
  void reportShown();

 public Q_SLOTS:
  void runReport();

 private:
  void onReady(std::shared_ptr<const contract::PnlReportReady> ready);
  void fillTable();
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
  QPushButton* m_exportCsv = nullptr;
  QPushButton* m_exportPdf = nullptr;
  std::shared_ptr<const contract::PnlReport> m_report;
};

}  // namespace meridian::ui
