#include "ui/mainwindow/WorkspaceManager.h"

#include <QSettings>

#include <algorithm>

namespace meridian::ui {
namespace {
constexpr const char* kDataKey = "workspaces/data";
constexpr const char* kCurrentKey = "workspaces/current";
}  // namespace

WorkspaceManager::WorkspaceManager(QString organization, QString application)
    : m_org(std::move(organization)), m_app(std::move(application)) {}

QString WorkspaceManager::normalized(const QString& name) { return name.simplified(); }

QStringList WorkspaceManager::names() const {
  QSettings s(m_org, m_app);
  QStringList out = s.value(QLatin1String(kDataKey)).toMap().keys();
  std::sort(out.begin(), out.end(), [](const QString& a, const QString& b) { return a.compare(b, Qt::CaseInsensitive) < 0; });
  return out;
}

bool WorkspaceManager::contains(const QString& name) const {
  QSettings s(m_org, m_app);
  return s.value(QLatin1String(kDataKey)).toMap().contains(normalized(name));
}

bool WorkspaceManager::save(const QString& name, const Workspace& w) {
  const QString n = normalized(name);
  if (n.isEmpty() || n.size() > kMaxNameLength) return false;
  QSettings s(m_org, m_app);
  QVariantMap all = s.value(QLatin1String(kDataKey)).toMap();
  QVariantMap entry;
  entry[QStringLiteral("state")] = w.state;
  entry[QStringLiteral("geometry")] = w.geometry;
  entry[QStringLiteral("chart")] = w.chart;
  all[n] = entry;
  s.setValue(QLatin1String(kDataKey), all);
  s.sync();
  return true;
}

std::optional<Workspace> WorkspaceManager::load(const QString& name) const {
  QSettings s(m_org, m_app);
  const QVariantMap all = s.value(QLatin1String(kDataKey)).toMap();
  const auto it = all.constFind(normalized(name));
  if (it == all.cend()) return std::nullopt;
  const QVariantMap e = it->toMap();
  Workspace w;
  w.state = e.value(QStringLiteral("state")).toByteArray();
  w.geometry = e.value(QStringLiteral("geometry")).toByteArray();
  w.chart = e.value(QStringLiteral("chart")).toMap();
  return w;
}

bool WorkspaceManager::remove(const QString& name) {
  QSettings s(m_org, m_app);
  QVariantMap all = s.value(QLatin1String(kDataKey)).toMap();
  if (all.remove(normalized(name)) == 0) return false;
  s.setValue(QLatin1String(kDataKey), all);
  if (current() == normalized(name)) s.remove(QLatin1String(kCurrentKey));
  s.sync();
  return true;
}

QString WorkspaceManager::current() const {
  QSettings s(m_org, m_app);
  return s.value(QLatin1String(kCurrentKey)).toString();
}

void WorkspaceManager::setCurrent(const QString& name) {
  QSettings s(m_org, m_app);
  if (name.isEmpty())
    s.remove(QLatin1String(kCurrentKey));
  else
    s.setValue(QLatin1String(kCurrentKey), normalized(name));
  s.sync();
}

}  // namespace meridian::ui
