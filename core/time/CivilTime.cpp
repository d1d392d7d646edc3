#include "core/time/CivilTime.h"

#include <QDateTime>

#include <limits>
#include <map>
#include <mutex>
#include <utility>

namespace meridian::time {
namespace {

constexpr std::int64_t kSecondsPerDay = 86400;
constexpr std::int64_t kSpanMargin = 2 * kSecondsPerDay;  // a year's table also covers 2 days either side

// Civil year of a day count (inverse of daysFromCivil, year only).
int yearFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const int m = int(mp < 10 ? mp + 3 : mp - 9);
  return int(std::int64_t(yoe) + era * 400) + (m <= 2);
}

std::int64_t floorDiv(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

LocalTimeResolver::LocalTimeResolver(const QTimeZone& zone) : m_zone(zone) {
  if (m_zone.isValid() && !m_zone.hasTransitions()) {
    m_fixed = true;
    m_fixedOffset = m_zone.offsetFromUtc(QDateTime::fromSecsSinceEpoch(0, Qt::UTC));
  }
}

void LocalTimeResolver::load(Year& y, int year) {
  // Process-wide: a year's table is asked of QTimeZone once per zone (about 0.1 ms each), whoever reads.
  static std::mutex mutex;
  static std::map<std::pair<QByteArray, int>, Year> cache;
  const auto key = std::make_pair(m_zone.id(), year);
  {
    std::lock_guard lock(mutex);
    if (auto it = cache.find(key); it != cache.end()) {
      y = it->second;
      return;
    }
  }
  loadFromZone(y, year);
  std::lock_guard lock(mutex);
  cache.emplace(key, y);
}

void LocalTimeResolver::loadFromZone(Year& y, int year) {
  y.year = year;
  y.loaded = true;
  y.localStart = daysFromCivil(year, 1, 1) * kSecondsPerDay;
  y.localEnd = daysFromCivil(year + 1, 1, 1) * kSecondsPerDay;
  const std::int64_t start = daysFromCivil(year, 1, 1) * kSecondsPerDay - kSpanMargin - 14 * 3600;
  const std::int64_t end = daysFromCivil(year + 1, 1, 1) * kSecondsPerDay + kSpanMargin + 14 * 3600;
  const QDateTime from = QDateTime::fromSecsSinceEpoch(start, Qt::UTC);
  y.initial = m_zone.offsetFromUtc(from);
  int before = y.initial;
  for (const auto& t : m_zone.transitions(from, QDateTime::fromSecsSinceEpoch(end, Qt::UTC))) {
    const std::int64_t at = t.atUtc.toSecsSinceEpoch();
    if (at <= start || t.offsetFromUtc == before) continue;
    y.transitions.push_back({at, before, t.offsetFromUtc});
    before = t.offsetFromUtc;
  }
}

const LocalTimeResolver::Year& LocalTimeResolver::yearOf(std::int64_t localSeconds) {
  if (m_last < m_years.size()) {
    const Year& y = m_years[m_last];
    if (y.loaded && localSeconds >= y.localStart && localSeconds < y.localEnd) return y;
  }
  const int year = yearFromDays(floorDiv(localSeconds, kSecondsPerDay));
  if (m_last < m_years.size() && m_years[m_last].year == year && m_years[m_last].loaded) return m_years[m_last];
  if (m_years.empty()) {
    m_firstYear = year;
    m_years.resize(1);
  } else if (year < m_firstYear) {
    m_years.insert(m_years.begin(), std::size_t(m_firstYear - year), Year{});
    m_firstYear = year;
  } else if (std::size_t(year - m_firstYear) >= m_years.size()) {
    m_years.resize(std::size_t(year - m_firstYear) + 1);
  }
  m_last = std::size_t(year - m_firstYear);
  Year& y = m_years[m_last];
  if (!y.loaded) load(y, year);
  return y;
}

std::int64_t LocalTimeResolver::toUtcSeconds(std::int64_t localSeconds) {
  if (m_fixed) return localSeconds - m_fixedOffset;
  const Year& y = yearOf(localSeconds);
  // The last transition whose pre-transition wall clock has been reached (see TimeZones::fromZone's rules).
  const Transition* hit = nullptr;
  for (const Transition& t : y.transitions) {
    if (t.utc + t.before <= localSeconds) hit = &t;
    else break;
  }
  if (!hit) return localSeconds - y.initial;
  if (localSeconds < hit->utc + hit->after) return localSeconds - hit->before;  // in a gap: shifted forward
  return localSeconds - hit->after;
}

}  // namespace meridian::time
