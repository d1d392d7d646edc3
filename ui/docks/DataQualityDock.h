#pragma once
// DataQualityDock ("DataQualityDock"): data quality issues reported by the ingestion service (contract::QualityChecked,
// delivered by the UiBridge once per tick). A summary line per series above a table of
// the listed issues (kind, symbol, source, time in the display time zone, detail); a symbol filter applies to both.
// Created hidden by the MainWindow (View > Data Quality).
#include <QDockWidget>
#include <QVector>

#include <memory>

#include "core/marketdata/DataQuality.h"

class QLabel;
class QLineEdit;
class QListWidget;
class QSortFilterProxyModel;
class QTableView;

namespace meridian::ui {

class DataQualityModel;

class DataQualityDock : public QDockWidget {
  Q_OBJECT

 public:
  explicit DataQualityDock(QWidget* parent = nullptr);

  DataQualityModel* model() const { return m_model; }
  QSortFilterProxyModel* proxy() const { return m_proxy; }
  QTableView* view() const { return m_view; }
  QListWidget* summaryList() const { return m_summaries; }
  QLineEdit* symbolFilter() const { return m_filter; }
  QLabel* statusLabel() const { return m_status; }

 public Q_SLOTS:
  void onQualityChecked(const QVector<std::shared_ptr<const meridian::marketdata::DataQualityReport>>& reports);
  void setSymbolFilter(const QString& symbol);

 private:
  void refreshSummaries();

  DataQualityModel* m_model = nullptr;
  QSortFilterProxyModel* m_proxy = nullptr;
  QTableView* m_view = nullptr;
  QListWidget* m_summaries = nullptr;
  QLineEdit* m_filter = nullptr;
  QLabel* m_status = nullptr;
};

}  // namespace meridian::ui
