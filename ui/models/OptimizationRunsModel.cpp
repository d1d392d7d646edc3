#include "ui/models/OptimizationRunsModel.h"

#include <QFont>
#include <QLocale>

#include <cmath>
#include <limits>

#include "ui/models/Formatting.h"

namespace meridian::ui {
namespace {

QString num(double v, int decimals) {
  return std::isfinite(v) ? QLocale().toString(v, 'f', decimals) : QStringLiteral("n/a");
}
QString paramText(double v) { return QString::number(v, 'g', 10); }

}  // namespace

OptimizationRunsModel::OptimizationRunsModel(QObject* parent) : QAbstractTableModel(parent) {}

int OptimizationRunsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || !m_report ? 0 : static_cast<int>(m_report->result.runs.size());
}

int OptimizationRunsModel::columnCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : 1 + static_cast<int>(m_axes.size()) + FixedCount;
}

const backtest::OptimizationRun* OptimizationRunsModel::runAt(int row) const {
  if (!m_report || row < 0 || row >= rowCount()) return nullptr;
  return &m_report->result.runs[static_cast<std::size_t>(row)];
}

int OptimizationRunsModel::bestRow() const {
  return m_report && m_report->result.best ? static_cast<int>(*m_report->result.best) : -1;
}

QVariant OptimizationRunsModel::data(const QModelIndex& index, int role) const {
  const backtest::OptimizationRun* r = index.isValid() ? runAt(index.row()) : nullptr;
  if (!r) return {};
  const int col = index.column();
  const int axes = static_cast<int>(m_axes.size());
  if (role == BestRole) return index.row() == bestRow();
  if (role == Qt::FontRole && index.row() == bestRow()) {
    QFont f;
    f.setBold(true);
    return f;
  }
  if (col == 0) {
    if (role == Qt::DisplayRole || role == SortRole) return index.row() + 1;
    if (role == Qt::TextAlignmentRole) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.row() == bestRow()) return QStringLiteral("Best combination");
    return {};
  }
  if (col <= axes) {
    const double v = r->params.get(m_axes[col - 1].toStdString(), std::nan(""));
    if (role == Qt::DisplayRole) return paramText(v);
    if (role == SortRole) return v;
    if (role == Qt::TextAlignmentRole) return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    return {};
  }
  return fixedData(*r, col - axes - 1, role);
}

QVariant OptimizationRunsModel::fixedData(const backtest::OptimizationRun& r, int fixed, int role) const {
  if (role == Qt::TextAlignmentRole)
    return fixed == Status ? QVariant(Qt::AlignLeft | Qt::AlignVCenter) : QVariant(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ToolTipRole && fixed == Status && !r.valid) return format::qstr(r.error);
  const bool v = r.valid;
  const auto& m = r.metrics;
  if (role == SortRole) {
    const double lowest = -std::numeric_limits<double>::infinity();
    switch (fixed) {
      case Score: return v && std::isfinite(r.score) ? r.score : lowest;
      case FinalValue: return v ? r.finalValue : lowest;
      case TotalReturn: return v ? m.totalReturn : lowest;
      case Sharpe: return v && std::isfinite(m.sharpe) ? m.sharpe : lowest;
      case MaxDrawdown: return v ? m.maxDrawdown : std::numeric_limits<double>::infinity();
      case Trades: return v ? qlonglong(m.trades) : qlonglong(-1);
      case Status: return v ? QString() : format::qstr(r.error);
      default: return {};
    }
  }
  if (role == Qt::ForegroundRole) {
    if (!v) return format::mutedColor();
    if (fixed == TotalReturn && m.totalReturn != 0.0) return m.totalReturn > 0 ? format::upColor() : format::downColor();
    return {};
  }
  if (role != Qt::DisplayRole) return {};
  if (!v && fixed != Status) return QStringLiteral("—");
  switch (fixed) {
    case Score: return num(r.score, 4);
    case FinalValue: return format::money(r.finalValue);
    case TotalReturn: return std::isfinite(m.totalReturn) ? format::percent(m.totalReturn * 100.0) : QStringLiteral("n/a");
    case Sharpe: return num(m.sharpe, 3);
    case MaxDrawdown: return std::isfinite(m.maxDrawdown) ? format::percent(-m.maxDrawdown * 100.0) : QStringLiteral("n/a");
    case Trades: return qlonglong(m.trades);
    case Status: return v ? QStringLiteral("ok") : format::qstr(r.error);
    default: return {};
  }
}

QVariant OptimizationRunsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  const int axes = static_cast<int>(m_axes.size());
  if (section == 0) return QStringLiteral("#");
  if (section <= axes) return m_axes[section - 1];
  switch (section - axes - 1) {
    case Score:
      return m_report ? QStringLiteral("Objective (%1)").arg(format::qstr(backtest::toString(m_report->objective)))
                      : QStringLiteral("Objective");
    case FinalValue: return QStringLiteral("Final value");
    case TotalReturn: return QStringLiteral("Return");
    case Sharpe: return QStringLiteral("Sharpe");
    case MaxDrawdown: return QStringLiteral("Max DD");
    case Trades: return QStringLiteral("Trades");
    case Status: return QStringLiteral("Status");
    default: return {};
  }
}

void OptimizationRunsModel::setReport(std::shared_ptr<const backtest::OptimizationReport> report) {
  beginResetModel();
  m_report = std::move(report);
  m_axes.clear();
  if (m_report)
    for (const auto& a : m_report->axes) m_axes << format::qstr(a);
  endResetModel();
}

}  // namespace meridian::ui
