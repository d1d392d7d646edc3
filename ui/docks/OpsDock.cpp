#include "ui/docks/OpsDock.h"

#include <QHeaderView>
#include <QLabel>
#include <QResizeEvent>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include "ui/docks/TableViews.h"
#include "ui/models/Formatting.h"
#include "ui/models/HealthModel.h"

namespace meridian::ui {

OpsDock::OpsDock(QWidget* parent) : QDockWidget(QStringLiteral("Ops"), parent) {
  setObjectName(QStringLiteral("OpsDock"));
  m_health = new HealthModel(this);
  m_freshness = new FreshnessModel(this);
  m_lanes = new LanesModel(this);

  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);

  m_summary = new QLabel(content);
  m_summary->setObjectName(QStringLiteral("opsSummary"));
  m_summary->setWordWrap(true);

  const auto section = [&](const QString& title, QAbstractItemModel* model, const QString& name) {
    auto* box = new QWidget(content);
    auto* l = new QVBoxLayout(box);
    l->setContentsMargins(0, 0, 0, 0);
    l->setSpacing(2);
    auto* label = new QLabel(title, box);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
    auto* view = new QTableView(box);
    view->setObjectName(name);
    view->setModel(model);
    configureTableView(view, /*sortable=*/false);
    l->addWidget(label);
    l->addWidget(view, 1);
    return std::make_pair(box, view);
  };
  auto [servicesBox, servicesView] = section(QStringLiteral("Services"), m_health, QStringLiteral("opsHealthView"));
  // Data freshness and the bus lanes share one pane as tabs, so the diagnostics never make the dock taller.
  auto* streams = new QTabWidget(content);
  streams->setObjectName(QStringLiteral("opsStreamsTabs"));
  streams->setDocumentMode(true);
  const auto table = [&](QAbstractItemModel* model, const QString& name) {
    auto* view = new QTableView(streams);
    view->setObjectName(name);
    view->setModel(model);
    configureTableView(view, /*sortable=*/false);
    return view;
  };
  m_healthView = servicesView;
  m_freshnessView = table(m_freshness, QStringLiteral("opsFreshnessView"));
  m_lanesView = table(m_lanes, QStringLiteral("opsLanesView"));
  streams->addTab(m_freshnessView, QStringLiteral("Data freshness"));
  streams->addTab(m_lanesView, QStringLiteral("Bus lanes"));
  m_lanesView->setColumnWidth(LanesModel::Mailbox, 130);
  m_healthView->setColumnWidth(HealthModel::Component, 170);
  m_healthView->setColumnWidth(HealthModel::State, 130);
  m_healthView->setColumnWidth(HealthModel::Detail, 300);
  m_healthView->setColumnWidth(HealthModel::Latency, 80);
  m_freshnessView->setColumnWidth(FreshnessModel::Symbol, 90);
  m_freshnessView->setColumnWidth(FreshnessModel::Kind, 60);
  m_freshnessView->setColumnWidth(FreshnessModel::Source, 90);
  m_freshnessView->setColumnWidth(FreshnessModel::LastData, 130);
  m_freshnessView->setColumnWidth(FreshnessModel::Age, 80);

  m_split = new QSplitter(Qt::Vertical, content);
  m_split->setChildrenCollapsible(false);
  m_split->addWidget(servicesBox);
  m_split->addWidget(streams);
  m_split->setStretchFactor(0, 3);
  m_split->setStretchFactor(1, 2);

  layout->addWidget(m_summary);
  layout->addWidget(m_split, 1);
  setWidget(content);
  setFocusProxy(m_healthView);
  updateSummary();
}

void OpsDock::resizeEvent(QResizeEvent* event) {
  QDockWidget::resizeEvent(event);
  m_split->setOrientation(width() > 2 * height() ? Qt::Horizontal : Qt::Vertical);
}

void OpsDock::onHealthUpdated(const std::shared_ptr<const contract::HealthSnapshot>& snapshot) {
  if (!snapshot) return;
  m_health->applySnapshot(snapshot);
  m_freshness->applySnapshot(snapshot);
  m_lanes->applySnapshot(snapshot);
  updateSummary();
}

void OpsDock::updateSummary() {
  const auto snap = m_health->snapshot();
  if (!snap) {
    m_summary->setText(QStringLiteral("No data yet — no health monitor has published."));
    return;
  }
  int down = 0, degraded = 0;
  for (const auto& c : snap->components) {
    down += c.state == contract::HealthState::Down ? 1 : 0;
    degraded += c.state == contract::HealthState::Degraded ? 1 : 0;
  }
  QStringList parts;
  if (down == 0 && degraded == 0)
    parts << QStringLiteral("<span style='color:%1'><b>All services OK</b></span>").arg(format::upColor().name());
  if (down) parts << QStringLiteral("<span style='color:%1'><b>%2 down</b></span>").arg(format::downColor().name()).arg(down);
  if (degraded) parts << QStringLiteral("<span style='color:%1'><b>%2 degraded</b></span>").arg(format::warnColor().name()).arg(degraded);
  const int stale = m_freshness->staleCount();
  parts << (stale ? QStringLiteral("<span style='color:%1'>%2 stale feed(s)</span>").arg(format::downColor().name()).arg(stale)
                  : QStringLiteral("%1 feed(s)").arg(m_freshness->rowCount()));
  if (const std::uint64_t refused = m_lanes->refusedTotal())
    parts << QStringLiteral("<span style='color:%1'><b>%2 command(s) refused: a queue was full</b></span>")
                 .arg(format::downColor().name())
                 .arg(refused);
  parts << (snap->marketOpen ? QStringLiteral("market open") : QStringLiteral("market closed"));
  parts << QStringLiteral("updated %1").arg(format::displayTime(snap->asOf, "HH:mm:ss"));
  m_summary->setText(parts.join(QStringLiteral(" · ")));
}

}  // namespace meridian::ui
