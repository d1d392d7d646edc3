#pragma once
// ToastOverlay: non-modal notification toasts stacked in the bottom-right corner of a host widget (the main window).
// Never takes focus or blocks input outside the toasts; a click dismisses a toast; each hides itself after a delay
// that grows with severity (info 6 s, warning 10 s, error 15 s). At most kMaxVisible are shown: older ones go first.
#include <QColor>
#include <QFrame>
#include <QList>
#include <QString>
#include <QWidget>

#include "core/contract/System.h"

class QLabel;
class QTimer;

namespace meridian::ui {

class Toast : public QFrame {
  Q_OBJECT

 public:
  Toast(const contract::Notification& n, QWidget* parent);
  const contract::Notification& notification() const { return m_n; }
  QString title() const;
  QString body() const;

 Q_SIGNALS:
  void dismissed(meridian::ui::Toast* toast);

 protected:
  void mousePressEvent(QMouseEvent* event) override;
  void paintEvent(QPaintEvent* event) override;

 private:
  contract::Notification m_n;
  QLabel* m_title = nullptr;
  QLabel* m_body = nullptr;
  QColor m_accent;
};

class ToastOverlay : public QWidget {
  Q_OBJECT

 public:
  static constexpr int kMaxVisible = 4;
  static constexpr int kWidth = 360;

  explicit ToastOverlay(QWidget* host);

  QList<Toast*> toasts() const { return m_toasts; }
  // Extra space kept free at the bottom (e.g. the status bar height).
  void setBottomMargin(int px);

 public Q_SLOTS:
  void showNotification(const meridian::contract::Notification& n);
  void clearAll();

 protected:
  bool eventFilter(QObject* watched, QEvent* event) override;

 private:
  void dismiss(Toast* t);
  void relayout();

  QWidget* m_host;
  QList<Toast*> m_toasts;  // oldest first
  int m_bottomMargin = 0;
};

}  // namespace meridian::ui
