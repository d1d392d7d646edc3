#include "ui/models/DataQualityModel.h"

#include "ui/models/Formatting.h"

namespace meridian::ui {

DataQualityModel::DataQualityModel(QObject* parent) : QAbstractTableModel(parent) {}

int DataQualityModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int DataQualityModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant DataQualityModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= m_rows.size()) return {};
  const marketdata::QualityIssue& issue = *m_rows[index.row()].issue;
  if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
    switch (index.column()) {
      case Kind: return format::qstr(marketdata::toString(issue.kind));
      case Symbol: return format::qstr(issue.symbol);
      case Source: return format::qstr(issue.source);
      case Time: return issue.ts ? format::displayTime(issue.ts, "yyyy-MM-dd HH:mm") : QString();
      case Detail: return format::qstr(issue.detail);
      default: return {};
    }
  }
  if (role == Qt::ForegroundRole && index.column() == Kind) {
    return issue.kind == marketdata::IssueKind::InsaneBar ? format::downColor() : format::warnColor();
  }
  if (role == Qt::UserRole) return QVariant::fromValue<qint64>(issue.ts);
  return {};
}

QVariant DataQualityModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Kind: return QStringLiteral("Kind");
    case Symbol: return QStringLiteral("Symbol");
    case Source: return QStringLiteral("Source");
    case Time: return QStringLiteral("Time");
    case Detail: return QStringLiteral("Detail");
    default: return {};
  }
}

QVector<std::shared_ptr<const marketdata::DataQualityReport>> DataQualityModel::reports() const {
  QVector<std::shared_ptr<const marketdata::DataQualityReport>> out;
  out.reserve(static_cast<qsizetype>(m_reports.size()));
  for (const auto& [key, r] : m_reports) out.push_back(r);
  return out;
}

std::shared_ptr<const marketdata::DataQualityReport> DataQualityModel::report(const QString& symbol,
                                                                            const QString& source) const {
  const std::string sym = symbol.toUpper().toStdString();
  for (const auto& [key, r] : m_reports)
    if (key.first == sym && (source.isEmpty() || key.second == source.toStdString())) return r;
  return nullptr;
}

QStringList DataQualityModel::summaries(const QString& symbol) const {
  QStringList out;
  for (const auto& [key, r] : m_reports)
    if (symbol.isEmpty() || QString::fromStdString(key.first).compare(symbol, Qt::CaseInsensitive) == 0)
      out << format::qstr(r->summary());
  return out;
}

void DataQualityModel::applyReports(
    const QVector<std::shared_ptr<const marketdata::DataQualityReport>>& reports) {
  bool changed = false;
  for (const auto& r : reports) {
    if (!r) continue;
    m_reports[{r->symbol, r->source}] = r;
    changed = true;
  }
  if (!changed) return;
  beginResetModel();
  rebuildRows();
  endResetModel();
  Q_EMIT reportsChanged();
}

void DataQualityModel::clear() {
  beginResetModel();
  m_reports.clear();
  m_rows.clear();
  endResetModel();
  Q_EMIT reportsChanged();
}

void DataQualityModel::rebuildRows() {
  m_rows.clear();
  for (const auto& [key, r] : m_reports)
    for (const auto& issue : r->issues) m_rows.push_back(Row{r, &issue});
}

}  // namespace meridian::ui
