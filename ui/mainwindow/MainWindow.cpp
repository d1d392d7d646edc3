#include "ui/mainwindow/MainWindow.h"

#include <QAction>
#include <QAbstractItemView>
#include <QAbstractProxyModel>
#include <QBoxLayout>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLineEdit>
#include <QSpinBox>
#include <QTableView>
#include <QActionGroup>
#include <QPointer>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QInputDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QItemSelectionModel>
#include <QScrollArea>
#include <QRegularExpression>
#include <QPainter>
#include <QScreen>
#include <QSet>
#include <QSettings>
#include <QStatusBar>
#include <QSystemTrayIcon>

#include <algorithm>
#include <cmath>
#include <memory>

#include "core/common/Config.h"
#include "core/common/Ids.h"
#include "core/common/Logging.h"
#include "core/contract/Orders.h"
#include "core/contract/Catalogue.h"
#include "core/contract/History.h"
#include "core/risk/RiskTypes.h"
#include "core/time/TimeZones.h"
#include "ui/bridge/UiBridge.h"
#include "ui/dialogs/BacktestController.h"
#include "ui/dialogs/ImportCsvDialog.h"
#include "ui/docks/AccountDock.h"
#include "ui/docks/BacktestResultsDock.h"
#include "ui/docks/DataQualityDock.h"
#include "ui/docks/ScreenerDock.h"
#include "ui/docks/FillsDock.h"
#include "ui/docks/ChartDock.h"
#include "ui/docks/JobsDock.h"
#include "ui/docks/StrategyMonitorDock.h"
#include "ui/docks/PairLabDock.h"
#include "ui/docks/OpsDock.h"
#include "ui/docks/LogsDock.h"
#include "ui/docks/OrderTicketDock.h"
#include "ui/docks/OrdersDock.h"
#include "ui/docks/PositionsDock.h"
#include "ui/docks/WatchlistDock.h"
#include "ui/mainwindow/LinkGroups.h"
#include "ui/mainwindow/MarketStatus.h"
#include "ui/mainwindow/SettingsDialog.h"
#include "core/common/SecretStore.h"
#include "ui/mainwindow/SettingsEditor.h"
#include "ui/mainwindow/ShortcutsDialog.h"
#include "ui/models/AccountModel.h"
#include "ui/models/FillsModel.h"
#include "ui/models/Formatting.h"
#include "ui/models/LogsModel.h"
#include "ui/models/OrdersModel.h"
#include "ui/models/PositionsModel.h"
#include "ui/models/WatchlistModel.h"
#include "ui/mainwindow/WorkspaceManager.h"
#include "ui/mainwindow/ServerLinkPresenter.h"
#include "ui/widgets/ModeBadge.h"
#include "ui/widgets/ToastOverlay.h"

namespace meridian::ui {
namespace {

constexpr const char* kGeometryKey = "mainwindow/geometry";
constexpr const char* kStateKey = "mainwindow/state";
constexpr const char* kWatchlistKey = "watchlist/symbols";
constexpr const char* kThemeKey = "ui/theme";
constexpr const char* kChartSettingsKey = "chart/settings";
constexpr const char* kChartSymbolKey = "chart/symbol";
constexpr const char* kLinkGroupsKey = "link/groups";
constexpr int kStatusMessageMs = 8000;

}  // namespace

MainWindow::MainWindow(UiContext context, QWidget* parent) : QMainWindow(parent), m_context(std::move(context)) {
  Q_ASSERT(m_context.bus && m_context.config);
  setObjectName(QStringLiteral("MainWindow"));
  setWindowTitle(QStringLiteral("Meridian %1 — %2")
                     .arg(QStringLiteral(MERIDIAN_VERSION),
                          m_context.paperTrading ? QStringLiteral("PAPER") : QStringLiteral("LIVE")));

  const QString zone = m_context.config->value(QStringLiteral("display.timezone"));
  if (!zone.isEmpty() && !time::TimeZones::setDisplayTimeZone(zone.toUtf8())) {
    common::logger("ui")->warn("display.timezone '{}' is not a known time zone; using {}", zone.toStdString(),
                               time::TimeZones::displayTimeZoneId().toStdString());
  }

  m_bridge = new UiBridge(m_context, this);
  m_ordersModel = new OrdersModel(this);
  m_positionsModel = new PositionsModel(this);
  m_logsModel = new LogsModel(LogsModel::kDefaultCapacity, this);
  m_watchlistModel = new WatchlistModel(this);
  m_fillsModel = new FillsModel(FillsModel::kDefaultCapacity, this);
  m_accountModel = new AccountModel(this);

  m_confirmRiskActions = m_context.config->boolValue(QStringLiteral("ui.confirm_risk_actions"), true);
  m_simAlwaysOpen = m_context.config->value(QStringLiteral("runtime.mode")).trimmed().toLower() != QLatin1String("attach") &&
                    m_context.config->value(QStringLiteral("market.feed"), QStringLiteral("simulated")).trimmed().toLower() ==
                        QLatin1String("simulated") &&
                    m_context.config->boolValue(QStringLiteral("market.sim_always_open"), true);
  setDockNestingEnabled(true);
  setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowNestedDocks | QMainWindow::AllowTabbedDocks);
  createDocks();
  connectBridge();
  createMenus();
  createStatusBar();
  applyDefaultArrangement();
  restoreLayout();
  createServerLinkView();  // after restoreLayout: its bar is never restored from a saved layout
  requestSessionHistory();  // the watchlist as restored
  {
    QSettings settings(m_context.settingsOrganization, m_context.settingsApplication);
    const Theme fallback = themeFromName(m_context.config->value(QStringLiteral("ui.theme")), Theme::Light);
    setTheme(themeFromName(settings.value(QLatin1String(kThemeKey)).toString(), fallback));
  }

  // The chart's symbol of the last session (its timeframe and indicators come back with the chart settings), else
  // the watchlist's first.
  QString first = QSettings(m_context.settingsOrganization, m_context.settingsApplication)
                      .value(QLatin1String(kChartSymbolKey))
                      .toString();
  if (!WatchlistModel::isValidSymbol(first)) first = m_watchlistModel->symbols().value(0, QStringLiteral("SPY"));
  m_chartDock->setSymbol(first);
  m_ticketDock->setSymbol(first);
}

MainWindow::~MainWindow() {
  // Also covers QApplication::quit() without a close event (e.g. the app's --quit-after). Docks still exist here.
  saveLayout();
}

// ---- Construction -------------------------------------------------------------------------------------------------

void MainWindow::createDocks() {
  m_chartDock = new ChartDock(this);
  m_chartDock->setBridge(m_bridge);
  m_watchlistDock = new WatchlistDock(m_watchlistModel, this);
  m_ticketDock = new OrderTicketDock(m_bridge, m_context.sharedClock(), m_context.paperTrading, this);
  m_ticketDock->setRiskLimits(risk::RiskLimits::fromConfig(*m_context.config));
  m_ordersDock = new OrdersDock(m_ordersModel, this);
  // Today's journaled orders (filled, cancelled and rejected ones too; an attached window: the server's) come back
  // after a restart, loaded once core has started.
  m_ordersDock->setBridge(m_bridge, time::TimeZones::fromExchange(
                                        time::TimeZones::exchangeDate(m_context.clockRef().now()), QTime(0, 0)));
  m_positionsDock = new PositionsDock(m_positionsModel, this);
  m_logsDock = new LogsDock(m_logsModel, this);
  for (QDockWidget* d : docks()) d->setAllowedAreas(Qt::AllDockWidgetAreas);

  connect(m_watchlistDock, &WatchlistDock::symbolActivated, this, [this](const QString& s) {
    m_links->publish(m_watchlistDock, s);
  });
  connect(m_ordersDock, &OrdersDock::cancelRequested, this, [this](const QString& id) {
    m_bridge->send(contract::CancelOrder{{}, id.toStdString()}, QStringLiteral("CANCEL %1").arg(id));
  });
  connect(m_ordersDock, &OrdersDock::cancelAllRequested, this, &MainWindow::cancelAllOrders);
  createOpsPanels();
  createBlotters();
}

void MainWindow::createBlotters() {
  m_fillsDock = new FillsDock(m_fillsModel, this);
  m_fillsDock->setBridge(m_bridge);  // recent journaled fills, loaded once core has started
  m_accountDock = new AccountDock(m_accountModel, m_context.paperTrading, this);
  for (QDockWidget* d : {static_cast<QDockWidget*>(m_fillsDock), static_cast<QDockWidget*>(m_accountDock)})
    d->setAllowedAreas(Qt::AllDockWidgetAreas);
  connect(m_positionsDock, &PositionsDock::positionActivated, m_ticketDock, &OrderTicketDock::prefillClosingOrder);
  connect(m_positionsDock, &PositionsDock::positionActivated, this, [this](const QString& s, double) {
    m_links->publish(m_positionsDock, s);
  });
  // Confirm mode defaults to on for LIVE and off for PAPER (set by the ticket); ui.confirm_orders overrides it.
  if (!m_context.config->value(QStringLiteral("ui.confirm_orders")).trimmed().isEmpty())
    m_ticketDock->setConfirmMode(m_context.config->boolValue(QStringLiteral("ui.confirm_orders"), !m_context.paperTrading));
}

void MainWindow::connectBridge() {
  // One copy of the tick's values per kind, shared by every panel that shows it.
  connect(m_bridge, &UiBridge::tradingModeChanged, this, &MainWindow::onTradingModeChanged);
  m_bridge->on<contract::OrderUpdated>(this, [this](const Batch<contract::OrderUpdated>& b) {
    const QVector<domain::Order> orders = project(b, &contract::OrderUpdated::order);
    m_ordersModel->upsertOrders(orders);
    m_ticketDock->onOrdersUpdated(orders);
  });
  m_bridge->on<contract::OrderFilled>(this, [this](const Batch<contract::OrderFilled>& b) {
    const QVector<domain::Fill> fills = project(b, &contract::OrderFilled::fill);
    onFillsAppended(fills);
    m_fillsModel->appendFills(fills);
    m_chartDock->onFillsAppended(fills);
  });
  m_bridge->on<contract::QuoteUpdated>(this, [this](const Batch<contract::QuoteUpdated>& b) {
    const QVector<domain::Quote> quotes = project(b, &contract::QuoteUpdated::quote);
    m_watchlistModel->applyQuotes(quotes);
    m_positionsModel->applyQuotes(quotes);
    m_ticketDock->onQuotesUpdated(quotes);
    m_chartDock->onQuotesUpdated(quotes);
  });
  m_bridge->on<contract::PositionsSnapshot>(
      this, [this](const Batch<contract::PositionsSnapshot>& b) { m_positionsModel->applySnapshot(*b.back()); });
  m_bridge->on<contract::AccountSnapshot>(
      this, [this](const Batch<contract::AccountSnapshot>& b) {
        m_accountModel->applySnapshot(b.back());
        m_ticketDock->setBuyingPower(b.back()->buyingPower);
      });
  m_bridge->on<contract::RiskStateChanged>(
      this, [this](const Batch<contract::RiskStateChanged>& b) { showRiskState(*b.back()); });
  m_bridge->on<contract::CommandAccepted>(this, [this](const Batch<contract::CommandAccepted>& b) {
    for (const auto& a : b) m_ticketDock->onCommandAccepted(format::qstr(a->correlationId));
  });
  m_bridge->on<contract::CommandRejected>(this, [this](const Batch<contract::CommandRejected>& b) {
    for (const auto& r : b) {
      onCommandRejected(*r);
      m_ticketDock->onCommandRejected(format::qstr(r->correlationId), format::qstr(r->reason));
    }
  });
  m_bridge->on<contract::HistoryStored>(this, [this](const Batch<contract::HistoryStored>& b) {
    QSet<QString> symbols;
    for (const auto& h : b) symbols.insert(format::qstr(h->symbol));
    for (const QString& s : symbols) m_chartDock->onHistoryStored(s);
  });
  m_bridge->on<contract::IngestFinished>(this, [this](const Batch<contract::IngestFinished>& b) {
    for (const auto& f : b)
      if (f->ok) m_chartDock->onHistoryStored(format::qstr(f->symbol));
  });
  m_bridge->on<contract::RiskLimitsApplied>(this, [this](const Batch<contract::RiskLimitsApplied>& b) {
    statusBar()->showMessage(QStringLiteral("Risk limits in force now: %1").arg(format::qstr(b.back()->summary)),
                             kStatusMessageMs);
  });
  m_bridge->on<contract::BarClosed>(this, [this](const Batch<contract::BarClosed>& b) {
    const QVector<contract::BarClosed> bars = values(b);
    m_chartDock->onBarsAppended(bars);
    m_watchlistModel->applyBars(bars);
  });
  m_bridge->on<contract::SignalGenerated>(
      this, [this](const Batch<contract::SignalGenerated>& b) { m_chartDock->onSignals(values(b)); });
  m_bridge->on<contract::JobsSnapshot>(
      this, [this](const Batch<contract::JobsSnapshot>& b) { m_jobsDock->onJobsUpdated(b.back()); });
  m_bridge->on<contract::HealthSnapshot>(
      this, [this](const Batch<contract::HealthSnapshot>& b) { m_opsDock->onHealthUpdated(b.back()); });
  m_bridge->on<contract::Notification>(
      this, [this](const Batch<contract::Notification>& b) { onNotificationsAppended(values(b)); });
  m_bridge->onLogs(m_logsModel, [this](const std::vector<common::LogRecord>& r) { m_logsModel->appendRecords(r); });
  connect(m_bridge, &UiBridge::commandPublished, this, &MainWindow::onCommandPublished);
}

void MainWindow::createMenus() {
  // ---- File ----
  QMenu* file = menuBar()->addMenu(QStringLiteral("&File"));
  QAction* settings = file->addAction(QStringLiteral("&Settings…"), this, &MainWindow::showSettings);
  settings->setObjectName(QStringLiteral("actionSettings"));
  settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
  settings->setStatusTip(QStringLiteral("Edit risk limits, time zone and provider URLs; show the effective configuration"));
  m_importCsvAction = file->addAction(QStringLiteral("&Import CSV…"), this, &MainWindow::showImportCsv);
  m_importCsvAction->setObjectName(QStringLiteral("actionImportCsv"));
  m_importCsvAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
  m_importCsvAction->setStatusTip(QStringLiteral("Import daily or intraday bars from a CSV file (Yahoo or mapped columns)"));
  if (!m_context.canImport) {
    m_importCsvAction->setEnabled(false);
    m_importCsvAction->setToolTip(QStringLiteral("no ingestion service"));
  }
  addExportMenu(file);
  file->addSeparator();
  QAction* quit = file->addAction(QStringLiteral("&Quit"), this, &QWidget::close);
  quit->setObjectName(QStringLiteral("actionQuit"));
  quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
  quit->setMenuRole(QAction::QuitRole);
  quit->setStatusTip(QStringLiteral("Save the layout and quit Meridian"));

  // ---- View ----
  QMenu* view = menuBar()->addMenu(QStringLiteral("&View"));
  int n = 1;
  for (QDockWidget* d : allDocks()) {
    QAction* toggle = d->toggleViewAction();
    toggle->setObjectName(QStringLiteral("toggle") + d->objectName());
    // Alt+1..8 stay where users learned them; the blotters added later take mnemonic Alt+Shift keys. Either goes to
    // the panel (show + focus, View > Go to Panel); the View toggles keep no key, so no key hides a panel.
    if (d == m_fillsDock)
      m_goToKeys.append({d, QKeySequence(Qt::ALT | Qt::SHIFT | Qt::Key_F)});
    else if (d == m_accountDock)
      m_goToKeys.append({d, QKeySequence(Qt::ALT | Qt::SHIFT | Qt::Key_A)});
    else
      m_goToKeys.append({d, QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_0 + n++))});
    toggle->setStatusTip(QStringLiteral("Show or hide the %1 panel").arg(d->windowTitle()));
    view->addAction(toggle);
  }
  // Backtest Results: owned by the BacktestController (created hidden, shown on the first result).
  m_backtest = new BacktestController(this, m_bridge, m_context.sharedClock(), m_context.settingsOrganization,
                                      m_context.settingsApplication);
  if (n <= 9) m_goToKeys.append({m_backtest->resultsDock(), QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_0 + n))});
  view->addAction(m_backtest->resultsToggleAction());
  // Backtest Results > Show on Chart: the run's trades on the chart of the symbol.
  connect(m_backtest->resultsDock(), &BacktestResultsDock::showOnChartRequested, this, [this](const QString& symbol) {
    const BacktestResultsDock* results = m_backtest->resultsDock();
    m_chartDock->showBacktest(symbol, results->chartTimeframe(), results->chartMarkers(symbol), results->chartLabel());
    m_chartDock->show();
    m_chartDock->raise();
  });
  // Data Quality: QualityChecked reports from the ingestion service (created hidden; saved with the layout).
  m_dataQualityDock = new DataQualityDock(this);
  m_dataQualityDock->setAllowedAreas(Qt::AllDockWidgetAreas);
  m_bridge->on<contract::QualityChecked>(m_dataQualityDock, [this](const Batch<contract::QualityChecked>& b) {
    m_dataQualityDock->onQualityChecked(project(b, &contract::QualityChecked::report));
  });
  QAction* dqToggle = m_dataQualityDock->toggleViewAction();
  dqToggle->setObjectName(QStringLiteral("toggleDataQualityDock"));
  dqToggle->setStatusTip(QStringLiteral("Show or hide the Data Quality panel"));
  view->addAction(dqToggle);
  // Screener: requests to the ScreenerService through the bridge (created hidden).
  m_screenerDock = new ScreenerDock(m_bridge, m_context.settingsOrganization, m_context.settingsApplication, this);
  m_screenerDock->setAllowedAreas(Qt::AllDockWidgetAreas);
  // Tall panels scroll inside their tab instead of making the window taller than a 768-pixel screen.
  for (QDockWidget* d : {static_cast<QDockWidget*>(m_screenerDock), static_cast<QDockWidget*>(m_backtest->resultsDock())})
    if (d->widget() && !qobject_cast<QScrollArea*>(d->widget())) {
      auto* scroll = new QScrollArea(d);
      scroll->setObjectName(d->objectName() + QStringLiteral("Scroll"));
      scroll->setWidgetResizable(true);
      scroll->setFrameShape(QFrame::NoFrame);
      scroll->setWidget(d->widget());
      d->setWidget(scroll);
    }
  connect(m_screenerDock, &ScreenerDock::symbolActivated, this, [this](const QString& s) {
    m_links->publish(m_screenerDock, s);
  });
  QAction* screenerToggle = m_screenerDock->toggleViewAction();
  screenerToggle->setObjectName(QStringLiteral("toggleScreenerDock"));
  m_goToKeys.append({m_screenerDock, QKeySequence(Qt::ALT | Qt::SHIFT | Qt::Key_S)});
  screenerToggle->setStatusTip(QStringLiteral("Show or hide the Screener panel"));
  connect(screenerToggle, &QAction::triggered, m_screenerDock, [this](bool on) {
    if (!on) return;
    m_screenerDock->raise();
    m_screenerDock->setFocus();  // focus proxy: the first filter field
  });
  view->addAction(screenerToggle);
  // Strategy Monitor: the live strategies' StrategiesSnapshot; controls go back as ControlStrategy (created hidden).
  m_strategyMonitorDock = new StrategyMonitorDock(m_bridge, this);
  m_strategyMonitorDock->setAllowedAreas(Qt::AllDockWidgetAreas);
  m_bridge->on<contract::StrategiesSnapshot>(m_strategyMonitorDock, [this](const Batch<contract::StrategiesSnapshot>& b) {
    m_strategyMonitorDock->onSnapshot(b.back());
  });
  connect(m_strategyMonitorDock, &StrategyMonitorDock::openInChartRequested, this, [this](const QString& symbol) {
    m_chartDock->setSymbol(symbol);
    goToDock(m_chartDock);
  });
  QAction* monitorToggle = m_strategyMonitorDock->toggleViewAction();
  monitorToggle->setObjectName(QStringLiteral("toggleStrategyMonitorDock"));
  monitorToggle->setStatusTip(QStringLiteral("Show or hide the Strategy Monitor panel"));
  view->addAction(monitorToggle);
  m_goToKeys.append({m_strategyMonitorDock, QKeySequence(Qt::ALT | Qt::SHIFT | Qt::Key_M)});
  // Pair Lab: pair statistics and z-score charts from the history service; backtests through the controller.
  m_pairLabDock = new PairLabDock(m_bridge, this);
  m_pairLabDock->setAllowedAreas(Qt::AllDockWidgetAreas);
  {  // like the Screener: scrolls inside its tab on a small screen instead of making the window taller
    auto* scroll = new QScrollArea(m_pairLabDock);
    scroll->setObjectName(QStringLiteral("PairLabDockScroll"));
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(m_pairLabDock->widget());
    m_pairLabDock->setWidget(scroll);
  }
  m_pairLabDock->setBacktestRunner([this](contract::RunBacktest command, const QString& description) {
    m_backtest->runBacktest(std::move(command), description);
  });
  QAction* pairLabToggle = m_pairLabDock->toggleViewAction();
  pairLabToggle->setObjectName(QStringLiteral("togglePairLabDock"));
  pairLabToggle->setStatusTip(QStringLiteral("Show or hide the Pair Lab panel"));
  view->addAction(pairLabToggle);
  m_goToKeys.append({m_pairLabDock, QKeySequence(Qt::ALT | Qt::SHIFT | Qt::Key_L)});
  createLinkGroups();  // after every panel that takes part (the Pair Lab is the last)
  QMenu* linkMenu = view->addMenu(QStringLiteral("&Link Groups"));
  linkMenu->setObjectName(QStringLiteral("menuLinkGroups"));
  m_links->populateMenu(linkMenu);
  view->addSeparator();
  createGoToMenu(view);
  QAction* reset = view->addAction(QStringLiteral("&Reset Layout"), this, &MainWindow::resetLayout);
  reset->setObjectName(QStringLiteral("actionResetLayout"));
  reset->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
  reset->setStatusTip(QStringLiteral("Show every panel in the default arrangement"));
  createViewExtras(view);

  // ---- Backtest ----
  // Run Backtest… (Ctrl+B), Optimize… (Ctrl+Shift+B), Walk-forward… (Ctrl+Alt+B), Backtest History…:
  // commands on the bus to the BacktestService, results in the Backtest Results panel (BacktestController).
  QMenu* backtest = menuBar()->addMenu(QStringLiteral("&Backtest"));
  m_backtest->populateMenu(backtest);

  // ---- Trading ----
  QMenu* trading = menuBar()->addMenu(QStringLiteral("&Trading"));
  QAction* focus = trading->addAction(QStringLiteral("&Focus Order Ticket"), this, &MainWindow::focusOrderTicket);
  focus->setObjectName(QStringLiteral("actionFocusOrderTicket"));
  focus->setShortcut(QKeySequence(Qt::Key_F2));
  focus->setStatusTip(QStringLiteral("Jump to the order ticket's symbol field"));
  trading->addSeparator();
  QAction* cancelAll = trading->addAction(QStringLiteral("&Cancel All Orders"), this, &MainWindow::cancelAllOrders);
  cancelAll->setObjectName(QStringLiteral("actionCancelAllOrders"));
  cancelAll->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X));
  cancelAll->setStatusTip(QStringLiteral("Cancel every working order (asks first unless the confirmation is off)"));
  QAction* cancelSelected =
      trading->addAction(QStringLiteral("Cancel &Selected Orders"), this, &MainWindow::cancelSelectedOrders);
  cancelSelected->setObjectName(QStringLiteral("actionCancelSelectedOrders"));
  cancelSelected->setStatusTip(QStringLiteral("Cancel the working orders selected in the Orders panel (Delete there)"));
  QAction* monitor = trading->addAction(QStringLiteral("Strategy &Monitor"), this,
                                        [this] { goToDock(m_strategyMonitorDock); });
  monitor->setObjectName(QStringLiteral("actionStrategyMonitor"));  // the key (Alt+Shift+M) is View > Go to Panel's
  monitor->setStatusTip(QStringLiteral("Show the live strategies (pause, resume, flatten) and put the keyboard there"));
  QAction* confirmMode = trading->addAction(QStringLiteral("Confirm Orders Before Sen&ding"));
  confirmMode->setObjectName(QStringLiteral("actionConfirmOrders"));
  confirmMode->setCheckable(true);
  confirmMode->setChecked(m_ticketDock->confirmMode());
  confirmMode->setStatusTip(QStringLiteral("Ask for a confirmation summarising each ticket order before it is sent"));
  connect(confirmMode, &QAction::toggled, m_ticketDock, &OrderTicketDock::setConfirmMode);
  connect(m_ticketDock->confirmCheck(), &QCheckBox::toggled, confirmMode, &QAction::setChecked);
  trading->addSeparator();
  QAction* kill = trading->addAction(QStringLiteral("&Kill Switch"), this, &MainWindow::engageKillSwitch);
  kill->setObjectName(QStringLiteral("actionKillSwitch"));
  kill->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K));
  kill->setShortcutContext(Qt::ApplicationShortcut);
  kill->setStatusTip(QStringLiteral("Cancel every working order and block new orders until the kill switch is reset"));
  QAction* resetKill = trading->addAction(QStringLiteral("Reset Kill S&witch"), this, &MainWindow::resetKillSwitch);
  resetKill->setObjectName(QStringLiteral("actionResetKillSwitch"));
  resetKill->setStatusTip(QStringLiteral("Accept new orders again after the kill switch"));
  m_confirmRiskAction = trading->addAction(QStringLiteral("Confirm Kill Switch and Cancel &All"));
  m_confirmRiskAction->setObjectName(QStringLiteral("actionConfirmRiskActions"));
  m_confirmRiskAction->setCheckable(true);
  m_confirmRiskAction->setChecked(m_confirmRiskActions);
  m_confirmRiskAction->setStatusTip(QStringLiteral("Ask before the kill switch and Cancel All act (ui.confirm_risk_actions)"));
  connect(m_confirmRiskAction, &QAction::toggled, this, &MainWindow::setConfirmRiskActions);
  QAction* resetBreaker =
      trading->addAction(QStringLiteral("Reset Circuit &Breaker"), this, &MainWindow::resetCircuitBreaker);
  resetBreaker->setObjectName(QStringLiteral("actionResetCircuitBreaker"));
  resetBreaker->setStatusTip(
      QStringLiteral("Accept new orders again after the drawdown circuit breaker tripped (the equity peak restarts)"));

  // ---- Help ----
  QMenu* help = menuBar()->addMenu(QStringLiteral("&Help"));
  QAction* keys = help->addAction(QStringLiteral("&Keyboard Shortcuts"), this, &MainWindow::showShortcuts);
  keys->setObjectName(QStringLiteral("actionKeyboardShortcuts"));
  keys->setShortcut(QKeySequence(Qt::Key_F1));
  QAction* about = help->addAction(QStringLiteral("&About Meridian"), this, &MainWindow::showAbout);
  about->setObjectName(QStringLiteral("actionAbout"));
  about->setMenuRole(QAction::AboutRole);
}

void MainWindow::requestSessionHistory() {
  // A window that starts (or attaches) mid-session: each symbol's stored minute bars of the last days give the
  // watchlist's Chg% reference and session Volume before the first live bar (nothing stored: nothing changes).
  const domain::Timestamp since = m_context.clockRef().now() - 4 * 24 * 60 * domain::kNanosPerMinute;
  for (const QString& symbol : m_watchlistModel->symbols()) {
    contract::RequestHistory request;
    request.symbol = symbol.toStdString();
    request.timeframe = domain::Timeframe::Minute1;
    request.fromTs = since;
    m_bridge->request(std::move(request), this, [this, symbol](std::shared_ptr<const contract::HistoryLoaded> h) {
      if (h && h->ok() && h->timeframe == domain::Timeframe::Minute1)
        m_watchlistModel->mergeHistoryBars(symbol, *h->bars);
    });
  }
}

void MainWindow::createServerLinkView() {
  ServerLinkPresenter::Targets targets;
  targets.ticket = m_ticketDock;
  targets.orders = m_ordersDock;
  targets.staleDocks = {m_watchlistDock, m_positionsDock, m_accountDock};
  for (const char* name : {"actionCancelAllOrders", "actionCancelSelectedOrders", "actionKillSwitch",
                           "actionResetKillSwitch", "actionResetCircuitBreaker"})
    if (auto* a = findChild<QAction*>(QLatin1String(name))) targets.orderActions.append(a);
  m_serverLink = new ServerLinkPresenter(this, std::move(targets));
  m_bridge->on<contract::ServerLinkState>(
      this, [this](const Batch<contract::ServerLinkState>& b) { m_serverLink->apply(*b.back()); });
}

void MainWindow::createStatusBar() {
  m_marketLabel = new QLabel(this);
  m_marketLabel->setObjectName(QStringLiteral("marketStatusLabel"));
  m_marketLabel->setToolTip(m_simAlwaysOpen ? QStringLiteral("The built-in simulated market trades around the clock "
                                                              "(market.sim_always_open=false: NYSE sessions only)")
                                            : QStringLiteral("NYSE regular session (09:30–16:00 ET, holidays and early closes included)"));
  m_clockLabel = new QLabel(this);
  m_clockLabel->setObjectName(QStringLiteral("clockLabel"));
  m_clockLabel->setToolTip(
      QStringLiteral("Display time zone: %1").arg(QString::fromLatin1(time::TimeZones::displayTimeZoneId())));
  m_clockLabel->setMinimumWidth(m_clockLabel->fontMetrics().horizontalAdvance(QStringLiteral("0000-00-00 00:00:00 WWWW")) + 8);
  m_riskLabel = new QLabel(QStringLiteral("RISK OK"), this);
  m_riskLabel->setObjectName(QStringLiteral("riskStateLabel"));
  m_riskLabel->setToolTip(QStringLiteral("Kill switch and drawdown circuit breaker (Trading menu)"));
  m_modeBadge = new ModeBadge(m_context.paperTrading, ModeBadge::Size::Normal, this);
  m_modeBadge->setObjectName(QStringLiteral("modeBadge"));

  statusBar()->addPermanentWidget(m_riskLabel);
  statusBar()->addPermanentWidget(m_marketLabel);
  statusBar()->addPermanentWidget(m_clockLabel);
  statusBar()->addPermanentWidget(m_modeBadge);

  m_clockTimer.setSingleShot(true);
  m_clockTimer.setTimerType(Qt::PreciseTimer);
  connect(&m_clockTimer, &QTimer::timeout, this, &MainWindow::onClockTick);
  onClockTick();
}

// ---- Layout -------------------------------------------------------------------------------------------------------

QList<QDockWidget*> MainWindow::docks() const {
  return {m_chartDock, m_watchlistDock, m_ticketDock, m_ordersDock, m_positionsDock, m_logsDock};
}

QList<QDockWidget*> MainWindow::allDocks() const {
  QList<QDockWidget*> all = docks();
  if (m_jobsDock) all << m_jobsDock;
  if (m_opsDock) all << m_opsDock;
  if (m_fillsDock) all << m_fillsDock;
  if (m_accountDock) all << m_accountDock;
  return all;
}

QDockWidget* MainWindow::dock(const QString& objectName) const {
  for (QDockWidget* d : allDocks())
    if (d->objectName() == objectName) return d;
  return nullptr;
}

void MainWindow::applyDefaultArrangement() {
  // [ Watchlist |          Chart           | Order Ticket ]
  // [          Orders           |       Positions       ]
  // [                        Logs                        ]
  // All docks live in one area; the vertical splits come first so each row spans the full width.
  // Every panel out first (the on-demand ones too: one left behind would hold its old place while the rows are
  // rebuilt around it, and make the window taller than the screen).
  for (QDockWidget* d : panelDocks()) {
    d->setFloating(false);
    removeDockWidget(d);
  }
  addDockWidget(Qt::LeftDockWidgetArea, m_watchlistDock);
  splitDockWidget(m_watchlistDock, m_ordersDock, Qt::Vertical);
  splitDockWidget(m_ordersDock, m_logsDock, Qt::Vertical);
  splitDockWidget(m_watchlistDock, m_chartDock, Qt::Horizontal);
  splitDockWidget(m_chartDock, m_ticketDock, Qt::Horizontal);
  splitDockWidget(m_ordersDock, m_positionsDock, Qt::Horizontal);
  // Jobs and Ops share the Logs row as tabs; Logs stays in front.
  tabifyDockWidget(m_logsDock, m_jobsDock);
  tabifyDockWidget(m_jobsDock, m_opsDock);
  // Fills behind Orders, Account behind Positions: the blotters of one row share it as tabs.
  tabifyDockWidget(m_ordersDock, m_fillsDock);
  tabifyDockWidget(m_positionsDock, m_accountDock);
  for (QDockWidget* d : allDocks()) d->show();
  // Panels opened on demand join a neighbour as a tab instead of splitting off a new row or a narrow column: Data
  // Quality the Logs row, the Screener and the Backtest Results the chart (room for their rows).
  for (QDockWidget* d : {static_cast<QDockWidget*>(m_dataQualityDock), static_cast<QDockWidget*>(m_screenerDock),
                         m_backtest ? static_cast<QDockWidget*>(m_backtest->resultsDock()) : nullptr,
                         static_cast<QDockWidget*>(m_strategyMonitorDock), static_cast<QDockWidget*>(m_pairLabDock)}) {
    if (!d) continue;
    QDockWidget* neighbour = d == m_dataQualityDock       ? static_cast<QDockWidget*>(m_logsDock)
                             : d == m_strategyMonitorDock ? static_cast<QDockWidget*>(m_positionsDock)
                                                          : static_cast<QDockWidget*>(m_chartDock);
    d->setFloating(false);
    removeDockWidget(d);
    addDockWidget(dockWidgetArea(neighbour), d);
    tabifyDockWidget(neighbour, d);
    d->hide();
  }
  m_chartDock->raise();
  m_logsDock->raise();
  m_ordersDock->raise();
  m_positionsDock->raise();
  m_defaultSizesPending = true;
  if (isVisible()) QMetaObject::invokeMethod(this, &MainWindow::applyDefaultSizes, Qt::QueuedConnection);
}

void MainWindow::applyDefaultSizes() {
  if (!m_defaultSizesPending) return;
  m_defaultSizesPending = false;
  const int w = width();
  const int h = height() - menuBar()->height() - statusBar()->height();
  const int left = std::clamp(w * 22 / 100, 330, 420);
  const int right = std::clamp(w * 20 / 100, 300, 360);
  resizeDocks({m_watchlistDock, m_ordersDock, m_logsDock}, {h * 52 / 100, h * 30 / 100, h * 18 / 100}, Qt::Vertical);
  resizeDocks({m_watchlistDock, m_chartDock, m_ticketDock}, {left, w - left - right, right}, Qt::Horizontal);
  resizeDocks({m_ordersDock, m_positionsDock}, {w * 60 / 100, w * 40 / 100}, Qt::Horizontal);
}

QRect MainWindow::availableScreenGeometry() const {
  const QScreen* sc = screen() ? screen() : QGuiApplication::primaryScreen();
  return sc ? sc->availableGeometry() : QRect(0, 0, 1600, 1000);
}

void MainWindow::fitToScreen() {
  // The first-run size (1600x1000, at most 92 % of the available screen), moved inside it. A maximized window
  // stays maximized (the window manager fits it).
  if (isMaximized() || isFullScreen()) return;
  const QRect avail = availableScreenGeometry();
  const QSize size = QSize(1600, 1000).boundedTo(avail.size() * 0.92);
  QRect frame(QPoint(0, 0), size);
  frame.moveCenter(avail.center());
  setGeometry(frame);
}

void MainWindow::resetLayout() {
  fitToScreen();
  applyDefaultArrangement();
  statusBar()->showMessage(QStringLiteral("Layout reset"), kStatusMessageMs);
}

void MainWindow::restoreLayout() {
  QSettings settings(m_context.settingsOrganization, m_context.settingsApplication);
  const QStringList symbols = settings.value(QLatin1String(kWatchlistKey)).toStringList();
  if (settings.contains(QLatin1String(kWatchlistKey))) m_watchlistModel->setSymbols(symbols);
  m_chartDock->applyChartSettings(settings.value(QLatin1String(kChartSettingsKey)).toMap());
  m_links->restore(settings.value(QLatin1String(kLinkGroupsKey)).toMap());

  const QByteArray geometry = settings.value(QLatin1String(kGeometryKey)).toByteArray();
  if (geometry.isEmpty() || !restoreGeometry(geometry)) fitToScreen();
  const QByteArray state = settings.value(QLatin1String(kStateKey)).toByteArray();
  if (!state.isEmpty() && restoreState(state, kLayoutVersion)) m_defaultSizesPending = false;
}

void MainWindow::saveLayout() const {
  QSettings settings(m_context.settingsOrganization, m_context.settingsApplication);
  settings.setValue(QLatin1String(kGeometryKey), saveGeometry());
  settings.setValue(QLatin1String(kStateKey), saveState(kLayoutVersion));
  settings.setValue(QLatin1String(kWatchlistKey), m_watchlistModel->symbols());
  settings.setValue(QLatin1String(kChartSettingsKey), m_chartDock->chartSettings());
  settings.setValue(QLatin1String(kChartSymbolKey), m_chartDock->symbol());
  settings.setValue(QLatin1String(kLinkGroupsKey), m_links->save());
  settings.sync();
}

void MainWindow::showEvent(QShowEvent* event) {
  QMainWindow::showEvent(event);
  if (m_defaultSizesPending) QMetaObject::invokeMethod(this, &MainWindow::applyDefaultSizes, Qt::QueuedConnection);
}

void MainWindow::closeEvent(QCloseEvent* event) {
  saveLayout();
  QMainWindow::closeEvent(event);
}

// ---- Actions ------------------------------------------------------------------------------------------------------

void MainWindow::focusOrderTicket() { m_ticketDock->focusTicket(); }

bool MainWindow::confirmRiskAction(const QString& title, const QString& text) {
  // Precaution (ui.confirm_risk_actions, default on; Trading > Confirm Kill Switch and Cancel All): Enter confirms,
  // Esc declines.
  if (!m_confirmRiskActions) return true;
  QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::NoButton, this);
  box.setObjectName(QStringLiteral("riskActionConfirmBox"));
  QPushButton* yes = box.addButton(title, QMessageBox::AcceptRole);
  yes->setObjectName(QStringLiteral("riskActionConfirmButton"));
  QPushButton* no = box.addButton(QStringLiteral("&Keep Orders"), QMessageBox::RejectRole);
  box.setDefaultButton(yes);
  box.setEscapeButton(no);
  box.exec();
  if (box.clickedButton() == yes) return true;
  statusBar()->showMessage(QStringLiteral("%1: not confirmed, nothing sent").arg(title), kStatusMessageMs);
  return false;
}

void MainWindow::setConfirmRiskActions(bool on) {
  m_confirmRiskActions = on;
  if (m_confirmRiskAction) m_confirmRiskAction->setChecked(on);
}

void MainWindow::cancelAllOrders() {
  if (!confirmRiskAction(QStringLiteral("Cancel All Orders"),
                         QStringLiteral("Cancel every working order (%1 in the Orders panel)?")
                             .arg(m_ordersModel->workingCount())))
    return;
  // The result arrives as OrderUpdated events.
  m_bridge->send(contract::CancelOrder{{}, std::string(contract::CancelOrder::kCancelAll)}, QStringLiteral("CANCEL ALL"));
}

void MainWindow::cancelSelectedOrders() {
  const QStringList ids = m_ordersDock->selectedWorkingOrders();
  if (ids.isEmpty()) {
    statusBar()->showMessage(QStringLiteral("No working order selected in the Orders panel"), kStatusMessageMs);
    return;
  }
  m_ordersDock->cancelSelected();
}

void MainWindow::addExportMenu(QMenu* file) {
  QMenu* exportMenu = file->addMenu(QStringLiteral("&Export to CSV"));
  exportMenu->setObjectName(QStringLiteral("menuExportCsv"));
  const auto add = [&](const QString& text, const QString& name, auto* dock) {
    QAction* a = exportMenu->addAction(text, dock, [dock] { dock->exportCsv(); });
    a->setObjectName(name);
    a->setStatusTip(QStringLiteral("Save the rows of the %1 panel, in the order shown, as a CSV file (Ctrl+E in the panel)")
                        .arg(dock->windowTitle()));
  };
  add(QStringLiteral("&Orders…"), QStringLiteral("actionExportOrders"), m_ordersDock);
  add(QStringLiteral("&Fills…"), QStringLiteral("actionExportFills"), m_fillsDock);
  add(QStringLiteral("&Positions…"), QStringLiteral("actionExportPositions"), m_positionsDock);
  add(QStringLiteral("&Account…"), QStringLiteral("actionExportAccount"), m_accountDock);
}

void MainWindow::engageKillSwitch() {
  if (!confirmRiskAction(QStringLiteral("Kill Switch"),
                         QStringLiteral("Engage the kill switch? Every working order is cancelled and new orders are "
                                        "blocked until Trading > Reset Kill Switch.")))
    return;
  // The result arrives as OrderUpdated and RiskStateChanged events.
  m_bridge->send(contract::EngageKillSwitch{{}, "kill switch (menu / Ctrl+Shift+K)"}, QStringLiteral("KILL SWITCH"));
  statusBar()->showMessage(QStringLiteral("KILL SWITCH: cancelling every working order, new orders blocked"),
                           kStatusMessageMs * 2);
}

void MainWindow::resetKillSwitch() {
  m_bridge->send(contract::ResetKillSwitch{}, QStringLiteral("RESET KILL SWITCH"));
  statusBar()->showMessage(QStringLiteral("Kill switch reset requested"), kStatusMessageMs);
}

void MainWindow::resetCircuitBreaker() {
  m_bridge->send(contract::ResetCircuitBreaker{}, QStringLiteral("RESET CIRCUIT BREAKER"));
  statusBar()->showMessage(QStringLiteral("Circuit breaker reset requested"), kStatusMessageMs);
}

void MainWindow::showRiskState(const contract::RiskStateChanged& state) {
  const contract::RiskStateChanged* last = &state;
  m_ticketDock->setRiskState(last->killSwitch, format::qstr(last->killSwitchReason), last->circuitBreaker,
                             format::qstr(last->circuitBreakerReason));
  QString text = QStringLiteral("RISK OK");
  QString color = format::upColor().name();
  QStringList why;
  if (last->killSwitch) why << QStringLiteral("Kill switch: %1").arg(QString::fromStdString(last->killSwitchReason));
  if (last->circuitBreaker)
    why << QStringLiteral("Circuit breaker: %1").arg(QString::fromStdString(last->circuitBreakerReason));
  if (last->killSwitch || last->circuitBreaker) {
    text = last->killSwitch ? QStringLiteral("KILL SWITCH") : QStringLiteral("BREAKER TRIPPED");
    if (last->killSwitch && last->circuitBreaker) text = QStringLiteral("KILL SWITCH + BREAKER");
    color = QStringLiteral("#d32f2f");
  }
  m_riskLabel->setText(text);
  m_riskLabel->setToolTip(why.isEmpty() ? QStringLiteral("Kill switch and drawdown circuit breaker (Trading menu)")
                                        : why.join('\n'));
  m_riskLabel->setStyleSheet(QStringLiteral("QLabel { color: %1; font-weight: bold; padding: 0 6px; }").arg(color));
}

void MainWindow::showSettings() {
  SettingsDialog dialog(*m_context.config, std::make_shared<common::SecretStore>(common::makeSystemSecretBackend()),
                        m_context.configPath, m_context.config, this);
  // The editable settings above the effective-configuration dump.
  auto* editor = new SettingsEditor(*m_context.config, m_context.configPath, &dialog);
  if (auto* box = qobject_cast<QBoxLayout*>(dialog.layout())) box->insertWidget(1, editor);
  connect(editor, &SettingsEditor::applied, this, &MainWindow::onSettingsApplied);
  dialog.exec();
}

void MainWindow::onSettingsApplied(const QStringList& keys) {
  // What can change while running does: the display time zone (clock, blotter times), the theme, the ticket's
  // pre-checks and the risk engine's limits.
  if (keys.contains(QStringLiteral("display.timezone"))) {
    const QString zone = m_context.config->value(QStringLiteral("display.timezone"), QStringLiteral("America/Chicago"));
    time::TimeZones::setDisplayTimeZone(zone.toUtf8());
    m_clockLabel->setToolTip(QStringLiteral("Display time zone: %1").arg(QString::fromLatin1(time::TimeZones::displayTimeZoneId())));
    onClockTick();
  }
  if (keys.contains(QStringLiteral("ui.theme")))
    setTheme(themeFromName(m_context.config->value(QStringLiteral("ui.theme")), Theme::Light));
  contract::SetRiskLimits limits;
  for (const QString& k : keys)
    if (k.startsWith(QLatin1String("risk.")))
      limits.values.emplace_back(k.toStdString(), m_context.config->value(k).toStdString());
  if (!limits.values.empty()) {
    m_ticketDock->setRiskLimits(risk::RiskLimits::fromConfig(*m_context.config));
    // The running engine takes them at once (RiskLimitsApplied below); an attached window's server keeps its own.
    if (!m_context.attached) m_bridge->send(std::move(limits), QStringLiteral("SET RISK LIMITS"));
  }
  statusBar()->showMessage(QStringLiteral("Settings saved: %1").arg(keys.join(QStringLiteral(", "))), kStatusMessageMs);
}

QList<QAction*> MainWindow::allMenuActions() const {
  QList<QAction*> out;
  for (QAction* top : menuBar()->actions()) {
    if (QMenu* m = top->menu()) {
      for (QAction* a : m->actions()) {
        if (a->isSeparator()) continue;
        out << a;
        if (QMenu* sub = a->menu())
          for (QAction* s : sub->actions())
            if (!s->isSeparator()) out << s;
      }
    }
  }
  return out;
}

void MainWindow::showShortcuts() {
  ShortcutsDialog dialog(allMenuActions(), this);
  dialog.exec();
}

void MainWindow::showAbout() {
  QMessageBox::about(
      this, QStringLiteral("About Meridian"),
      QStringLiteral("<h3>Meridian %1</h3><p>Desktop trading workstation for US equities.</p>"
                     "<p>Mode: <b>%2</b><br/>Display time zone: %3<br/>Qt %4</p>")
          .arg(QStringLiteral(MERIDIAN_VERSION), m_context.paperTrading ? QStringLiteral("PAPER") : QStringLiteral("LIVE"),
               QString::fromLatin1(time::TimeZones::displayTimeZoneId()), QString::fromLatin1(qVersion())));
}

// ---- Slots --------------------------------------------------------------------------------------------------------

// ---- Link groups and row context menus -----------------------------------------------------------------------

int MainWindow::symbolColumn(const QAbstractItemModel* model) {
  for (int c = 0; model && c < model->columnCount(); ++c)
    if (model->headerData(c, Qt::Horizontal).toString() == QLatin1String("Symbol")) return c;
  return -1;
}

QString MainWindow::symbolAt(const QTableView* view, const QModelIndex& index) {
  const int col = symbolColumn(view->model());
  if (!index.isValid() || col < 0) return {};
  return index.sibling(index.row(), col).data().toString().trimmed().toUpper();
}

void MainWindow::selectSymbolRow(QTableView* view, const QString& symbol) {
  const int col = symbolColumn(view->model());
  if (col < 0) return;
  for (int r = 0; r < view->model()->rowCount(); ++r) {
    const QModelIndex i = view->model()->index(r, col);
    if (i.data().toString().compare(symbol, Qt::CaseInsensitive) == 0) {
      view->setCurrentIndex(i);
      view->scrollTo(i);
      return;
    }
  }
}

QTableView* MainWindow::watchlistView() const { return m_watchlistDock->findChild<QTableView*>(QStringLiteral("watchlistView")); }

void MainWindow::createLinkGroups() {
  m_links = new LinkGroups(this);
  m_links->add(m_watchlistDock, 1, [this](const QString& s) { selectSymbolRow(watchlistView(), s); });
  m_links->add(m_chartDock, 1, [this](const QString& s) { m_chartDock->setSymbol(s); });
  m_links->add(m_ticketDock, 1, [this](const QString& s) { m_ticketDock->setSymbol(s); });
  m_links->add(m_positionsDock, 1, [this](const QString& s) { selectSymbolRow(m_positionsDock->view(), s); });
  m_links->add(m_screenerDock, 1, [this](const QString& s) { selectSymbolRow(m_screenerDock->view(), s); });
  // The Pair Lab: choosing a pair moves its group to the first leg; a symbol chosen elsewhere selects the first pair
  // that has it as a leg.
  m_links->add(m_pairLabDock, 1, [this](const QString& s) {
    const PairLabModel* pairs = m_pairLabDock->model();
    for (int r = 0; r < pairs->rowCount(); ++r)
      if (const contract::PairLabRow* p = pairs->rowAt(r);
          p && (format::qstr(p->first) == s || format::qstr(p->second) == s)) {
        m_pairLabDock->view()->setCurrentIndex(pairs->index(r, 0));
        return;
      }
  });
  connect(m_pairLabDock->view()->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
          [this](const QModelIndex& current) {
            if (const contract::PairLabRow* p = current.isValid() ? m_pairLabDock->model()->rowAt(current.row()) : nullptr)
              m_links->publish(m_pairLabDock, format::qstr(p->first));
          });
  connect(m_chartDock, &ChartDock::symbolChanged, this, [this](const QString& s) { m_links->publish(m_chartDock, s); });
  // Working orders on the chart; drag a line to move its price (a ReplaceOrder, like Modify Order…).
  connect(m_chartDock, &ChartDock::symbolChanged, this, &MainWindow::refreshChartOrderLines);
  OrdersModel* orders = m_ordersDock->model();
  connect(orders, &QAbstractItemModel::modelReset, this, &MainWindow::refreshChartOrderLines);
  connect(orders, &QAbstractItemModel::layoutChanged, this, &MainWindow::refreshChartOrderLines);
  connect(orders, &QAbstractItemModel::rowsInserted, this, &MainWindow::refreshChartOrderLines);
  connect(orders, &QAbstractItemModel::rowsRemoved, this, &MainWindow::refreshChartOrderLines);
  connect(orders, &QAbstractItemModel::dataChanged, this, &MainWindow::refreshChartOrderLines);
  connect(m_chartDock->view(), &CandleView::orderLineMoved, this, &MainWindow::onOrderLineMoved);
  connect(m_ticketDock->symbolEdit(), &QLineEdit::editingFinished, this, [this] {
    m_links->publish(m_ticketDock, m_ticketDock->symbolEdit()->text());
  });
  const QList<QTableView*> rowViews = {watchlistView(), m_positionsDock->view(), m_ordersDock->view(),
                                       m_fillsDock->view(), m_screenerDock->view()};
  for (QTableView* view : rowViews) {
    if (!view) continue;
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(view, &QWidget::customContextMenuRequested, this, [this, view](const QPoint& pos) {
      QModelIndex index = view->indexAt(pos);
      if (!index.isValid()) index = view->currentIndex();  // the menu key: the current row
      std::unique_ptr<QMenu> menu(rowMenu(view, index));
      if (menu && !menu->isEmpty()) menu->exec(view->viewport()->mapToGlobal(pos));
    });
  }
}

double MainWindow::positionQuantity(const QString& symbol) const {
  double qty = 0.0;
  for (int r = 0; r < m_positionsModel->rowCount(); ++r)
    if (format::qstr(m_positionsModel->positionAt(r).symbol) == symbol) qty += m_positionsModel->positionAt(r).quantity;
  return qty;
}

QMenu* MainWindow::rowMenu(QTableView* view, const QModelIndex& index) {
  const QString symbol = symbolAt(view, index);
  auto* menu = new QMenu(view);
  menu->setObjectName(QStringLiteral("rowContextMenu"));
  const auto add = [menu](const QString& text, const QString& name, const QKeySequence& key, auto fn) {
    QAction* a = menu->addAction(text);
    a->setObjectName(name);
    if (!key.isEmpty()) a->setShortcut(key);  // shown as a hint: the same key works in the ticket / blotter
    QObject::connect(a, &QAction::triggered, menu, fn);
    return a;
  };
  if (!symbol.isEmpty()) {
    for (const domain::Side side : {domain::Side::Buy, domain::Side::Sell}) {
      const bool buy = side == domain::Side::Buy;
      add(QStringLiteral("%1 %2…").arg(buy ? QStringLiteral("&Buy") : QStringLiteral("&Sell"), symbol),
          buy ? QStringLiteral("actionRowBuy") : QStringLiteral("actionRowSell"), {}, [this, symbol, side] {
            m_ticketDock->setSymbol(symbol);
            m_ticketDock->setSide(side);
            m_links->publish(m_ticketDock, symbol);
            m_ticketDock->show();
            m_ticketDock->raise();
            m_ticketDock->quantitySpin()->setFocus(Qt::ShortcutFocusReason);
            m_ticketDock->quantitySpin()->selectAll();
          });
    }
    if (const double qty = positionQuantity(symbol); qty != 0.0)
      add(QStringLiteral("C&lose Position (%1)").arg(format::quantity(qty)), QStringLiteral("actionRowClosePosition"), {},
          [this, symbol, qty] { m_ticketDock->prefillClosingOrder(symbol, qty); });
  }
  if (view == m_ordersDock->view() && index.isValid()) {
    const QModelIndex src = sourceIndex(index);
    if (src.isValid() && src.model() == m_ordersModel) {
      const domain::Order order = m_ordersModel->orderAt(src.row());
      if (!domain::isTerminal(order.status)) {
        menu->addSeparator();
        const QString id = format::qstr(order.clientOrderId);
        add(QStringLiteral("&Cancel Order"), QStringLiteral("actionRowCancelOrder"), QKeySequence::Delete,
            [this, id] { m_bridge->send(contract::CancelOrder{{}, id.toStdString()}, QStringLiteral("CANCEL %1").arg(id)); });
        add(QStringLiteral("&Modify Order…"), QStringLiteral("actionRowModifyOrder"), {}, [this, order] { modifyOrder(order); });
      }
    }
  }
  if (!symbol.isEmpty()) {
    menu->addSeparator();
    add(QStringLiteral("C&hart %1").arg(symbol), QStringLiteral("actionRowChart"), {}, [this, symbol] {
      m_chartDock->setSymbol(symbol);
      goToDock(m_chartDock);
    });
    if (!m_watchlistModel->symbols().contains(symbol))
      add(QStringLiteral("&Add %1 to Watchlist").arg(symbol), QStringLiteral("actionRowAddToWatchlist"), {},
          [this, symbol] { m_watchlistModel->addSymbol(symbol); });
  }
  // The view's own actions (Remove Symbol, Cancel Selected, Export...) after ours.
  if (!view->actions().isEmpty()) {
    menu->addSeparator();
    menu->addActions(view->actions());
  }
  return menu;
}

QModelIndex MainWindow::sourceIndex(QModelIndex index) {
  while (const auto* proxy = qobject_cast<const QAbstractProxyModel*>(index.model())) index = proxy->mapToSource(index);
  return index;
}

void MainWindow::refreshChartOrderLines() {
  const QString symbol = m_chartDock->symbol();
  std::vector<ChartOrderLine> lines;
  const OrdersModel* orders = m_ordersDock->model();
  for (int r = 0; r < orders->rowCount(); ++r) {
    const domain::Order& o = orders->orderAt(r);
    if (domain::isTerminal(o.status) || symbol.compare(format::qstr(o.symbol), Qt::CaseInsensitive) != 0) continue;
    const bool buy = o.side == domain::Side::Buy;
    const QString label = QStringLiteral("%1 %2").arg(buy ? QStringLiteral("BUY") : QStringLiteral("SELL"),
                                                      format::quantity(o.remaining()));
    const bool hasLimit = domain::hasLimitPrice(o.type);
    const bool hasStop = domain::hasStopPrice(o.type);
    if (hasLimit && o.limitPrice > 0.0)
      lines.push_back({format::qstr(o.clientOrderId), label + QStringLiteral(" LMT"), o.limitPrice, false, buy});
    if (hasStop && o.stopPrice > 0.0)
      lines.push_back({format::qstr(o.clientOrderId), label + QStringLiteral(" STP"), o.stopPrice, true, buy});
  }
  m_chartDock->view()->setOrderLines(std::move(lines));
}

void MainWindow::onOrderLineMoved(const QString& clientOrderId, bool stop, double price) {
  const OrdersModel* orders = m_ordersDock->model();
  const int row = orders->rowOf(clientOrderId.toStdString());
  if (row < 0 || domain::isTerminal(orders->orderAt(row).status)) return;  // it ended meanwhile
  const domain::Order& o = orders->orderAt(row);
  const bool hasLimit = domain::hasLimitPrice(o.type);
  const bool hasStop = domain::hasStopPrice(o.type);
  sendModify(clientOrderId, o.quantity, hasLimit ? (stop ? o.limitPrice : price) : 0.0,
             hasStop ? (stop ? price : o.stopPrice) : 0.0);
}

bool MainWindow::sendModify(const QString& clientOrderId, double quantity, double limitPrice, double stopPrice) {
  if (!(quantity > 0.0) || limitPrice < 0.0 || stopPrice < 0.0) return false;
  contract::ReplaceOrder replace;
  replace.clientOrderId = clientOrderId.toStdString();
  replace.quantity = quantity;
  replace.limitPrice = limitPrice;
  replace.stopPrice = stopPrice;
  m_bridge->send(std::move(replace), QStringLiteral("MODIFY %1").arg(clientOrderId));
  return true;
}

void MainWindow::modifyOrder(const domain::Order& order) {
  QDialog dialog(this);
  dialog.setObjectName(QStringLiteral("modifyOrderDialog"));
  dialog.setWindowTitle(QStringLiteral("Modify %1").arg(OrderTicketDock::describe(order)));
  auto* form = new QFormLayout(&dialog);
  auto* qty = new QSpinBox(&dialog);
  qty->setObjectName(QStringLiteral("modifyQuantity"));
  qty->setRange(1, 10'000'000);
  qty->setValue(static_cast<int>(std::llround(order.quantity)));
  form->addRow(QStringLiteral("&Quantity"), qty);
  const auto price = [&](const QString& name, double value, bool on) {
    auto* spin = new QDoubleSpinBox(&dialog);
    spin->setObjectName(name);
    spin->setDecimals(2);
    spin->setRange(0.0, 1'000'000.0);
    spin->setValue(value);
    spin->setEnabled(on);
    return spin;
  };
  const bool hasLimit = domain::hasLimitPrice(order.type);
  const bool hasStop = domain::hasStopPrice(order.type);
  auto* limit = price(QStringLiteral("modifyLimit"), order.limitPrice, hasLimit);
  auto* stop = price(QStringLiteral("modifyStop"), order.stopPrice, hasStop);
  form->addRow(QStringLiteral("&Limit"), limit);
  form->addRow(QStringLiteral("&Stop"), stop);
  auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
  form->addRow(buttons);
  connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
  connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
  if (dialog.exec() != QDialog::Accepted) return;
  sendModify(format::qstr(order.clientOrderId), qty->value(), hasLimit ? limit->value() : 0.0, hasStop ? stop->value() : 0.0);
}

void MainWindow::onClockTick() {
  const domain::Timestamp now = m_context.clockRef().now();
  m_clockLabel->setText(clockText(now));
  // The built-in simulated feed trades around the clock (market.sim_always_open): saying "NYSE CLOSED" while it
  // fills orders would be wrong.
  const bool open = m_simAlwaysOpen || marketIsOpen(now);
  m_marketLabel->setText(m_simAlwaysOpen ? QStringLiteral("SIM · always open") : marketStatusText(now));
  m_marketLabel->setStyleSheet(QStringLiteral("QLabel { color: %1; font-weight: bold; padding: 0 6px; }")
                                   .arg(open ? format::upColor().name()
                                             : (palette().color(QPalette::Window).lightness() < 128
                                                    ? format::mutedColor().lighter(140)
                                                    : format::mutedColor().darker(130))
                                                   .name()));
  // Re-arm on the next whole second so the clock never skips or lags a second.
  const qint64 ms = (now / domain::kNanosPerMilli) % 1000;
  m_clockTimer.start(static_cast<int>(1000 - ms) + 2);
}

void MainWindow::onFillsAppended(const QVector<domain::Fill>& fills) {
  if (fills.isEmpty()) return;
  const domain::Fill& f = fills.back();
  QString text = QStringLiteral("Filled %1 %2 %3 @ %4")
                     .arg(format::sideText(f.side), format::quantity(f.quantity), format::qstr(f.symbol),
                          format::price(f.price));
  if (fills.size() > 1) text += QStringLiteral("  (+%1 more fills)").arg(fills.size() - 1);
  statusBar()->showMessage(text, kStatusMessageMs);
}

void MainWindow::onCommandRejected(const contract::CommandRejected& rejected) {
  m_ticketDock->onCommandRejected(format::qstr(rejected.correlationId), format::qstr(rejected.reason));
  statusBar()->showMessage(QStringLiteral("Rejected: %1").arg(format::qstr(rejected.reason)), kStatusMessageMs * 2);
  common::logger("ui")->warn("command {} rejected: {}", rejected.correlationId, rejected.reason);
}

void MainWindow::onCommandPublished(const QString& correlationId, const QString& description) {
  statusBar()->showMessage(QStringLiteral("Sent %1  [%2]").arg(description, correlationId), kStatusMessageMs);
}

// ---- Operations panels, theme, workspaces, notifications ----------------------------------------------------------

void MainWindow::createOpsPanels() {
  m_jobsDock = new JobsDock(m_context.sharedClock(), this);
  m_opsDock = new OpsDock(this);
  for (QDockWidget* d : {static_cast<QDockWidget*>(m_jobsDock), static_cast<QDockWidget*>(m_opsDock)})
    d->setAllowedAreas(Qt::AllDockWidgetAreas);
  connect(m_jobsDock, &JobsDock::runNowRequested, this, &MainWindow::onRunJobNow);

  m_toasts = new ToastOverlay(this);
  m_workspaces = std::make_unique<WorkspaceManager>(m_context.settingsOrganization, m_context.settingsApplication);

  if (QSystemTrayIcon::isSystemTrayAvailable()) {
    QPixmap pm(64, 64);
    pm.fill(Qt::transparent);
    {
      QPainter p(&pm);
      p.setRenderHint(QPainter::Antialiasing);
      p.setBrush(QColor(0x1f, 0x6f, 0xd1));
      p.setPen(Qt::NoPen);
      p.drawRoundedRect(QRectF(2, 2, 60, 60), 12, 12);
      p.setPen(Qt::white);
      QFont f = font();
      f.setBold(true);
      f.setPixelSize(40);
      p.setFont(f);
      p.drawText(QRectF(0, 0, 64, 64), Qt::AlignCenter, QStringLiteral("M"));
    }
    m_tray = new QSystemTrayIcon(QIcon(pm), this);
    m_tray->setObjectName(QStringLiteral("trayIcon"));
    m_tray->setToolTip(QStringLiteral("Meridian — %1").arg(m_context.paperTrading ? QStringLiteral("PAPER") : QStringLiteral("LIVE")));
    connect(m_tray, &QSystemTrayIcon::activated, this, [this] {
      showNormal();
      raise();
      activateWindow();
    });
    connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
      showNormal();
      raise();
      activateWindow();
    });
    m_tray->show();
  }
}

void MainWindow::createViewExtras(QMenu* view) {
  // Showing a dock that shares a tab row brings its tab to the front.
  for (QDockWidget* d : allDocks())
    connect(d->toggleViewAction(), &QAction::triggered, d, [d](bool on) {
      if (on) d->raise();
    });

  view->addSeparator();
  QMenu* theme = view->addMenu(QStringLiteral("T&heme"));
  theme->setObjectName(QStringLiteral("menuTheme"));
  m_themeGroup = new QActionGroup(this);
  m_themeGroup->setExclusive(true);
  for (Theme t : {Theme::Light, Theme::Dark}) {
    QAction* a = theme->addAction(t == Theme::Light ? QStringLiteral("&Light") : QStringLiteral("&Dark"));
    a->setObjectName(t == Theme::Light ? QStringLiteral("actionThemeLight") : QStringLiteral("actionThemeDark"));
    a->setCheckable(true);
    a->setData(themeName(t));
    a->setStatusTip(QStringLiteral("Use the %1 colour theme").arg(themeName(t)));
    m_themeGroup->addAction(a);
    connect(a, &QAction::triggered, this, [this, t] { setTheme(t); });
  }
  theme->addSeparator();
  QAction* toggle = theme->addAction(QStringLiteral("&Toggle Light/Dark"), this, &MainWindow::toggleTheme);
  toggle->setObjectName(QStringLiteral("actionToggleTheme"));
  toggle->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T));

  m_workspaceMenu = view->addMenu(QStringLiteral("&Workspaces"));
  m_workspaceMenu->setObjectName(QStringLiteral("menuWorkspaces"));
  QAction* save = m_workspaceMenu->addAction(QStringLiteral("&Save Workspace As…"), this, &MainWindow::saveWorkspaceAs);
  save->setObjectName(QStringLiteral("actionSaveWorkspace"));
  save->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
  save->setStatusTip(QStringLiteral("Save the current panel layout and chart settings under a name"));
  QAction* del = m_workspaceMenu->addAction(QStringLiteral("&Delete Current Workspace"), this, &MainWindow::deleteCurrentWorkspace);
  del->setObjectName(QStringLiteral("actionDeleteWorkspace"));
  m_workspaceMenu->addSeparator();
  rebuildWorkspaceMenu();
}

void MainWindow::rebuildWorkspaceMenu() {
  if (!m_workspaceMenu) return;
  for (QAction* a : m_workspaceActions) {
    m_workspaceMenu->removeAction(a);
    a->deleteLater();
  }
  m_workspaceActions.clear();
  const QString current = m_workspaces->current();
  const QStringList names = m_workspaces->names();
  for (int i = 0; i < names.size(); ++i) {
    const QString name = names[i];
    QAction* a = m_workspaceMenu->addAction(i < 9 ? QStringLiteral("&%1  %2").arg(i + 1).arg(name) : name);
    a->setObjectName(QStringLiteral("actionWorkspace_%1").arg(name));
    a->setCheckable(true);
    a->setChecked(name == current);
    a->setData(name);
    if (i < 9) a->setShortcut(QKeySequence(Qt::CTRL | Qt::ALT | static_cast<Qt::Key>(Qt::Key_1 + i)));
    a->setStatusTip(QStringLiteral("Switch to the workspace '%1'").arg(name));
    connect(a, &QAction::triggered, this, [this, name] { switchWorkspace(name); });
    m_workspaceActions << a;
  }
  if (names.isEmpty()) {
    QAction* none = m_workspaceMenu->addAction(QStringLiteral("(no saved workspaces)"));
    none->setEnabled(false);
    m_workspaceActions << none;
  }
  for (QAction* a : m_workspaceMenu->actions())
    if (a->objectName() == QLatin1String("actionDeleteWorkspace")) a->setEnabled(!current.isEmpty());
}

void MainWindow::setTheme(Theme theme) {
  m_theme = theme;
  applyTheme(theme);
  if (m_themeGroup)
    for (QAction* a : m_themeGroup->actions()) a->setChecked(a->data().toString() == themeName(theme));
  QSettings settings(m_context.settingsOrganization, m_context.settingsApplication);
  settings.setValue(QLatin1String(kThemeKey), themeName(theme));
}

void MainWindow::toggleTheme() { setTheme(m_theme == Theme::Dark ? Theme::Light : Theme::Dark); }

QStringList MainWindow::workspaceNames() const { return m_workspaces->names(); }
QString MainWindow::currentWorkspace() const { return m_workspaces->current(); }

bool MainWindow::saveWorkspace(const QString& name) {
  Workspace w;
  w.state = saveState(kLayoutVersion);
  w.geometry = saveGeometry();
  w.chart = m_chartDock->chartSettings();
  if (!m_workspaces->save(name, w)) return false;
  m_workspaces->setCurrent(name);
  rebuildWorkspaceMenu();
  statusBar()->showMessage(QStringLiteral("Workspace '%1' saved").arg(WorkspaceManager::normalized(name)), kStatusMessageMs);
  return true;
}

bool MainWindow::switchWorkspace(const QString& name) {
  const auto target = m_workspaces->load(name);
  if (!target) return false;
  const QString current = m_workspaces->current();
  if (!current.isEmpty() && current != WorkspaceManager::normalized(name) && m_workspaces->contains(current)) {
    Workspace w;  // each workspace keeps its own arrangement
    w.state = saveState(kLayoutVersion);
    w.geometry = saveGeometry();
    w.chart = m_chartDock->chartSettings();
    m_workspaces->save(current, w);
  }
  if (!target->state.isEmpty() && !restoreState(target->state, kLayoutVersion)) return false;
  m_chartDock->applyChartSettings(target->chart);
  m_workspaces->setCurrent(name);
  rebuildWorkspaceMenu();
  statusBar()->showMessage(QStringLiteral("Workspace '%1'").arg(WorkspaceManager::normalized(name)), kStatusMessageMs);
  return true;
}

bool MainWindow::deleteWorkspace(const QString& name) {
  const bool removed = m_workspaces->remove(name);
  rebuildWorkspaceMenu();
  return removed;
}

void MainWindow::saveWorkspaceAs() {
  bool ok = false;
  const QString name = QInputDialog::getText(this, QStringLiteral("Save Workspace"), QStringLiteral("Workspace &name:"),
                                             QLineEdit::Normal, m_workspaces->current(), &ok);
  if (!ok) return;
  if (!saveWorkspace(name))
    QMessageBox::warning(this, QStringLiteral("Save Workspace"),
                         QStringLiteral("A workspace needs a name of 1 to %1 characters.").arg(WorkspaceManager::kMaxNameLength));
}

void MainWindow::deleteCurrentWorkspace() {
  const QString current = m_workspaces->current();
  if (current.isEmpty()) return;
  if (QMessageBox::question(this, QStringLiteral("Delete Workspace"), QStringLiteral("Delete the workspace '%1'?").arg(current)) ==
      QMessageBox::Yes)
    deleteWorkspace(current);
}

void MainWindow::onRunJobNow(const QString& jobName) {
  m_bridge->send(contract::RunJobNow{{}, jobName.toStdString()}, QStringLiteral("RUN JOB %1").arg(jobName));
}

void MainWindow::onTradingModeChanged(bool paperTrading, const QString& broker) {
  if (paperTrading == m_context.paperTrading) return;
  m_context.paperTrading = paperTrading;
  const QString mode = paperTrading ? QStringLiteral("PAPER") : QStringLiteral("LIVE");
  m_modeBadge->setPaper(paperTrading);
  m_accountDock->setPaperTrading(paperTrading);
  m_ticketDock->setPaperTrading(paperTrading);  // confirm default: on for LIVE
  if (!m_context.config->value(QStringLiteral("ui.confirm_orders")).trimmed().isEmpty())
    m_ticketDock->setConfirmMode(m_context.config->boolValue(QStringLiteral("ui.confirm_orders"), !paperTrading));
  QString title = windowTitle();
  title.replace(QRegularExpression(QStringLiteral("— (PAPER|LIVE)")), QStringLiteral("— ") + mode);
  setWindowTitle(title);
  if (m_tray) m_tray->setToolTip(QStringLiteral("Meridian — %1").arg(mode));
  common::logger("ui")->warn("trading mode is now {} (broker {})", mode.toStdString(), broker.toStdString());
}

void MainWindow::onNotificationsAppended(const QVector<contract::Notification>& notifications) {
  m_toasts->setBottomMargin(statusBar()->isVisible() ? statusBar()->height() : 0);
  for (const contract::Notification& n : notifications) {
    // The rule table (notify.on_<event>, File > Settings > Notifications) decides toast and tray per event.
    if (n.toast) m_toasts->showNotification(n);
    if (m_tray && n.tray) {
      const auto icon = n.severity == contract::Severity::Error     ? QSystemTrayIcon::Critical
                        : n.severity == contract::Severity::Warning ? QSystemTrayIcon::Warning
                                                                   : QSystemTrayIcon::Information;
      m_tray->showMessage(format::qstr(n.taggedTitle()), format::qstr(n.body), icon, 8000);
    }
  }
}

// ---- Market data import -------------------------------------------------------------------------------------------

void MainWindow::showImportCsv() {
  if (!m_context.canImport) return;
  if (!m_importCsvDialog) {
    m_importCsvDialog = new ImportCsvDialog(m_bridge, m_context.settingsOrganization, m_context.settingsApplication, this);
    connect(m_importCsvDialog, &ImportCsvDialog::showQualityRequested, this, &MainWindow::showDataQuality);
    connect(m_importCsvDialog, &ImportCsvDialog::importSubmitted, this, [this](const QString& id, const QString& sym) {
      statusBar()->showMessage(QStringLiteral("Importing %1 [%2]").arg(sym, id.left(8)), kStatusMessageMs);
    });
  }
  m_importCsvDialog->show();
  m_importCsvDialog->raise();
  m_importCsvDialog->activateWindow();
}

void MainWindow::showDataQuality(const QString& symbol) {
  m_dataQualityDock->setSymbolFilter(symbol);
  m_dataQualityDock->show();
  m_dataQualityDock->raise();
}

// ---- Keyboard: go to a panel, cycle panels -----------------------------------------------------------------------

QList<QDockWidget*> MainWindow::panelDocks() const {
  QList<QDockWidget*> all = allDocks();
  for (QDockWidget* d : {static_cast<QDockWidget*>(m_screenerDock), static_cast<QDockWidget*>(m_dataQualityDock),
                         m_backtest ? static_cast<QDockWidget*>(m_backtest->resultsDock()) : nullptr,
                         static_cast<QDockWidget*>(m_strategyMonitorDock), static_cast<QDockWidget*>(m_pairLabDock)})
    if (d) all << d;
  return all;
}

static QWidget* focusTargetOf(QDockWidget* d) {
  // The dock's focus proxy (e.g. the ticket's symbol, the watchlist's table), else its first table or tree, else
  // its first widget that takes the keyboard.
  if (d->focusProxy()) return d->focusProxy();
  if (!d->widget()) return d;
  if (auto* view = d->widget()->findChild<QAbstractItemView*>()) return view;
  for (QWidget* w : d->widget()->findChildren<QWidget*>())
    if (w->focusPolicy() & Qt::TabFocus && w->isVisibleTo(d)) return w;
  return d->widget();
}

bool MainWindow::dockHasFocus(QDockWidget* d) const {
  const QWidget* f = QApplication::focusWidget();
  return d && f && (f == d || d->isAncestorOf(f));
}

void MainWindow::goToDock(QDockWidget* d) {
  if (!d) return;
  // A second press on the panel that already has the focus goes back to the ticket (the keyboard's home).
  if (d != m_ticketDock && dockHasFocus(d) && d->isVisible()) {
    focusOrderTicket();
    return;
  }
  d->show();
  d->raise();  // the front tab of its tab row
  if (d == m_ticketDock) {
    focusOrderTicket();
    return;
  }
  QWidget* target = d == m_chartDock ? static_cast<QWidget*>(m_chartDock->view()) : focusTargetOf(d);  // chart keys
  target->setFocus(Qt::ShortcutFocusReason);
  if (auto* view = qobject_cast<QAbstractItemView*>(target); view && !view->currentIndex().isValid() && view->model() &&
                                                              view->model()->rowCount() > 0)
    view->setCurrentIndex(view->model()->index(0, 0));
}

void MainWindow::cycleDocks(int step) {
  QList<QDockWidget*> open;
  for (QDockWidget* d : panelDocks())
    if (d->isVisible() && !d->visibleRegion().isEmpty()) open << d;  // shown and the front tab of its row
  if (open.isEmpty()) return;
  int current = -1;
  for (int i = 0; i < open.size(); ++i)
    if (dockHasFocus(open[i])) current = i;
  const int n = static_cast<int>(open.size());
  const int next = current < 0 ? (step > 0 ? 0 : n - 1) : ((current + step) % n + n) % n;
  goToDock(open[next]);
}

void MainWindow::createGoToMenu(QMenu* view) {
  QMenu* go = view->addMenu(QStringLiteral("&Go to Panel"));
  go->setObjectName(QStringLiteral("menuGoToPanel"));
  for (const auto& [d, key] : m_goToKeys) {
    QAction* a = go->addAction(d->windowTitle());
    a->setObjectName(QStringLiteral("actionGoTo") + d->objectName());
    a->setShortcut(key);
    a->setStatusTip(QStringLiteral("Show the %1 panel and put the keyboard in it (again: back to the order ticket)")
                        .arg(d->windowTitle()));
    QPointer<QDockWidget> target = d;
    connect(a, &QAction::triggered, this, [this, target] { goToDock(target); });
  }
  go->addSeparator();
  QAction* next = go->addAction(QStringLiteral("&Next Panel"), this, [this] { cycleDocks(1); });
  next->setObjectName(QStringLiteral("actionNextPanel"));
  next->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Tab));
  next->setShortcutContext(Qt::ApplicationShortcut);
  next->setStatusTip(QStringLiteral("Put the keyboard in the next open panel"));
  QAction* previous = go->addAction(QStringLiteral("&Previous Panel"), this, [this] { cycleDocks(-1); });
  previous->setObjectName(QStringLiteral("actionPreviousPanel"));
  previous->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Backtab));
  previous->setShortcutContext(Qt::ApplicationShortcut);
  previous->setStatusTip(QStringLiteral("Put the keyboard in the previous open panel"));
}

}  // namespace meridian::ui
