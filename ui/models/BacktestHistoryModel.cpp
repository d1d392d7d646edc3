#include "ui/models/BacktestHistoryModel.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>

#include <algorithm>
#include <cmath>

#include "core/time/TimeZones.h"
#include "ui/models/Formatting.h"

namespace meridian::ui {
namespace {

QString date(domain::Timestamp ts) { return ts ? time::TimeZones::exchangeDateText(ts) : QString(); }

QString join(const std::vector<std::string>& v) {
  QStringList out;
  for (const auto& s : v) out << format::qstr(s);
  return out.join(QStringLiteral(", "));
}

QString kindText(contract::BacktestKind k) {
  switch (k) {
    case contract::BacktestKind::Backtest: return QStringLiteral("Backtest");
    case contract::BacktestKind::Optimization: return QStringLiteral("Optimization");
    case contract::BacktestKind::WalkForward: return QStringLiteral("Walk-forward");
  }
  return {};
}

// {"fast":10,"slow":30} -> "fast=10, slow=30"
QString paramsFromJson(const std::string& json) {
  const QJsonObject o = QJsonDocument::fromJson(QByteArray::fromStdString(json)).object();
  QStringList out;
  for (auto it = o.begin(); it != o.end(); ++it) out << QStringLiteral("%1=%2").arg(it.key(), it.value().toVariant().toString());
  return out.join(QStringLiteral(", "));
}

}  // namespace

BacktestHistoryEntry BacktestHistoryEntry::fromFinished(const std::shared_ptr<const contract::BacktestFinished>& f,
                                                        domain::Timestamp createdTs) {
  BacktestHistoryEntry e;
  e.createdTs = createdTs;
  e.finished = f;
  if (!f) return e;
  e.kind = f->kind;
  e.savedId = f->savedRunId;
  e.strategy = format::qstr(f->strategy);
  e.symbols = join(f->symbols);
  if (f->result) {
    const auto& r = *f->result;
    e.params = format::qstr(r.params.toString());
    e.startTs = r.startTs;
    e.endTs = r.endTs;
    e.finalValue = r.finalValue;
    e.totalReturn = r.metrics.totalReturn;
    e.sharpe = r.metrics.sharpe;
    e.maxDrawdown = r.metrics.maxDrawdown;
    e.trades = static_cast<qint64>(r.trades.size());
  } else if (f->optimization) {
    const auto& res = f->optimization->result;
    QStringList axes;
    for (const auto& a : f->optimization->axes) axes << format::qstr(a);
    e.params = QStringLiteral("grid %1 (%2 combinations)").arg(axes.join(QStringLiteral(" × "))).arg(res.runs.size());
    if (res.best) {
      const auto& b = res.runs[*res.best];
      e.params += QStringLiteral(", best %1").arg(format::qstr(b.params.toString()));
      e.finalValue = b.finalValue;
      e.totalReturn = b.metrics.totalReturn;
      e.sharpe = b.metrics.sharpe;
      e.maxDrawdown = b.metrics.maxDrawdown;
      e.trades = b.metrics.trades;
    }
  } else if (f->walkForward) {
    const auto& w = *f->walkForward;
    e.params = QStringLiteral("%1 windows").arg(w.result.segments.size());
    if (!w.dates.empty()) {
      e.startTs = w.dates.front().outStart;
      e.endTs = w.dates.back().outEnd;
    }
    e.finalValue = w.result.finalValue;
    e.totalReturn = w.result.metrics.totalReturn;
    e.sharpe = w.result.metrics.sharpe;
    e.maxDrawdown = w.result.metrics.maxDrawdown;
    e.trades = static_cast<qint64>(w.result.trades.size());
  }
  return e;
}

BacktestHistoryEntry BacktestHistoryEntry::fromSummary(const contract::BacktestRunSummary& r) {
  BacktestHistoryEntry e;
  e.saved = true;
  e.savedId = r.id;
  e.createdTs = r.createdTs;
  e.strategy = format::qstr(r.strategy);
  e.params = paramsFromJson(r.paramsJson);
  e.symbols = join(r.symbols);
  e.startTs = r.startTs;
  e.endTs = r.endTs;
  e.finalValue = r.finalValue;
  const QJsonObject m = QJsonDocument::fromJson(QByteArray::fromStdString(r.metricsJson)).object();
  const auto num = [&](const char* k) {
    const QJsonValue v = m.value(QLatin1String(k));
    return v.isDouble() ? v.toDouble() : std::nan("");
  };
  e.totalReturn = num("total_return");
  e.sharpe = num("sharpe");
  e.maxDrawdown = num("max_drawdown");
  e.trades = m.value(QLatin1String("trades")).toInteger();
  return e;
}

BacktestHistoryModel::BacktestHistoryModel(QObject* parent) : QAbstractTableModel(parent) {}

int BacktestHistoryModel::rowCount(const QModelIndex& parent) const {
  return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}
int BacktestHistoryModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant BacktestHistoryModel::data(const QModelIndex& index, int role) const {
  if (!index.isValid() || index.row() >= m_rows.size()) return {};
  const BacktestHistoryEntry& e = m_rows[index.row()];
  const auto pct = [](double v) { return std::isfinite(v) ? format::percent(v * 100.0) : QStringLiteral("n/a"); };
  if (role == Qt::DisplayRole) {
    switch (index.column()) {
      case Source:
        if (e.saved) return QStringLiteral("Saved #%1").arg(e.savedId);
        return e.savedId > 0 ? QStringLiteral("Session (saved #%1)").arg(e.savedId) : QStringLiteral("Session");
      case Created: return format::displayTime(e.createdTs, "yyyy-MM-dd HH:mm:ss");
      case Kind: return kindText(e.kind);
      case Strategy: return e.strategy;
      case Params: return e.params;
      case Symbols: return e.symbols;
      case Period: return e.startTs ? QStringLiteral("%1 → %2").arg(date(e.startTs), date(e.endTs)) : QString();
      case FinalValue: return format::money(e.finalValue);
      case Return: return pct(e.totalReturn);
      case Sharpe: return std::isfinite(e.sharpe) ? QLocale().toString(e.sharpe, 'f', 3) : QStringLiteral("n/a");
      case MaxDrawdown: return std::isfinite(e.maxDrawdown) ? format::percent(-e.maxDrawdown * 100.0) : QStringLiteral("n/a");
      case Trades: return e.trades;
      default: return {};
    }
  }
  if (role == SortRole) {
    switch (index.column()) {
      case Source: return e.saved ? double(e.savedId) : -1.0;
      case Created: return qlonglong(e.createdTs);
      case Period: return qlonglong(e.startTs);
      case FinalValue: return e.finalValue;
      case Return: return e.totalReturn;
      case Sharpe: return std::isfinite(e.sharpe) ? e.sharpe : -1e300;
      case MaxDrawdown: return e.maxDrawdown;
      case Trades: return e.trades;
      default: return data(index, Qt::DisplayRole);
    }
  }
  if (role == Qt::TextAlignmentRole && index.column() >= FinalValue)
    return QVariant(Qt::AlignRight | Qt::AlignVCenter);
  if (role == Qt::ForegroundRole && index.column() == Return && std::isfinite(e.totalReturn) && e.totalReturn != 0.0)
    return e.totalReturn > 0 ? format::upColor() : format::downColor();
  if (role == Qt::ToolTipRole && index.column() == Source && !e.saved)
    return QStringLiteral("Completed in this session: double-click to show it in Backtest Results");
  return {};
}

QVariant BacktestHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const {
  if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
  static const char* const kNames[] = {"Source", "Created", "Kind",   "Strategy", "Parameters", "Symbols",
                                       "Period", "Final value", "Return", "Sharpe", "Max DD", "Trades"};
  return section >= 0 && section < ColumnCount ? QString::fromLatin1(kNames[section]) : QVariant();
}

void BacktestHistoryModel::setEntries(QVector<BacktestHistoryEntry> session,
                                      const std::vector<contract::BacktestRunSummary>& saved) {
  beginResetModel();
  m_rows = std::move(session);
  for (const auto& r : saved) {
    const bool listed = std::any_of(m_rows.begin(), m_rows.end(),
                                    [&](const BacktestHistoryEntry& e) { return !e.saved && e.savedId == r.id; });
    if (!listed) m_rows.push_back(BacktestHistoryEntry::fromSummary(r));
  }
  std::stable_sort(m_rows.begin(), m_rows.end(),
                   [](const BacktestHistoryEntry& a, const BacktestHistoryEntry& b) { return a.createdTs > b.createdTs; });
  endResetModel();
}

int BacktestHistoryModel::savedCount() const {
  return static_cast<int>(std::count_if(m_rows.begin(), m_rows.end(), [](const auto& e) { return e.saved; }));
}
int BacktestHistoryModel::sessionCount() const { return static_cast<int>(m_rows.size()) - savedCount(); }

}  // namespace meridian::ui
