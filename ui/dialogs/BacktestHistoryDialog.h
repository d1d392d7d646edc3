#pragma once
// Backtest > Backtest History…: the runs completed in this session plus, when the backtest service has a run
// store wired, the saved runs (asked for with ListBacktestRuns; the dialog never waits for the answer).
// Double-click (or Enter) on a session run shows it again in the Backtest Results panel.
#include <QDialog>
#include <QTimer>
#include <QVector>

#include <memory>

#include "core/contract/Backtest.h"
#include "ui/models/BacktestHistoryModel.h"

class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace meridian::ui {

class UiBridge;

class BacktestHistoryDialog : public QDialog {
  Q_OBJECT

 public:
  static constexpr int kAnswerTimeoutMs = 3000;

  BacktestHistoryDialog(UiBridge* bridge, QWidget* parent = nullptr);

  // Shows `session` at once and asks the service for the saved runs.
  void refresh(QVector<BacktestHistoryEntry> session);
  BacktestHistoryModel* model() const { return m_model; }
  QTableView* view() const { return m_view; }
  QLabel* statusLabel() const { return m_status; }
  bool waitingForSavedRuns() const { return !m_correlationId.isEmpty(); }

 Q_SIGNALS:
  void showRunRequested(const std::shared_ptr<const meridian::contract::BacktestFinished>& finished);

 public Q_SLOTS:
  void onRunsListed(const std::shared_ptr<const meridian::contract::BacktestRunsListed>& runs);

 private Q_SLOTS:
  void onActivated(const QModelIndex& index);
  void onTimeout();

 private:
  void updateStatus(const QString& savedNote);

  UiBridge* m_bridge;
  BacktestHistoryModel* m_model = nullptr;
  QSortFilterProxyModel* m_proxy = nullptr;
  QTableView* m_view = nullptr;
  QLabel* m_status = nullptr;
  QVector<BacktestHistoryEntry> m_session;
  QString m_correlationId;
  QTimer m_timeout;
};

}  // namespace meridian::ui
