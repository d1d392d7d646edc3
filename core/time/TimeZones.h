#pragma once
// Time-zone conversions for core: UTC nanosecond Timestamps <-> wall-clock time in the exchange zone
// (America/New_York, fixed) and in the user's display zone (default America/Chicago, changeable at runtime).
//
// Precision: QDateTime has millisecond resolution. Every Timestamp -> QDateTime conversion floors to the
// millisecond (toward minus infinity, also for pre-1970 values), so toExchange(t) followed by fromQDateTime
// gives t rounded down to a whole millisecond. QDateTime -> Timestamp conversions are exact.
//
// Invalid input (invalid QDate/QTime/QDateTime, kInvalidTimestamp, results outside the int64 nanosecond range
// 1677-09-21 .. 2262-04-11) yields kInvalidTimestamp or an invalid QDateTime/QDate/empty QString, never UB.
//
// Thread safety: every function may be called concurrently from any thread. The exchange zone is built once
// (thread-safe static). The display zone is held behind a reader/writer lock; readers take a cheap copy
// (QTimeZone is implicitly shared) and convert outside the lock. QTimeZone objects are cached, because
// constructing one parses the tz database file.
#include <QByteArray>
#include <QDate>
#include <QDateTime>
#include <QString>
#include <QTime>
#include <QTimeZone>

#include <limits>

#include "core/domain/Types.h"

namespace meridian::time {

using domain::Timestamp;

// Returned when a conversion has no representable result (invalid input or int64 overflow).
inline constexpr Timestamp kInvalidTimestamp = std::numeric_limits<Timestamp>::min();

class TimeZones {
 public:
  TimeZones() = delete;

  static constexpr const char* kExchangeZoneId = "America/New_York";
  static constexpr const char* kDefaultDisplayZoneId = "America/Chicago";
  static constexpr const char* kDefaultFormat = "yyyy-MM-dd HH:mm:ss";

  // ---- Zones ----------------------------------------------------------------------------------------------
  // The exchange zone (America/New_York); constructed once, shared.
  static const QTimeZone& exchangeTimeZone();
  // Snapshot of the current display zone.
  static QTimeZone displayTimeZone();
  static QByteArray displayTimeZoneId();
  // Sets the display zone from an IANA id (e.g. "Europe/London"; Qt's "UTC" / "UTC+01:00" forms are also
  // accepted). Returns false and keeps the current zone when the id is empty or unknown to the tz database.
  static bool setDisplayTimeZone(const QByteArray& ianaId);
  // Back to kDefaultDisplayZoneId.
  static void resetDisplayTimeZone();
  // True when ianaId names a zone QTimeZone can load (uses the same cache as setDisplayTimeZone).
  static bool isValidTimeZoneId(const QByteArray& ianaId);

  // ---- Timestamp <-> QDateTime -----------------------------------------------------------------------------
  static QDateTime toUtcDateTime(Timestamp t);                         // spec UTC
  static QDateTime toZone(Timestamp t, const QTimeZone& zone);         // in the given zone
  static QDateTime toExchange(Timestamp t);                            // America/New_York
  static QDateTime toDisplay(Timestamp t);                             // current display zone
  // Any valid QDateTime (any spec/zone) -> UTC ns.
  static Timestamp fromQDateTime(const QDateTime& dt);

  // ---- Wall clock -> Timestamp -----------------------------------------------------------------------------
  // Interprets (date, time) as wall-clock time in `zone`. DST handling is deterministic:
  //  * gap (spring forward; e.g. 2026-03-08 02:30 in New York does not exist): the wall time is read with the
  //    offset in force BEFORE the transition, i.e. it is shifted forward by the gap length
  //    (02:30 -> 03:30 EDT = 07:30Z), the same choice as java.time's ZonedDateTime.of;
  //  * overlap (fall back; e.g. 2026-11-01 01:30 happens twice): the FIRST occurrence, i.e. the earlier UTC
  //    instant (01:30 EDT = 05:30Z, not 01:30 EST = 06:30Z).
  static Timestamp fromZone(QDate date, QTime time, const QTimeZone& zone);
  static Timestamp fromExchange(QDate date, QTime time);
  static Timestamp fromDisplay(QDate date, QTime time);

  // ---- Convenience -----------------------------------------------------------------------------------------
  // Calendar date of t in the exchange zone (the NYSE trading date t belongs to).
  static QDate exchangeDate(Timestamp t);
  // exchangeDate(t) as ISO "yyyy-MM-dd" (backtest JSON, reports, tables); empty for kInvalidTimestamp.
  static QString exchangeDateText(Timestamp t);
  // QDateTime::toString formats (e.g. "yyyy-MM-dd HH:mm:ss.zzz t"). Empty string for kInvalidTimestamp.
  static QString formatDisplay(Timestamp t, const QString& format = QString::fromLatin1(kDefaultFormat));
  static QString formatExchange(Timestamp t, const QString& format = QString::fromLatin1(kDefaultFormat));
};

}  // namespace meridian::time
