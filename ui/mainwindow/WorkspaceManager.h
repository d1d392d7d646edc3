#pragma once
// Named workspaces: a dock layout (QMainWindow::saveState), the window geometry and the chart settings, stored in
// QSettings(organization, application) under "workspaces/". Switching saves the current layout into the current
// workspace first, so each workspace keeps its own arrangement.
#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVariantMap>

#include <optional>

namespace meridian::ui {

struct Workspace {
  QByteArray state;      // QMainWindow::saveState(version)
  QByteArray geometry;   // QWidget::saveGeometry
  QVariantMap chart;     // ChartDock::chartSettings
};

class WorkspaceManager {
 public:
  static constexpr int kMaxNameLength = 40;

  WorkspaceManager(QString organization, QString application);

  QStringList names() const;  // sorted, case-insensitive
  bool contains(const QString& name) const;
  // Empty or over-long names are rejected. Overwrites an existing workspace of that name.
  bool save(const QString& name, const Workspace& w);
  std::optional<Workspace> load(const QString& name) const;
  bool remove(const QString& name);
  QString current() const;
  void setCurrent(const QString& name);  // empty = none
  static QString normalized(const QString& name);  // trimmed, inner whitespace simplified

 private:
  QString m_org;
  QString m_app;
};

}  // namespace meridian::ui
