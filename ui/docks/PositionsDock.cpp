#include "ui/docks/PositionsDock.h"

#include <QAction>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/docks/TableViews.h"
#include "ui/models/Formatting.h"
#include "ui/models/PositionsModel.h"

namespace meridian::ui {
namespace {

QString signedHtml(double v) {
  const QString color = v > 0.005 ? format::upColor().name() : v < -0.005 ? format::downColor().name() : QString();
  const QString text = format::money(v);
  return color.isEmpty() ? text : QStringLiteral("<span style='color:%1'>%2</span>").arg(color, text);
}

}  // namespace

PositionsDock::PositionsDock(PositionsModel* model, QWidget* parent)
    : QDockWidget(QStringLiteral("Positions"), parent), m_model(model) {
  setObjectName(QStringLiteral("PositionsDock"));

  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);

  m_totals = new QLabel(content);
  m_totals->setObjectName(QStringLiteral("positionsTotals"));
  m_totals->setTextFormat(Qt::RichText);

  m_proxy = new QSortFilterProxyModel(this);
  m_proxy->setSourceModel(m_model);
  m_proxy->setSortRole(PositionsModel::SortRole);
  m_proxy->setDynamicSortFilter(true);

  m_view = new QTableView(content);
  m_view->setObjectName(QStringLiteral("positionsView"));
  m_view->setModel(m_proxy);
  configureTableView(m_view);
  m_view->sortByColumn(PositionsModel::Symbol, Qt::AscendingOrder);
  m_view->setColumnWidth(PositionsModel::Symbol, 62);
  m_view->setColumnWidth(PositionsModel::Qty, 60);
  m_export = addCsvExportAction(m_view, QStringLiteral("Export Positions"), QStringLiteral("positions.csv"));
  // Double-click or Enter on a row: prefill the ticket with the closing order.
  connect(m_view, &QTableView::activated, this, &PositionsDock::onActivated);

  layout->addWidget(m_totals);
  layout->addWidget(m_view, 1);
  setWidget(content);
  setFocusProxy(m_view);

  connect(m_model, &PositionsModel::totalsChanged, this, &PositionsDock::scheduleTotals);
  updateTotals();
}

void PositionsDock::exportCsv() {
  exportViewCsvInteractive(m_view, QStringLiteral("Export Positions"), QStringLiteral("positions.csv"));
}

void PositionsDock::onActivated(const QModelIndex& proxyIndex) {
  const QModelIndex src = m_proxy->mapToSource(proxyIndex);
  if (!src.isValid()) return;
  const domain::Position& p = m_model->positionAt(src.row());
  Q_EMIT positionActivated(format::qstr(p.symbol), p.quantity);
}

void PositionsDock::scheduleTotals() {
  if (m_totalsPending) return;
  m_totalsPending = true;
  QMetaObject::invokeMethod(this, &PositionsDock::updateTotals, Qt::QueuedConnection);
}

void PositionsDock::updateTotals() {
  m_totalsPending = false;
  const PositionsModel::Totals t = m_model->totals();
  m_totals->setText(QStringLiteral("%1 open &nbsp;·&nbsp; Mkt value <b>%2</b> &nbsp;·&nbsp; Unrealized <b>%3</b>"
                                   " &nbsp;·&nbsp; Realized <b>%4</b>")
                        .arg(t.open)
                        .arg(format::money(t.marketValue), signedHtml(t.unrealized), signedHtml(t.realized)));
}

}  // namespace meridian::ui
