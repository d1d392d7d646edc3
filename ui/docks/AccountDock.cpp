#include "ui/docks/AccountDock.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/docks/TableViews.h"
#include "ui/models/AccountModel.h"
#include "ui/models/Formatting.h"
#include "ui/widgets/ModeBadge.h"

namespace meridian::ui {

AccountDock::AccountDock(AccountModel* model, bool paperTrading, QWidget* parent)
    : QDockWidget(QStringLiteral("Account"), parent), m_model(model) {
  setObjectName(QStringLiteral("AccountDock"));

  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);

  auto* top = new QHBoxLayout;
  m_badge = new ModeBadge(paperTrading, ModeBadge::Size::Normal, content);
  m_badge->setObjectName(QStringLiteral("accountModeBadge"));
  m_headline = new QLabel(content);
  m_headline->setObjectName(QStringLiteral("accountHeadline"));
  m_headline->setTextFormat(Qt::RichText);
  top->addWidget(m_badge);
  top->addWidget(m_headline, 1);
  layout->addLayout(top);

  // Same proxy as the other blotters (sort by field or value); the natural order of the figures is the default.
  m_proxy = new QSortFilterProxyModel(this);
  m_proxy->setSourceModel(m_model);
  m_proxy->setSortRole(AccountModel::SortRole);
  m_proxy->setDynamicSortFilter(true);

  m_view = new QTableView(content);
  m_view->setObjectName(QStringLiteral("accountView"));
  m_view->setModel(m_proxy);
  configureTableView(m_view);
  m_view->sortByColumn(-1, Qt::AscendingOrder);
  m_view->setColumnWidth(AccountModel::Field, m_view->fontMetrics().horizontalAdvance(QStringLiteral("Unrealized P&L")) + 24);
  m_export = addCsvExportAction(m_view, QStringLiteral("Export Account"), QStringLiteral("account.csv"));

  layout->addWidget(m_view, 1);
  setWidget(content);
  setFocusProxy(m_view);

  connect(m_model, &AccountModel::snapshotChanged, this, &AccountDock::updateHeadline);
  updateHeadline();
}

void AccountDock::exportCsv() {
  exportViewCsvInteractive(m_view, QStringLiteral("Export Account"), QStringLiteral("account.csv"));
}

void AccountDock::setPaperTrading(bool paper) { m_badge->setPaper(paper); }

void AccountDock::updateHeadline() {
  const contract::AccountSnapshot* a = m_model->snapshot();
  if (!a) {
    m_headline->setText(QStringLiteral("<span style='color:#808080'>waiting for the broker's account…</span>"));
    return;
  }
  const QString pnlColor = a->dayPnl > 0.005    ? format::upColor().name()
                           : a->dayPnl < -0.005 ? format::downColor().name()
                                                : QStringLiteral("inherit");
  m_headline->setText(QStringLiteral("Equity <b>%1</b> &nbsp;·&nbsp; Day <b style='color:%2'>%3</b>")
                          .arg(format::money(a->equity), pnlColor, format::money(a->dayPnl)));
}

}  // namespace meridian::ui
