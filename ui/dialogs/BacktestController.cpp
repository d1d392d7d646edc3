#include "ui/dialogs/BacktestController.h"

#include "core/common/Ids.h"

#include "ui/dialogs/PnlReportDialog.h"

#include <QAction>
#include <QComboBox>
#include <QDockWidget>
#include <QMainWindow>
#include <QMenu>
#include <QSettings>
#include <QStatusBar>

#include "ui/bridge/UiBridge.h"
#include "ui/dialogs/BacktestHistoryDialog.h"
#include "ui/docks/BacktestResultsDock.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {
namespace {

constexpr const char* kDockPlacedKey = "backtest/resultsDockPlaced";
constexpr int kMaxRemembered = 100;

}  // namespace

BacktestController::BacktestController(QMainWindow* window, UiBridge* bridge, std::shared_ptr<const common::IClock> clock,
                                       QString settingsOrganization, QString settingsApplication)
    : QObject(window),
      m_window(window),
      m_bridge(bridge),
      m_clock(std::move(clock)),
      m_settingsOrganization(std::move(settingsOrganization)),
      m_settingsApplication(std::move(settingsApplication)) {
  Q_ASSERT(m_clock);
  qRegisterMetaType<strategy::ParamSet>();
  m_dock = new BacktestResultsDock(window);
  window->addDockWidget(Qt::BottomDockWidgetArea, m_dock);
  m_dock->hide();
  QAction* toggle = m_dock->toggleViewAction();
  toggle->setObjectName(QStringLiteral("toggleBacktestResultsDock"));
  toggle->setStatusTip(QStringLiteral("Show or hide the Backtest Results panel"));
  connect(toggle, &QAction::triggered, m_dock, [this](bool on) {
    if (on) m_dock->raise();
  });
  connect(m_dock, &BacktestResultsDock::runCombinationRequested, this, &BacktestController::onRunCombination);
  if (m_bridge)
    m_bridge->on<contract::BacktestFinished>(this, [this](const Batch<contract::BacktestFinished>& b) {
      for (const auto& f : b) onBacktestFinished(f);
    });
}

BacktestController::~BacktestController() = default;

QAction* BacktestController::resultsToggleAction() const { return m_dock->toggleViewAction(); }

void BacktestController::populateMenu(QMenu* menu) {
  QAction* run = menu->addAction(QStringLiteral("&Run Backtest…"), this, &BacktestController::showBacktestDialog);
  run->setObjectName(QStringLiteral("actionRunBacktest"));
  run->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));
  run->setStatusTip(QStringLiteral("Backtest a strategy on daily CSV data"));
  QAction* opt = menu->addAction(QStringLiteral("&Optimize…"), this, &BacktestController::showOptimizeDialog);
  opt->setObjectName(QStringLiteral("actionOptimize"));
  opt->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_B));
  opt->setStatusTip(QStringLiteral("Search a grid of strategy parameters for the best objective"));
  QAction* wf = menu->addAction(QStringLiteral("&Walk-forward…"), this, &BacktestController::showWalkForwardDialog);
  wf->setObjectName(QStringLiteral("actionWalkForward"));
  wf->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_B));
  wf->setStatusTip(QStringLiteral("Optimize in-sample, trade out-of-sample, roll forward"));
  menu->addSeparator();
  QAction* history = menu->addAction(QStringLiteral("Backtest &History…"), this, &BacktestController::showHistory);
  history->setObjectName(QStringLiteral("actionBacktestHistory"));
  history->setStatusTip(QStringLiteral("Saved backtest runs and the runs of this session"));
  QAction* pnl = menu->addAction(QStringLiteral("Trading P&&L &Report…"), this, &BacktestController::showPnlReport);
  pnl->setObjectName(QStringLiteral("actionPnlReport"));
  pnl->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | Qt::Key_R));
  pnl->setStatusTip(QStringLiteral("P&L of what was traded (paper or live), from the journal: by day, week and month, "
                                   "equity, drawdown and metrics"));
}

BacktestDialog* BacktestController::existingDialog(BacktestDialog::Mode mode) const {
  return m_dialogs[static_cast<int>(mode)].data();
}

BacktestDialog* BacktestController::dialog(BacktestDialog::Mode mode) {
  QPointer<BacktestDialog>& slot = m_dialogs[static_cast<int>(mode)];
  if (!slot) {
    auto* d = new BacktestDialog(mode, m_bridge, m_settingsOrganization, m_settingsApplication, m_window);
    connect(d, &BacktestDialog::commandSent, this, [this, d](const QString& corr) { remember(corr, d->lastCommand()); });
    slot = d;
  }
  return slot;
}

void BacktestController::openDialog(BacktestDialog::Mode mode) {
  BacktestDialog* d = dialog(mode);
  d->reloadData();  // the data chosen in another Backtest dialog, and the stored series as they are now
  d->show();
  d->raise();
  d->activateWindow();
  if (!d->isRunning()) d->strategyCombo()->setFocus(Qt::ShortcutFocusReason);
}

void BacktestController::showBacktestDialog() { openDialog(BacktestDialog::Mode::Backtest); }
void BacktestController::showOptimizeDialog() { openDialog(BacktestDialog::Mode::Optimize); }
void BacktestController::showWalkForwardDialog() { openDialog(BacktestDialog::Mode::WalkForward); }

PnlReportDialog* BacktestController::pnlReportDialog() const { return m_pnlReport.data(); }

void BacktestController::showPnlReport() {
  if (!m_pnlReport) m_pnlReport = new PnlReportDialog(m_bridge, m_settingsOrganization, m_settingsApplication, m_window);
  m_pnlReport->show();
  m_pnlReport->raise();
  m_pnlReport->activateWindow();
  m_pnlReport->runReport();
}

void BacktestController::showHistory() {
  if (!m_history) {
    m_history = new BacktestHistoryDialog(m_bridge, m_window);
    connect(m_history, &BacktestHistoryDialog::showRunRequested, this, &BacktestController::showResult);
  }
  QVector<BacktestHistoryEntry> session = m_session;
  m_history->refresh(std::move(session));
  m_history->show();
  m_history->raise();
  m_history->activateWindow();
}

void BacktestController::runBacktest(contract::RunBacktest command, const QString& description) {
  if (!m_bridge) return;
  if (command.correlationId.empty()) command.correlationId = common::newCorrelationId();
  remember(format::qstr(command.correlationId), command);
  m_bridge->send(command, description);
  status(QStringLiteral("%1 sent").arg(description));
}

void BacktestController::remember(const QString& correlationId, const BacktestCommand& command) {
  if (correlationId.isEmpty()) return;
  m_sent.insert(correlationId, command);
  m_sentOrder.push_back(correlationId);
  while (m_sentOrder.size() > kMaxRemembered) m_sent.remove(m_sentOrder.takeFirst());
}

void BacktestController::showResult(const std::shared_ptr<const contract::BacktestFinished>& finished) {
  if (!finished || !finished->ok()) return;
  m_dock->showFinished(finished);
  QSettings settings(m_settingsOrganization, m_settingsApplication);
  if (!settings.value(QLatin1String(kDockPlacedKey), false).toBool()) {
    // First result ever: put the panel where there is room for charts, tabbed with the chart.
    auto* chart = m_window->findChild<QDockWidget*>(QStringLiteral("ChartDock"));
    if (chart && chart->isVisible() && !chart->isFloating()) m_window->tabifyDockWidget(chart, m_dock);
    settings.setValue(QLatin1String(kDockPlacedKey), true);
  }
  m_dock->show();
  m_dock->raise();
}

void BacktestController::onBacktestFinished(const std::shared_ptr<const contract::BacktestFinished>& f) {
  if (!f) return;
  const QString corr = format::qstr(f->correlationId);
  if (!m_sent.contains(corr)) return;  // not sent from this window
  bool fromDialog = false;  // the dialog that sent it reports its own errors
  for (const auto& d : m_dialogs)
    if (d && std::visit([](const auto& c) { return format::qstr(c.correlationId); }, d->lastCommand()) == corr)
      fromDialog = true;
  if (!f->ok()) {
    if (!fromDialog && !f->cancelled()) status(QStringLiteral("Backtest failed: %1").arg(format::qstr(f->error)), 15000);
    return;
  }
  m_session.push_back(BacktestHistoryEntry::fromFinished(f, m_clock->now()));
  while (m_session.size() > kMaxSessionRuns) m_session.removeFirst();
  showResult(f);
  if (f->result)
    status(QStringLiteral("Backtest %1: final value %2").arg(format::qstr(f->strategy), format::money(f->result->finalValue)));
}

void BacktestController::onRunCombination(const QString& sourceCorrelationId, const strategy::ParamSet& params) {
  const auto it = m_sent.constFind(sourceCorrelationId);
  if (it == m_sent.constEnd() || !m_bridge) {
    status(QStringLiteral("The optimization's settings are no longer available; run it again."));
    return;
  }
  contract::RunBacktest cmd;
  std::visit(
      [&](const auto& src) {
        cmd.strategy = src.strategy;
        cmd.data = src.data;
        cmd.config = src.config;
      },
      *it);
  cmd.params = params;
  const QString corr = m_bridge->send(
      cmd, QStringLiteral("BACKTEST %1 (%2)").arg(format::qstr(cmd.strategy), format::qstr(params.toString())));
  cmd.correlationId = corr.toStdString();
  remember(corr, cmd);
  status(QStringLiteral("Running %1 (%2)…").arg(format::qstr(cmd.strategy), format::qstr(params.toString())));
}

void BacktestController::status(const QString& text, int ms) {
  if (m_window->statusBar()) m_window->statusBar()->showMessage(text, ms);
}

}  // namespace meridian::ui
