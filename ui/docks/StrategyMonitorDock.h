#pragma once
// StrategyMonitorDock ("StrategyMonitorDock", View > Strategy Monitor, Alt+Shift+M): one row per live strategy
// instance from the runner's contract::StrategiesSnapshot: mode (PAPER / LIVE / SIGNALS), state, position vs target
// per leg, last signal (time, what; the reason as tooltip), indicator values (z-score for pairs), realized and
// unrealized P&L of the instance's fills, working orders. Actions on the selected row, in the dock (buttons, the
// row's context menu and keys): Pause (Ctrl+P), Resume (Ctrl+R), Flatten… (Ctrl+Shift+F; asks first, naming the
// mode), Open in Chart (Enter / double-click). Pause / resume / flatten are contract::ControlStrategy commands sent
// through the UiBridge; the runner's next snapshot shows their effect, a refusal comes back as CommandRejected.
#include <QDockWidget>

#include <memory>

#include "core/contract/Strategy.h"

class QAction;
class QLabel;
class QPushButton;
class QTableView;

namespace meridian::ui {

class StrategyMonitorModel;
class UiBridge;

class StrategyMonitorDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit StrategyMonitorDock(UiBridge* bridge, QWidget* parent = nullptr);

  StrategyMonitorModel* model() const { return m_model; }
  QTableView* view() const { return m_view; }
  QLabel* statusLabel() const { return m_status; }
  QPushButton* pauseButton() const { return m_pause; }
  QPushButton* resumeButton() const { return m_resume; }
  QPushButton* flattenButton() const { return m_flatten; }
  QPushButton* removeButton() const { return m_remove; }
  QPushButton* chartButton() const { return m_chart; }
  QString selectedInstance() const;
  void selectInstance(const QString& instance);
  // false: Flatten and Remove send without asking (tests of the command path; the app always asks).
  void setConfirmFlatten(bool on) { m_confirmFlatten = on; }

 public Q_SLOTS:
  void onSnapshot(const std::shared_ptr<const meridian::contract::StrategiesSnapshot>& snapshot);
  void pauseSelected();
  void resumeSelected();
  void flattenSelected();
  // A promoted instance (Pair Lab) that is flat with no open order: stopped and not started again.
  void removeSelected();
  void openSelectedInChart();

 Q_SIGNALS:
  void openInChartRequested(const QString& symbol);

 private:
  void updateActions();
  void send(contract::StrategyAction action);
  // The confirmation of Flatten / Remove (Cancel is the default); true when `yes` was chosen.
  bool confirm(const QString& title, const QString& text, const QString& yes, const QString& name);

  UiBridge* m_bridge = nullptr;
  StrategyMonitorModel* m_model = nullptr;
  QTableView* m_view = nullptr;
  QLabel* m_status = nullptr;
  QPushButton* m_pause = nullptr;
  QPushButton* m_resume = nullptr;
  QPushButton* m_flatten = nullptr;
  QPushButton* m_remove = nullptr;
  QPushButton* m_chart = nullptr;
  bool m_confirmFlatten = true;
};

}  // namespace meridian::ui
