#include "ui/mainwindow/ServerLinkPresenter.h"

#include "ui/docks/OrderTicketDock.h"
#include "ui/docks/OrdersDock.h"
#include "ui/models/Formatting.h"

#include <QAction>
#include <QDockWidget>
#include <QGraphicsColorizeEffect>
#include <QLabel>
#include <QMainWindow>
#include <QStatusBar>
#include <QToolBar>

namespace meridian::ui {

ServerLinkPresenter::ServerLinkPresenter(QMainWindow* window, Targets targets)
    : QObject(window), m_window(window), m_targets(std::move(targets)) {
  m_bar = new QToolBar(QStringLiteral("Server link"), window);
  m_bar->setObjectName(QStringLiteral("serverLinkBar"));
  m_bar->setMovable(false);
  m_bar->setFloatable(false);
  m_bar->toggleViewAction()->setVisible(false);  // not a user toolbar: shown exactly while the link is down
  m_banner = new QLabel(m_bar);
  m_banner->setObjectName(QStringLiteral("serverLinkBanner"));
  m_banner->setWordWrap(true);
  m_banner->setStyleSheet(QStringLiteral(
      "QLabel { background: #b71c1c; color: white; font-weight: bold; padding: 6px 10px; }"));
  m_banner->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
  m_bar->addWidget(m_banner);
  window->addToolBar(Qt::TopToolBarArea, m_bar);
  m_bar->hide();

  m_badge = new QLabel(window);
  m_badge->setObjectName(QStringLiteral("serverLinkBadge"));
  m_badge->hide();
  window->statusBar()->addPermanentWidget(m_badge);
  for (QDockWidget* d : m_targets.staleDocks) m_titles.append(d->windowTitle());
}

QString ServerLinkPresenter::describe(const contract::ServerLinkState& link) {
  QString what;
  switch (link.state) {
    case contract::ServerLink::Ok: what = QStringLiteral("Server OK"); break;
    case contract::ServerLink::NotResponding: what = QStringLiteral("Server not responding"); break;
    case contract::ServerLink::RedisDown: what = QStringLiteral("Redis unavailable"); break;
    case contract::ServerLink::Reconnecting: what = QStringLiteral("Reconnecting to the server"); break;
  }
  if (!link.detail.empty()) what += QStringLiteral(": %1").arg(format::qstr(link.detail));
  if (link.retries > 0) what += QStringLiteral(" (retry %1)").arg(link.retries);
  return what;
}

void ServerLinkPresenter::apply(const contract::ServerLinkState& link) {
  const bool ok = link.ok();
  const QString text = describe(link);
  m_reason = ok ? QString() : text;
  const QString since = format::displayTime(link.since, "HH:mm:ss");
  m_staleText = ok ? QString() : QStringLiteral("stale since %1").arg(since);

  QString badge;
  QString color;
  switch (link.state) {
    case contract::ServerLink::Ok: badge = QStringLiteral("SERVER OK"); color = QStringLiteral("#2e7d32"); break;
    case contract::ServerLink::NotResponding:
      badge = QStringLiteral("SERVER NOT RESPONDING");
      color = QStringLiteral("#b71c1c");
      break;
    case contract::ServerLink::RedisDown: badge = QStringLiteral("REDIS DOWN"); color = QStringLiteral("#b71c1c"); break;
    case contract::ServerLink::Reconnecting:
      badge = QStringLiteral("RECONNECTING");
      color = QStringLiteral("#e65100");
      break;
  }
  m_badge->setText(badge);
  m_badge->setToolTip(text);
  m_badge->setStyleSheet(
      QStringLiteral("QLabel { background: %1; color: white; font-weight: bold; padding: 1px 6px; border-radius: 3px; }")
          .arg(color));
  m_badge->show();

  if (ok) {
    m_bar->hide();
  } else {
    m_banner->setText(QStringLiteral("⚠ %1 — since %2. Orders are disabled; quotes and positions are stale.")
                          .arg(text, since));
    m_bar->show();
  }
  if (m_targets.ticket) m_targets.ticket->setServerBlocked(m_reason);
  if (m_targets.orders) m_targets.orders->setCommandsBlocked(m_reason);
  for (QAction* a : m_targets.orderActions) {
    a->setEnabled(ok);
    a->setToolTip(ok ? a->text().remove(QLatin1Char('&')) : QStringLiteral("Disabled: %1").arg(m_reason));
  }
  markStale(!ok);
}

void ServerLinkPresenter::markStale(bool stale) {
  for (int i = 0; i < m_targets.staleDocks.size(); ++i) {
    QDockWidget* d = m_targets.staleDocks[i];
    QWidget* content = d->widget();
    if (!content) continue;
    if (stale) {
      d->setWindowTitle(QStringLiteral("%1 — %2").arg(m_titles.value(i), m_staleText));
      if (!content->graphicsEffect()) {
        auto* grey = new QGraphicsColorizeEffect(content);
        grey->setColor(QColor(128, 128, 128));
        grey->setStrength(1.0);
        content->setGraphicsEffect(grey);  // takes ownership
      }
    } else {
      d->setWindowTitle(m_titles.value(i));
      content->setGraphicsEffect(nullptr);  // deletes the effect
    }
  }
}

}  // namespace meridian::ui
