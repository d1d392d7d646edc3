#pragma once
// OrdersDock: order blotter over OrdersModel through a sort proxy (newest first by default).
// Delete (or the context menu / button) cancels the selected working orders; "Cancel All" cancels every one.
// Ctrl+E (or the context menu) exports the rows, in the order shown, as CSV.
#include <QDockWidget>
#include <QStringList>

#include "core/domain/Types.h"

class QAction;
class QLabel;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace meridian::ui {

class OrdersModel;
class UiBridge;

class OrdersDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit OrdersDock(OrdersModel* model, QWidget* parent = nullptr);

  OrdersModel* model() const { return m_model; }
  QSortFilterProxyModel* proxy() const { return m_proxy; }
  QTableView* view() const { return m_view; }
  // clientOrderIds of the selected rows that can still be cancelled.
  QStringList selectedWorkingOrders() const;
  QAction* cancelSelectedAction() const { return m_cancelAction; }
  QAction* exportAction() const { return m_export; }
  // Attached GUI: while the serving process cannot take commands, cancelling is disabled and says why (empty = on).
  void setCommandsBlocked(const QString& reason);
  QString commandsBlockedReason() const { return m_blockedReason; }
  // With a bridge the blotter asks core once for the journaled orders (newest kHistoryLimit) and merges them: a
  // window that attaches to a server shows the orders placed before it started, not only what arrives live.
  // Loads the journaled orders created at or after `since` (the start of the trading day), at most kHistoryLimit.
  void setBridge(UiBridge* bridge, domain::Timestamp since = 0);
  bool isHistoryLoading() const { return !m_historyRequest.isEmpty(); }
  static constexpr int kHistoryLimit = 1000;

 public Q_SLOTS:
  void cancelSelected();
  void exportCsv();  // asks for a path

 Q_SIGNALS:
  void cancelRequested(const QString& clientOrderId);
  void cancelAllRequested();

 private Q_SLOTS:
  void scheduleSummary();
  void updateSummary();

 private:
  OrdersModel* m_model = nullptr;
  QSortFilterProxyModel* m_proxy = nullptr;
  QTableView* m_view = nullptr;
  QLabel* m_summary = nullptr;
  QPushButton* m_cancelButton = nullptr;
  QPushButton* m_cancelAllButton = nullptr;
  QAction* m_cancelAction = nullptr;
  QString m_blockedReason;
  QString m_historyRequest;
  QAction* m_export = nullptr;
  bool m_summaryPending = false;
};

}  // namespace meridian::ui
