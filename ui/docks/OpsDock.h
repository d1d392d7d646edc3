#pragma once
// OpsDock ("OpsDock"): operational health — database, Redis, data providers and broker (contract::HealthSnapshot)
// plus the freshness of every market-data stream and the bus lanes of every mailbox. Until a health monitor publishes, the dock says that
// no data has arrived yet.
#include <QDockWidget>

#include <memory>

#include "core/contract/System.h"

class QLabel;
class QSplitter;
class QTableView;

namespace meridian::ui {

class FreshnessModel;
class LanesModel;
class HealthModel;

class OpsDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit OpsDock(QWidget* parent = nullptr);

  HealthModel* healthModel() const { return m_health; }
  FreshnessModel* freshnessModel() const { return m_freshness; }
  QTableView* healthView() const { return m_healthView; }
  QTableView* freshnessView() const { return m_freshnessView; }
  QTableView* lanesView() const { return m_lanesView; }
  QLabel* summaryLabel() const { return m_summary; }

 public Q_SLOTS:
  void onHealthUpdated(const std::shared_ptr<const meridian::contract::HealthSnapshot>& snapshot);

 protected:
  void resizeEvent(QResizeEvent* event) override;

 private:
  void updateSummary();

  HealthModel* m_health = nullptr;
  FreshnessModel* m_freshness = nullptr;
  LanesModel* m_lanes = nullptr;
  QTableView* m_healthView = nullptr;
  QTableView* m_freshnessView = nullptr;
  QTableView* m_lanesView = nullptr;
  QSplitter* m_split = nullptr;  // side by side when the dock is wide and short, stacked otherwise
  QLabel* m_summary = nullptr;
};

}  // namespace meridian::ui
