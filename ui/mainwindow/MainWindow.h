#pragma once
// MainWindow: the Meridian workstation. Constructed from the UiContext given by the composition root (app/).
// Owns the UiBridge, the models and the six docks (objectNames "ChartDock", "WatchlistDock", "OrderTicketDock",
// "OrdersDock", "PositionsDock", "LogsDock"). There is no central widget: every panel is a dock, nested in a default
// arrangement (watchlist + ticket on the left, chart above orders | positions | logs on the right). Window geometry,
// dock state and the watchlist are saved to QSettings(settingsOrganization, settingsApplication) on close and
// restored on construction; View > Reset Layout returns to the default arrangement.
// Blotters "FillsDock" (tabbed with Orders) and "AccountDock" (tabbed with Positions) are in allDocks() and every
// layout (a layout saved before they existed keeps working: Qt appends them to their default area); Go to Panel
// keys Alt+Shift+F / Alt+Shift+A (show and focus). File > Export writes any blotter as CSV; each blotter also exports itself with Ctrl+E.
#include <QKeySequence>
#include <QList>
#include <QPair>
#include <QRect>
#include <QMainWindow>
#include <QTimer>
#include <QVector>

#include <memory>

#include "core/contract/MarketData.h"
#include "core/contract/Orders.h"
#include "core/contract/Risk.h"
#include "core/contract/Strategy.h"
#include "core/contract/System.h"
#include "ui/bridge/UiContext.h"
#include "ui/mainwindow/Theme.h"

class QAbstractItemModel;
class QAction;
class QModelIndex;
class QTableView;
class QActionGroup;
class QLabel;
class QMenu;
class QSystemTrayIcon;

namespace meridian::ui {

class AccountDock;
class LinkGroups;
class AccountModel;
class BacktestController;
class FillsDock;
class FillsModel;
class DataQualityDock;
class ScreenerDock;
class ImportCsvDialog;
class ChartDock;
class JobsDock;
class OpsDock;
class ToastOverlay;
class WorkspaceManager;
class LogsDock;
class LogsModel;
class ModeBadge;
class ServerLinkPresenter;
class OrderTicketDock;
class OrdersDock;
class OrdersModel;
class PositionsDock;
class PositionsModel;
class UiBridge;
class WatchlistDock;
class WatchlistModel;

class MainWindow : public QMainWindow {
  Q_OBJECT

 public:
  static constexpr int kLayoutVersion = 1;

  explicit MainWindow(UiContext context, QWidget* parent = nullptr);
  ~MainWindow() override;

  // Dock by objectName (nullptr when unknown), e.g. dock("OrdersDock").
  QDockWidget* dock(const QString& objectName) const;
  QList<QDockWidget*> docks() const;

  UiBridge* bridge() const { return m_bridge; }
  ChartDock* chartDock() const { return m_chartDock; }
  WatchlistDock* watchlistDock() const { return m_watchlistDock; }
  OrderTicketDock* orderTicketDock() const { return m_ticketDock; }
  OrdersDock* ordersDock() const { return m_ordersDock; }
  PositionsDock* positionsDock() const { return m_positionsDock; }
  LogsDock* logsDock() const { return m_logsDock; }
  // Operations panels ("JobsDock", "OpsDock"): not part of docks() (the six trading panels), but part of allDocks(),
  // dock(name), the View menu (Alt+7, Alt+8) and every layout/workspace.
  JobsDock* jobsDock() const { return m_jobsDock; }
  FillsDock* fillsDock() const { return m_fillsDock; }
  AccountDock* accountDock() const { return m_accountDock; }
  OpsDock* opsDock() const { return m_opsDock; }
  // Backtest menu, dialogs and the "BacktestResultsDock" panel (not in allDocks(): hidden until a first result).
  BacktestController* backtest() const { return m_backtest; }
  QList<QDockWidget*> allDocks() const;
  // allDocks() + Screener, Data Quality, Backtest Results: the panels Ctrl+Tab cycles through.
  QList<QDockWidget*> panelDocks() const;
  // File > Import CSV… (Ctrl+I; disabled without UiContext::ingestion) and the "DataQualityDock" panel (not in
  // allDocks(): created hidden, View > Data Quality). The dialog is created on first use (null before).
  QAction* importCsvAction() const { return m_importCsvAction; }
  ImportCsvDialog* importCsvDialog() const { return m_importCsvDialog; }
  DataQualityDock* dataQualityDock() const { return m_dataQualityDock; }
  // View > Screener (Go to Panel: Alt+Shift+S): the "ScreenerDock"; double-click / Enter on a result opens the symbol.
  ScreenerDock* screenerDock() const { return m_screenerDock; }
  ToastOverlay* toastOverlay() const { return m_toasts; }
  QSystemTrayIcon* trayIcon() const { return m_tray; }  // null when the platform has no system tray
  Theme theme() const { return m_theme; }
  // Workspaces (View > Workspaces): named layouts stored in QSettings.
  QStringList workspaceNames() const;
  QString currentWorkspace() const;
  bool saveWorkspace(const QString& name);
  bool switchWorkspace(const QString& name);
  bool deleteWorkspace(const QString& name);
  QLabel* marketStatusLabel() const { return m_marketLabel; }
  QLabel* clockLabel() const { return m_clockLabel; }
  QLabel* riskStateLabel() const { return m_riskLabel; }
  // Attached GUI: banner, badge and disabled order actions while the serving process cannot take commands.
  ServerLinkPresenter* serverLink() const { return m_serverLink; }
  ModeBadge* modeBadge() const { return m_modeBadge; }
  LinkGroups* linkGroups() const { return m_links; }

  // Writes geometry, dock state and the watchlist to QSettings (also done by closeEvent).
  void saveLayout() const;

 public Q_SLOTS:
  // View > Reset Layout (Ctrl+Shift+R): the first-run arrangement, the window fitted inside the available screen.
  void resetLayout();
  // View > Go to Panel: Alt+1..9 show, raise and focus panel N; a second press returns to the order ticket.
  void goToDock(QDockWidget* dock);
  // Ctrl+Tab / Ctrl+Shift+Tab: the keyboard to the next / previous open panel.
  void cycleDocks(int step);
  // Right-click (or the menu key) on a watchlist, positions, orders, fills or screener row: Buy, Sell, Close
  // Position, Cancel / Modify Order, Chart, Add to Watchlist, then the view's own actions. The caller owns the menu.
  QMenu* rowMenu(QTableView* view, const QModelIndex& index);
  // Cancel/replace of a working order (the Modify dialog); false (nothing sent) for a quantity <= 0 or a price < 0.
  bool sendModify(const QString& clientOrderId, double quantity, double limitPrice, double stopPrice);
  void focusOrderTicket();
  void cancelAllOrders();
  // Trading > Cancel Selected Orders (and Delete in the Orders blotter).
  void cancelSelectedOrders();
  // Trading > Kill Switch (Ctrl+Shift+K): cancels every working order and blocks new ones until reset.
  // Kill switch and Cancel All ask first (ui.confirm_risk_actions, default on; a Trading menu toggle).
  void engageKillSwitch();
  void setConfirmRiskActions(bool on);
  void resetKillSwitch();
  void resetCircuitBreaker();
  void showSettings();
  void showShortcuts();
  void showAbout();
  void setTheme(meridian::ui::Theme theme);  // applied to the whole application and saved
  void toggleTheme();
  void saveWorkspaceAs();                    // asks for a name
  void deleteCurrentWorkspace();
  void showImportCsv();                      // non-modal; results arrive through the bridge
  void showDataQuality(const QString& symbol = {});

 protected:
  void closeEvent(QCloseEvent* event) override;
  void showEvent(QShowEvent* event) override;

 private Q_SLOTS:
  void onClockTick();
  void onFillsAppended(const QVector<meridian::domain::Fill>& fills);
  void onCommandRejected(const meridian::contract::CommandRejected& rejected);
  void onCommandPublished(const QString& correlationId, const QString& description);
  void onRunJobNow(const QString& jobName);
  // The trading process's PAPER/LIVE (UiBridge::tradingModeChanged; attached: the serving process's heartbeat).
  void onTradingModeChanged(bool paperTrading, const QString& broker);
  void onSettingsApplied(const QStringList& keys);  // File > Settings saved these keys
  void onNotificationsAppended(const QVector<meridian::contract::Notification>& notifications);

 private:
  void createDocks();
  void connectBridge();
  void createMenus();
  void createStatusBar();
  void createServerLinkView();
  void requestSessionHistory();
  void showRiskState(const contract::RiskStateChanged& state);  // -> m_riskLabel
  void applyDefaultArrangement();
  void applyDefaultSizes();
  void restoreLayout();
  QList<QAction*> allMenuActions() const;
  void createOpsPanels();
  void createBlotters();
  void addExportMenu(QMenu* file);
  void createViewExtras(QMenu* view);
  void rebuildWorkspaceMenu();
  bool confirmRiskAction(const QString& title, const QString& text);
  void createGoToMenu(QMenu* view);
  void createLinkGroups();
  void modifyOrder(const domain::Order& order);
  double positionQuantity(const QString& symbol) const;
  QTableView* watchlistView() const;
  static int symbolColumn(const QAbstractItemModel* model);
  static QString symbolAt(const QTableView* view, const QModelIndex& index);
  static void selectSymbolRow(QTableView* view, const QString& symbol);
  static QModelIndex sourceIndex(QModelIndex index);
  bool dockHasFocus(QDockWidget* d) const;
  QRect availableScreenGeometry() const;
  void fitToScreen();

  UiContext m_context;
  UiBridge* m_bridge = nullptr;
  OrdersModel* m_ordersModel = nullptr;
  PositionsModel* m_positionsModel = nullptr;
  LogsModel* m_logsModel = nullptr;
  WatchlistModel* m_watchlistModel = nullptr;
  FillsModel* m_fillsModel = nullptr;
  AccountModel* m_accountModel = nullptr;

  ChartDock* m_chartDock = nullptr;
  WatchlistDock* m_watchlistDock = nullptr;
  OrderTicketDock* m_ticketDock = nullptr;
  OrdersDock* m_ordersDock = nullptr;
  PositionsDock* m_positionsDock = nullptr;
  LogsDock* m_logsDock = nullptr;
  FillsDock* m_fillsDock = nullptr;
  AccountDock* m_accountDock = nullptr;

  JobsDock* m_jobsDock = nullptr;
  OpsDock* m_opsDock = nullptr;
  BacktestController* m_backtest = nullptr;
  QAction* m_importCsvAction = nullptr;
  ImportCsvDialog* m_importCsvDialog = nullptr;
  DataQualityDock* m_dataQualityDock = nullptr;
  ScreenerDock* m_screenerDock = nullptr;
  ToastOverlay* m_toasts = nullptr;
  QSystemTrayIcon* m_tray = nullptr;
  Theme m_theme = Theme::Light;
  QActionGroup* m_themeGroup = nullptr;
  QMenu* m_workspaceMenu = nullptr;
  QList<QAction*> m_workspaceActions;
  std::unique_ptr<WorkspaceManager> m_workspaces;

  QLabel* m_marketLabel = nullptr;
  QLabel* m_clockLabel = nullptr;
  QLabel* m_riskLabel = nullptr;
  ModeBadge* m_modeBadge = nullptr;
  ServerLinkPresenter* m_serverLink = nullptr;
  QTimer m_clockTimer;
  bool m_defaultSizesPending = false;
  bool m_confirmRiskActions = true;
  bool m_simAlwaysOpen = false;  // built-in simulated feed around the clock: status bar "SIM · always open"
  QAction* m_confirmRiskAction = nullptr;
  QList<QPair<QDockWidget*, QKeySequence>> m_goToKeys;
  LinkGroups* m_links = nullptr;  // Alt+N of the Go to Panel menu
};

}  // namespace meridian::ui
