#include "ui/mainwindow/MainWindow.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QInputDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QRegularExpression>
#include <QPainter>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>
#include <QSystemTrayIcon>

#include <algorithm>

#include "core/common/Config.h"
#include "core/common/Ids.h"
#include "core/common/Logging.h"
#include "core/contract/Orders.h"
#include "core/contract/Catalogue.h"
#include "core/time/TimeZones.h"
#include "ui/bridge/UiBridge.h"
#include "ui/dialogs/BacktestController.h"
#include "ui/dialogs/ImportCsvDialog.h"
#include "ui/docks/AccountDock.h"
#include "ui/docks/DataQualityDock.h"
#include "ui/docks/ScreenerDock.h"
#include "ui/docks/FillsDock.h"
#include "ui/docks/ChartDock.h"
#include "ui/docks/JobsDock.h"
#include "ui/docks/OpsDock.h"
#include "ui/docks/LogsDock.h"
#include "ui/docks/OrderTicketDock.h"
#include "ui/docks/OrdersDock.h"
#include "ui/docks/PositionsDock.h"
#include "ui/docks/WatchlistDock.h"
#include "ui/mainwindow/MarketStatus.h"
#include "ui/mainwindow/SettingsDialog.h"
#include "core/common/SecretStore.h"
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

  const QString first = m_watchlistModel->symbols().value(0, QStringLiteral("SPY"));
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
  m_ordersDock = new OrdersDock(m_ordersModel, this);
  m_ordersDock->setBridge(m_bridge);  // journaled orders (an attached window: the server's), loaded once core started
  m_positionsDock = new PositionsDock(m_positionsModel, this);
  m_logsDock = new LogsDock(m_logsModel, this);
  for (QDockWidget* d : docks()) d->setAllowedAreas(Qt::AllDockWidgetAreas);

  connect(m_watchlistDock, &WatchlistDock::symbolActivated, this, &MainWindow::onSymbolActivated);
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
  // Confirm mode defaults to on for LIVE and off for PAPER (set by the ticket); ui.confirm_orders overrides it.
  if (!m_context.config->value(QStringLiteral("ui.confirm_orders")).trimmed().isEmpty())
    m_ticketDock->setConfirmMode(m_context.config->boolValue(QStringLiteral("ui.confirm_orders"), !m_context.paperTrading));
}

void MainWindow::connectBridge() {
  // One copy of the tick's values per kind, shared by every panel that shows it.
  connect(m_bridge, &UiBridge::tradingModeChanged, this, &MainWindow::onTradingModeChanged);
  m_bridge->on<contract::OrderUpdated>(this, [this](const Batch<contract::OrderUpdated>& b) {
    m_ordersModel->upsertOrders(project(b, &contract::OrderUpdated::order));
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
      this, [this](const Batch<contract::AccountSnapshot>& b) { m_accountModel->applySnapshot(b.back()); });
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
  settings->setStatusTip(QStringLiteral("Show the effective configuration (secrets redacted)"));
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
    // Alt+1..8 stay where users learned them; the blotters added later take mnemonic Alt+Shift keys.
    if (d == m_fillsDock)
      toggle->setShortcut(QKeySequence(Qt::ALT | Qt::SHIFT | Qt::Key_F));
    else if (d == m_accountDock)
      toggle->setShortcut(QKeySequence(Qt::ALT | Qt::SHIFT | Qt::Key_A));
    else
      toggle->setShortcut(QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_0 + n++)));
    toggle->setStatusTip(QStringLiteral("Show or hide the %1 panel").arg(d->windowTitle()));
    view->addAction(toggle);
  }
  // Backtest Results: owned by the BacktestController (created hidden, shown on the first result).
  m_backtest = new BacktestController(this, m_bridge, m_context.sharedClock(), m_context.settingsOrganization,
                                      m_context.settingsApplication);
  if (n <= 9) m_backtest->resultsToggleAction()->setShortcut(QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_0 + n)));
  view->addAction(m_backtest->resultsToggleAction());
  // Data Quality: QualityChecked reports from the ingestion service (created hidden; saved with the layout).
  m_dataQualityDock = new DataQualityDock(this);
  addDockWidget(Qt::RightDockWidgetArea, m_dataQualityDock);
  m_dataQualityDock->hide();
  m_bridge->on<contract::QualityChecked>(m_dataQualityDock, [this](const Batch<contract::QualityChecked>& b) {
    m_dataQualityDock->onQualityChecked(project(b, &contract::QualityChecked::report));
  });
  QAction* dqToggle = m_dataQualityDock->toggleViewAction();
  dqToggle->setObjectName(QStringLiteral("toggleDataQualityDock"));
  dqToggle->setStatusTip(QStringLiteral("Show or hide the Data Quality panel"));
  view->addAction(dqToggle);
  // Screener: requests to the ScreenerService through the bridge (created hidden).
  m_screenerDock = new ScreenerDock(m_bridge, m_context.settingsOrganization, m_context.settingsApplication, this);
  addDockWidget(Qt::RightDockWidgetArea, m_screenerDock);
  m_screenerDock->hide();
  connect(m_screenerDock, &ScreenerDock::symbolActivated, this, &MainWindow::onSymbolActivated);
  QAction* screenerToggle = m_screenerDock->toggleViewAction();
  screenerToggle->setObjectName(QStringLiteral("toggleScreenerDock"));
  screenerToggle->setShortcut(QKeySequence(Qt::ALT | Qt::SHIFT | Qt::Key_S));
  screenerToggle->setStatusTip(QStringLiteral("Show or hide the Screener panel"));
  connect(screenerToggle, &QAction::triggered, m_screenerDock, [this](bool on) {
    if (!on) return;
    m_screenerDock->raise();
    m_screenerDock->setFocus();  // focus proxy: the first filter field
  });
  view->addAction(screenerToggle);
  view->addSeparator();
  QAction* reset = view->addAction(QStringLiteral("&Reset Layout"), this, &MainWindow::resetLayout);
  reset->setObjectName(QStringLiteral("actionResetLayout"));
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
  cancelAll->setStatusTip(QStringLiteral("Cancel every working order (no confirmation)"));
  QAction* cancelSelected =
      trading->addAction(QStringLiteral("Cancel &Selected Orders"), this, &MainWindow::cancelSelectedOrders);
  cancelSelected->setObjectName(QStringLiteral("actionCancelSelectedOrders"));
  cancelSelected->setStatusTip(QStringLiteral("Cancel the working orders selected in the Orders panel (Delete there)"));
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
  m_marketLabel->setToolTip(QStringLiteral("NYSE regular session (09:30–16:00 ET, holidays and early closes included)"));
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
  for (QDockWidget* d : allDocks()) {
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

void MainWindow::resetLayout() {
  applyDefaultArrangement();
  statusBar()->showMessage(QStringLiteral("Layout reset"), kStatusMessageMs);
}

void MainWindow::restoreLayout() {
  QSettings settings(m_context.settingsOrganization, m_context.settingsApplication);
  const QStringList symbols = settings.value(QLatin1String(kWatchlistKey)).toStringList();
  if (settings.contains(QLatin1String(kWatchlistKey))) m_watchlistModel->setSymbols(symbols);
  m_chartDock->applyChartSettings(settings.value(QLatin1String(kChartSettingsKey)).toMap());

  const QByteArray geometry = settings.value(QLatin1String(kGeometryKey)).toByteArray();
  if (geometry.isEmpty() || !restoreGeometry(geometry)) {
    QSize size(1600, 1000);
    if (const QScreen* screen = QGuiApplication::primaryScreen())
      size = size.boundedTo(screen->availableGeometry().size() * 0.92);
    resize(size);
  }
  const QByteArray state = settings.value(QLatin1String(kStateKey)).toByteArray();
  if (!state.isEmpty() && restoreState(state, kLayoutVersion)) m_defaultSizesPending = false;
}

void MainWindow::saveLayout() const {
  QSettings settings(m_context.settingsOrganization, m_context.settingsApplication);
  settings.setValue(QLatin1String(kGeometryKey), saveGeometry());
  settings.setValue(QLatin1String(kStateKey), saveState(kLayoutVersion));
  settings.setValue(QLatin1String(kWatchlistKey), m_watchlistModel->symbols());
  settings.setValue(QLatin1String(kChartSettingsKey), m_chartDock->chartSettings());
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

void MainWindow::cancelAllOrders() {
  // Reducing risk must be instant: no confirmation dialog. The result arrives as OrderUpdated events.
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
  // Like Cancel All: instant, no confirmation. The result arrives as OrderUpdated and RiskStateChanged events.
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
  dialog.exec();
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

void MainWindow::onSymbolActivated(const QString& symbol) {
  m_chartDock->setSymbol(symbol);
  m_ticketDock->setSymbol(symbol);
}

void MainWindow::onClockTick() {
  const domain::Timestamp now = m_context.clockRef().now();
  m_clockLabel->setText(clockText(now));
  const bool open = marketIsOpen(now);
  m_marketLabel->setText(marketStatusText(now));
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

}  // namespace meridian::ui
