#include "ui/mainwindow/Theme.h"

#include <QApplication>
#include <QStyle>
#include <QStyleFactory>

namespace meridian::ui {

QString themeName(Theme t) { return t == Theme::Dark ? QStringLiteral("dark") : QStringLiteral("light"); }

Theme themeFromName(const QString& name, Theme fallback) {
  const QString n = name.trimmed().toLower();
  if (n == QLatin1String("dark")) return Theme::Dark;
  if (n == QLatin1String("light")) return Theme::Light;
  return fallback;
}

QPalette themePalette(Theme t) {
  if (t == Theme::Light) {
    QStyle* fusion = QStyleFactory::create(QStringLiteral("Fusion"));
    QPalette p = fusion ? fusion->standardPalette() : QPalette();
    delete fusion;
    p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xd1));
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::PlaceholderText, QColor(0x6a, 0x70, 0x7a));
    return p;
  }
  QPalette p;
  const QColor window(0x1e, 0x22, 0x29), base(0x16, 0x19, 0x1f), alt(0x1c, 0x20, 0x27), text(0xdc, 0xe1, 0xe8);
  const QColor button(0x2a, 0x2f, 0x38), disabled(0x6b, 0x72, 0x7d);
  p.setColor(QPalette::Window, window);
  p.setColor(QPalette::WindowText, text);
  p.setColor(QPalette::Base, base);
  p.setColor(QPalette::AlternateBase, alt);
  p.setColor(QPalette::ToolTipBase, QColor(0x2b, 0x30, 0x3a));
  p.setColor(QPalette::ToolTipText, text);
  p.setColor(QPalette::PlaceholderText, QColor(0x8a, 0x93, 0xa0));
  p.setColor(QPalette::Text, text);
  p.setColor(QPalette::Button, button);
  p.setColor(QPalette::ButtonText, text);
  p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
  p.setColor(QPalette::Light, QColor(0x3a, 0x40, 0x4a));
  p.setColor(QPalette::Midlight, QColor(0x30, 0x35, 0x3e));
  p.setColor(QPalette::Mid, QColor(0x25, 0x29, 0x30));
  p.setColor(QPalette::Dark, QColor(0x12, 0x14, 0x18));
  p.setColor(QPalette::Shadow, Qt::black);
  p.setColor(QPalette::Highlight, QColor(0x2f, 0x6f, 0xd1));
  p.setColor(QPalette::HighlightedText, Qt::white);
  p.setColor(QPalette::Link, QColor(0x5a, 0xa9, 0xff));
  p.setColor(QPalette::LinkVisited, QColor(0xb3, 0x8c, 0xff));
  for (auto role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText, QPalette::HighlightedText})
    p.setColor(QPalette::Disabled, role, disabled);
  p.setColor(QPalette::Disabled, QPalette::Base, window);
  p.setColor(QPalette::Disabled, QPalette::Button, window);
  return p;
}

QString themeStyleSheet(Theme t) {
  if (t == Theme::Dark) {
    return QStringLiteral(
        "QToolTip { color: #dce1e8; background-color: #2b303a; border: 1px solid #444b57; padding: 2px; }"
        "QDockWidget::title { background: #262b33; padding: 3px 6px; }"
        "QHeaderView::section { background: #262b33; color: #c4cad3; border: none; border-right: 1px solid #1a1d23;"
        " border-bottom: 1px solid #1a1d23; padding: 2px 4px; }"
        // Fusion outlines fields with a darker shade of the window: on a dark window that is invisible. Visible
        // borders (and a focus colour) for every entry field, and a checkbox square that can be seen.
        "QLineEdit, QAbstractSpinBox, QComboBox { border: 1px solid #5b6472; border-radius: 2px; padding: 2px 3px; }"
        "QLineEdit:focus, QAbstractSpinBox:focus, QComboBox:focus { border: 1px solid #5aa9ff; }"
        "QLineEdit:disabled, QAbstractSpinBox:disabled, QComboBox:disabled { border: 1px solid #3a404a; }"
        "QCheckBox::indicator { width: 13px; height: 13px; border: 1px solid #8a93a0; border-radius: 2px;"
        " background: #14171c; }"
        "QCheckBox::indicator:checked { background: #2f6fd1; border: 1px solid #5aa9ff; }");
  }
  return QStringLiteral(
      "QToolTip { color: #1d2025; background-color: #ffffe8; border: 1px solid #c8ccd2; padding: 2px; }"
      "QDockWidget::title { background: #e9ecf0; padding: 3px 6px; }");
}

void applyTheme(Theme t) {
  auto* app = qobject_cast<QApplication*>(QCoreApplication::instance());
  if (!app) return;
  if (QApplication::style()->name().compare(QLatin1String("fusion"), Qt::CaseInsensitive) != 0)
    QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
  QApplication::setPalette(themePalette(t));
  app->setStyleSheet(themeStyleSheet(t));
}

}  // namespace meridian::ui
