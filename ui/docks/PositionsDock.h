#pragma once
// PositionsDock: positions table over PositionsModel through a sort proxy, with account totals.
// Double-click or Enter on a row emits positionActivated (the main window prefills the ticket with the closing
// order); Ctrl+E (or the context menu) exports the rows as CSV.
#include <QDockWidget>
#include <QModelIndex>

class QAction;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace meridian::ui {

class PositionsModel;

class PositionsDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit PositionsDock(PositionsModel* model, QWidget* parent = nullptr);

  PositionsModel* model() const { return m_model; }
  QSortFilterProxyModel* proxy() const { return m_proxy; }
  QTableView* view() const { return m_view; }
  QAction* exportAction() const { return m_export; }

 public Q_SLOTS:
  void exportCsv();  // asks for a path

 Q_SIGNALS:
  // Signed quantity of the row (> 0 long, < 0 short, 0 flat).
  void positionActivated(const QString& symbol, double quantity);

 private Q_SLOTS:
  void onActivated(const QModelIndex& proxyIndex);
  void scheduleTotals();
  void updateTotals();

 private:
  PositionsModel* m_model = nullptr;
  QSortFilterProxyModel* m_proxy = nullptr;
  QTableView* m_view = nullptr;
  QLabel* m_totals = nullptr;
  QAction* m_export = nullptr;
  bool m_totalsPending = false;
};

}  // namespace meridian::ui
