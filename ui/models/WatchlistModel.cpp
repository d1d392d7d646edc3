#include "ui/models/WatchlistModel.h"

#include <QBrush>
#include <QRegularExpression>

#include <algorithm>

#include "core/time/TimeZones.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {

WatchlistModel::WatchlistModel(QObject* parent) : QAbstractTableModel(parent), m_symbols(defaultSymbols()) {
  rebuildRowIndex();
}

void WatchlistModel::rebuildRowIndex() {
  m_rowOf.clear();
  for (int i = 0; i < m_symbols.size(); ++i) m_rowOf.insert(m_symbols[i], i);
}

QStringList WatchlistModel::defaultSymbols() {
  // Symbols the built-in simulated market quotes, so a first start shows live prices with no account.
  return {QStringLiteral("AAPL"), QStringLiteral("MSFT"), QStringLiteral("NVDA"), QStringLiteral("AMZN"),
          QStringLiteral("SPY"),  QStringLiteral("QQQ")};
}

bool WatchlistModel::isValidSymbol(const QString& symbol) {
  static const QRegularExpression re(QStringLiteral("^[A-Z][A-Z0-9.\\-]{0,9}$"));
  return re.match(symbol).hasMatch();
}

int WatchlistModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_symbols.size());
}

int WatchlistModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

double WatchlistModel::changePct(const Row& r) const {
  const double last = r.last > 0.0 ? r.last : r.lastBarClose;
  if (r.reference <= 0.0 || last <= 0.0) return 0.0;
  return (last / r.reference - 1.0) * 100.0;
}

QVariant WatchlistModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= rowCount()) return {};
  const QString& symbol = m_symbols[index.row()];
  const auto it = m_data.constFind(symbol);
  const Row empty;
  const Row& r = it == m_data.cend() ? empty : *it;
  const int col = index.column();
  const double last = r.last > 0.0 ? r.last : r.lastBarClose;
  const bool hasChange = r.reference > 0.0 && last > 0.0;

  switch (role) {
    case Qt::DisplayRole:
      switch (col) {
        case Symbol: return symbol;
        case Bid: return format::price(r.bid, true);
        case Ask: return format::price(r.ask, true);
        case Last: return format::price(last, true);
        case ChgPct: return hasChange ? format::percent(changePct(r)) : QString();
        case Volume: return r.sessionVolume > 0.0 ? format::compact(r.sessionVolume) : QString();
        default: return {};
      }
    case SortRole:
      switch (col) {
        case Symbol: return symbol;
        case Bid: return r.bid;
        case Ask: return r.ask;
        case Last: return last;
        case ChgPct: return changePct(r);
        case Volume: return r.sessionVolume;
        default: return {};
      }
    case Qt::TextAlignmentRole:
      return QVariant::fromValue((col == Symbol ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter);
    case Qt::ForegroundRole:
      if (col == ChgPct || col == Last) {
        const double c = changePct(r);
        if (c > 0.0) return QBrush(format::upColor());
        if (c < 0.0) return QBrush(format::downColor());
      }
      return {};
    case Qt::ToolTipRole:
      if (col == Volume && r.sessionVolume > 0.0) return format::quantity(r.sessionVolume);
      if (col == Last && r.quoteTs != 0) return format::displayTime(r.quoteTs, "yyyy-MM-dd HH:mm:ss.zzz t");
      return {};
    default: return {};
  }
}

QVariant WatchlistModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal) return {};
  if (role == Qt::DisplayRole) {
    static const char* const kNames[ColumnCount] = {"Symbol", "Bid", "Ask", "Last", "Chg%", "Volume"};
    return (section >= 0 && section < ColumnCount) ? QString::fromLatin1(kNames[section]) : QVariant();
  }
  if (role == Qt::TextAlignmentRole)
    return QVariant::fromValue((section == Symbol ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter);
  if (role == Qt::ToolTipRole && section == ChgPct)
    return QStringLiteral("Change vs previous close (or session open when no previous session was seen)");
  return {};
}

bool WatchlistModel::removeRows(int row, int count, const QModelIndex& parent) {
  if (parent.isValid() || row < 0 || count <= 0 || row + count > rowCount()) return false;
  beginRemoveRows({}, row, row + count - 1);
  m_symbols.remove(row, count);
  rebuildRowIndex();
  endRemoveRows();
  return true;
}

void WatchlistModel::setSymbols(const QStringList& symbols) {
  QStringList clean;
  for (const QString& s : symbols) {
    const QString u = s.trimmed().toUpper();
    if (isValidSymbol(u) && !clean.contains(u)) clean << u;
  }
  beginResetModel();
  m_symbols = clean;
  rebuildRowIndex();
  endResetModel();
}

bool WatchlistModel::addSymbol(const QString& symbol) {
  const QString u = symbol.trimmed().toUpper();
  if (!isValidSymbol(u) || m_symbols.contains(u)) return false;
  const int row = rowCount();
  beginInsertRows({}, row, row);
  m_symbols << u;
  m_rowOf.insert(u, row);
  endInsertRows();
  return true;
}

bool WatchlistModel::removeSymbol(const QString& symbol) {
  const int row = rowOf(symbol.trimmed().toUpper());
  return row >= 0 && removeRows(row, 1);
}

void WatchlistModel::emitRowsChanged(QVector<int>& rows) {
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  qsizetype i = 0;
  while (i < rows.size()) {
    qsizetype j = i;
    while (j + 1 < rows.size() && rows[j + 1] == rows[j] + 1) ++j;
    Q_EMIT dataChanged(index(rows[i], Bid), index(rows[j], ColumnCount - 1));
    i = j + 1;
  }
}

void WatchlistModel::applyQuotes(const QVector<domain::Quote>& quotes) {
  QVector<int> changed;
  for (const domain::Quote& q : quotes) {
    const QString symbol = format::qstr(q.symbol);
    Row& r = m_data[symbol];
    if (q.ts < r.quoteTs) continue;  // stale
    r.quoteTs = q.ts;
    r.bid = q.bid;
    r.ask = q.ask;
    if (q.last > 0.0) r.last = q.last;
    const int row = rowOf(symbol);
    if (row >= 0) changed << row;
  }
  if (!changed.isEmpty()) emitRowsChanged(changed);
}

bool WatchlistModel::accumulate(Row& r, const domain::Bar& bar) {
  if (bar.ts < r.barTs) return false;
  const qint64 day = time::TimeZones::exchangeDate(bar.ts).toJulianDay();
  if (day != r.sessionDay) {
    // New session: the previous session's last close becomes the reference.
    r.reference = r.lastBarClose > 0.0 ? r.lastBarClose : bar.open;
    r.sessionVolume = 0.0;
    r.sessionDay = day;
  }
  r.sessionVolume += bar.volume;
  r.lastBarClose = bar.close;
  r.barTs = bar.ts;
  return true;
}

void WatchlistModel::mergeHistoryBars(const QString& symbol, const std::vector<domain::Bar>& bars) {
  Row& r = m_data[symbol];
  Row before;  // the statistics of the stored bars older than the first live one
  for (const domain::Bar& bar : bars) {
    if (r.firstLiveTs != 0 && bar.ts >= r.firstLiveTs) break;
    accumulate(before, bar);
  }
  if (before.barTs == 0) return;
  if (r.firstLiveTs == 0) {  // nothing live yet: the stored bars are the session so far
    const Row live = r;
    r = before;
    r.bid = live.bid;
    r.ask = live.ask;
    r.last = live.last;
    r.quoteTs = live.quoteTs;
  } else if (before.sessionDay == r.sessionDay) {
    r.sessionVolume += before.sessionVolume;  // traded earlier in this session
    r.reference = before.reference;
  } else if (before.sessionDay < r.sessionDay) {
    r.reference = before.lastBarClose;  // the previous session's close, not this session's first live open
  }
  QVector<int> changed;
  if (const int row = rowOf(symbol); row >= 0) changed << row;
  if (!changed.isEmpty()) emitRowsChanged(changed);
}

void WatchlistModel::applyBars(const QVector<contract::BarClosed>& bars) {
  QVector<int> changed;
  for (const contract::BarClosed& b : bars) {
    const QString symbol = format::qstr(b.symbol);
    Row& r = m_data[symbol];
    if (!accumulate(r, b.bar)) continue;  // late bar: ignore for session statistics
    if (r.firstLiveTs == 0) r.firstLiveTs = b.bar.ts;
    const int row = rowOf(symbol);
    if (row >= 0) changed << row;
  }
  if (!changed.isEmpty()) emitRowsChanged(changed);
}

}  // namespace meridian::ui
