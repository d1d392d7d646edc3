#pragma once
// BacktestController: everything behind the Backtest menu, so MainWindow only hands over its menu.
// Owns the three BacktestDialogs (Run Backtest… Ctrl+B, Optimize… Ctrl+Shift+B, Walk-forward… Ctrl+Alt+B, created
// on first use), the Backtest History dialog and the BacktestResultsDock (created hidden; shown and raised on the
// first result, tabbed with the chart the first time; View-menu toggle via resultsToggleAction()).
// It remembers the commands this window sent (to re-run an optimization row as a backtest with the same data and
// costs) and the runs completed in this session (History shows them when no run store answers).
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QVector>

#include <memory>

#include "core/common/Clock.h"
#include "ui/dialogs/BacktestDialog.h"
#include "ui/dialogs/BacktestHistoryDialog.h"
#include "ui/models/BacktestHistoryModel.h"

class QAction;
class QMainWindow;
class QMenu;

namespace meridian::ui {

class BacktestResultsDock;
class PnlReportDialog;
class UiBridge;

class BacktestController : public QObject {
  Q_OBJECT

 public:
  static constexpr int kMaxSessionRuns = 200;

  // `clock` (required): the process's clock; it stamps the runs completed in this session.
  BacktestController(QMainWindow* window, UiBridge* bridge, std::shared_ptr<const common::IClock> clock,
                     QString settingsOrganization, QString settingsApplication);
  ~BacktestController() override;

  // Adds Run Backtest…, Optimize…, Walk-forward…, Backtest History…, Trading P&L Report… to `menu`.
  void populateMenu(QMenu* menu);
  BacktestResultsDock* resultsDock() const { return m_dock; }
  QAction* resultsToggleAction() const;
  // Created on first use; parented to the window.
  BacktestDialog* dialog(BacktestDialog::Mode mode);
  BacktestDialog* existingDialog(BacktestDialog::Mode mode) const;
  BacktestHistoryDialog* historyDialog() const { return m_history; }
  PnlReportDialog* pnlReportDialog() const;  // null until first shown
  const QVector<BacktestHistoryEntry>& sessionRuns() const { return m_session; }

 public Q_SLOTS:
  void showBacktestDialog();
  void showOptimizeDialog();
  void showWalkForwardDialog();
  void showHistory();
  void showPnlReport();  // Trading P&L Report… (Ctrl+Alt+R): what was traded, from the journal
  void showResult(const std::shared_ptr<const meridian::contract::BacktestFinished>& finished);
  // Sends a backtest composed elsewhere (the Pair Lab); its result shows in the results panel like a dialog's.
  void runBacktest(meridian::contract::RunBacktest command, const QString& description);

 private Q_SLOTS:
  void onBacktestFinished(const std::shared_ptr<const meridian::contract::BacktestFinished>& finished);
  void onRunCombination(const QString& sourceCorrelationId, const meridian::strategy::ParamSet& params);

 private:
  void openDialog(BacktestDialog::Mode mode);
  void remember(const QString& correlationId, const BacktestCommand& command);
  void status(const QString& text, int ms = 8000);

  QMainWindow* m_window;
  UiBridge* m_bridge;
  std::shared_ptr<const common::IClock> m_clock;
  QString m_settingsOrganization;
  QString m_settingsApplication;
  BacktestResultsDock* m_dock = nullptr;
  QPointer<BacktestDialog> m_dialogs[3];
  QPointer<BacktestHistoryDialog> m_history;
  QPointer<PnlReportDialog> m_pnlReport;
  QHash<QString, BacktestCommand> m_sent;  // commands sent from this window, by correlation id (bounded)
  QVector<QString> m_sentOrder;
  QVector<BacktestHistoryEntry> m_session;  // most recent last
};

}  // namespace meridian::ui
