#include "ui/models/BacktestTradesModel.h"


#include "core/time/TimeZones.h"
#include "ui/models/CsvExport.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {
namespace {

QString date(domain::Timestamp ts) { return time::TimeZones::exchangeDateText(ts); }
QString sideText(domain::Side s) { return s == domain::Side::Buy ? QStringLiteral("Long") : QStringLiteral("Short"); }

}  // namespace

BacktestTradesModel::BacktestTradesModel(QObject* parent) : QAbstractTableModel(parent) {}

int BacktestTradesModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() || !m_trades ? 0 : static_cast<int>(m_trades->size());
}
int BacktestTradesModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant BacktestTradesModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || !m_trades || index.row() >= rowCount()) return {};
  const analytics::TradeRecord& t = tradeAt(index.row());
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case Number: return index.row() + 1;
      case Symbol: return format::qstr(t.symbol);
      case Side: return sideText(t.side);
      case Qty: return format::quantity(t.quantity);
      case EntryDate: return date(t.entryTs);
      case EntryPrice: return format::price(t.entryPrice);
      case ExitDate: return date(t.exitTs);
      case ExitPrice: return format::price(t.exitPrice);
      case Pnl: return format::money(t.pnl);
      case Return: return format::percent(t.returnPct() * 100.0);
      case Bars: return qlonglong(t.barsHeld);
      case Commission: return format::money(t.commission);
      default: return {};
    }
  }
  if (role == SortRole) {
    switch (index.column()) {
      case Number: return index.row();
      case Symbol: return format::qstr(t.symbol);
      case Side: return int(t.side);
      case Qty: return t.quantity;
      case EntryDate: return qlonglong(t.entryTs);
      case EntryPrice: return t.entryPrice;
      case ExitDate: return qlonglong(t.exitTs);
      case ExitPrice: return t.exitPrice;
      case Pnl: return t.pnl;
      case Return: return t.returnPct();
      case Bars: return qlonglong(t.barsHeld);
      case Commission: return t.commission;
      default: return {};
    }
  }
  if (role == Qt::TextAlignmentRole)
    return index.column() == Symbol || index.column() == Side || index.column() == EntryDate || index.column() == ExitDate
               ? QVariant(Qt::AlignLeft | Qt::AlignVCenter)
               : QVariant(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ForegroundRole && (index.column() == Pnl || index.column() == Return) && t.pnl != 0.0)
    return t.pnl > 0 ? format::upColor() : format::downColor();
  return {};
}

QVariant BacktestTradesModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* const kNames[] = {"#",    "Symbol",     "Side", "Qty",    "Entry", "Entry px",
                                       "Exit", "Exit px",    "P&L",  "Return", "Bars",  "Commission"};
  return section >= 0 && section < ColumnCount ? QString::fromLatin1(kNames[section]) : QVariant();
}

void BacktestTradesModel::setTrades(std::shared_ptr<const void> owner, const std::vector<analytics::TradeRecord>* trades) {
  beginResetModel();
  m_owner = std::move(owner);
  m_trades = trades;
  endResetModel();
}

void BacktestTradesModel::clear() { setTrades(nullptr, nullptr); }

bool BacktestTradesModel::writeCsv(const QString& path, QString* error) const {
  const QStringList header = {QStringLiteral("symbol"),     QStringLiteral("side"),      QStringLiteral("quantity"),
                              QStringLiteral("entry_date"), QStringLiteral("entry_price"), QStringLiteral("exit_date"),
                              QStringLiteral("exit_price"), QStringLiteral("pnl"),        QStringLiteral("return_pct"),
                              QStringLiteral("bars_held"),  QStringLiteral("commission")};
  return csv::writeRows(path, header, rowCount(), [this](int r) {
    const analytics::TradeRecord& t = tradeAt(r);
    return QStringList{format::qstr(t.symbol),
                       t.side == domain::Side::Buy ? QStringLiteral("long") : QStringLiteral("short"),
                       QString::number(t.quantity, 'g', 12),
                       date(t.entryTs),
                       QString::number(t.entryPrice, 'f', 6),
                       date(t.exitTs),
                       QString::number(t.exitPrice, 'f', 6),
                       QString::number(t.pnl, 'f', 2),
                       QString::number(t.returnPct() * 100.0, 'f', 4),
                       QString::number(t.barsHeld),
                       QString::number(t.commission, 'f', 2)};
  }, error);
}

}  // namespace meridian::ui
