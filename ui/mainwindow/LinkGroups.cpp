#include "ui/mainwindow/LinkGroups.h"

#include <QAction>
#include <QActionGroup>
#include <QDockWidget>
#include <QMenu>

#include <algorithm>

namespace meridian::ui {

QString LinkGroups::groupName(int group) {
  switch (group) {
    case 1: return QStringLiteral("Red");
    case 2: return QStringLiteral("Green");
    case 3: return QStringLiteral("Blue");
    case 4: return QStringLiteral("Yellow");
    default: return QStringLiteral("None");
  }
}

QColor LinkGroups::groupColor(int group) {
  switch (group) {
    case 1: return QColor(0xe5, 0x39, 0x35);
    case 2: return QColor(0x43, 0xa0, 0x47);
    case 3: return QColor(0x1e, 0x88, 0xe5);
    case 4: return QColor(0xfd, 0xd8, 0x35);
    default: return {};
  }
}

LinkGroups::LinkGroups(QObject* parent) : QObject(parent) {}

LinkGroups::Member* LinkGroups::find(const QDockWidget* dock) {
  for (Member& m : m_members)
    if (m.dock == dock) return &m;
  return nullptr;
}

const LinkGroups::Member* LinkGroups::find(const QDockWidget* dock) const {
  for (const Member& m : m_members)
    if (m.dock == dock) return &m;
  return nullptr;
}

void LinkGroups::add(QDockWidget* dock, int group, Setter show) {
  if (!dock || find(dock)) return;
  m_members.append(Member{dock, std::clamp(group, 0, kGroupCount), std::move(show), nullptr});
  mark(m_members.back());
}

void LinkGroups::setGroup(QDockWidget* dock, int group) {
  Member* m = find(dock);
  if (!m) return;
  group = std::clamp(group, 0, kGroupCount);
  if (m->group == group) return;
  m->group = group;
  mark(*m);
  Q_EMIT groupChanged(dock, group);
}

int LinkGroups::group(const QDockWidget* dock) const {
  const Member* m = find(dock);
  return m ? m->group : kNone;
}

QList<QDockWidget*> LinkGroups::members(int group) const {
  QList<QDockWidget*> out;
  for (const Member& m : m_members)
    if (m.dock && m.group == group) out << m.dock;
  return out;
}

QString LinkGroups::lastSymbol(int group) const {
  return group >= 0 && group <= kGroupCount ? m_last[group] : QString();
}

void LinkGroups::publish(QDockWidget* from, const QString& symbol) {
  const Member* source = find(from);
  const QString s = symbol.trimmed().toUpper();
  if (m_publishing || !source || source->group == kNone || s.isEmpty()) return;
  m_publishing = true;
  m_last[source->group] = s;
  for (const Member& m : m_members)
    if (m.dock && m.dock != from && m.group == source->group && m.show) m.show(s);
  m_publishing = false;
}

void LinkGroups::mark(Member& m) {
  if (!m.dock) return;
  const QColor c = groupColor(m.group);
  // The group's colour down the left of the title bar; the tooltip names it.
  m.dock->setStyleSheet(c.isValid() ? QStringLiteral("QDockWidget::title { border-left: 6px solid %1; padding-left: 6px; }")
                                          .arg(c.name())
                                    : QString());
  m.dock->setProperty("linkGroup", m.group);
  if (m.actions)
    for (QAction* a : m.actions->actions()) a->setChecked(a->data().toInt() == m.group);
}

void LinkGroups::populateMenu(QMenu* menu) {
  for (Member& m : m_members) {
    if (!m.dock) continue;
    QDockWidget* dock = m.dock;
    QMenu* sub = menu->addMenu(dock->objectName().chopped(4));  // "ChartDock" -> "Chart"
    sub->setObjectName(QStringLiteral("menuLink") + dock->objectName());
    m.actions = new QActionGroup(sub);
    for (int g = 0; g <= kGroupCount; ++g) {
      QAction* a = sub->addAction(QStringLiteral("&%1 %2").arg(g).arg(groupName(g)));
      a->setObjectName(QStringLiteral("actionLink%1_%2").arg(dock->objectName(), groupName(g)));
      a->setCheckable(true);
      a->setData(g);
      a->setChecked(m.group == g);
      if (const QColor c = groupColor(g); c.isValid()) {
        QPixmap pm(12, 12);
        pm.fill(c);
        a->setIcon(QIcon(pm));
      }
      m.actions->addAction(a);
      connect(a, &QAction::triggered, this, [this, dock, g] { setGroup(dock, g); });
    }
  }
}

QVariantMap LinkGroups::save() const {
  QVariantMap out;
  for (const Member& m : m_members)
    if (m.dock) out.insert(m.dock->objectName(), m.group);
  return out;
}

void LinkGroups::restore(const QVariantMap& groups) {
  for (Member& m : m_members)
    if (m.dock && groups.contains(m.dock->objectName())) setGroup(m.dock, groups.value(m.dock->objectName()).toInt());
}

}  // namespace meridian::ui
