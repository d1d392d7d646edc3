#include "ui/widgets/ToastOverlay.h"

#include <QEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QTimer>
#include <QVBoxLayout>

#include "ui/models/Formatting.h"

namespace meridian::ui {
namespace {

QColor accentFor(contract::Severity s) {
  switch (s) {
    case contract::Severity::Success: return format::upColor();
    case contract::Severity::Warning: return format::warnColor();
    case contract::Severity::Error: return format::downColor();
    case contract::Severity::Info: break;
  }
  return QColor(0x1f, 0x6f, 0xd1);
}

int lifetimeMs(contract::Severity s) {
  switch (s) {
    case contract::Severity::Error: return 15'000;
    case contract::Severity::Warning: return 10'000;
    default: return 6'000;
  }
}

}  // namespace

Toast::Toast(const contract::Notification& n, QWidget* parent) : QFrame(parent), m_n(n), m_accent(accentFor(n.severity)) {
  setObjectName(QStringLiteral("toast"));
  setAttribute(Qt::WA_ShowWithoutActivating);
  setFocusPolicy(Qt::NoFocus);
  setCursor(Qt::PointingHandCursor);
  setToolTip(QStringLiteral("Click to dismiss"));
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(14, 8, 10, 8);
  layout->setSpacing(2);
  m_title = new QLabel(format::qstr(n.taggedTitle()), this);
  m_title->setObjectName(QStringLiteral("toastTitle"));
  QFont bold = m_title->font();
  bold.setBold(true);
  m_title->setFont(bold);
  m_title->setWordWrap(true);
  layout->addWidget(m_title);
  if (!n.body.empty()) {
    m_body = new QLabel(format::qstr(n.body), this);
    m_body->setObjectName(QStringLiteral("toastBody"));
    m_body->setWordWrap(true);
    layout->addWidget(m_body);
  }
  for (QLabel* l : {m_title, m_body})
    if (l) l->setAttribute(Qt::WA_TransparentForMouseEvents);
  QTimer::singleShot(lifetimeMs(n.severity), this, [this] { Q_EMIT dismissed(this); });
}

QString Toast::title() const { return m_title->text(); }
QString Toast::body() const { return m_body ? m_body->text() : QString(); }

void Toast::mousePressEvent(QMouseEvent* event) {
  event->accept();
  Q_EMIT dismissed(this);
}

void Toast::paintEvent(QPaintEvent*) {
  QPainter p(this);
  p.setRenderHint(QPainter::Antialiasing);
  const QPalette pal = palette();
  QColor bg = pal.color(QPalette::ToolTipBase);
  const bool dark = pal.color(QPalette::Window).lightness() < 128;
  bg = dark ? QColor(0x2b, 0x30, 0x3a) : QColor(0xff, 0xff, 0xff);
  p.setPen(QPen(dark ? QColor(0x44, 0x4b, 0x57) : QColor(0xc8, 0xcc, 0xd2), 1.0));
  p.setBrush(bg);
  p.drawRoundedRect(QRectF(rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6);
  p.setPen(Qt::NoPen);
  p.setBrush(m_accent);
  p.drawRoundedRect(QRectF(1, 1, 5, height() - 2), 2, 2);
}

ToastOverlay::ToastOverlay(QWidget* host) : QWidget(host), m_host(host) {
  setObjectName(QStringLiteral("toastOverlay"));
  setAttribute(Qt::WA_NoSystemBackground);
  setAttribute(Qt::WA_TranslucentBackground);
  setFocusPolicy(Qt::NoFocus);
  host->installEventFilter(this);
  hide();
}

void ToastOverlay::setBottomMargin(int px) {
  m_bottomMargin = px;
  relayout();
}

void ToastOverlay::showNotification(const contract::Notification& n) {
  auto* t = new Toast(n, this);
  connect(t, &Toast::dismissed, this, &ToastOverlay::dismiss);
  m_toasts.push_back(t);
  while (m_toasts.size() > kMaxVisible) {
    Toast* old = m_toasts.takeFirst();
    old->deleteLater();
  }
  t->show();
  relayout();
}

void ToastOverlay::clearAll() {
  for (Toast* t : m_toasts) t->deleteLater();
  m_toasts.clear();
  relayout();
}

void ToastOverlay::dismiss(Toast* t) {
  if (!m_toasts.removeOne(t)) return;
  t->hide();
  t->deleteLater();
  relayout();
}

void ToastOverlay::relayout() {
  if (m_toasts.isEmpty()) {
    hide();
    return;
  }
  const int gap = 8;
  int y = 0;
  QList<int> heights;
  for (Toast* t : m_toasts) {
    t->setFixedWidth(kWidth);
    t->adjustSize();
    heights << t->sizeHint().height();
  }
  int total = gap * (static_cast<int>(m_toasts.size()) - 1);
  for (int h : heights) total += h;
  // Newest at the bottom.
  for (int i = 0; i < m_toasts.size(); ++i) {
    m_toasts[i]->setGeometry(0, y, kWidth, heights[i]);
    y += heights[i] + gap;
  }
  const int margin = 16;
  setGeometry(m_host->width() - kWidth - margin, m_host->height() - total - margin - m_bottomMargin, kWidth, total);
  show();
  raise();
}

bool ToastOverlay::eventFilter(QObject* watched, QEvent* event) {
  if (watched == m_host && (event->type() == QEvent::Resize || event->type() == QEvent::LayoutRequest)) relayout();
  return QWidget::eventFilter(watched, event);
}

}  // namespace meridian::ui
