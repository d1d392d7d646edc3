#include "ui/models/BacktestMetricsModel.h"

#include <QLocale>

#include <cmath>

#include "ui/models/Formatting.h"

namespace meridian::ui {
namespace {

QString num(double v, int decimals) {
  return std::isfinite(v) ? QLocale().toString(v, 'f', decimals) : QStringLiteral("n/a");
}
QString pct(double fraction) { return std::isfinite(fraction) ? format::percent(fraction * 100.0) : QStringLiteral("n/a"); }
// Percent without a sign, for quantities that have no direction (volatility, exposure, win rate).
QString plainPct(double fraction) {
  return std::isfinite(fraction) ? QLocale().toString(fraction * 100.0, 'f', 2) + QLatin1Char('%') : QStringLiteral("n/a");
}
int signOf(double v) { return std::isfinite(v) ? (v > 0 ? 1 : (v < 0 ? -1 : 0)) : 0; }

}  // namespace

BacktestMetricsModel::BacktestMetricsModel(QObject* parent) : QAbstractTableModel(parent) {}

int BacktestMetricsModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}
int BacktestMetricsModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant BacktestMetricsModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= m_rows.size()) return {};
  const Row& r = m_rows[index.row()];
  switch (role) {
    case Qt::DisplayRole: return index.column() == Name ? r.name : r.text;
    case Qt::ToolTipRole: return r.tip.isEmpty() ? QVariant() : QVariant(r.tip);
    case RawRole: return index.column() == Name ? QVariant(r.name) : QVariant(r.raw);
    case Qt::TextAlignmentRole:
      return index.column() == Value ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole:
      if (index.column() == Value && r.sign != 0) return r.sign > 0 ? format::upColor() : format::downColor();
      return {};
    default: return {};
  }
}

QVariant BacktestMetricsModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  return section == Name ? QStringLiteral("Metric") : QStringLiteral("Value");
}

void BacktestMetricsModel::setMetrics(const analytics::Metrics& m, double initialValue, double finalValue) {
  beginResetModel();
  m_rows.clear();
  const double pnl = finalValue - initialValue;
  m_rows = {
      {QStringLiteral("Final value"), format::money(finalValue), finalValue, 0},
      {QStringLiteral("Initial cash"), format::money(initialValue), initialValue, 0},
      {QStringLiteral("Net P&L"), format::money(pnl), pnl, signOf(pnl)},
      {QStringLiteral("Total return"), pct(m.totalReturn), m.totalReturn, signOf(m.totalReturn)},
      {QStringLiteral("CAGR"), pct(m.cagr), m.cagr, signOf(m.cagr)},
      {QStringLiteral("Volatility (ann.)"), plainPct(m.annualVolatility), m.annualVolatility, 0},
      {QStringLiteral("Sharpe"), num(m.sharpe, 3), m.sharpe, signOf(m.sharpe)},
      {QStringLiteral("Sortino"), num(m.sortino, 3), m.sortino, signOf(m.sortino)},
      {QStringLiteral("Calmar"), num(m.calmar, 3), m.calmar, signOf(m.calmar)},
      {QStringLiteral("Max drawdown"), pct(-m.maxDrawdown), m.maxDrawdown, m.maxDrawdown > 0 ? -1 : 0},
      {QStringLiteral("Longest drawdown (bars)"), QLocale().toString(qlonglong(m.maxDrawdownDuration)),
       double(m.maxDrawdownDuration), 0},
      {QStringLiteral("Exposure"), plainPct(m.exposure), m.exposure, 0},
      {QStringLiteral("Trades"), QLocale().toString(qlonglong(m.trades)), double(m.trades), 0},
      {QStringLiteral("Won / lost"), QStringLiteral("%1 / %2").arg(m.wins).arg(m.losses), double(m.wins), 0},
      {QStringLiteral("Win rate"), plainPct(m.winRate), m.winRate, 0},
      {QStringLiteral("Profit factor"), num(m.profitFactor, 3), m.profitFactor,
       std::isfinite(m.profitFactor) ? (m.profitFactor >= 1 ? 1 : -1) : 0},
      {QStringLiteral("Average win"), std::isfinite(m.avgWin) ? format::money(m.avgWin) : QStringLiteral("n/a"), m.avgWin, 0},
      {QStringLiteral("Average loss"), std::isfinite(m.avgLoss) ? format::money(m.avgLoss) : QStringLiteral("n/a"), m.avgLoss, 0},
      {QStringLiteral("Average trade"), std::isfinite(m.avgTrade) ? format::money(m.avgTrade) : QStringLiteral("n/a"),
       m.avgTrade, signOf(m.avgTrade)},
      {QStringLiteral("Bars"), QLocale().toString(qlonglong(m.bars)), double(m.bars), 0},
      {QStringLiteral("Years"), num(m.years, 2), m.years, 0},
  };
  endResetModel();
}

void BacktestMetricsModel::addBenchmark(const QString& symbol, const analytics::BenchmarkStats& b) {
  const int first = static_cast<int>(m_rows.size());
  beginInsertRows({}, first, first + 3);
  m_rows.append({QStringLiteral("Buy & hold return"), pct(b.totalReturn), b.totalReturn, signOf(b.totalReturn)});
  m_rows.back().tip = QStringLiteral("%1 bought at the first bar's close with the same initial cash, held to the end")
                          .arg(symbol);
  m_rows.append({QStringLiteral("Alpha (ann.)"), pct(b.alpha), b.alpha, signOf(b.alpha)});
  m_rows.back().tip = QStringLiteral("Jensen's alpha against %1 buy-and-hold, daily returns over %2 days, x 252")
                          .arg(symbol)
                          .arg(b.days);
  m_rows.append({QStringLiteral("Beta"), num(b.beta, 3), b.beta, 0});
  m_rows.back().tip = QStringLiteral("Regression slope of the strategy's daily returns on %1's").arg(symbol);
  m_rows.append({QStringLiteral("Correlation"), num(b.correlation, 3), b.correlation, 0});
  endInsertRows();
}

void BacktestMetricsModel::clear() {
  beginResetModel();
  m_rows.clear();
  endResetModel();
}

int BacktestMetricsModel::rowOf(const QString& name) const {
  for (int i = 0; i < m_rows.size(); ++i)
    if (m_rows[i].name == name) return i;
  return -1;
}

QString BacktestMetricsModel::valueText(const QString& name) const {
  const int r = rowOf(name);
  return r < 0 ? QString() : m_rows[r].text;
}

}  // namespace meridian::ui
