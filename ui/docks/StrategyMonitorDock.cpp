#include "ui/docks/StrategyMonitorDock.h"

#include <QAction>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <cstring>

#include "ui/bridge/UiBridge.h"
#include "ui/docks/TableViews.h"
#include "ui/models/Formatting.h"
#include "ui/models/StrategyMonitorModel.h"

namespace meridian::ui {

StrategyMonitorDock::StrategyMonitorDock(UiBridge* bridge, QWidget* parent)
    : QDockWidget(QStringLiteral("Strategy Monitor"), parent), m_bridge(bridge) {
  setObjectName(QStringLiteral("StrategyMonitorDock"));
  m_model = new StrategyMonitorModel(this);

  auto* content = new QWidget(this);
  auto* layout = new QVBoxLayout(content);
  layout->setContentsMargins(4, 4, 4, 4);
  layout->setSpacing(4);

  auto* bar = new QHBoxLayout;
  m_status = new QLabel(content);
  m_status->setObjectName(QStringLiteral("strategyMonitorStatus"));
  // One line, cut when narrow (a wrapped label's minimum height would make the panel's row taller).
  m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
  bar->addWidget(m_status, 1);

  m_view = new QTableView(content);
  m_view->setObjectName(QStringLiteral("strategyMonitorView"));
  m_view->setModel(m_model);
  configureTableView(m_view, /*sortable=*/false);
  m_view->setSelectionMode(QAbstractItemView::SingleSelection);
  m_view->setColumnWidth(StrategyMonitorModel::Instance, 150);
  m_view->setColumnWidth(StrategyMonitorModel::Mode, 70);
  m_view->setColumnWidth(StrategyMonitorModel::State, 170);
  m_view->setColumnWidth(StrategyMonitorModel::Legs, 190);
  m_view->setColumnWidth(StrategyMonitorModel::LastSignal, 250);
  m_view->setColumnWidth(StrategyMonitorModel::Indicators, 220);
  m_view->setColumnWidth(StrategyMonitorModel::Realized, 100);
  m_view->setColumnWidth(StrategyMonitorModel::Unrealized, 110);
  m_view->setColumnWidth(StrategyMonitorModel::OpenOrders, 90);
  m_view->setContextMenuPolicy(Qt::ActionsContextMenu);

  struct Item {
    QPushButton** button;
    const char* text;
    const char* name;
    QKeySequence key;
    void (StrategyMonitorDock::*slot)();
    const char* tip;
  };
  const Item items[] = {
      {&m_pause, "Pause", "Pause", QKeySequence(Qt::CTRL | Qt::Key_P), &StrategyMonitorDock::pauseSelected,
       "No new orders from the selected strategy (its signals are still shown)"},
      {&m_resume, "Resume", "Resume", QKeySequence(Qt::CTRL | Qt::Key_R), &StrategyMonitorDock::resumeSelected,
       "Let the selected strategy place orders again from its next bar"},
      {&m_flatten, "Flatten…", "Flatten", QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F),
       &StrategyMonitorDock::flattenSelected,
       "Close every leg of the selected strategy through the order path (risk checks apply), then pause it"},
      {&m_remove, "Remove…", "Remove", QKeySequence(Qt::Key_Delete), &StrategyMonitorDock::removeSelected,
       "Stop the selected promoted strategy for good (it must be flat with no open order: flatten it first)"},
      {&m_chart, "Open in Chart", "OpenInChart", QKeySequence(), &StrategyMonitorDock::openSelectedInChart,
       "Show the selected strategy's first symbol in the chart (Enter on the row)"},
  };
  for (const Item& it : items) {
    auto* button = new QPushButton(QString::fromUtf8(it.text), content);
    button->setObjectName(QStringLiteral("strategyMonitor%1").arg(QLatin1String(it.name)));
    const QString tip = QString::fromUtf8(it.tip);
    button->setToolTip(it.key.isEmpty() ? tip : QStringLiteral("%1 (%2)").arg(tip, it.key.toString(QKeySequence::NativeText)));
    connect(button, &QPushButton::clicked, this, it.slot);
    bar->addWidget(button);
    *it.button = button;
    auto* action = new QAction(QString::fromUtf8(it.text), this);
    action->setObjectName(QStringLiteral("actionStrategy%1").arg(QLatin1String(it.name)));
    if (!it.key.isEmpty()) {
      action->setShortcut(it.key);
      action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    }
    connect(action, &QAction::triggered, this, it.slot);
    addAction(action);
    m_view->addAction(action);
  }
  connect(m_view, &QTableView::activated, this, &StrategyMonitorDock::openSelectedInChart);
  connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this, &StrategyMonitorDock::updateActions);
  connect(m_model, &QAbstractItemModel::modelReset, this, &StrategyMonitorDock::updateActions);
  connect(m_model, &QAbstractItemModel::dataChanged, this, &StrategyMonitorDock::updateActions);

  layout->addLayout(bar);
  layout->addWidget(m_view, 1);
  setWidget(content);
  setFocusProxy(m_view);
  updateActions();
}

QString StrategyMonitorDock::selectedInstance() const {
  return selectedRowData(m_view, StrategyMonitorModel::InstanceRole).toString();
}

void StrategyMonitorDock::selectInstance(const QString& instance) { selectModelRow(m_view, m_model->rowOf(instance)); }

void StrategyMonitorDock::onSnapshot(const std::shared_ptr<const contract::StrategiesSnapshot>& snapshot) {
  if (!snapshot) return;
  const QString selected = selectedInstance();
  m_model->applySnapshot(snapshot);
  if (!selected.isEmpty() && selectedInstance() != selected) selectInstance(selected);
  if (selectedInstance().isEmpty()) selectModelRow(m_view, m_model->rowCount() > 0 ? 0 : -1);
  updateActions();
}

void StrategyMonitorDock::updateActions() {
  const int row = m_model->rowOf(selectedInstance());
  const contract::StrategyInstanceState* s = m_model->instanceAt(row);
  m_pause->setEnabled(s && !s->paused);
  m_resume->setEnabled(s && s->paused);
  m_flatten->setEnabled(s && s->mode != "SIGNALS");
  m_remove->setEnabled(s && s->promoted && s->openOrders == 0 &&
                       std::all_of(s->legs.begin(), s->legs.end(), [](const auto& l) { return l.position == 0.0; }));
  m_chart->setEnabled(s && !s->legs.empty());
  for (QPushButton* b : {m_pause, m_resume, m_flatten, m_remove, m_chart}) {
    const QString name = b->objectName().mid(int(std::strlen("strategyMonitor")));
    for (QAction* a : actions())
      if (a->objectName() == QLatin1String("actionStrategy") + name) a->setEnabled(b->isEnabled());
  }
  if (!m_model->hasData()) {
    m_status->setText(QStringLiteral("No live strategies reported yet (set strategy.live, or promote a pair in the "
                                     "Pair Lab, to run strategies live)."));
    return;
  }
  if (m_model->rowCount() == 0) {
    m_status->setText(QStringLiteral("No live strategy instances: set strategy.live, or promote a pair in the Pair Lab "
                                     "(Ctrl+Shift+P there)."));
    return;
  }
  int paused = 0, errors = 0, open = 0;
  for (int r = 0; r < m_model->rowCount(); ++r) {
    const auto* i = m_model->instanceAt(r);
    paused += i->paused ? 1 : 0;
    errors += i->state == "error" ? 1 : 0;
    open += i->openOrders;
  }
  QStringList parts;
  parts << QStringLiteral("%1 strateg%2").arg(m_model->rowCount()).arg(m_model->rowCount() == 1 ? "y" : "ies");
  if (paused) parts << QStringLiteral("%1 paused").arg(paused);
  if (errors) parts << QStringLiteral("<span style='color:%1'>%2 in error</span>").arg(format::downColor().name()).arg(errors);
  parts << QStringLiteral("%1 open order%2").arg(open).arg(open == 1 ? "" : "s");
  m_status->setText(parts.join(QStringLiteral(" · ")));
  m_status->setToolTip(m_status->text());
}

void StrategyMonitorDock::send(contract::StrategyAction action) {
  const QString instance = selectedInstance();
  if (instance.isEmpty() || !m_bridge) return;
  contract::ControlStrategy cmd;
  cmd.instance = instance.toStdString();
  cmd.action = action;
  QString verb = format::qstr(contract::toString(action)).toUpper();
  m_bridge->send(std::move(cmd), QStringLiteral("%1 %2").arg(verb, instance));
}

void StrategyMonitorDock::pauseSelected() {
  if (m_pause->isEnabled()) send(contract::StrategyAction::Pause);
}

void StrategyMonitorDock::resumeSelected() {
  if (m_resume->isEnabled()) send(contract::StrategyAction::Resume);
}

void StrategyMonitorDock::flattenSelected() {
  if (!m_flatten->isEnabled()) return;
  const contract::StrategyInstanceState* s = m_model->instanceAt(m_model->rowOf(selectedInstance()));
  if (!s) return;
  const QString mode = format::qstr(s->mode);
  if (!confirm(QStringLiteral("Flatten %1 (%2)?").arg(format::qstr(s->instance), mode),
               QStringLiteral("Flatten %1 in the %2 account?\n\nPosition / target: %3\n\nEvery leg is closed with "
                              "market orders through the order path (risk checks apply), and the strategy is "
                              "paused so that it does not enter again; Resume lets it trade.")
                   .arg(format::qstr(s->instance), mode, StrategyMonitorModel::legsText(*s)),
               QStringLiteral("Flatten (%1)").arg(mode), QStringLiteral("Flatten")))
    return;
  send(contract::StrategyAction::Flatten);
}

void StrategyMonitorDock::removeSelected() {
  if (!m_remove->isEnabled()) return;
  const contract::StrategyInstanceState* s = m_model->instanceAt(m_model->rowOf(selectedInstance()));
  if (!s) return;
  const QString mode = format::qstr(s->mode);
  if (!confirm(QStringLiteral("Remove %1 (%2)?").arg(format::qstr(s->instance), mode),
               QStringLiteral("Remove %1 from the %2 strategies?\n\nIt stops now and is not started again (the Pair "
                              "Lab can promote it again). Its fills stay in the journal and in the P&L report.")
                   .arg(format::qstr(s->instance), mode),
               QStringLiteral("Remove"), QStringLiteral("Remove")))
    return;
  send(contract::StrategyAction::Remove);
}

bool StrategyMonitorDock::confirm(const QString& title, const QString& text, const QString& yes, const QString& name) {
  if (!m_confirmFlatten) return true;
  QMessageBox box(QMessageBox::Warning, title, text, QMessageBox::Cancel, this);
  box.setObjectName(QStringLiteral("confirm%1Strategy").arg(name));
  QPushButton* yesButton = box.addButton(yes, QMessageBox::AcceptRole);
  yesButton->setObjectName(QStringLiteral("confirm%1Yes").arg(name));
  box.setDefaultButton(QMessageBox::Cancel);
  box.exec();
  return box.clickedButton() == yesButton;
}

void StrategyMonitorDock::openSelectedInChart() {
  const contract::StrategyInstanceState* s = m_model->instanceAt(m_model->rowOf(selectedInstance()));
  if (!s || s->legs.empty()) return;
  Q_EMIT openInChartRequested(format::qstr(s->legs.front().symbol));
}

}  // namespace meridian::ui
