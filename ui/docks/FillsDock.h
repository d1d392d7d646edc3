#pragma once
// FillsDock: execution blotter over FillsModel through a sort proxy (newest first by default), with a summary line
// (fills shown, bought / sold notional, commissions). Ctrl+E or the context menu exports the rows as CSV.
#include <QDockWidget>

class QAction;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace meridian::ui {

class FillsModel;

class FillsDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit FillsDock(FillsModel* model, QWidget* parent = nullptr);

  FillsModel* model() const { return m_model; }
  QSortFilterProxyModel* proxy() const { return m_proxy; }
  QTableView* view() const { return m_view; }
  QAction* exportAction() const { return m_export; }
  QLabel* summaryLabel() const { return m_summary; }

 public Q_SLOTS:
  void exportCsv();  // asks for a path

 private Q_SLOTS:
  void scheduleSummary();
  void updateSummary();

 private:
  FillsModel* m_model = nullptr;
  QSortFilterProxyModel* m_proxy = nullptr;
  QTableView* m_view = nullptr;
  QLabel* m_summary = nullptr;
  QAction* m_export = nullptr;
  bool m_summaryPending = false;
};

}  // namespace meridian::ui
