#pragma once
// FillsDock: execution blotter over FillsModel through a sort proxy (newest first by default), with a summary line
// (fills shown, bought / sold notional, commissions). Ctrl+E or the context menu exports the rows as CSV.
// With a bridge (setBridge) the blotter asks core once for the newest journaled fills (as many as the
// model holds) and merges them under the live ones when they arrive, so a restarted app shows recent fills; the
// summary line says while that load is outstanding or when it failed.
#include <QDockWidget>

#include <memory>

#include "core/contract/History.h"
#include <QString>

#include <memory>

class QAction;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace meridian::runtime {
struct FillsHistoryLoaded;
}

namespace meridian::ui {

class FillsModel;
class UiBridge;

class FillsDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit FillsDock(FillsModel* model, QWidget* parent = nullptr);

  FillsModel* model() const { return m_model; }
  QSortFilterProxyModel* proxy() const { return m_proxy; }
  QTableView* view() const { return m_view; }
  QAction* exportAction() const { return m_export; }
  QLabel* summaryLabel() const { return m_summary; }

  // Requests the fills history through `client` (null: none). The answer may come before or after live fills.
  void setBridge(UiBridge* bridge);
  bool isHistoryLoading() const { return !m_historyRequest.isEmpty(); }
  QString historyError() const { return m_historyError; }

 Q_SIGNALS:
  // The history answer was merged: `added` rows new to the blotter, `loaded` fills in the answer.
  void historyMerged(int added, int loaded);

 public Q_SLOTS:
  void exportCsv();  // asks for a path

 private Q_SLOTS:
  void scheduleSummary();
  void updateSummary();
  void onFillsHistoryLoaded(std::shared_ptr<const meridian::contract::FillsHistoryLoaded> result);

 private:
  FillsModel* m_model = nullptr;
  QSortFilterProxyModel* m_proxy = nullptr;
  QTableView* m_view = nullptr;
  QLabel* m_summary = nullptr;
  QAction* m_export = nullptr;
  bool m_summaryPending = false;
  QString m_historyRequest;  // correlation id of the outstanding request
  QString m_historyError;
};

}  // namespace meridian::ui
