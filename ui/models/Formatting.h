#pragma once
// Display formatting shared by the models and docks (one place, so every table shows numbers the same way).
#include <QColor>
#include <QString>

#include <string>
#include <string_view>

#include "core/domain/Types.h"

namespace meridian::ui::format {

inline QString qstr(std::string_view s) { return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size())); }
inline QString qstr(const std::string& s) { return QString::fromStdString(s); }

// 1234.5 -> "1,234.50"; 0.1234 -> "0.1234" (sub-dollar prices keep 4 decimals). Empty for 0 when blankZero.
QString price(double v, bool blankZero = false);
// Share quantities: integral values without decimals, fractional with up to 4; thousands separators.
QString quantity(double v, bool blankZero = false);
// Money with sign and 2 decimals: "-1,234.56".
QString money(double v);
// Percent with sign: "+1.23%".
QString percent(double v);
// Large counts: 1234567 -> "1.23M", 12345 -> "12.3K", 950 -> "950".
QString compact(double v);

QString sideText(domain::Side s);              // "BUY" / "SELL"
QString orderTypeText(domain::OrderType t);    // "MKT", "LMT", "STP", "STP LMT", "TRAIL"
QString tifText(domain::TimeInForce t);        // "DAY", "GTC", ...
QString statusText(domain::OrderStatus s);     // "Partially Filled", ...

// Time of a UTC ns timestamp in the display time zone; empty for 0.
QString displayTime(domain::Timestamp t, const char* pattern = "MM-dd HH:mm:ss");
// ISO-8601 UTC with milliseconds ("2026-11-27T14:30:00.123Z"), for exports; empty for 0.
QString isoUtc(domain::Timestamp t);
// "Time (CST)": a blotter's time column header, naming the display time zone (its abbreviation now).
QString timeHeader();
// A plain number for exports: no thousands separators, up to 10 significant decimals, "0" for 0.
QString plainNumber(double v);

// Palette shared by tables and the chart (readable on the light Fusion palette).
QColor upColor();      // green
QColor downColor();    // red
QColor mutedColor();   // grey
QColor warnColor();    // amber

}  // namespace meridian::ui::format
