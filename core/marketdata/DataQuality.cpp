#include "core/marketdata/DataQuality.h"

#include "core/marketdata/SessionCursor.h"
#include "core/time/NyseCalendar.h"
#include "core/time/TimeZones.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace meridian::marketdata {
namespace {

std::string day(Timestamp t) { return time::TimeZones::formatExchange(t, QStringLiteral("yyyy-MM-dd")).toStdString(); }
std::string stamp(Timestamp t) {
  return time::TimeZones::formatExchange(t, QStringLiteral("yyyy-MM-dd HH:mm")).toStdString() + " ET";
}
std::string isoDate(QDate d) { return d.toString(Qt::ISODate).toStdString(); }

std::string insaneReason(const domain::Bar& b) {
  if (!(b.open > 0 && b.high > 0 && b.low > 0 && b.close > 0))
    return fmt::format("non-positive price (o {} h {} l {} c {})", b.open, b.high, b.low, b.close);
  if (b.low > std::min(b.open, b.close)) return fmt::format("low {} > min(open {}, close {})", b.low, b.open, b.close);
  if (b.high < std::max(b.open, b.close))
    return fmt::format("high {} < max(open {}, close {})", b.high, b.open, b.close);
  if (!(b.volume >= 0)) return fmt::format("negative volume {}", b.volume);
  if (!std::isfinite(b.vwap)) return "non-finite vwap";
  return "fails OHLC sanity";
}

bool sane(const domain::Bar& b) { return domain::isSane(b) && std::isfinite(b.vwap); }

class Collector {
 public:
  Collector(DataQualityReport& r, std::size_t cap) : m_r(r), m_cap(cap) {}
  void add(IssueKind k, Timestamp ts, std::string detail) {
    auto& n = m_r.counts[std::size_t(k)];
    ++n;
    if (n <= m_cap) m_r.issues.push_back(QualityIssue{k, m_r.symbol, m_r.source, ts, std::move(detail)});
  }

 private:
  DataQualityReport& m_r;
  std::size_t m_cap;
};

}  // namespace

std::string_view toString(IssueKind k) {
  switch (k) {
    case IssueKind::DuplicateTs: return "duplicate_ts";
    case IssueKind::OutOfOrder: return "out_of_order";
    case IssueKind::InsaneBar: return "insane_bar";
    case IssueKind::MissingSessions: return "missing_sessions";
    case IssueKind::MissingBars: return "missing_bars";
    case IssueKind::NonSessionBar: return "non_session_bar";
    case IssueKind::StaleSeries: return "stale_series";
  }
  return "?";
}

std::size_t DataQualityReport::totalIssues() const {
  std::size_t n = 0;
  for (auto c : counts) n += c;
  return n;
}

std::string DataQualityReport::summary() const {
  std::string s = fmt::format("{} {} {}: {} bars", symbol, source, toString(timeframe), barsChecked);
  if (barsChecked > 0) s += fmt::format(" {}..{}", day(firstTs), day(lastTs));
  if (clean()) return s + "; clean";
  s += ";";
  bool first = true;
  for (std::size_t k = 0; k < kIssueKindCount; ++k) {
    if (counts[k] == 0) continue;
    s += fmt::format("{} {} {}", first ? "" : ",", counts[k], toString(IssueKind(k)));
    if (IssueKind(k) == IssueKind::MissingSessions) s += fmt::format(" ({} sessions)", missingSessions);
    if (IssueKind(k) == IssueKind::MissingBars) s += fmt::format(" ({} bars)", missingBars);
    first = false;
  }
  return s;
}

std::vector<domain::Bar> DataQuality::normalized(std::span<const domain::Bar> bars) {
  std::vector<domain::Bar> out;
  out.reserve(bars.size());
  for (const auto& b : bars)
    if (sane(b)) out.push_back(b);
  std::stable_sort(out.begin(), out.end(), [](const domain::Bar& a, const domain::Bar& b) { return a.ts < b.ts; });
  // keep the last of each equal-ts run
  std::vector<domain::Bar> dedup;
  dedup.reserve(out.size());
  for (std::size_t i = 0; i < out.size(); ++i)
    if (i + 1 == out.size() || out[i + 1].ts != out[i].ts) dedup.push_back(out[i]);
  return dedup;
}

DataQualityReport DataQuality::check(std::string_view symbol, std::string_view source,
                                     std::span<const domain::Bar> bars, const QualityOptions& options) {
  DataQualityReport r;
  r.symbol = std::string(symbol);
  r.source = std::string(source);
  r.timeframe = options.timeframe;
  r.checkedAt = options.asOf;
  r.barsChecked = bars.size();
  Collector issues(r, options.maxIssuesPerKind);
  if (bars.empty()) return r;

  // --- input order, sanity ---
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const auto& b = bars[i];
    if (i > 0 && b.ts < bars[i - 1].ts)
      issues.add(IssueKind::OutOfOrder, b.ts,
                 fmt::format("row {}: {} comes after {}", i + 1, stamp(b.ts), stamp(bars[i - 1].ts)));
    if (!sane(b)) issues.add(IssueKind::InsaneBar, b.ts, fmt::format("{}: {}", stamp(b.ts), insaneReason(b)));
  }

  // --- duplicates ---
  std::vector<Timestamp> ts;
  ts.reserve(bars.size());
  for (const auto& b : bars) ts.push_back(b.ts);
  std::sort(ts.begin(), ts.end());
  for (std::size_t i = 0; i < ts.size();) {
    std::size_t j = i + 1;
    while (j < ts.size() && ts[j] == ts[i]) ++j;
    if (j - i > 1) issues.add(IssueKind::DuplicateTs, ts[i], fmt::format("{} appears {} times", stamp(ts[i]), j - i));
    i = j;
  }
  ts.erase(std::unique(ts.begin(), ts.end()), ts.end());
  r.firstTs = ts.front();
  r.lastTs = ts.back();

  const auto& cal = time::NyseCalendar::instance();
  const QDate firstDate = time::TimeZones::exchangeDate(r.firstTs);
  const QDate lastDate = time::TimeZones::exchangeDate(r.lastTs);

  auto reportMissingRun = [&](const std::vector<time::Session>& run) {
    if (run.empty()) return;
    r.missingSessions += run.size();
    if (run.size() == 1)
      issues.add(IssueKind::MissingSessions, run.front().open,
                 fmt::format("1 session missing: {}", isoDate(run.front().date)));
    else
      issues.add(IssueKind::MissingSessions, run.front().open,
                 fmt::format("{} sessions missing: {} .. {}", run.size(), isoDate(run.front().date),
                             isoDate(run.back().date)));
  };

  if (options.checkGaps) {
    const auto sessions = cal.sessions(firstDate, lastDate);
    if (options.timeframe == Timeframe::Day1) {
      std::vector<QDate> dates;
      dates.reserve(ts.size());
      for (Timestamp t : ts) dates.push_back(time::TimeZones::exchangeDate(t));
      std::sort(dates.begin(), dates.end());
      dates.erase(std::unique(dates.begin(), dates.end()), dates.end());
      for (const QDate& d : dates)
        if (!cal.isTradingDay(d)) {
          const auto name = cal.holidayName(d);
          issues.add(IssueKind::NonSessionBar, dailyBarTs(d),
                     fmt::format("bar on {}, NYSE closed ({})", isoDate(d),
                                 name ? name->toStdString() : std::string("weekend")));
        }
      std::vector<time::Session> run;
      std::size_t di = 0;
      for (const auto& s : sessions) {
        while (di < dates.size() && dates[di] < s.date) ++di;
        const bool present = di < dates.size() && dates[di] == s.date;
        if (present) {
          reportMissingRun(run);
          run.clear();
        } else {
          run.push_back(s);
        }
      }
      reportMissingRun(run);
    } else {
      const Timestamp len = nominalLength(options.timeframe);
      // bars overlapping each session, by session date (ts sorted, so dates ascend)
      SessionCursor cursor;
      std::vector<std::pair<QDate, std::size_t>> perSession;
      for (Timestamp t : ts) {
        const auto& d = cursor.dayOf(t);
        if (!d.trading || !(t < d.close && t + len > d.open)) continue;
        if (perSession.empty() || perSession.back().first != d.date) perSession.emplace_back(d.date, 0);
        ++perSession.back().second;
      }
      std::vector<time::Session> run;
      std::size_t pi = 0;
      const Timestamp hi = r.lastTs + len;
      for (const auto& s : sessions) {
        while (pi < perSession.size() && perSession[pi].first < s.date) ++pi;
        const std::size_t have = (pi < perSession.size() && perSession[pi].first == s.date) ? perSession[pi].second : 0;
        // slots of this session inside the series' extent [first, last + len)
        const Timestamp lo = std::max(s.open, s.open + ((std::max(r.firstTs, s.open) - s.open) / len) * len);
        const Timestamp end = std::min(s.close, hi);
        const std::size_t expected = end > lo ? std::size_t((end - lo + len - 1) / len) : 0;
        if (have == 0 && expected > 0) {
          run.push_back(s);
          continue;
        }
        reportMissingRun(run);
        run.clear();
        if (have < expected) {
          r.missingBars += expected - have;
          issues.add(IssueKind::MissingBars, s.open,
                     fmt::format("{}: {} of {} {} bars missing", isoDate(s.date), expected - have, expected,
                                 toString(options.timeframe)));
        }
      }
      reportMissingRun(run);
    }
  }

  if (options.asOf > 0) {
    const QDate asOfDate = time::TimeZones::exchangeDate(options.asOf);
    std::size_t passed = 0;
    if (lastDate < asOfDate)
      for (const auto& s : cal.sessions(lastDate.addDays(1), asOfDate))
        if (s.close <= options.asOf) ++passed;
    if (passed > std::size_t(std::max(0, options.staleAfterSessions)))
      issues.add(IssueKind::StaleSeries, r.lastTs,
                 fmt::format("last bar {}; {} complete sessions since (limit {})", day(r.lastTs), passed,
                             options.staleAfterSessions));
  }

  std::stable_sort(r.issues.begin(), r.issues.end(), [](const QualityIssue& a, const QualityIssue& b) {
    return a.kind != b.kind ? a.kind < b.kind : a.ts < b.ts;
  });
  return r;
}

}  // namespace meridian::marketdata
