#pragma once
// ServerLinkPresenter: an attached GUI's view of its link to the serving process (contract::ServerLinkState, from
// the relay). While the link is not ok:
//   - a red banner across the top of the window ("serverLinkBanner": what is wrong, since when, that orders are
//     disabled) and a status-bar badge ("serverLinkBadge": SERVER NOT RESPONDING / REDIS DOWN / RECONNECTING);
//   - the order ticket, the Orders panel's cancel and the Trading menu's order actions are disabled, with the reason;
//   - quotes and positions (watchlist, positions, account) are greyed and titled "stale since HH:MM:SS".
// When it is ok again everything comes back and the badge says SERVER OK. A standalone GUI never receives a link
// state: nothing is shown.
#include "core/contract/System.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>

class QAction;
class QDockWidget;
class QLabel;
class QMainWindow;
class QToolBar;

namespace meridian::ui {

class OrderTicketDock;
class OrdersDock;

class ServerLinkPresenter : public QObject {
  Q_OBJECT

 public:
  struct Targets {
    OrderTicketDock* ticket = nullptr;
    OrdersDock* orders = nullptr;
    QList<QDockWidget*> staleDocks;  // greyed while the link is down (quotes, positions, account)
    QList<QAction*> orderActions;    // disabled while the link is down
  };
  ServerLinkPresenter(QMainWindow* window, Targets targets);

  void apply(const contract::ServerLinkState& link);

  QLabel* banner() const { return m_banner; }
  QLabel* badge() const { return m_badge; }
  // The reason orders are disabled (empty while the link is ok).
  QString blockedReason() const { return m_reason; }
  // "stale since HH:MM:SS" while down, empty otherwise.
  QString staleText() const { return m_staleText; }

  // The user-facing sentence for a link state ("Server not responding: no heartbeat for 2.6 s").
  static QString describe(const contract::ServerLinkState& link);

 private:
  void markStale(bool stale);

  QMainWindow* m_window;
  Targets m_targets;
  QToolBar* m_bar = nullptr;
  QLabel* m_banner = nullptr;
  QLabel* m_badge = nullptr;
  QString m_reason;
  QString m_staleText;
  QList<QString> m_titles;  // the stale docks' own titles
};

}  // namespace meridian::ui
