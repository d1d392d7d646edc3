#include "ui/docks/DataQualityDock.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/docks/TableViews.h"
#include "ui/models/DataQualityModel.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {

DataQualityDock::DataQualityDock(QWidget* parent) : QDockWidget(QStringLiteral("Data Quality"), parent) {
  setObjectName(QStringLiteral("DataQualityDock"));
  m_model = new DataQualityModel(this);
  m_proxy = new QSortFilterProxyModel(this);
  m_proxy->setSourceModel(m_model);
  m_proxy->setFilterKeyColumn(DataQualityModel::Symbol);
  m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);

  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(4, 4, 4, 4);

  auto* top = new QHBoxLayout;
  m_filter = new QLineEdit(content);
  m_filter->setObjectName(QStringLiteral("symbolFilter"));
  m_filter->setPlaceholderText(QStringLiteral("Filter by symbol"));
  m_filter->setClearButtonEnabled(true);
  m_filter->setMaximumWidth(180);
  m_status = new QLabel(QStringLiteral("No quality reports yet"), content);
  m_status->setObjectName(QStringLiteral("statusLabel"));
  top->addWidget(m_filter);
  top->addWidget(m_status, 1);
  layout->addLayout(top);

  auto* split = new QSplitter(Qt::Vertical, content);
  m_summaries = new QListWidget(split);
  m_summaries->setObjectName(QStringLiteral("summaryList"));
  m_summaries->setToolTip(QStringLiteral("Latest quality report per series"));
  m_view = new QTableView(split);
  m_view->setObjectName(QStringLiteral("issuesView"));
  m_view->setModel(m_proxy);
  configureTableView(m_view);
  m_view->horizontalHeader()->setStretchLastSection(true);
  split->addWidget(m_summaries);
  split->addWidget(m_view);
  split->setStretchFactor(0, 1);
  split->setStretchFactor(1, 3);
  layout->addWidget(split, 1);
  setWidget(content);

  connect(m_filter, &QLineEdit::textChanged, this, &DataQualityDock::setSymbolFilter);
  connect(m_model, &DataQualityModel::reportsChanged, this, &DataQualityDock::refreshSummaries);
}

void DataQualityDock::onQualityChecked(
    const QVector<std::shared_ptr<const marketdata::DataQualityReport>>& reports) {
  m_model->applyReports(reports);
}

void DataQualityDock::setSymbolFilter(const QString& symbol) {
  if (m_filter->text() != symbol) m_filter->setText(symbol);  // re-enters through textChanged
  const QString s = symbol.trimmed();
  m_proxy->setFilterRegularExpression(
      s.isEmpty() ? QRegularExpression()
                  : QRegularExpression(QStringLiteral("^%1$").arg(QRegularExpression::escape(s)),
                                       QRegularExpression::CaseInsensitiveOption));
  refreshSummaries();
}

void DataQualityDock::refreshSummaries() {
  const QString symbol = m_filter->text().trimmed();
  m_summaries->clear();
  std::size_t series = 0, issues = 0;
  for (const auto& r : m_model->reports()) {
    if (!symbol.isEmpty() && format::qstr(r->symbol).compare(symbol, Qt::CaseInsensitive) != 0) continue;
    ++series;
    issues += r->totalIssues();
    auto* item = new QListWidgetItem(format::qstr(r->summary()), m_summaries);
    item->setData(Qt::UserRole, format::qstr(r->symbol));
    item->setForeground(r->clean() ? format::upColor() : format::warnColor());
  }
  m_status->setText(series == 0 ? QStringLiteral("No quality reports yet")
                                : QStringLiteral("%1 series, %2 issues").arg(series).arg(issues));
}

}  // namespace meridian::ui
