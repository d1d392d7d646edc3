#include "ui/models/StrategyMonitorModel.h"

#include <QColor>
#include <QFont>

#include <cmath>

#include "ui/models/Formatting.h"

namespace meridian::ui {

StrategyMonitorModel::StrategyMonitorModel(QObject* parent) : QAbstractTableModel(parent) {}

int StrategyMonitorModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || !m_snapshot ? 0 : int(m_snapshot->instances.size());
}

int StrategyMonitorModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

const contract::StrategyInstanceState* StrategyMonitorModel::instanceAt(int row) const {
  if (!m_snapshot || row < 0 || row >= int(m_snapshot->instances.size())) return nullptr;
  return &m_snapshot->instances[std::size_t(row)];
}

int StrategyMonitorModel::rowOf(const QString& instance) const {
  for (int r = 0; r < rowCount(); ++r)
    if (format::qstr(instanceAt(r)->instance) == instance) return r;
  return -1;
}

QString StrategyMonitorModel::legsText(const contract::StrategyInstanceState& s) {
  QStringList parts;
  for (const auto& l : s.legs)
    parts << QStringLiteral("%1 %2 / %3")
                 .arg(format::qstr(l.symbol), format::plainNumber(l.position), format::plainNumber(l.target));
  return parts.join(QStringLiteral(" · "));
}

QString StrategyMonitorModel::indicatorsText(const contract::StrategyInstanceState& s) {
  QStringList parts;
  for (const auto& i : s.indicators)
    parts << QStringLiteral("%1 %2").arg(format::qstr(i.name),
                                         std::isfinite(i.value) ? QString::number(i.value, 'g', 4) : QStringLiteral("—"));
  return parts.join(QStringLiteral(" · "));
}

QString StrategyMonitorModel::stateText(const contract::StrategyInstanceState& s) {
  QString state = format::qstr(s.state);
  if (!state.isEmpty()) state[0] = state[0].toUpper();
  return s.detail.empty() ? state : QStringLiteral("%1 — %2").arg(state, format::qstr(s.detail));
}

QVariant StrategyMonitorModel::data(const QModelIndex& index, int role) const {
  const contract::StrategyInstanceState* s = index.isValid() ? instanceAt(index.row()) : nullptr;
  if (!s) return {};
  switch (role) {
    case InstanceRole: return format::qstr(s->instance);
    case PausedRole: return s->paused;
    case ModeRole: return format::qstr(s->mode);
    case StateRole: return format::qstr(s->state);
    case SymbolsRole: {
      QStringList symbols;
      for (const auto& l : s->legs) symbols << format::qstr(l.symbol);
      return symbols;
    }
    default: break;
  }
  const int c = index.column();
  if (role == Qt::DisplayRole) {
    switch (c) {
      case Instance: return format::qstr(s->instance);
      case Mode: return format::qstr(s->mode);
      case State: return stateText(*s);
      case Legs: return legsText(*s);
      case LastSignal:
        return s->lastSignalTs == 0 ? QStringLiteral("—")
                                    : QStringLiteral("%1  %2").arg(format::displayTime(s->lastSignalTs, "MM-dd HH:mm"),
                                                                   format::qstr(s->lastSignal));
      case Indicators: return indicatorsText(*s);
      case Realized: return format::money(s->realizedPnl);
      case Unrealized: return format::money(s->unrealizedPnl);
      case OpenOrders: return s->openOrders;
      default: return {};
    }
  }
  if (role == Qt::ToolTipRole) {
    if (c == LastSignal && !s->lastSignalReason.empty()) return format::qstr(s->lastSignalReason);
    if (c == State) return stateText(*s);
    if (c == Mode)
      return s->mode == "SIGNALS" ? QStringLiteral("strategy.trade=false: signals only, no orders")
                                  : QStringLiteral("Orders go to the %1 account").arg(format::qstr(s->mode));
    return {};
  }
  if (role == Qt::TextAlignmentRole && (c == Realized || c == Unrealized || c == OpenOrders))
    return int(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ForegroundRole) {
    if (c == Realized && s->realizedPnl != 0.0) return s->realizedPnl > 0 ? format::upColor() : format::downColor();
    if (c == Unrealized && s->unrealizedPnl != 0.0) return s->unrealizedPnl > 0 ? format::upColor() : format::downColor();
    if (c == State && s->state == "error") return format::downColor();
    if (c == State && s->state == "paused") return format::warnColor();
    if (c == Mode && s->mode == "LIVE") return format::downColor();
  }
  if (role == Qt::FontRole && c == Mode && s->mode == "LIVE") {
    QFont f;
    f.setBold(true);
    return f;
  }
  return {};
}

QVariant StrategyMonitorModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Instance: return QStringLiteral("Strategy");
    case Mode: return QStringLiteral("Mode");
    case State: return QStringLiteral("State");
    case Legs: return QStringLiteral("Position / Target");
    case LastSignal: return QStringLiteral("Last Signal");
    case Indicators: return QStringLiteral("Indicators");
    case Realized: return QStringLiteral("Realized P&L");
    case Unrealized: return QStringLiteral("Unrealized P&L");
    case OpenOrders: return QStringLiteral("Open Orders");
    default: return {};
  }
}

void StrategyMonitorModel::applySnapshot(const std::shared_ptr<const contract::StrategiesSnapshot>& snapshot) {
  if (!snapshot) return;
  bool sameRows = m_snapshot && m_snapshot->instances.size() == snapshot->instances.size();
  for (std::size_t i = 0; sameRows && i < snapshot->instances.size(); ++i)
    sameRows = m_snapshot->instances[i].instance == snapshot->instances[i].instance;
  if (sameRows) {
    m_snapshot = snapshot;
    if (rowCount() > 0) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    return;
  }
  beginResetModel();
  m_snapshot = snapshot;
  endResetModel();
}

}  // namespace meridian::ui
