// DataQuality: gaps vs the NYSE calendar on real data with removed days, duplicates, out-of-order rows, insane
// bars, bars on holidays, staleness, intraday completeness.
#include "core/marketdata/DataQuality.h"
#include "core/marketdata/csv/CsvImporter.h"
#include "core/time/TimeZones.h"

#include <QtTest>

using namespace meridian;
using namespace meridian::marketdata;

namespace {

domain::Timestamp et(int y, int m, int d, int hh = 9, int mm = 30) {
  return time::TimeZones::fromExchange(QDate(y, m, d), QTime(hh, mm));
}

std::vector<domain::Bar> load(const char* file) {
  auto data = CsvImporter::readFile(QStringLiteral(MERIDIAN_SHARED_DATA) + "/" + file);
  return data.ok() ? data->bars : std::vector<domain::Bar>{};
}

std::vector<QualityIssue> issuesOf(const DataQualityReport& r, IssueKind k) {
  std::vector<QualityIssue> out;
  for (const auto& i : r.issues)
    if (i.kind == k) out.push_back(i);
  return out;
}

void erase(std::vector<domain::Bar>& bars, domain::Timestamp ts) {
  std::erase_if(bars, [ts](const domain::Bar& b) { return b.ts == ts; });
}

}  // namespace

class tst_DataQuality : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void realSeriesAreComplete() {
    for (const char* f : {"nvda-1999-2014.csv", "orcl-1995-2014.csv", "yhoo-1996-2014.csv"}) {
      const auto bars = load(f);
      QVERIFY(bars.size() > 4000);
      const auto r = DataQuality::check("X", "csv", bars);
      qInfo("%s: %s", f, r.summary().c_str());
      QCOMPARE(r.count(IssueKind::NonSessionBar), std::size_t(0));
      QCOMPARE(r.count(IssueKind::DuplicateTs), std::size_t(0));
      QCOMPARE(r.count(IssueKind::OutOfOrder), std::size_t(0));
      QCOMPARE(r.count(IssueKind::InsaneBar), std::size_t(0));
      QVERIFY(r.clean());  // no missing sessions either: the files agree with NyseCalendar day for day
    }
  }

  void gapsOnASeriesWithRemovedDays() {
    auto bars = load("nvda-1999-2014.csv");
    const auto baseline = DataQuality::check("NVDA", "csv", bars);
    // remove three consecutive sessions and one single session
    for (auto ts : {et(2014, 6, 10), et(2014, 6, 11), et(2014, 6, 12), et(2013, 3, 5)}) erase(bars, ts);
    const auto r = DataQuality::check("NVDA", "csv", bars);
    QCOMPARE(r.count(IssueKind::MissingSessions), baseline.count(IssueKind::MissingSessions) + 2);
    QCOMPARE(r.missingSessions, baseline.missingSessions + 4);
    bool sawRun = false, sawSingle = false;
    for (const auto& i : issuesOf(r, IssueKind::MissingSessions)) {
      if (i.detail == "3 sessions missing: 2014-06-10 .. 2014-06-12") {
        sawRun = true;
        QCOMPARE(i.ts, et(2014, 6, 10));
        QCOMPARE(i.symbol, std::string("NVDA"));
      }
      if (i.detail == "1 session missing: 2013-03-05") sawSingle = true;
    }
    QVERIFY(sawRun);
    QVERIFY(sawSingle);
  }

  void duplicatesAndOrder() {
    std::vector<domain::Bar> bars{
        {et(2024, 1, 2), 10, 11, 9, 10.5, 100, 0, 0},
        {et(2024, 1, 3), 10, 11, 9, 10.5, 100, 0, 0},
        {et(2024, 1, 3), 10, 12, 9, 11.5, 100, 0, 0},  // duplicate, later one wins
        {et(2024, 1, 5), 10, 11, 9, 10.5, 100, 0, 0},
        {et(2024, 1, 4), 10, 11, 9, 10.5, 100, 0, 0},  // out of order
    };
    const auto r = DataQuality::check("T", "csv", bars);
    QCOMPARE(r.count(IssueKind::DuplicateTs), std::size_t(1));
    QCOMPARE(r.count(IssueKind::OutOfOrder), std::size_t(1));
    QCOMPARE(r.count(IssueKind::MissingSessions), std::size_t(0));
    QCOMPARE(issuesOf(r, IssueKind::DuplicateTs).front().detail, std::string("2024-01-03 09:30 ET appears 2 times"));
    const auto clean = DataQuality::normalized(bars);
    QCOMPARE(clean.size(), std::size_t(4));
    QCOMPARE(clean[1].close, 11.5);
    QVERIFY(std::is_sorted(clean.begin(), clean.end(), [](auto& a, auto& b) { return a.ts < b.ts; }));
  }

  void insaneBars() {
    std::vector<domain::Bar> bars{
        {et(2024, 1, 2), 10, 11, 9, 10.5, 100, 0, 0},
        {et(2024, 1, 3), 10, 11, 10.2, 10.5, 100, 0, 0},  // low > open
        {et(2024, 1, 4), 10, 10.4, 9, 10.5, 100, 0, 0},   // high < close
        {et(2024, 1, 5), 0, 11, 9, 10.5, 100, 0, 0},      // zero open
        {et(2024, 1, 8), 10, 11, 9, 10.5, -1, 0, 0},      // negative volume
    };
    const auto r = DataQuality::check("T", "csv", bars);
    QCOMPARE(r.count(IssueKind::InsaneBar), std::size_t(4));
    const auto insane = issuesOf(r, IssueKind::InsaneBar);
    QVERIFY2(insane[0].detail.find("low 10.2 > min(open 10, close 10.5)") != std::string::npos, insane[0].detail.c_str());
    QVERIFY(insane[1].detail.find("high 10.4 < max") != std::string::npos);
    QVERIFY(insane[2].detail.find("non-positive price") != std::string::npos);
    QVERIFY(insane[3].detail.find("negative volume") != std::string::npos);
    QCOMPARE(DataQuality::normalized(bars).size(), std::size_t(1));
    QVERIFY(r.summary().find("4 insane_bar") != std::string::npos);
  }

  void barsOnHolidays() {
    auto bars = load("2006-day-001.csv");  // an index series that trades on some NYSE holidays
    QCOMPARE(bars.size(), std::size_t(255));
    const auto r = DataQuality::check("IDX", "csv", bars);
    const auto ns = issuesOf(r, IssueKind::NonSessionBar);
    QVERIFY(!ns.empty());
    QCOMPARE(ns.front().ts, et(2006, 1, 2));
    QVERIFY2(ns.front().detail.find("New Year") != std::string::npos, ns.front().detail.c_str());
  }

  void staleness() {
    std::vector<domain::Bar> bars{{et(2014, 12, 31), 10, 11, 9, 10.5, 100, 0, 0}};
    QualityOptions o;
    o.asOf = et(2015, 1, 9, 10, 0);  // complete sessions since: Jan 2, 5, 6, 7, 8
    auto r = DataQuality::check("T", "csv", bars, o);
    QCOMPARE(r.count(IssueKind::StaleSeries), std::size_t(1));
    QVERIFY2(issuesOf(r, IssueKind::StaleSeries)[0].detail.find("5 complete sessions") != std::string::npos,
             issuesOf(r, IssueKind::StaleSeries)[0].detail.c_str());
    o.asOf = et(2015, 1, 6, 12, 0);  // Jan 2, 5 only
    r = DataQuality::check("T", "csv", bars, o);
    QCOMPARE(r.count(IssueKind::StaleSeries), std::size_t(0));
    QVERIFY(r.clean());
  }

  void intradayCompleteness() {
    std::vector<domain::Bar> minutes;
    const auto open = et(2024, 1, 2);
    for (int i = 0; i < 390; ++i)
      if (i < 100 || i >= 110) minutes.push_back({open + i * domain::kNanosPerMinute, 10, 11, 9, 10, 1, 0, 0});
    // next session complete
    const auto open2 = et(2024, 1, 3);
    for (int i = 0; i < 390; ++i) minutes.push_back({open2 + i * domain::kNanosPerMinute, 10, 11, 9, 10, 1, 0, 0});
    QualityOptions o;
    o.timeframe = Timeframe::Minute1;
    const auto r = DataQuality::check("T", "x_1m", minutes, o);
    QCOMPARE(r.count(IssueKind::MissingBars), std::size_t(1));
    QCOMPARE(r.missingBars, std::size_t(10));
    QCOMPARE(issuesOf(r, IssueKind::MissingBars)[0].detail, std::string("2024-01-02: 10 of 390 1m bars missing"));

    // clock-aligned vendor hours (09:00 .. 15:00) overlap all 7 session slots; early close has 4 slots
    std::vector<domain::Bar> hours;
    for (int h = 9; h <= 15; ++h) hours.push_back({et(2024, 1, 2, h, 0), 10, 11, 9, 10, 1, 0, 0});
    for (int h = 9; h <= 12; ++h) hours.push_back({et(2024, 11, 29, h, 30), 10, 11, 9, 10, 1, 0, 0});
    o.timeframe = Timeframe::Hour1;
    o.checkGaps = false;
    QVERIFY(DataQuality::check("T", "x_1h", hours, o).clean());
    o.checkGaps = true;
    const auto rh = DataQuality::check("T", "x_1h", std::span(hours).first(7), o);
    QVERIFY2(rh.clean(), rh.summary().c_str());
    std::vector<domain::Bar> early(hours.begin() + 7, hours.end());
    const auto re = DataQuality::check("T", "x_1h", early, o);
    QVERIFY2(re.clean(), re.summary().c_str());
  }

  void emptySeries() {
    const auto r = DataQuality::check("T", "csv", {});
    QVERIFY(r.clean());
    QCOMPARE(r.summary(), std::string("T csv 1d: 0 bars; clean"));
  }
};

QTEST_GUILESS_MAIN(tst_DataQuality)
#include "tst_DataQuality.moc"
