// Unit tests for meridian::time::NyseCalendar.
// Every expected date below is written out from the published NYSE holiday / early-close schedules (and the NYSE
// historical closings record for past years), not computed by the calendar code. Expected instants are built with
// plain Qt UTC arithmetic.
#include <QtTest>

#include <thread>
#include <vector>

#include "core/time/NyseCalendar.h"

using meridian::time::kInvalidTimestamp;
using meridian::time::NyseCalendar;
using meridian::time::Session;
using meridian::time::Timestamp;

namespace {

constexpr Timestamp kNsPerMs = 1'000'000;

Timestamp utc(int y, int mo, int d, int h, int mi, int s = 0) {
  return QDateTime(QDate(y, mo, d), QTime(h, mi, s), Qt::UTC).toMSecsSinceEpoch() * kNsPerMs;
}

const NyseCalendar& cal() { return NyseCalendar::instance(); }

// All weekdays of `year` on which the exchange is closed.
QList<QDate> closedWeekdays(int year) {
  QList<QDate> out;
  for (QDate d(year, 1, 1); d.year() == year; d = d.addDays(1)) {
    if (d.dayOfWeek() <= 5 && !cal().isTradingDay(d)) out.append(d);
  }
  return out;
}

QList<QDate> earlyCloses(int year) {
  QList<QDate> out;
  for (QDate d(year, 1, 1); d.year() == year; d = d.addDays(1)) {
    if (cal().isEarlyClose(d)) out.append(d);
  }
  return out;
}

int tradingDays(int year) {
  int n = 0;
  for (QDate d(year, 1, 1); d.year() == year; d = d.addDays(1)) n += cal().isTradingDay(d) ? 1 : 0;
  return n;
}

}  // namespace

class tst_NyseCalendar : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  // ---- Holidays --------------------------------------------------------------------------------------------

  void holidays2026_data() {
    QTest::addColumn<QDate>("date");
    QTest::addColumn<QString>("name");
    QTest::newRow("New Year") << QDate(2026, 1, 1) << "New Year's Day";
    QTest::newRow("MLK") << QDate(2026, 1, 19) << "Martin Luther King, Jr. Day";
    QTest::newRow("Presidents") << QDate(2026, 2, 16) << "Washington's Birthday";
    QTest::newRow("Good Friday") << QDate(2026, 4, 3) << "Good Friday";
    QTest::newRow("Memorial") << QDate(2026, 5, 25) << "Memorial Day";
    QTest::newRow("Juneteenth") << QDate(2026, 6, 19) << "Juneteenth National Independence Day";
    QTest::newRow("Independence obs.") << QDate(2026, 7, 3) << "Independence Day (observed)";
    QTest::newRow("Labor") << QDate(2026, 9, 7) << "Labor Day";
    QTest::newRow("Thanksgiving") << QDate(2026, 11, 26) << "Thanksgiving Day";
    QTest::newRow("Christmas") << QDate(2026, 12, 25) << "Christmas Day";
  }
  void holidays2026() {
    QFETCH(QDate, date);
    QFETCH(QString, name);
    QVERIFY(cal().isHoliday(date));
    QVERIFY(!cal().isTradingDay(date));
    QVERIFY(!cal().isEarlyClose(date));
    QVERIFY(!cal().session(date).has_value());
    QCOMPARE(cal().holidayName(date).value_or(QString()), name);
  }

  void holidayList2026() {
    const QList<QDate> expected{QDate(2026, 1, 1),  QDate(2026, 1, 19), QDate(2026, 2, 16), QDate(2026, 4, 3),
                                QDate(2026, 5, 25), QDate(2026, 6, 19), QDate(2026, 7, 3),  QDate(2026, 9, 7),
                                QDate(2026, 11, 26), QDate(2026, 12, 25)};
    QCOMPARE(closedWeekdays(2026), expected);
    // July 4 2026 is a Saturday: a weekend day, not itself a "holiday"; no name.
    QVERIFY(!cal().isHoliday(QDate(2026, 7, 4)));
    QVERIFY(!cal().isTradingDay(QDate(2026, 7, 4)));
    QVERIFY(!cal().holidayName(QDate(2026, 7, 4)).has_value());
    QVERIFY(!cal().holidayName(QDate(2026, 7, 6)).has_value());
  }

  void earlyCloses2026() {
    // NYSE 2026: early closes Fri Nov 27 and Thu Dec 24 only (July 3 is the observed holiday, July 2 is full).
    const QList<QDate> expected{QDate(2026, 11, 27), QDate(2026, 12, 24)};
    QCOMPARE(earlyCloses(2026), expected);
    QVERIFY(cal().isTradingDay(QDate(2026, 7, 2)));
    QVERIFY(!cal().isEarlyClose(QDate(2026, 7, 2)));
  }

  void holidays2027() {
    // July 4 2027 is a Sunday (observed Mon Jul 5), June 19 a Saturday (Fri Jun 18), Dec 25 a Saturday (Fri Dec 24).
    const QList<QDate> expected{QDate(2027, 1, 1),  QDate(2027, 1, 18), QDate(2027, 2, 15), QDate(2027, 3, 26),
                                QDate(2027, 5, 31), QDate(2027, 6, 18), QDate(2027, 7, 5),  QDate(2027, 9, 6),
                                QDate(2027, 11, 25), QDate(2027, 12, 24)};
    QCOMPARE(closedWeekdays(2027), expected);
    QCOMPARE(earlyCloses(2027), QList<QDate>{QDate(2027, 11, 26)});
    QCOMPARE(cal().holidayName(QDate(2027, 6, 18)).value_or(QString()),
             QStringLiteral("Juneteenth National Independence Day (observed)"));
    QCOMPARE(cal().holidayName(QDate(2027, 12, 24)).value_or(QString()), QStringLiteral("Christmas Day (observed)"));
  }

  void holidays2022AndNewYearRule() {
    // Jan 1 2022 was a Saturday: NOT observed (Fri Dec 31 2021 and Mon Jan 3 2022 were trading days).
    const QList<QDate> expected{QDate(2022, 1, 17), QDate(2022, 2, 21), QDate(2022, 4, 15), QDate(2022, 5, 30),
                                QDate(2022, 6, 20), QDate(2022, 7, 4),  QDate(2022, 9, 5),  QDate(2022, 11, 24),
                                QDate(2022, 12, 26)};
    QCOMPARE(closedWeekdays(2022), expected);
    QCOMPARE(earlyCloses(2022), QList<QDate>{QDate(2022, 11, 25)});
    QVERIFY(cal().isTradingDay(QDate(2021, 12, 31)));
    QVERIFY(cal().isTradingDay(QDate(2022, 1, 3)));
    // Juneteenth: first observed 2022 (Sunday -> Monday Jun 20); in 2021 Fri Jun 18 was a normal day.
    QCOMPARE(cal().holidayName(QDate(2022, 6, 20)).value_or(QString()),
             QStringLiteral("Juneteenth National Independence Day (observed)"));
    QVERIFY(cal().isTradingDay(QDate(2021, 6, 18)));
    QVERIFY(!cal().isHoliday(QDate(2021, 6, 18)));
    // Jan 1 2023 was a Sunday: observed Monday Jan 2.
    QVERIFY(cal().isHoliday(QDate(2023, 1, 2)));
    QCOMPARE(cal().holidayName(QDate(2023, 1, 2)).value_or(QString()), QStringLiteral("New Year's Day (observed)"));
    // 2021: Independence observed Mon Jul 5, Christmas observed Fri Dec 24 (no Christmas Eve early close).
    QVERIFY(cal().isHoliday(QDate(2021, 7, 5)));
    QVERIFY(cal().isHoliday(QDate(2021, 12, 24)));
    QCOMPARE(earlyCloses(2021), QList<QDate>{QDate(2021, 11, 26)});
  }

  void goodFriday_data() {
    QTest::addColumn<QDate>("goodFriday");
    QTest::newRow("2000") << QDate(2000, 4, 21);
    QTest::newRow("2008") << QDate(2008, 3, 21);
    QTest::newRow("2019") << QDate(2019, 4, 19);
    QTest::newRow("2024") << QDate(2024, 3, 29);
    QTest::newRow("2026") << QDate(2026, 4, 3);
    QTest::newRow("2035") << QDate(2035, 3, 23);
  }
  void goodFriday() {
    QFETCH(QDate, goodFriday);
    QVERIFY(cal().isHoliday(goodFriday));
    QCOMPARE(cal().holidayName(goodFriday).value_or(QString()), QStringLiteral("Good Friday"));
    QCOMPARE(NyseCalendar::easterSunday(goodFriday.year()), goodFriday.addDays(2));
    QVERIFY(cal().isTradingDay(goodFriday.addDays(-1)));
    QVERIFY(cal().isTradingDay(goodFriday.addDays(3)));
  }

  void tradingDayCounts_data() {
    QTest::addColumn<int>("year");
    QTest::addColumn<int>("count");
    QTest::newRow("2001 (Sept 11)") << 2001 << 248;
    QTest::newRow("2012 (Sandy)") << 2012 << 250;
    QTest::newRow("2018 (Bush)") << 2018 << 251;
    QTest::newRow("2019") << 2019 << 252;
    QTest::newRow("2020") << 2020 << 253;
    QTest::newRow("2021") << 2021 << 252;
    QTest::newRow("2022") << 2022 << 251;
    QTest::newRow("2023") << 2023 << 250;
    QTest::newRow("2024") << 2024 << 252;
    QTest::newRow("2025 (Carter)") << 2025 << 250;
    QTest::newRow("2026") << 2026 << 251;
  }
  void tradingDayCounts() {
    QFETCH(int, year);
    QFETCH(int, count);
    QCOMPARE(tradingDays(year), count);
    QCOMPARE(static_cast<int>(cal().sessions(QDate(year, 1, 1), QDate(year, 12, 31)).size()), count);
  }

  void oneOffClosures_data() {
    QTest::addColumn<QDate>("date");
    QTest::addColumn<QString>("nameContains");
    QTest::newRow("2001-09-11") << QDate(2001, 9, 11) << "September 11";
    QTest::newRow("2001-09-12") << QDate(2001, 9, 12) << "September 11";
    QTest::newRow("2001-09-13") << QDate(2001, 9, 13) << "September 11";
    QTest::newRow("2001-09-14") << QDate(2001, 9, 14) << "September 11";
    QTest::newRow("Reagan") << QDate(2004, 6, 11) << "Reagan";
    QTest::newRow("Ford") << QDate(2007, 1, 2) << "Ford";
    QTest::newRow("Sandy 1") << QDate(2012, 10, 29) << "Sandy";
    QTest::newRow("Sandy 2") << QDate(2012, 10, 30) << "Sandy";
    QTest::newRow("Bush") << QDate(2018, 12, 5) << "Bush";
    QTest::newRow("Carter") << QDate(2025, 1, 9) << "Carter";
  }
  void oneOffClosures() {
    QFETCH(QDate, date);
    QFETCH(QString, nameContains);
    QVERIFY(!cal().isTradingDay(date));
    QVERIFY(cal().isHoliday(date));
    QVERIFY(cal().holidayName(date).value_or(QString()).contains(nameContains));
  }

  void oneOffNeighbours() {
    QVERIFY(cal().isTradingDay(QDate(2001, 9, 10)));
    QVERIFY(cal().isTradingDay(QDate(2001, 9, 17)));
    QCOMPARE(cal().nextTradingDay(QDate(2001, 9, 10)), QDate(2001, 9, 17));
    QCOMPARE(cal().previousTradingDay(QDate(2001, 9, 17)), QDate(2001, 9, 10));
    QCOMPARE(cal().nextTradingDay(QDate(2012, 10, 26)), QDate(2012, 10, 31));
    QVERIFY(cal().isTradingDay(QDate(2018, 12, 4)));
    QVERIFY(cal().isTradingDay(QDate(2018, 12, 6)));
  }

  // ---- Early closes ------------------------------------------------------------------------------------------

  void julyAndHistoricalEarlyCloses_data() {
    QTest::addColumn<QDate>("date");
    QTest::addColumn<bool>("early");
    QTest::newRow("2017-07-03 Mon") << QDate(2017, 7, 3) << true;
    QTest::newRow("2018-07-03 Tue") << QDate(2018, 7, 3) << true;
    QTest::newRow("2019-07-03 Wed") << QDate(2019, 7, 3) << true;
    QTest::newRow("2024-07-03 Wed") << QDate(2024, 7, 3) << true;
    QTest::newRow("2014-07-03 Thu") << QDate(2014, 7, 3) << true;
    QTest::newRow("2020-07-02 Thu (Jul 3 holiday)") << QDate(2020, 7, 2) << false;
    QTest::newRow("2021-07-02 Fri (Jul 4 Sun)") << QDate(2021, 7, 2) << false;
    QTest::newRow("2022-07-01 Fri (Jul 4 Mon)") << QDate(2022, 7, 1) << false;
    QTest::newRow("2023-07-03 Mon") << QDate(2023, 7, 3) << true;
    QTest::newRow("2025-07-03 Thu") << QDate(2025, 7, 3) << true;
    // Before 2013 a Thursday July 4 gave the early close on Friday July 5, not on Wednesday July 3.
    QTest::newRow("2002-07-03 Wed") << QDate(2002, 7, 3) << false;
    QTest::newRow("2002-07-05 Fri") << QDate(2002, 7, 5) << true;
    QTest::newRow("2003-12-26 one-off") << QDate(2003, 12, 26) << true;
    QTest::newRow("2024-11-29 Black Friday") << QDate(2024, 11, 29) << true;
    QTest::newRow("2024-12-24 Tue") << QDate(2024, 12, 24) << true;
    QTest::newRow("2025-12-24 Wed") << QDate(2025, 12, 24) << true;
    QTest::newRow("2025-12-26 Fri") << QDate(2025, 12, 26) << false;
  }
  void julyAndHistoricalEarlyCloses() {
    QFETCH(QDate, date);
    QFETCH(bool, early);
    QVERIFY(cal().isTradingDay(date));
    QCOMPARE(cal().isEarlyClose(date), early);
    QCOMPARE(cal().session(date).value_or(Session{}).earlyClose, early);
  }

  void sessionTimes() {
    // Regular day in EDT: 09:30-16:00 ET = 13:30-20:00Z.
    const auto jul2 = cal().session(QDate(2026, 7, 2));
    QVERIFY(jul2.has_value());
    QCOMPARE(jul2->date, QDate(2026, 7, 2));
    QCOMPARE(jul2->open, utc(2026, 7, 2, 13, 30));
    QCOMPARE(jul2->close, utc(2026, 7, 2, 20, 0));
    QVERIFY(!jul2->earlyClose);
    // Early closes at 13:00 ET: EST -> 18:00Z, EDT -> 17:00Z.
    const auto bf = cal().session(QDate(2026, 11, 27));
    QVERIFY(bf.has_value());
    QCOMPARE(bf->open, utc(2026, 11, 27, 14, 30));
    QCOMPARE(bf->close, utc(2026, 11, 27, 18, 0));
    QVERIFY(bf->earlyClose);
    QCOMPARE(cal().session(QDate(2026, 12, 24)).value_or(Session{}).close, utc(2026, 12, 24, 18, 0));
    QCOMPARE(cal().session(QDate(2024, 7, 3)).value_or(Session{}).close, utc(2024, 7, 3, 17, 0));
    // DST weeks: Friday before spring-forward in EST, Monday after in EDT.
    QCOMPARE(cal().session(QDate(2026, 3, 6)).value_or(Session{}).open, utc(2026, 3, 6, 14, 30));
    QCOMPARE(cal().session(QDate(2026, 3, 9)).value_or(Session{}).open, utc(2026, 3, 9, 13, 30));
    QCOMPARE(cal().session(QDate(2026, 11, 2)).value_or(Session{}).open, utc(2026, 11, 2, 14, 30));
    // Weekend / holiday: none.
    QVERIFY(!cal().session(QDate(2026, 3, 7)).has_value());
    QVERIFY(!cal().session(QDate(2026, 4, 3)).has_value());
    QVERIFY(!cal().session(QDate()).has_value());
  }

  // ---- Instants ----------------------------------------------------------------------------------------------

  void isOpenBoundaries() {
    const Timestamp open = utc(2026, 3, 9, 13, 30);
    const Timestamp close = utc(2026, 3, 9, 20, 0);
    QVERIFY(!cal().isOpen(open - 1));
    QVERIFY(cal().isOpen(open));
    QVERIFY(cal().isOpen(utc(2026, 3, 9, 16, 0)));
    QVERIFY(cal().isOpen(close - 1));
    QVERIFY(!cal().isOpen(close));
    // Winter hours: 14:30Z is the open, 14:29:59 is not.
    QVERIFY(!cal().isOpen(utc(2026, 3, 6, 14, 29, 59)));
    QVERIFY(cal().isOpen(utc(2026, 3, 6, 14, 30)));
    QVERIFY(cal().isOpen(utc(2026, 3, 6, 20, 59, 59)));
    QVERIFY(!cal().isOpen(utc(2026, 3, 6, 21, 0)));
    // Weekend, holiday, early close.
    QVERIFY(!cal().isOpen(utc(2026, 3, 7, 15, 0)));
    QVERIFY(!cal().isOpen(utc(2026, 4, 3, 15, 0)));
    QVERIFY(cal().isOpen(utc(2026, 11, 27, 17, 59, 59)));
    QVERIFY(!cal().isOpen(utc(2026, 11, 27, 18, 0)));
    QVERIFY(!cal().isOpen(kInvalidTimestamp));
  }

  void nextOpenAndClose() {
    // Thursday 2026-04-02 at the close; Friday Apr 3 is Good Friday -> Monday Apr 6 09:30 EDT.
    const Timestamp thuClose = utc(2026, 4, 2, 20, 0);
    QCOMPARE(cal().nextOpen(thuClose), utc(2026, 4, 6, 13, 30));
    QCOMPARE(cal().nextClose(thuClose), utc(2026, 4, 6, 20, 0));
    QCOMPARE(cal().nextOpen(utc(2026, 4, 2, 23, 0)), utc(2026, 4, 6, 13, 30));
    // Saturday before the spring-forward weekend -> Monday open already in EDT.
    QCOMPARE(cal().nextOpen(utc(2026, 3, 7, 12, 0)), utc(2026, 3, 9, 13, 30));
    QCOMPARE(cal().nextClose(utc(2026, 3, 7, 12, 0)), utc(2026, 3, 9, 20, 0));
    // Before today's open -> today's open; exactly at / during the session -> tomorrow's open.
    QCOMPARE(cal().nextOpen(utc(2026, 3, 9, 12, 0)), utc(2026, 3, 9, 13, 30));
    QCOMPARE(cal().nextOpen(utc(2026, 3, 9, 13, 30) - 1), utc(2026, 3, 9, 13, 30));
    QCOMPARE(cal().nextOpen(utc(2026, 3, 9, 13, 30)), utc(2026, 3, 10, 13, 30));
    QCOMPARE(cal().nextOpen(utc(2026, 3, 9, 15, 0)), utc(2026, 3, 10, 13, 30));
    QCOMPARE(cal().nextClose(utc(2026, 3, 9, 13, 30)), utc(2026, 3, 9, 20, 0));
    QCOMPARE(cal().nextClose(utc(2026, 3, 9, 15, 0)), utc(2026, 3, 9, 20, 0));
    QCOMPARE(cal().nextClose(utc(2026, 3, 9, 20, 0)), utc(2026, 3, 10, 20, 0));
    // Christmas Eve early close, then Christmas (Fri) and the weekend.
    QCOMPARE(cal().nextClose(utc(2026, 12, 24, 17, 0)), utc(2026, 12, 24, 18, 0));
    QCOMPARE(cal().nextOpen(utc(2026, 12, 24, 18, 0)), utc(2026, 12, 28, 14, 30));
    // Across the year end: Jan 1 2027 is a Friday holiday.
    QCOMPARE(cal().nextOpen(utc(2026, 12, 31, 21, 0)), utc(2027, 1, 4, 14, 30));
    // Across the Sept 11 closure.
    QCOMPARE(cal().nextOpen(utc(2001, 9, 10, 21, 0)), utc(2001, 9, 17, 13, 30));
  }

  void sessionsRange() {
    // Good Friday week: Apr 1, 2, 6, 7, 8, 9, 10.
    const auto april = cal().sessions(QDate(2026, 4, 1), QDate(2026, 4, 10));
    QCOMPARE(april.size(), std::size_t{7});
    QCOMPARE(april.front().date, QDate(2026, 4, 1));
    QCOMPARE(april[2].date, QDate(2026, 4, 6));
    QCOMPARE(april.back().date, QDate(2026, 4, 10));
    // Thanksgiving week: Mon-Wed full, Thu closed, Fri early.
    const auto tg = cal().sessions(QDate(2026, 11, 23), QDate(2026, 11, 29));
    QCOMPARE(tg.size(), std::size_t{4});
    QVERIFY(tg.back().earlyClose);
    QCOMPARE(tg.back().date, QDate(2026, 11, 27));
    // Single day, holiday, reversed and invalid ranges.
    QCOMPARE(cal().sessions(QDate(2026, 3, 9), QDate(2026, 3, 9)).size(), std::size_t{1});
    QVERIFY(cal().sessions(QDate(2026, 4, 3), QDate(2026, 4, 3)).empty());
    QVERIFY(cal().sessions(QDate(2026, 4, 10), QDate(2026, 4, 1)).empty());
    QVERIFY(cal().sessions(QDate(), QDate(2026, 4, 1)).empty());
    // Crossing the start of the supported range: Dec 27-31 1999 (Christmas observed Fri Dec 24) + Jan 3-7 2000.
    const auto start = cal().sessions(QDate(1999, 12, 27), QDate(2000, 1, 7));
    QCOMPARE(start.size(), std::size_t{10});
    QCOMPARE(start[4].date, QDate(1999, 12, 31));
    QCOMPARE(start[5].date, QDate(2000, 1, 3));
    QCOMPARE(start[5].open, utc(2000, 1, 3, 14, 30));
    // Crossing the end: Dec 24 (early), 26, 27, 28, 31 2035; Jan 2, 3, 4 2036 (Jan 1 2036 is a Tuesday).
    const auto end = cal().sessions(QDate(2035, 12, 24), QDate(2036, 1, 4));
    QCOMPARE(end.size(), std::size_t{8});
    QVERIFY(end[0].earlyClose);
    QCOMPARE(end[4].date, QDate(2035, 12, 31));
    QCOMPARE(end[5].date, QDate(2036, 1, 2));
    QCOMPARE(end[5].open, utc(2036, 1, 2, 14, 30));
  }

  void wholeRangeConsistency() {
    const auto all = cal().sessions(QDate(2000, 1, 1), QDate(2035, 12, 31));
    QVERIFY(all.size() > 9000);
    for (std::size_t i = 0; i < all.size(); ++i) {
      const Session& s = all[i];
      QVERIFY(cal().isTradingDay(s.date));
      const Timestamp length = s.close - s.open;
      const Timestamp expected = (s.earlyClose ? 210 : 390) * Timestamp{60'000'000'000};
      QCOMPARE(length, expected);
      QVERIFY(cal().isOpen(s.open));
      QVERIFY(!cal().isOpen(s.close));
      if (i > 0) {
        QCOMPARE(cal().nextOpen(all[i - 1].open), s.open);
        QCOMPARE(cal().nextTradingDay(all[i - 1].date), s.date);
      }
    }
  }

  void nextPreviousTradingDay() {
    QCOMPARE(cal().nextTradingDay(QDate(2026, 4, 2)), QDate(2026, 4, 6));
    QCOMPARE(cal().previousTradingDay(QDate(2026, 4, 6)), QDate(2026, 4, 2));
    QCOMPARE(cal().previousTradingDay(QDate(2026, 1, 2)), QDate(2025, 12, 31));
    QCOMPARE(cal().nextTradingDay(QDate(2026, 12, 31)), QDate(2027, 1, 4));
    QCOMPARE(cal().nextTradingDay(QDate(2026, 3, 7)), QDate(2026, 3, 9));  // from a Saturday
    QVERIFY(!cal().nextTradingDay(QDate()).isValid());
    QVERIFY(!cal().previousTradingDay(QDate()).isValid());
  }

  // ---- Outside 2000-2035: still by rule, never crashing --------------------------------------------------------

  void outsideSupportedRange() {
    QVERIFY(!NyseCalendar::isSupported(QDate(1999, 12, 31)));
    QVERIFY(NyseCalendar::isSupported(QDate(2000, 1, 1)));
    QVERIFY(NyseCalendar::isSupported(QDate(2035, 12, 31)));
    QVERIFY(!NyseCalendar::isSupported(QDate(2036, 1, 1)));

    QVERIFY(cal().isTradingDay(QDate(1999, 12, 31)));          // Jan 1 2000 Saturday: not observed
    QVERIFY(cal().isOpen(utc(1999, 12, 31, 15, 0)));
    QCOMPARE(cal().nextOpen(utc(1999, 12, 31, 22, 0)), utc(2000, 1, 3, 14, 30));
    QVERIFY(cal().isTradingDay(QDate(1990, 1, 15)));           // MLK Day only from 1998
    QVERIFY(cal().isHoliday(QDate(2036, 7, 4)));               // Friday
    QVERIFY(cal().isEarlyClose(QDate(2040, 11, 23)));          // day after Thanksgiving (Nov 22 2040)
    QVERIFY(cal().isHoliday(QDate(2100, 3, 26)));              // Good Friday 2100 (Easter Mar 28)
    QCOMPARE(NyseCalendar::easterSunday(2100), QDate(2100, 3, 28));
    QCOMPARE(cal().nextOpen(utc(2035, 12, 31, 22, 0)), utc(2036, 1, 2, 14, 30));
    QCOMPARE(cal().nextClose(utc(2035, 12, 31, 22, 0)), utc(2036, 1, 2, 21, 0));
    QVERIFY(cal().isOpen(utc(2036, 1, 2, 15, 0)));
    QVERIFY(!cal().isOpen(utc(2036, 1, 1, 15, 0)));            // New Year's Day 2036

    // Beyond the Timestamp range: days still classify, sessions do not exist.
    QVERIFY(cal().isTradingDay(QDate(2300, 1, 2)));            // a Monday
    QVERIFY(!cal().session(QDate(2300, 1, 2)).has_value());
    QVERIFY(cal().sessions(QDate(2300, 1, 1), QDate(2300, 1, 31)).empty());
    QCOMPARE(cal().nextOpen(std::numeric_limits<Timestamp>::max()), kInvalidTimestamp);
    QCOMPARE(cal().nextClose(std::numeric_limits<Timestamp>::max()), kInvalidTimestamp);
    QVERIFY(!cal().isOpen(std::numeric_limits<Timestamp>::max()));
    QCOMPARE(cal().nextOpen(kInvalidTimestamp), kInvalidTimestamp);
    QVERIFY(cal().nextOpen(kInvalidTimestamp + 1) != kInvalidTimestamp);  // 1677: first representable open
    // Extreme dates do not crash.
    QVERIFY(cal().isHoliday(QDate(1, 1, 1)));                  // a Monday (proleptic Gregorian)
    QVERIFY(cal().nextTradingDay(QDate(-100, 1, 1)).isValid());
    QVERIFY(cal().previousTradingDay(QDate(9999, 12, 31)).isValid());
    QVERIFY(!cal().isTradingDay(QDate()));
    QVERIFY(!cal().isHoliday(QDate()));
    QVERIFY(!cal().holidayName(QDate()).has_value());
  }

  // ---- Performance / threads -------------------------------------------------------------------------------------

  void manyQueriesAgreeWithEachOther() {
    // 200k instants 37 min apart over 2020-2034: isOpen and nextOpen agree at every one (speed: `meridian-cli bench
    // calendar`, not a wall-clock bound here).
    const Timestamp start = utc(2020, 1, 1, 0, 0);
    const Timestamp step = Timestamp{37} * 60'000'000'000;
    int open = 0;
    Timestamp t = start;
    for (int i = 0; i < 200'000; ++i, t += step) {
      const bool isOpen = cal().isOpen(t);
      open += isOpen ? 1 : 0;
      const Timestamp next = cal().nextOpen(t);
      if (next <= t) QFAIL("nextOpen must be after t");
      if (!cal().isOpen(next)) QFAIL("nextOpen must be an open instant");
      // Nothing opens between t and nextOpen(t) when the market is closed at t.
      if (!isOpen && cal().isOpen(t + (next - t) / 2)) QFAIL("open between t and nextOpen(t)");
    }
    // At most 5 x 6.5 of 168 hours a week are open (19.3 %); about 250 sessions of 6.5 h a year are (18.6 %).
    QVERIFY2(open > 200'000 * 0.17 && open < 200'000 * 32.5 / 168.0, qPrintable(QString::number(open)));
  }

  void instanceIsThreadSafe() {
    std::vector<const NyseCalendar*> seen(4, nullptr);
    std::vector<int> counts(4, 0);
    std::vector<std::thread> threads;
    for (std::size_t i = 0; i < 4; ++i) {
      threads.emplace_back([i, &seen, &counts] {
        seen[i] = &NyseCalendar::instance();
        for (QDate d(2026, 1, 1); d.year() == 2026; d = d.addDays(1)) counts[i] += seen[i]->isTradingDay(d);
      });
    }
    for (auto& th : threads) th.join();
    for (std::size_t i = 0; i < 4; ++i) {
      QCOMPARE(seen[i], &NyseCalendar::instance());
      QCOMPARE(counts[i], 251);
    }
  }
};

QTEST_APPLESS_MAIN(tst_NyseCalendar)
#include "tst_NyseCalendar.moc"
