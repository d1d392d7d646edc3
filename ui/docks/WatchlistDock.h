#pragma once
// WatchlistDock: sortable table over WatchlistModel. Double-click (or Enter) on a row emits symbolActivated.
// Add a symbol with the line edit (Enter); remove the selected ones with Delete or the context menu.
#include <QDockWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTableView;

namespace meridian::ui {

class WatchlistModel;

class WatchlistDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit WatchlistDock(WatchlistModel* model, QWidget* parent = nullptr);

  WatchlistModel* model() const { return m_model; }
  QTableView* view() const { return m_view; }
  QSortFilterProxyModel* proxy() const { return m_proxy; }

 public Q_SLOTS:
  void removeSelected();

 Q_SIGNALS:
  void symbolActivated(const QString& symbol);

 private Q_SLOTS:
  void onAddSymbol();
  void onActivated(const QModelIndex& proxyIndex);

 private:
  WatchlistModel* m_model = nullptr;
  QSortFilterProxyModel* m_proxy = nullptr;
  QTableView* m_view = nullptr;
  QLineEdit* m_addEdit = nullptr;
};

}  // namespace meridian::ui
