#pragma once
// LinkGroups: TWS-style colour link groups. Every linkable panel (watchlist, chart, order ticket, positions,
// screener) belongs to one group (Red, Green, Blue, Yellow) or to none; a symbol chosen in one panel is shown by every
// other panel of the same group. All panels start in Red (choosing a symbol anywhere moves the chart and the
// ticket); View > Link Groups moves a panel to another group, and the group's colour marks the panel's title bar.
// Saved with the layout (save()/restore()).
#include <QColor>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QVariantMap>

#include <functional>

class QDockWidget;
class QMenu;
class QActionGroup;

namespace meridian::ui {

class LinkGroups : public QObject {
  Q_OBJECT

 public:
  static constexpr int kNone = 0;
  static constexpr int kGroupCount = 4;  // 1..4
  static QString groupName(int group);   // "None", "Red", "Green", "Blue", "Yellow"
  static QColor groupColor(int group);   // invalid for kNone

  using Setter = std::function<void(const QString& symbol)>;

  explicit LinkGroups(QObject* parent = nullptr);

  // Registers a panel with its initial group and how it shows a symbol (null: it only sends).
  void add(QDockWidget* dock, int group, Setter show);
  void setGroup(QDockWidget* dock, int group);
  int group(const QDockWidget* dock) const;
  QList<QDockWidget*> members(int group) const;
  // `from` chose `symbol`: every other panel of its group shows it. Re-entrant calls (a panel that announces the
  // symbol it was just given) are ignored.
  void publish(QDockWidget* from, const QString& symbol);
  QString lastSymbol(int group) const;

  // View > Link Groups: one submenu per panel with its group as radio items.
  void populateMenu(QMenu* menu);

  QVariantMap save() const;  // objectName -> group
  void restore(const QVariantMap& groups);

 Q_SIGNALS:
  void groupChanged(QDockWidget* dock, int group);

 private:
  struct Member {
    QPointer<QDockWidget> dock;
    int group = kNone;
    Setter show;
    QActionGroup* actions = nullptr;
  };
  Member* find(const QDockWidget* dock);
  const Member* find(const QDockWidget* dock) const;
  void mark(Member& m);

  QList<Member> m_members;
  QString m_last[kGroupCount + 1];
  bool m_publishing = false;
};

}  // namespace meridian::ui
