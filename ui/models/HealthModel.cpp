#include "ui/models/HealthModel.h"

#include <QBrush>
#include <QFont>

#include "ui/models/Formatting.h"

namespace meridian::ui {
namespace {

QString age(domain::Timestamp ns) {
  if (ns < 0) ns = 0;
  const qint64 s = ns / domain::kNanosPerSecond;
  if (s < 60) return QStringLiteral("%1 s").arg(s);
  if (s < 3600) return QStringLiteral("%1 min").arg(s / 60);
  if (s < 86400) return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60);
  return QStringLiteral("%1 d").arg(s / 86400);
}

}  // namespace

// ---- HealthModel ----------------------------------------------------------------------------------------------------

HealthModel::HealthModel(QObject* parent) : QAbstractTableModel(parent) {}

int HealthModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || !m_snapshot ? 0 : static_cast<int>(m_snapshot->components.size());
}
int HealthModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QString HealthModel::stateText(contract::HealthState s) {
  switch (s) {
    case contract::HealthState::Ok: return QStringLiteral("● OK");
    case contract::HealthState::Degraded: return QStringLiteral("● Degraded");
    case contract::HealthState::Down: return QStringLiteral("● Down");
    case contract::HealthState::Disabled: return QStringLiteral("○ Not configured");
    case contract::HealthState::Unknown: return QStringLiteral("○ Not checked yet");
  }
  return {};
}

QColor HealthModel::stateColor(contract::HealthState s) {
  switch (s) {
    case contract::HealthState::Ok: return format::upColor();
    case contract::HealthState::Degraded: return format::warnColor();
    case contract::HealthState::Down: return format::downColor();
    default: return format::mutedColor();
  }
}

QVariant HealthModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const contract::ComponentHealth& h = m_snapshot->components[static_cast<std::size_t>(index.row())];
  const int col = index.column();
  switch (role) {
    case Qt::DisplayRole:
      switch (col) {
        case Component: return format::qstr(h.name);
        case State: return stateText(h.state);
        case Detail: return format::qstr(h.detail);
        case Latency: return h.latencyMs >= 0 ? QStringLiteral("%1 ms").arg(h.latencyMs, 0, 'f', h.latencyMs < 10 ? 1 : 0) : QString();
        case Checked: return h.checkedTs ? format::displayTime(h.checkedTs, "HH:mm:ss") : QString();
        default: return {};
      }
    case Qt::ForegroundRole:
      if (col == State) return QBrush(stateColor(h.state));
      if (h.state == contract::HealthState::Disabled) return QBrush(format::mutedColor());
      return {};
    case Qt::FontRole:
      if (col == Component || col == State) {
        QFont f;
        f.setBold(true);
        return f;
      }
      return {};
    case Qt::ToolTipRole:
      return QStringLiteral("%1 (%2): %3%4")
          .arg(format::qstr(h.name), format::qstr(h.kind), format::qstr(h.detail),
               h.sinceTs ? QStringLiteral("\nIn this state since %1").arg(format::displayTime(h.sinceTs, "yyyy-MM-dd HH:mm:ss t"))
                         : QString());
    case Qt::TextAlignmentRole:
      if (col == Latency) return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
      return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    default: return {};
  }
}

QVariant HealthModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Component: return QStringLiteral("Service");
    case State: return QStringLiteral("Status");
    case Detail: return QStringLiteral("Detail");
    case Latency: return QStringLiteral("Latency");
    case Checked: return QStringLiteral("Checked");
    default: return {};
  }
}

void HealthModel::applySnapshot(const std::shared_ptr<const contract::HealthSnapshot>& snapshot) {
  if (!snapshot) return;
  if (m_snapshot && m_snapshot->components.size() == snapshot->components.size()) {
    m_snapshot = snapshot;
    if (!snapshot->components.empty()) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    return;
  }
  beginResetModel();
  m_snapshot = snapshot;
  endResetModel();
}

// ---- FreshnessModel -------------------------------------------------------------------------------------------------

FreshnessModel::FreshnessModel(QObject* parent) : QAbstractTableModel(parent) {}

int FreshnessModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || !m_snapshot ? 0 : static_cast<int>(m_snapshot->freshness.size());
}
int FreshnessModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant FreshnessModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const contract::DataFreshness& f = m_snapshot->freshness[static_cast<std::size_t>(index.row())];
  const int col = index.column();
  const bool open = m_snapshot->marketOpen;
  switch (role) {
    case Qt::DisplayRole:
      switch (col) {
        case Symbol: return format::qstr(f.symbol);
        case Kind: return format::qstr(f.kind);
        case Source: return f.source.empty() ? QStringLiteral("—") : format::qstr(f.source);
        case LastData: return format::displayTime(f.lastDataTs, "MM-dd HH:mm:ss");
        case Age: return age(m_snapshot->asOf - f.lastReceivedTs);
        case State: return f.stale ? QStringLiteral("● Stale") : open ? QStringLiteral("● Fresh") : QStringLiteral("○ Market closed");
        default: return {};
      }
    case Qt::ForegroundRole:
      if (col == State) return QBrush(f.stale ? format::downColor() : open ? format::upColor() : format::mutedColor());
      return {};
    case Qt::ToolTipRole:
      return QStringLiteral("Stale when nothing arrives for %1 while the market is open")
          .arg(age(f.staleAfterNs));
    case Qt::TextAlignmentRole:
      if (col == Age) return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
      return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
    default: return {};
  }
}

QVariant FreshnessModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  switch (section) {
    case Symbol: return QStringLiteral("Symbol");
    case Kind: return QStringLiteral("Feed");
    case Source: return QStringLiteral("Source");
    case LastData: return QStringLiteral("Last data");
    case Age: return QStringLiteral("Age");
    case State: return QStringLiteral("Freshness");
    default: return {};
  }
}

void FreshnessModel::applySnapshot(const std::shared_ptr<const contract::HealthSnapshot>& snapshot) {
  if (!snapshot) return;
  if (m_snapshot && m_snapshot->freshness.size() == snapshot->freshness.size()) {
    m_snapshot = snapshot;
    if (!snapshot->freshness.empty()) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    return;
  }
  beginResetModel();
  m_snapshot = snapshot;
  endResetModel();
}

int FreshnessModel::staleCount() const {
  int n = 0;
  if (m_snapshot)
    for (const auto& f : m_snapshot->freshness) n += f.stale ? 1 : 0;
  return n;
}

LanesModel::LanesModel(QObject* parent) : QAbstractTableModel(parent) {}

int LanesModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || !m_snapshot ? 0 : static_cast<int>(m_snapshot->lanes.size());
}

int LanesModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant LanesModel::data(const QModelIndex& index, int role) const {
  if (!m_snapshot || !index.isValid() || index.row() >= rowCount()) return {};
  const contract::LaneStats& l = m_snapshot->lanes[static_cast<std::size_t>(index.row())];
  if (role == Qt::TextAlignmentRole && index.column() != Mailbox) return int(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ForegroundRole && index.column() == Refused && l.refused > 0) return format::downColor();
  if (role != Qt::DisplayRole) return {};
  switch (index.column()) {
    case Mailbox: return QString::fromStdString(l.mailbox);
    case Queued: return QString::number(l.lossless);
    case Peak: return QString::number(l.losslessPeak);
    case Coalesced: return QString::number(l.coalesced);
    case Refused: return QString::number(l.refused);
    default: return {};
  }
}

QVariant LanesModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  if (role == Qt::ToolTipRole) {
    switch (section) {
      case Queued: return QStringLiteral("Commands and events waiting on the lossless lane now");
      case Peak: return QStringLiteral("Most commands and events ever waiting at once");
      case Coalesced: return QStringLiteral("Quotes and snapshots replaced by a newer one before the consumer read them");
      case Refused: return QStringLiteral("Commands refused at the sender because this mailbox was full");
      default: return {};
    }
  }
  if (role != Qt::DisplayRole) return {};
  switch (section) {
    case Mailbox: return QStringLiteral("Mailbox");
    case Queued: return QStringLiteral("Queued");
    case Peak: return QStringLiteral("Peak");
    case Coalesced: return QStringLiteral("Coalesced");
    case Refused: return QStringLiteral("Refused");
    default: return {};
  }
}

void LanesModel::applySnapshot(const std::shared_ptr<const contract::HealthSnapshot>& snapshot) {
  if (!snapshot) return;
  if (m_snapshot && m_snapshot->lanes.size() == snapshot->lanes.size()) {
    m_snapshot = snapshot;
    if (!snapshot->lanes.empty()) Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    return;
  }
  beginResetModel();
  m_snapshot = snapshot;
  endResetModel();
}

std::uint64_t LanesModel::refusedTotal() const {
  std::uint64_t n = 0;
  if (m_snapshot)
    for (const auto& l : m_snapshot->lanes) n += l.refused;
  return n;
}

std::uint64_t LanesModel::coalescedTotal() const {
  std::uint64_t n = 0;
  if (m_snapshot)
    for (const auto& l : m_snapshot->lanes) n += l.coalesced;
  return n;
}

}  // namespace meridian::ui
