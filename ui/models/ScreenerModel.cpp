#include "ui/models/ScreenerModel.h"

#include "core/screener/ExportText.h"

#include <QColor>
#include <QHash>

#include "ui/models/CsvExport.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {

using screener::Column;

namespace {

QString fixed(const std::optional<double>& v, int decimals) {
  return v ? QString::number(*v, 'f', decimals) : QString();
}
QString signedPercent(const std::optional<double>& v) {
  if (!v) return {};
  return (*v > 0 ? QStringLiteral("+") : QString()) + QString::number(*v, 'f', 2);
}
bool isNumeric(Column c) { return c != Column::Symbol && c != Column::Sector && c != Column::Cross && c != Column::LastDate; }

}  // namespace

ScreenerModel::ScreenerModel(QObject* parent) : QAbstractTableModel(parent) {}

void ScreenerModel::setResult(std::shared_ptr<const screener::ScreenerResult> result) {
  beginResetModel();
  m_result = std::move(result);
  m_rows = m_result ? m_result->rows : std::vector<screener::SymbolMetrics>{};
  if (m_result && m_rows.size() > 1) screener::sortRows(m_rows, m_sortColumn, m_descending);
  endResetModel();
}

void ScreenerModel::clear() { setResult(nullptr); }

QString ScreenerModel::symbolAt(int row) const {
  if (row < 0 || row >= rowCount()) return {};
  return QString::fromStdString(rowAt(row).symbol);
}

int ScreenerModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int ScreenerModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : screener::kColumnCount; }

QVariant ScreenerModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount() || index.column() >= screener::kColumnCount) return {};
  const screener::SymbolMetrics& m = rowAt(index.row());
  const auto col = static_cast<Column>(index.column());
  switch (role) {
    case Qt::DisplayRole:
      switch (col) {
        case Column::MarketCap: return m.marketCap ? format::compact(*m.marketCap) : QString();
        case Column::Volume: return format::compact(m.volume);
        case Column::AvgVolume: return m.avgVolume ? format::compact(*m.avgVolume) : QString();
        case Column::Price: return format::price(m.last);
        case Column::Change1d: return signedPercent(m.change1d);
        case Column::Change5d: return signedPercent(m.change5d);
        case Column::Change30d: return signedPercent(m.change30d);
        case Column::VsSma20: return signedPercent(m.vsSma20);
        case Column::VsSma50: return signedPercent(m.vsSma50);
        case Column::VsSma200: return signedPercent(m.vsSma200);
        case Column::FromHigh52w: return signedPercent(m.fromHigh52w);
        case Column::FromLow52w: return signedPercent(m.fromLow52w);
        case Column::GapPct: return signedPercent(m.gapPct);
        case Column::Sma50: return m.sma50 ? format::price(*m.sma50) : QString();
        case Column::Sma200: return m.sma200 ? format::price(*m.sma200) : QString();
        case Column::High52w: return m.high52w ? format::price(*m.high52w) : QString();
        case Column::Low52w: return m.low52w ? format::price(*m.low52w) : QString();
        case Column::AvgDollarVolume: return m.avgDollarVolume ? format::compact(*m.avgDollarVolume) : QString();
        case Column::Volatility: return fixed(m.volatility, 1);
        case Column::Rsi: return fixed(m.rsi, 1);
        case Column::Bollinger: return fixed(m.bollinger, 2);
        default: return QString::fromStdString(screener::cellText(m, col));
      }
    case csv::ExportRole: return QString::fromStdString(screener::exportText(m, col));
    case SortRole: {
      if (col == Column::Symbol) return QString::fromStdString(m.symbol);
      if (col == Column::Sector) return QString::fromStdString(m.sector);
      const auto v = screener::columnValue(m, col);
      return v ? QVariant(*v) : QVariant();
    }
    case Qt::TextAlignmentRole:
      return isNumeric(col) ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole: {
      std::optional<double> v;
      if (col == Column::Change1d) v = m.change1d;
      else if (col == Column::Change5d) v = m.change5d;
      else if (col == Column::Change30d) v = m.change30d;
      else if (col == Column::VsSma20) v = m.vsSma20;
      else if (col == Column::VsSma50) v = m.vsSma50;
      else if (col == Column::VsSma200) v = m.vsSma200;
      else if (col == Column::GapPct) v = m.gapPct;
      else if (col == Column::Macd) v = m.macdHist;
      else if (col == Column::Cross && m.cross && *m.cross != screener::Cross::None)
        v = *m.cross == screener::Cross::Golden ? 1.0 : -1.0;
      if (v && *v > 0) return format::upColor();
      if (v && *v < 0) return format::downColor();
      return {};
    }
    case Qt::ToolTipRole:
      if (col == Column::Macd && m.macd)
        return QStringLiteral("MACD %1, signal %2").arg(*m.macd, 0, 'f', 4).arg(*m.macdSignal, 0, 'f', 4);
      if (col == Column::VsSma20 && m.sma20) return QStringLiteral("SMA20 %1").arg(*m.sma20, 0, 'f', 4);
      if (col == Column::VsSma50 && m.sma50) return QStringLiteral("SMA50 %1").arg(*m.sma50, 0, 'f', 4);
      if (col == Column::VsSma200 && m.sma200) return QStringLiteral("SMA200 %1").arg(*m.sma200, 0, 'f', 4);
      if (col == Column::FromHigh52w && m.high52w) return QStringLiteral("52-week high %1").arg(*m.high52w, 0, 'f', 4);
      if (col == Column::FromLow52w && m.low52w) return QStringLiteral("52-week low %1").arg(*m.low52w, 0, 'f', 4);
      if (col == Column::Symbol && !m.source.empty()) return QStringLiteral("source: %1").arg(QString::fromStdString(m.source));
      return {};
    default: return {};
  }
}

QVariant ScreenerModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || section < 0 || section >= screener::kColumnCount) return {};
  const auto col = static_cast<Column>(section);
  if (role == Qt::DisplayRole) return format::qstr(screener::columnTitle(col));
  if (role == Qt::ToolTipRole) return format::qstr(screener::columnKey(col));
  if (role == csv::ExportRole) return format::qstr(screener::columnKey(col));  // CSV header: the machine name
  return {};
}

void ScreenerModel::sort(int column, Qt::SortOrder order) {
  if (column < 0 || column >= screener::kColumnCount) return;
  m_sortColumn = static_cast<Column>(column);
  m_descending = order == Qt::DescendingOrder;
  Q_EMIT layoutAboutToBeChanged({}, QAbstractItemModel::VerticalSortHint);
  // Keep selections / the current row on the same symbols (symbols are unique within a result).
  const QModelIndexList before = persistentIndexList();
  std::vector<std::string> symbols;
  symbols.reserve(static_cast<std::size_t>(before.size()));
  for (const QModelIndex& i : before) symbols.push_back(rowAt(i.row()).symbol);
  screener::sortRows(m_rows, m_sortColumn, m_descending);
  QHash<QString, int> rowOf;
  for (int r = 0; r < rowCount(); ++r) rowOf.insert(QString::fromStdString(m_rows[std::size_t(r)].symbol), r);
  QModelIndexList after;
  for (qsizetype k = 0; k < before.size(); ++k)
    after << index(rowOf.value(QString::fromStdString(symbols[std::size_t(k)])), before[k].column());
  changePersistentIndexList(before, after);
  Q_EMIT layoutChanged({}, QAbstractItemModel::VerticalSortHint);
}

}  // namespace meridian::ui
