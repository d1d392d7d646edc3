#include "ui/models/WalkForwardModel.h"

#include <QLocale>

#include <cmath>

#include "core/time/TimeZones.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {
namespace {

QString date(domain::Timestamp ts) { return time::TimeZones::exchangeDateText(ts); }
QString pctOrNa(double fraction) { return std::isfinite(fraction) ? format::percent(fraction * 100.0) : QStringLiteral("n/a"); }
QString ratioOrNa(double v) { return std::isfinite(v) ? QLocale().toString(v, 'f', 2) : QStringLiteral("n/a"); }
double sortable(double v) { return std::isfinite(v) ? v : -1e300; }

}  // namespace

WalkForwardModel::WalkForwardModel(QObject* parent) : QAbstractTableModel(parent) {}

int WalkForwardModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || !m_report ? 0 : static_cast<int>(m_report->result.segments.size());
}
int WalkForwardModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant WalkForwardModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || !m_report || index.row() >= rowCount()) return {};
  const auto row = static_cast<std::size_t>(index.row());
  const backtest::WalkForwardSegment& s = m_report->result.segments[row];
  const backtest::WalkForwardReport::WindowDates d =
      row < m_report->dates.size() ? m_report->dates[row] : backtest::WalkForwardReport::WindowDates{};
  const double ret = s.startValue != 0.0 ? s.endValue / s.startValue - 1.0 : 0.0;
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case Window: return index.row() + 1;
      case InStart: return date(d.inStart);
      case OutStart: return date(d.outStart);
      case OutEnd: return date(d.outEnd);
      case Params: return s.params.size() ? format::qstr(s.params.toString()) : QStringLiteral("(flat: no valid set)");
      case InScore: return std::isfinite(s.inSampleScore) ? QLocale().toString(s.inSampleScore, 'f', 4) : QStringLiteral("n/a");
      case StartValue: return format::money(s.startValue);
      case EndValue: return format::money(s.endValue);
      case Return: return format::percent(ret * 100.0);
      case Trades: return qlonglong(s.trades);
      case InAnnual: return pctOrNa(s.inSampleAnnualReturn);
      case OutAnnual: return pctOrNa(s.outOfSampleAnnualReturn);
      case Efficiency: return ratioOrNa(s.efficiency);
      default: return {};
    }
  }
  if (role == SortRole) {
    switch (index.column()) {
      case Window: return index.row();
      case InStart: return qlonglong(d.inStart);
      case OutStart: return qlonglong(d.outStart);
      case OutEnd: return qlonglong(d.outEnd);
      case Params: return format::qstr(s.params.toString());
      case InScore: return std::isfinite(s.inSampleScore) ? s.inSampleScore : -1e300;
      case StartValue: return s.startValue;
      case EndValue: return s.endValue;
      case Return: return ret;
      case Trades: return qlonglong(s.trades);
      case InAnnual: return sortable(s.inSampleAnnualReturn);
      case OutAnnual: return sortable(s.outOfSampleAnnualReturn);
      case Efficiency: return sortable(s.efficiency);
      default: return {};
    }
  }
  if (role == Qt::ToolTipRole && index.column() == Efficiency)
    return QStringLiteral("Walk-forward efficiency: out-of-sample annualised return / in-sample annualised return "
                          "(n/a when the in-sample return is not positive)");
  if (role == Qt::TextAlignmentRole)
    return index.column() == Params || index.column() == InStart || index.column() == OutStart || index.column() == OutEnd
               ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
               : QVariant(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ForegroundRole && index.column() == Return && ret != 0.0)
    return ret > 0 ? format::upColor() : format::downColor();
  if (role == Qt::ForegroundRole && index.column() == Efficiency && std::isfinite(s.efficiency))
    return s.efficiency >= 0.5 ? format::upColor() : format::downColor();
  return {};
}

QVariant WalkForwardModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* const kNames[] = {"#",          "In-sample from", "OOS from",  "OOS to",     "Parameters",
                                       "IS score",   "Start value",    "End value", "OOS return", "Trades",
                                       "IS ann.",    "OOS ann.",       "WFE"};
  return section >= 0 && section < ColumnCount ? QString::fromLatin1(kNames[section]) : QVariant();
}

void WalkForwardModel::setReport(std::shared_ptr<const backtest::WalkForwardReport> report) {
  beginResetModel();
  m_report = std::move(report);
  endResetModel();
}

}  // namespace meridian::ui
