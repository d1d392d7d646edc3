#include "ui/mainwindow/MainWindow.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QStatusBar>

#include <algorithm>

#include "core/common/Config.h"
#include "core/common/Logging.h"
#include "core/time/TimeZones.h"
#include "ui/bridge/UiBridge.h"
#include "ui/docks/ChartDock.h"
#include "ui/docks/LogsDock.h"
#include "ui/docks/OrderTicketDock.h"
#include "ui/docks/OrdersDock.h"
#include "ui/docks/PositionsDock.h"
#include "ui/docks/WatchlistDock.h"
#include "ui/mainwindow/MarketStatus.h"
#include "ui/mainwindow/SettingsDialog.h"
#include "ui/mainwindow/ShortcutsDialog.h"
#include "ui/models/Formatting.h"
#include "ui/models/LogsModel.h"
#include "ui/models/OrdersModel.h"
#include "ui/models/PositionsModel.h"
#include "ui/models/WatchlistModel.h"
#include "ui/widgets/ModeBadge.h"

namespace meridian::ui {
namespace {

constexpr const char* kGeometryKey = "mainwindow/geometry";
constexpr const char* kStateKey = "mainwindow/state";
constexpr const char* kWatchlistKey = "watchlist/symbols";
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

  setDockNestingEnabled(true);
  setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowNestedDocks | QMainWindow::AllowTabbedDocks);
  createDocks();
  connectBridge();
  createMenus();
  createStatusBar();
  applyDefaultArrangement();
  restoreLayout();

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
  m_watchlistDock = new WatchlistDock(m_watchlistModel, this);
  m_ticketDock = new OrderTicketDock(m_bridge, m_context.paperTrading, this);
  m_ordersDock = new OrdersDock(m_ordersModel, this);
  m_positionsDock = new PositionsDock(m_positionsModel, this);
  m_logsDock = new LogsDock(m_logsModel, this);
  for (QDockWidget* d : docks()) d->setAllowedAreas(Qt::AllDockWidgetAreas);

  connect(m_watchlistDock, &WatchlistDock::symbolActivated, this, &MainWindow::onSymbolActivated);
  connect(m_ordersDock, &OrdersDock::cancelRequested, m_bridge, &UiBridge::cancelOrder);
  connect(m_ordersDock, &OrdersDock::cancelAllRequested, this, &MainWindow::cancelAllOrders);
}

void MainWindow::connectBridge() {
  connect(m_bridge, &UiBridge::quotesUpdated, m_watchlistModel, &WatchlistModel::applyQuotes);
  connect(m_bridge, &UiBridge::quotesUpdated, m_positionsModel, &PositionsModel::applyQuotes);
  connect(m_bridge, &UiBridge::quotesUpdated, m_ticketDock, &OrderTicketDock::onQuotesUpdated);
  connect(m_bridge, &UiBridge::ordersUpdated, m_ordersModel, &OrdersModel::upsertOrders);
  connect(m_bridge, &UiBridge::positionsUpdated, m_positionsModel,
          [this](const std::shared_ptr<const bus::PositionsSnapshot>& s) {
            if (s) m_positionsModel->applySnapshot(*s);
          });
  connect(m_bridge, &UiBridge::barsAppended, m_chartDock, &ChartDock::onBarsAppended);
  connect(m_bridge, &UiBridge::barsAppended, m_watchlistModel, &WatchlistModel::applyBars);
  connect(m_bridge, &UiBridge::logsAppended, m_logsModel, &LogsModel::appendRecords);
  connect(m_bridge, &UiBridge::fillsAppended, this, &MainWindow::onFillsAppended);
  connect(m_bridge, &UiBridge::commandRejected, this, &MainWindow::onCommandRejected);
  connect(m_bridge, &UiBridge::commandPublished, this, &MainWindow::onCommandPublished);
}

void MainWindow::createMenus() {
  // ---- File ----
  QMenu* file = menuBar()->addMenu(QStringLiteral("&File"));
  QAction* settings = file->addAction(QStringLiteral("&Settings…"), this, &MainWindow::showSettings);
  settings->setObjectName(QStringLiteral("actionSettings"));
  settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
  settings->setStatusTip(QStringLiteral("Show the effective configuration (secrets redacted)"));
  file->addSeparator();
  QAction* quit = file->addAction(QStringLiteral("&Quit"), this, &QWidget::close);
  quit->setObjectName(QStringLiteral("actionQuit"));
  quit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
  quit->setMenuRole(QAction::QuitRole);
  quit->setStatusTip(QStringLiteral("Save the layout and quit Meridian"));

  // ---- View ----
  QMenu* view = menuBar()->addMenu(QStringLiteral("&View"));
  int n = 1;
  for (QDockWidget* d : docks()) {
    QAction* toggle = d->toggleViewAction();
    toggle->setObjectName(QStringLiteral("toggle") + d->objectName());
    toggle->setShortcut(QKeySequence(Qt::ALT | static_cast<Qt::Key>(Qt::Key_0 + n++)));
    toggle->setStatusTip(QStringLiteral("Show or hide the %1 panel").arg(d->windowTitle()));
    view->addAction(toggle);
  }
  view->addSeparator();
  QAction* reset = view->addAction(QStringLiteral("&Reset Layout"), this, &MainWindow::resetLayout);
  reset->setObjectName(QStringLiteral("actionResetLayout"));
  reset->setStatusTip(QStringLiteral("Show every panel in the default arrangement"));

  // ---- Backtest ----
  // Running backtests needs the RunBacktest command and the backtest engine (core/backtest), which are not part
  // of this build yet. The menu is present so the structure (and its keyboard access) is stable; its actions
  // are disabled and say why instead of pretending to work.
  QMenu* backtest = menuBar()->addMenu(QStringLiteral("&Backtest"));
  backtest->setToolTipsVisible(true);
  const QString why = QStringLiteral(
      "Not available yet: needs the backtest engine (core/backtest) and the RunBacktest command, not in this build");
  QAction* run = backtest->addAction(QStringLiteral("&Run Backtest…"));
  run->setObjectName(QStringLiteral("actionRunBacktest"));
  QAction* history = backtest->addAction(QStringLiteral("Backtest &History"));
  history->setObjectName(QStringLiteral("actionBacktestHistory"));
  for (QAction* a : {run, history}) {
    a->setEnabled(false);
    a->setStatusTip(why);
    a->setToolTip(why);
  }

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

  // ---- Help ----
  QMenu* help = menuBar()->addMenu(QStringLiteral("&Help"));
  QAction* keys = help->addAction(QStringLiteral("&Keyboard Shortcuts"), this, &MainWindow::showShortcuts);
  keys->setObjectName(QStringLiteral("actionKeyboardShortcuts"));
  keys->setShortcut(QKeySequence(Qt::Key_F1));
  QAction* about = help->addAction(QStringLiteral("&About Meridian"), this, &MainWindow::showAbout);
  about->setObjectName(QStringLiteral("actionAbout"));
  about->setMenuRole(QAction::AboutRole);
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
  m_modeBadge = new ModeBadge(m_context.paperTrading, ModeBadge::Size::Normal, this);
  m_modeBadge->setObjectName(QStringLiteral("modeBadge"));

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

QDockWidget* MainWindow::dock(const QString& objectName) const {
  for (QDockWidget* d : docks())
    if (d->objectName() == objectName) return d;
  return nullptr;
}

void MainWindow::applyDefaultArrangement() {
  // [ Watchlist |          Chart           | Order Ticket ]
  // [          Orders           |       Positions       ]
  // [                        Logs                        ]
  // All docks live in one area; the vertical splits come first so each row spans the full width.
  for (QDockWidget* d : docks()) {
    d->setFloating(false);
    removeDockWidget(d);
  }
  addDockWidget(Qt::LeftDockWidgetArea, m_watchlistDock);
  splitDockWidget(m_watchlistDock, m_ordersDock, Qt::Vertical);
  splitDockWidget(m_ordersDock, m_logsDock, Qt::Vertical);
  splitDockWidget(m_watchlistDock, m_chartDock, Qt::Horizontal);
  splitDockWidget(m_chartDock, m_ticketDock, Qt::Horizontal);
  splitDockWidget(m_ordersDock, m_positionsDock, Qt::Horizontal);
  for (QDockWidget* d : docks()) d->show();
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
  m_bridge->cancelAllOrders();
}

void MainWindow::showSettings() {
  SettingsDialog dialog(*m_context.config, this);
  dialog.exec();
}

QList<QAction*> MainWindow::allMenuActions() const {
  QList<QAction*> out;
  for (QAction* top : menuBar()->actions()) {
    if (QMenu* m = top->menu()) {
      for (QAction* a : m->actions())
        if (!a->isSeparator()) out << a;
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
  const domain::Timestamp now = nowTimestamp();
  m_clockLabel->setText(clockText(now));
  const bool open = marketIsOpen(now);
  m_marketLabel->setText(marketStatusText(now));
  m_marketLabel->setStyleSheet(QStringLiteral("QLabel { color: %1; font-weight: bold; padding: 0 6px; }")
                                   .arg(open ? format::upColor().name() : format::mutedColor().darker(130).name()));
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

void MainWindow::onCommandRejected(const QString& correlationId, const QString& reason) {
  statusBar()->showMessage(QStringLiteral("Rejected: %1").arg(reason), kStatusMessageMs * 2);
  common::logger("ui")->warn("command {} rejected: {}", correlationId.toStdString(), reason.toStdString());
}

void MainWindow::onCommandPublished(const QString& correlationId, const QString& description) {
  statusBar()->showMessage(QStringLiteral("Sent %1  [%2]").arg(description, correlationId), kStatusMessageMs);
}

}  // namespace meridian::ui
