#pragma once
// PositionsDock: positions table over PositionsModel through a sort proxy, with account totals.
#include <QDockWidget>

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

 private Q_SLOTS:
  void scheduleTotals();
  void updateTotals();

 private:
  PositionsModel* m_model = nullptr;
  QSortFilterProxyModel* m_proxy = nullptr;
  QTableView* m_view = nullptr;
  QLabel* m_totals = nullptr;
  bool m_totalsPending = false;
};

}  // namespace meridian::ui
