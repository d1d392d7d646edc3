#include "core/time/TimeZones.h"

#include <QHash>

#include <algorithm>
#include <cstdint>
#include <mutex>
#include <shared_mutex>

namespace meridian::time {

namespace {

using domain::kNanosPerMilli;

constexpr std::int64_t kMsPerDay = 86'400'000;
constexpr qint64 kUnixEpochJulianDay = 2'440'588;  // QDate(1970, 1, 1).toJulianDay()
// Millisecond range whose nanosecond value fits in Timestamp (and never equals kInvalidTimestamp).
constexpr std::int64_t kMaxMs = std::numeric_limits<Timestamp>::max() / kNanosPerMilli;
constexpr std::int64_t kMinMs = std::numeric_limits<Timestamp>::min() / kNanosPerMilli;
// Wall-clock dates further than this from 1970 cannot map into the Timestamp range (~292 years each side);
// checked before any arithmetic so huge QDate values cannot overflow.
constexpr qint64 kMaxAbsEpochDays = 110'000;

constexpr std::int64_t floorDiv(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

Timestamp msToTimestamp(std::int64_t ms) {
  if (ms > kMaxMs || ms < kMinMs) return kInvalidTimestamp;
  return ms * kNanosPerMilli;
}

// Cache of loaded zones, keyed by the id as given. Only valid zones are cached, so junk ids cannot grow it.
class ZoneCache {
 public:
  QTimeZone get(const QByteArray& id) {
    if (id.isEmpty()) return {};
    {
      std::lock_guard lock(m_mutex);
      const auto it = m_zones.constFind(id);
      if (it != m_zones.constEnd()) return it.value();
    }
    // Construct outside the lock: it reads the tz database and can be slow.
    QTimeZone zone(id);
    if (!zone.isValid()) return {};
    std::lock_guard lock(m_mutex);
    m_zones.insert(id, zone);
    return zone;
  }

 private:
  std::mutex m_mutex;
  QHash<QByteArray, QTimeZone> m_zones;
};

ZoneCache& zoneCache() {
  static ZoneCache cache;
  return cache;
}

struct DisplayState {
  DisplayState() { reset(); }
  void reset() {
    id = TimeZones::kDefaultDisplayZoneId;
    zone = zoneCache().get(id);
    if (!zone.isValid()) {  // no tz database at all: degrade to UTC rather than to an invalid zone
      id = "UTC";
      zone = QTimeZone::utc();
    }
  }
  std::shared_mutex mutex;
  QByteArray id;
  QTimeZone zone;
};

DisplayState& displayState() {
  static DisplayState state;
  return state;
}

}  // namespace

// ---- Zones ------------------------------------------------------------------------------------------------------

const QTimeZone& TimeZones::exchangeTimeZone() {
  static const QTimeZone zone = zoneCache().get(kExchangeZoneId);
  return zone;
}

QTimeZone TimeZones::displayTimeZone() {
  auto& s = displayState();
  std::shared_lock lock(s.mutex);
  return s.zone;
}

QByteArray TimeZones::displayTimeZoneId() {
  auto& s = displayState();
  std::shared_lock lock(s.mutex);
  return s.id;
}

bool TimeZones::setDisplayTimeZone(const QByteArray& ianaId) {
  const QTimeZone zone = zoneCache().get(ianaId);
  if (!zone.isValid()) return false;
  auto& s = displayState();
  std::unique_lock lock(s.mutex);
  s.id = ianaId;
  s.zone = zone;
  return true;
}

void TimeZones::resetDisplayTimeZone() {
  auto& s = displayState();
  std::unique_lock lock(s.mutex);
  s.reset();
}

bool TimeZones::isValidTimeZoneId(const QByteArray& ianaId) { return zoneCache().get(ianaId).isValid(); }

// ---- Timestamp <-> QDateTime -------------------------------------------------------------------------------------

QDateTime TimeZones::toUtcDateTime(Timestamp t) {
  if (t == kInvalidTimestamp) return {};
  return QDateTime::fromMSecsSinceEpoch(floorDiv(t, kNanosPerMilli), Qt::UTC);
}

QDateTime TimeZones::toZone(Timestamp t, const QTimeZone& zone) {
  if (t == kInvalidTimestamp || !zone.isValid()) return {};
  return QDateTime::fromMSecsSinceEpoch(floorDiv(t, kNanosPerMilli), zone);
}

QDateTime TimeZones::toExchange(Timestamp t) { return toZone(t, exchangeTimeZone()); }

QDateTime TimeZones::toDisplay(Timestamp t) { return toZone(t, displayTimeZone()); }

Timestamp TimeZones::fromQDateTime(const QDateTime& dt) {
  if (!dt.isValid()) return kInvalidTimestamp;
  return msToTimestamp(dt.toMSecsSinceEpoch());
}

// ---- Wall clock -> Timestamp -------------------------------------------------------------------------------------

Timestamp TimeZones::fromZone(QDate date, QTime time, const QTimeZone& zone) {
  if (!date.isValid() || !time.isValid() || !zone.isValid()) return kInvalidTimestamp;
  const qint64 epochDay = date.toJulianDay() - kUnixEpochJulianDay;
  if (epochDay > kMaxAbsEpochDays || epochDay < -kMaxAbsEpochDays) return kInvalidTimestamp;

  // The wall clock read as if it were UTC. The true instant is localMs - offset, for an offset that is
  // actually in force at that instant. We do the resolution ourselves (instead of QDateTime(date, time, zone))
  // so that gap/overlap handling is documented and independent of the Qt version.
  const std::int64_t localMs = epochDay * kMsPerDay + time.msecsSinceStartOfDay();
  const auto offsetMsAt = [&zone](std::int64_t utcMs) -> std::int64_t {
    return std::int64_t{zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(utcMs, Qt::UTC))} * 1000;
  };
  // Offsets in force a day before and a day after cover both sides of any transition near this wall time
  // (real zones never have two transitions within two days).
  const std::int64_t before = offsetMsAt(localMs - kMsPerDay);
  const std::int64_t after = offsetMsAt(localMs + kMsPerDay);

  std::int64_t resultMs = 0;
  bool found = false;
  for (const std::int64_t off : {before, after}) {
    const std::int64_t candidate = localMs - off;
    if (offsetMsAt(candidate) != off) continue;  // this offset is not in force at that instant
    // Overlap: both candidates are consistent; keep the earlier instant (first occurrence).
    resultMs = found ? std::min(resultMs, candidate) : candidate;
    found = true;
  }
  if (!found) resultMs = localMs - before;  // gap: read with the pre-transition offset = shift forward
  return msToTimestamp(resultMs);
}

Timestamp TimeZones::fromExchange(QDate date, QTime time) { return fromZone(date, time, exchangeTimeZone()); }

Timestamp TimeZones::fromDisplay(QDate date, QTime time) { return fromZone(date, time, displayTimeZone()); }

// ---- Convenience ---------------------------------------------------------------------------------------------------

QDate TimeZones::exchangeDate(Timestamp t) { return toExchange(t).date(); }

QString TimeZones::exchangeDateText(Timestamp t) { return exchangeDate(t).toString(Qt::ISODate); }

QString TimeZones::formatDisplay(Timestamp t, const QString& format) {
  const QDateTime dt = toDisplay(t);
  return dt.isValid() ? dt.toString(format) : QString();
}

QString TimeZones::formatExchange(Timestamp t, const QString& format) {
  const QDateTime dt = toExchange(t);
  return dt.isValid() ? dt.toString(format) : QString();
}

}  // namespace meridian::time
