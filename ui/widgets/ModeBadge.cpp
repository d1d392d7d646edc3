#include "ui/widgets/ModeBadge.h"

namespace meridian::ui {

ModeBadge::ModeBadge(bool paper, Size size, QWidget* parent) : QLabel(parent), m_size(size) {
  setAlignment(Qt::AlignCenter);
  setPaper(paper);
}

void ModeBadge::setPaper(bool paper) {
  m_paper = paper;
  setText(paper ? QStringLiteral("PAPER") : QStringLiteral("LIVE"));
  setToolTip(paper ? QStringLiteral("Paper trading: orders go to the simulated broker")
                   : QStringLiteral("LIVE trading: orders go to the real broker with real money"));
  const QString bg = paper ? QStringLiteral("#1b8a3c") : QStringLiteral("#c62828");
  const QString pad = m_size == Size::Large ? QStringLiteral("4px 14px") : QStringLiteral("1px 8px");
  const QString pt = m_size == Size::Large ? QStringLiteral("15pt") : QStringLiteral("9pt");
  setStyleSheet(QStringLiteral("QLabel { background: %1; color: white; font-weight: bold; font-size: %2;"
                               " padding: %3; border-radius: 3px; letter-spacing: 1px; }")
                    .arg(bg, pt, pad));
  setAccessibleName(text() + QStringLiteral(" trading mode"));
}

}  // namespace meridian::ui
