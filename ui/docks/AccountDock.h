#pragma once
// AccountDock: the latest account snapshot (AccountModel) with the PAPER/LIVE badge, so the account a figure
// belongs to is never in doubt. Ctrl+E or the context menu exports the figures as CSV.
#include <QDockWidget>

class QAction;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace meridian::ui {

class AccountModel;
class ModeBadge;

class AccountDock : public QDockWidget {
  Q_OBJECT

 public:
  AccountDock(AccountModel* model, bool paperTrading, QWidget* parent = nullptr);

  AccountModel* model() const { return m_model; }
  QTableView* view() const { return m_view; }
  QAction* exportAction() const { return m_export; }
  QLabel* headline() const { return m_headline; }
  void setPaperTrading(bool paper);  // the badge follows the trading process's PAPER/LIVE

 public Q_SLOTS:
  void exportCsv();  // asks for a path

 private Q_SLOTS:
  void updateHeadline();

 private:
  AccountModel* m_model = nullptr;
  QSortFilterProxyModel* m_proxy = nullptr;
  QTableView* m_view = nullptr;
  ModeBadge* m_badge = nullptr;
  QLabel* m_headline = nullptr;
  QAction* m_export = nullptr;
};

}  // namespace meridian::ui
