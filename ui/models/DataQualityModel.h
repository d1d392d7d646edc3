#pragma once
// DataQualityModel: the issues of the latest DataQualityReport per series (symbol + source), one row per listed
// issue (kind, symbol, source, time in the display time zone, detail). Fed in batches from UiBridge::qualityChecked
// (a newer report for a series replaces the older one); one model reset per batch.
#include <QAbstractTableModel>
#include <QStringList>
#include <QVector>

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "core/marketdata/DataQuality.h"

namespace meridian::ui {

class DataQualityModel : public QAbstractTableModel {
  Q_OBJECT

 public:
  enum Column { Kind, Symbol, Source, Time, Detail, ColumnCount };

  explicit DataQualityModel(QObject* parent = nullptr);

  int rowCount(const QModelIndex& parent = {}) const override;
  int columnCount(const QModelIndex& parent = {}) const override;
  QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
  QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

  // Latest report per series, ordered by symbol then source.
  QVector<std::shared_ptr<const marketdata::DataQualityReport>> reports() const;
  std::shared_ptr<const marketdata::DataQualityReport> report(const QString& symbol, const QString& source = {}) const;
  // One DataQualityReport::summary() line per series (optionally only `symbol`, case-insensitive).
  QStringList summaries(const QString& symbol = {}) const;

 public Q_SLOTS:
  void applyReports(const QVector<std::shared_ptr<const meridian::marketdata::DataQualityReport>>& reports);
  void clear();

 Q_SIGNALS:
  void reportsChanged();

 private:
  struct Row {
    std::shared_ptr<const marketdata::DataQualityReport> report;  // keeps the issue alive
    const marketdata::QualityIssue* issue = nullptr;
  };
  void rebuildRows();

  std::map<std::pair<std::string, std::string>, std::shared_ptr<const marketdata::DataQualityReport>> m_reports;
  QVector<Row> m_rows;
};

}  // namespace meridian::ui
