#pragma once
// MainWindow: the Meridian workstation. Constructed from the UiContext given by the composition root (app/).
// Owns the UiBridge, the models and the six docks (objectNames "ChartDock", "WatchlistDock", "OrderTicketDock",
// "OrdersDock", "PositionsDock", "LogsDock"). There is no central widget: every panel is a dock, nested in a default
// arrangement (watchlist + ticket on the left, chart above orders | positions | logs on the right). Window geometry,
// dock state and the watchlist are saved to QSettings(settingsOrganization, settingsApplication) on close and
// restored on construction; View > Reset Layout returns to the default arrangement.
#include <QList>
#include <QMainWindow>
#include <QTimer>
#include <QVector>


#include "core/bus/Events.h"
#include "ui/bridge/UiContext.h"

class QAction;
class QLabel;

namespace meridian::ui {

class ChartDock;
class LogsDock;
class LogsModel;
class ModeBadge;
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
  QLabel* marketStatusLabel() const { return m_marketLabel; }
  QLabel* clockLabel() const { return m_clockLabel; }
  ModeBadge* modeBadge() const { return m_modeBadge; }

  // Writes geometry, dock state and the watchlist to QSettings (also done by closeEvent).
  void saveLayout() const;

 public Q_SLOTS:
  void resetLayout();
  void focusOrderTicket();
  void cancelAllOrders();
  void showSettings();
  void showShortcuts();
  void showAbout();

 protected:
  void closeEvent(QCloseEvent* event) override;
  void showEvent(QShowEvent* event) override;

 private Q_SLOTS:
  void onSymbolActivated(const QString& symbol);
  void onClockTick();
  void onFillsAppended(const QVector<meridian::domain::Fill>& fills);
  void onCommandRejected(const QString& correlationId, const QString& reason);
  void onCommandPublished(const QString& correlationId, const QString& description);

 private:
  void createDocks();
  void connectBridge();
  void createMenus();
  void createStatusBar();
  void applyDefaultArrangement();
  void applyDefaultSizes();
  void restoreLayout();
  QList<QAction*> allMenuActions() const;

  UiContext m_context;
  UiBridge* m_bridge = nullptr;
  OrdersModel* m_ordersModel = nullptr;
  PositionsModel* m_positionsModel = nullptr;
  LogsModel* m_logsModel = nullptr;
  WatchlistModel* m_watchlistModel = nullptr;

  ChartDock* m_chartDock = nullptr;
  WatchlistDock* m_watchlistDock = nullptr;
  OrderTicketDock* m_ticketDock = nullptr;
  OrdersDock* m_ordersDock = nullptr;
  PositionsDock* m_positionsDock = nullptr;
  LogsDock* m_logsDock = nullptr;

  QLabel* m_marketLabel = nullptr;
  QLabel* m_clockLabel = nullptr;
  ModeBadge* m_modeBadge = nullptr;
  QTimer m_clockTimer;
  bool m_defaultSizesPending = false;
};

}  // namespace meridian::ui
