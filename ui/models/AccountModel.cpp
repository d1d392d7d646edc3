#include "ui/models/AccountModel.h"

#include <QBrush>

#include <cmath>

#include "ui/models/CsvExport.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {
namespace {

bool isSigned(int row) {
  return row == AccountModel::DayPnl || row == AccountModel::RealizedPnl || row == AccountModel::UnrealizedPnl ||
         row == AccountModel::Drawdown;
}

}  // namespace

AccountModel::AccountModel(QObject* parent) : QAbstractTableModel(parent) {}

int AccountModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : RowCount; }
int AccountModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString AccountModel::fieldName(Row row) {
  switch (row) {
    case Broker: return QStringLiteral("Broker");
    case Equity: return QStringLiteral("Equity");
    case Cash: return QStringLiteral("Cash");
    case BuyingPower: return QStringLiteral("Buying power");
    case DayPnl: return QStringLiteral("Day P&L");
    case RealizedPnl: return QStringLiteral("Realized P&L");
    case UnrealizedPnl: return QStringLiteral("Unrealized P&L");
    case GrossExposure: return QStringLiteral("Gross exposure");
    case Leverage: return QStringLiteral("Leverage");
    case PeakEquity: return QStringLiteral("Peak equity");
    case Drawdown: return QStringLiteral("Drawdown");
    case AsOf: return QStringLiteral("As of");
    case RowCount: break;
  }
  return {};
}

double AccountModel::drawdownPct(const contract::AccountSnapshot& a) {
  if (a.peakEquity <= 0.0) return 0.0;
  return std::min(0.0, (a.equity - a.peakEquity) / a.peakEquity * 100.0);
}

QVariant AccountModel::rawValue(const contract::AccountSnapshot& a, int row) {
  switch (row) {
    case Broker: return format::qstr(a.broker);
    case Equity: return a.equity;
    case Cash: return a.cash;
    case BuyingPower: return a.buyingPower;
    case DayPnl: return a.dayPnl;
    case RealizedPnl: return a.realizedPnl;
    case UnrealizedPnl: return a.unrealizedPnl;
    case GrossExposure: return a.grossExposure;
    case Leverage: return a.equity > 0.0 ? a.grossExposure / a.equity : 0.0;
    case PeakEquity: return a.peakEquity;
    case Drawdown: return drawdownPct(a);
    case AsOf: return QVariant::fromValue<qint64>(a.asOf);
    default: return {};
  }
}

QVariant AccountModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= RowCount) return {};
  const int row = index.row();
  if (index.column() == Field) {
    if (role == Qt::DisplayRole || role == SortRole || role == csv::ExportRole) return fieldName(static_cast<Row>(row));
    return {};
  }
  if (!m_snapshot) return role == Qt::DisplayRole ? QStringLiteral("—") : QVariant();
  const contract::AccountSnapshot& a = *m_snapshot;
  const QVariant raw = rawValue(a, row);
  switch (role) {
    case Qt::DisplayRole:
      switch (row) {
        case Broker: return raw;
        case Leverage: return QStringLiteral("%1×").arg(raw.toDouble(), 0, 'f', 2);
        case Drawdown: return format::percent(raw.toDouble());
        case AsOf: return format::displayTime(a.asOf, "yyyy-MM-dd HH:mm:ss");
        default: return format::money(raw.toDouble());
      }
    case SortRole: return raw;
    case csv::ExportRole:
      switch (row) {
        case Broker: return raw;
        case AsOf: return format::isoUtc(a.asOf);
        default: return format::plainNumber(raw.toDouble());
      }
    case Qt::TextAlignmentRole: return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ForegroundRole:
      if (isSigned(row)) {
        const double v = raw.toDouble();
        if (v > 0.005) return QBrush(format::upColor());
        if (v < -0.005) return QBrush(format::downColor());
      }
      return {};
    default: return {};
  }
}

QVariant AccountModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  if (section == Field) return QStringLiteral("Field");
  if (section == Value) return QStringLiteral("Value");
  return {};
}

void AccountModel::applySnapshot(const std::shared_ptr<const contract::AccountSnapshot>& snapshot) {
  if (!snapshot) return;
  const std::shared_ptr<const contract::AccountSnapshot> previous = std::move(m_snapshot);
  m_snapshot = snapshot;
  // Only the changed values repaint; contiguous runs become one dataChanged each.
  int first = -1;
  auto flush = [&](int last) {
    if (first >= 0) Q_EMIT dataChanged(index(first, Value), index(last, Value));
    first = -1;
  };
  for (int r = 0; r < RowCount; ++r) {
    const bool changed = !previous || rawValue(*previous, r) != rawValue(*m_snapshot, r);
    if (changed) {
      if (first < 0) first = r;
    } else {
      flush(r - 1);
    }
  }
  flush(RowCount - 1);
  Q_EMIT snapshotChanged();
}

}  // namespace meridian::ui
