#include "ui/models/Formatting.h"

#include <QDateTime>
#include <QLocale>
#include <QTimeZone>

#include <cmath>

#include "core/time/TimeZones.h"

namespace meridian::ui::format {
namespace {

const QLocale& locale() {
  static const QLocale l(QLocale::English, QLocale::UnitedStates);
  return l;
}

}  // namespace

QString price(double v, bool blankZero) {
  if (blankZero && v == 0.0) return {};
  const int decimals = (std::abs(v) < 1.0 && v != 0.0) ? 4 : 2;
  return locale().toString(v, 'f', decimals);
}

QString quantity(double v, bool blankZero) {
  if (blankZero && v == 0.0) return {};
  if (std::abs(v - std::round(v)) < 1e-9) return locale().toString(static_cast<qlonglong>(std::llround(v)));
  QString s = locale().toString(v, 'f', 4);
  while (s.endsWith(QLatin1Char('0'))) s.chop(1);
  return s;
}

QString money(double v) {
  if (std::abs(v) < 0.005) v = 0.0;  // no "-0.00"
  return locale().toString(v, 'f', 2);
}

QString percent(double v) {
  if (std::abs(v) < 0.005) v = 0.0;
  return (v > 0 ? QStringLiteral("+") : QString()) + locale().toString(v, 'f', 2) + QLatin1Char('%');
}

QString compact(double v) {
  const double a = std::abs(v);
  if (a >= 1e9) return locale().toString(v / 1e9, 'f', 2) + QLatin1Char('B');
  if (a >= 1e6) return locale().toString(v / 1e6, 'f', 2) + QLatin1Char('M');
  if (a >= 1e4) return locale().toString(v / 1e3, 'f', 1) + QLatin1Char('K');
  return locale().toString(static_cast<qlonglong>(std::llround(v)));
}

QString sideText(domain::Side s) { return s == domain::Side::Buy ? QStringLiteral("BUY") : QStringLiteral("SELL"); }

QString orderTypeText(domain::OrderType t) {
  switch (t) {
    case domain::OrderType::Market: return QStringLiteral("MKT");
    case domain::OrderType::Limit: return QStringLiteral("LMT");
    case domain::OrderType::Stop: return QStringLiteral("STP");
    case domain::OrderType::StopLimit: return QStringLiteral("STP LMT");
    case domain::OrderType::TrailingStop: return QStringLiteral("TRAIL");
  }
  return {};
}

QString tifText(domain::TimeInForce t) { return qstr(domain::toString(t)).toUpper(); }

QString statusText(domain::OrderStatus s) {
  switch (s) {
    case domain::OrderStatus::New: return QStringLiteral("New");
    case domain::OrderStatus::PendingSubmit: return QStringLiteral("Pending Submit");
    case domain::OrderStatus::Accepted: return QStringLiteral("Accepted");
    case domain::OrderStatus::PartiallyFilled: return QStringLiteral("Partially Filled");
    case domain::OrderStatus::Filled: return QStringLiteral("Filled");
    case domain::OrderStatus::PendingCancel: return QStringLiteral("Pending Cancel");
    case domain::OrderStatus::Cancelled: return QStringLiteral("Cancelled");
    case domain::OrderStatus::Rejected: return QStringLiteral("Rejected");
    case domain::OrderStatus::Expired: return QStringLiteral("Expired");
    case domain::OrderStatus::Replaced: return QStringLiteral("Replaced");
  }
  return {};
}

QString displayTime(domain::Timestamp t, const char* pattern) {
  if (t == 0) return {};
  return time::TimeZones::formatDisplay(t, QString::fromLatin1(pattern));
}

QString isoUtc(domain::Timestamp t) {
  if (t == 0) return {};
  return QDateTime::fromMSecsSinceEpoch(t / domain::kNanosPerMilli, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString plainNumber(double v) {
  if (v == 0.0) return QStringLiteral("0");
  QString s = QString::number(v, 'f', 10);
  while (s.endsWith(QLatin1Char('0'))) s.chop(1);
  if (s.endsWith(QLatin1Char('.'))) s.chop(1);
  return s;
}

QColor upColor() { return QColor(0x1b, 0x8a, 0x3c); }
QColor downColor() { return QColor(0xc6, 0x28, 0x28); }
QColor mutedColor() { return QColor(0x80, 0x80, 0x80); }
QColor warnColor() { return QColor(0xb2, 0x6a, 0x00); }

QString timeHeader() {
  const QTimeZone zone(time::TimeZones::displayTimeZoneId());
  const QString abbrev = zone.isValid() ? zone.abbreviation(QDateTime::currentDateTimeUtc()) : QString();
  return abbrev.isEmpty() ? QStringLiteral("Time") : QStringLiteral("Time (%1)").arg(abbrev);
}

}  // namespace meridian::ui::format
