#pragma once
// Light / dark theme: Fusion style + a QPalette + a small style sheet, applied application-wide. Widgets that draw
// themselves (CandleView, toasts) derive their colours from the palette, so they follow the theme.
#include <QPalette>
#include <QString>

namespace meridian::ui {

enum class Theme { Light, Dark };

QString themeName(Theme t);                              // "light" / "dark"
Theme themeFromName(const QString& name, Theme fallback = Theme::Light);
QPalette themePalette(Theme t);
QString themeStyleSheet(Theme t);
// Sets Fusion (once), the palette and the style sheet on qApp.
void applyTheme(Theme t);

}  // namespace meridian::ui
