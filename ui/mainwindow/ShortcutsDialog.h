#pragma once
// Keyboard reference: every menu action with a shortcut (read from the live actions, so it cannot go stale)
// plus the keys handled inside the docks.
#include <QDialog>
#include <QList>

class QAction;

namespace meridian::ui {

class ShortcutsDialog : public QDialog {
  Q_OBJECT

 public:
  explicit ShortcutsDialog(const QList<QAction*>& actions, QWidget* parent = nullptr);
};

}  // namespace meridian::ui
