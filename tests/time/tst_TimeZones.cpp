// Unit tests for meridian::time::TimeZones.
// Expected instants are written out by hand (US DST 2026: starts Sun 2026-03-08 02:00 EST, ends Sun 2026-11-01
// 02:00 EDT; UK BST 2026 starts Sun 2026-03-29) and built with Qt's own UTC arithmetic, never with the code
// under test.
#include <QtTest>

#include <atomic>
#include <thread>
#include <vector>

#include "core/time/TimeZones.h"

using meridian::time::kInvalidTimestamp;
using meridian::time::Timestamp;
using meridian::time::TimeZones;

namespace {

constexpr Timestamp kNsPerMs = 1'000'000;

// UTC wall clock -> ns, via plain Qt (independent of TimeZones).
Timestamp utc(int y, int mo, int d, int h, int mi, int s = 0, int ms = 0) {
  return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), Qt::UTC).toMSecsSinceEpoch() * kNsPerMs;
}

}  // namespace

class tst_TimeZones : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void init() { TimeZones::resetDisplayTimeZone(); }
  void cleanup() { TimeZones::resetDisplayTimeZone(); }

  void helperSanity() {
    // Guards the test helper itself against a literal epoch value (date -u -d '2026-03-09 13:30' +%s).
    QCOMPARE(utc(2026, 3, 9, 13, 30), Timestamp{1'773'063'000} * 1'000'000'000);
  }

  void zoneIds() {
    QCOMPARE(TimeZones::exchangeTimeZone().id(), QByteArray("America/New_York"));
    QVERIFY(TimeZones::exchangeTimeZone().isValid());
    QCOMPARE(TimeZones::displayTimeZoneId(), QByteArray("America/Chicago"));
    QCOMPARE(TimeZones::displayTimeZone().id(), QByteArray("America/Chicago"));
    QVERIFY(TimeZones::isValidTimeZoneId("Europe/London"));
    QVERIFY(!TimeZones::isValidTimeZoneId("Mars/Olympus_Mons"));
    QVERIFY(!TimeZones::isValidTimeZoneId(""));
  }

  void utcConversions() {
    // 1'700'000'000.123456789 s = 2023-11-14T22:13:20.123456789Z; QDateTime keeps milliseconds.
    const Timestamp t = 1'700'000'000'123'456'789;
    const QDateTime dt = TimeZones::toUtcDateTime(t);
    QCOMPARE(dt.timeSpec(), Qt::UTC);
    QCOMPARE(dt.date(), QDate(2023, 11, 14));
    QCOMPARE(dt.time(), QTime(22, 13, 20, 123));
    QCOMPARE(TimeZones::fromQDateTime(dt), Timestamp{1'700'000'000'123'000'000});

    // Negative values floor toward minus infinity: -1 ns is 1969-12-31T23:59:59.999Z, not 1970-01-01T00:00Z.
    const QDateTime minus1 = TimeZones::toUtcDateTime(-1);
    QCOMPARE(minus1.date(), QDate(1969, 12, 31));
    QCOMPARE(minus1.time(), QTime(23, 59, 59, 999));
    QCOMPARE(TimeZones::fromQDateTime(minus1), Timestamp{-1'000'000});

    // fromQDateTime accepts any zone/spec.
    const QDateTime et(QDate(2026, 3, 9), QTime(9, 30), QTimeZone("America/New_York"));
    QCOMPARE(TimeZones::fromQDateTime(et), utc(2026, 3, 9, 13, 30));
    const QDateTime offset(QDate(2026, 3, 9), QTime(15, 30), Qt::OffsetFromUTC, 2 * 3600);
    QCOMPARE(TimeZones::fromQDateTime(offset), utc(2026, 3, 9, 13, 30));
  }

  void openAcrossDst_data() {
    QTest::addColumn<QDate>("date");
    QTest::addColumn<QTime>("etTime");
    QTest::addColumn<Timestamp>("expected");
    QTest::newRow("Fri 2026-03-06 EST") << QDate(2026, 3, 6) << QTime(9, 30) << utc(2026, 3, 6, 14, 30);
    QTest::newRow("Sun 2026-03-08 spring forward") << QDate(2026, 3, 8) << QTime(9, 30) << utc(2026, 3, 8, 13, 30);
    QTest::newRow("Mon 2026-03-09 EDT") << QDate(2026, 3, 9) << QTime(9, 30) << utc(2026, 3, 9, 13, 30);
    QTest::newRow("Fri 2026-10-30 EDT") << QDate(2026, 10, 30) << QTime(9, 30) << utc(2026, 10, 30, 13, 30);
    QTest::newRow("Sun 2026-11-01 fall back") << QDate(2026, 11, 1) << QTime(9, 30) << utc(2026, 11, 1, 14, 30);
    QTest::newRow("Mon 2026-11-02 EST") << QDate(2026, 11, 2) << QTime(9, 30) << utc(2026, 11, 2, 14, 30);
    QTest::newRow("close 2026-07-15 EDT") << QDate(2026, 7, 15) << QTime(16, 0) << utc(2026, 7, 15, 20, 0);
    QTest::newRow("close 2026-01-15 EST") << QDate(2026, 1, 15) << QTime(16, 0) << utc(2026, 1, 15, 21, 0);
    QTest::newRow("early close 2026-11-27") << QDate(2026, 11, 27) << QTime(13, 0) << utc(2026, 11, 27, 18, 0);
    // Pre-2007 US rules (DST from the 1st Sunday of April): 2006-04-03 is EDT, 2006-03-13 still EST.
    QTest::newRow("2006-03-13 EST (old rules)") << QDate(2006, 3, 13) << QTime(9, 30) << utc(2006, 3, 13, 14, 30);
    QTest::newRow("2006-04-03 EDT (old rules)") << QDate(2006, 4, 3) << QTime(9, 30) << utc(2006, 4, 3, 13, 30);
  }
  void openAcrossDst() {
    QFETCH(QDate, date);
    QFETCH(QTime, etTime);
    QFETCH(Timestamp, expected);
    QCOMPARE(TimeZones::fromExchange(date, etTime), expected);
    const QDateTime back = TimeZones::toExchange(expected);
    QCOMPARE(back.date(), date);
    QCOMPARE(back.time(), etTime);
  }

  void exchangeOffsets() {
    const QDateTime summer = TimeZones::toExchange(utc(2026, 3, 9, 13, 30));
    QCOMPARE(summer.time(), QTime(9, 30));
    QCOMPARE(summer.offsetFromUtc(), -4 * 3600);
    const QDateTime winter = TimeZones::toExchange(utc(2026, 3, 6, 14, 30));
    QCOMPARE(winter.time(), QTime(9, 30));
    QCOMPARE(winter.offsetFromUtc(), -5 * 3600);
    QCOMPARE(winter.timeZone().id(), QByteArray("America/New_York"));
  }

  void springForwardGap() {
    // 2026-03-08 02:00-02:59 ET does not exist. Documented: shift forward by the gap (pre-transition offset).
    QCOMPARE(TimeZones::fromExchange(QDate(2026, 3, 8), QTime(1, 59)), utc(2026, 3, 8, 6, 59));  // EST
    QCOMPARE(TimeZones::fromExchange(QDate(2026, 3, 8), QTime(2, 0)), utc(2026, 3, 8, 7, 0));
    QCOMPARE(TimeZones::fromExchange(QDate(2026, 3, 8), QTime(2, 30)), utc(2026, 3, 8, 7, 30));
    QCOMPARE(TimeZones::fromExchange(QDate(2026, 3, 8), QTime(2, 30)),
             TimeZones::fromExchange(QDate(2026, 3, 8), QTime(3, 30)));
    QCOMPARE(TimeZones::fromExchange(QDate(2026, 3, 8), QTime(3, 0)), utc(2026, 3, 8, 7, 0));  // EDT
    const QDateTime shown = TimeZones::toExchange(utc(2026, 3, 8, 7, 30));
    QCOMPARE(shown.time(), QTime(3, 30));
    QCOMPARE(shown.offsetFromUtc(), -4 * 3600);
  }

  void fallBackOverlap() {
    // 2026-11-01 01:00-01:59 ET happens twice (EDT then EST). Documented: the first occurrence (EDT).
    QCOMPARE(TimeZones::fromExchange(QDate(2026, 11, 1), QTime(0, 59)), utc(2026, 11, 1, 4, 59));
    QCOMPARE(TimeZones::fromExchange(QDate(2026, 11, 1), QTime(1, 0)), utc(2026, 11, 1, 5, 0));
    QCOMPARE(TimeZones::fromExchange(QDate(2026, 11, 1), QTime(1, 30)), utc(2026, 11, 1, 5, 30));
    QCOMPARE(TimeZones::fromExchange(QDate(2026, 11, 1), QTime(2, 0)), utc(2026, 11, 1, 7, 0));  // EST
    // Both UTC instants display as 01:30 ET.
    QCOMPARE(TimeZones::toExchange(utc(2026, 11, 1, 5, 30)).time(), QTime(1, 30));
    QCOMPARE(TimeZones::toExchange(utc(2026, 11, 1, 6, 30)).time(), QTime(1, 30));
    QCOMPARE(TimeZones::toExchange(utc(2026, 11, 1, 6, 30)).offsetFromUtc(), -5 * 3600);
  }

  void roundTrips() {
    // Every 37 minutes + 1 ms through 2026: UTC -> ET QDateTime -> UTC is exact for whole milliseconds;
    // UTC -> ET wall clock -> UTC is exact except for the second pass through the fall-back hour, which maps to
    // the first occurrence (one hour earlier), as documented.
    const Timestamp step = (37 * 60 * 1000 + 1) * kNsPerMs;
    int checked = 0;
    int ambiguous = 0;
    for (Timestamp t = utc(2026, 1, 1, 0, 0); t < utc(2027, 1, 1, 0, 0); t += step) {
      const QDateTime et = TimeZones::toExchange(t);
      QCOMPARE(TimeZones::fromQDateTime(et), t);
      const bool secondPass = t >= utc(2026, 11, 1, 6, 0) && t < utc(2026, 11, 1, 7, 0);
      const Timestamp expected = secondPass ? t - Timestamp{3600} * 1'000'000'000 : t;
      QCOMPARE(TimeZones::fromExchange(et.date(), et.time()), expected);
      ++checked;
      ambiguous += secondPass ? 1 : 0;
    }
    QVERIFY(checked > 14000);
    QVERIFY(ambiguous >= 1);  // the grid does pass through the repeated hour
    // Sub-millisecond digits are dropped (floored) by the QDateTime round trip.
    const Timestamp withNanos = utc(2026, 6, 1, 12, 0) + 999'999;
    QCOMPARE(TimeZones::fromQDateTime(TimeZones::toExchange(withNanos)), utc(2026, 6, 1, 12, 0));
  }

  void exchangeDate() {
    QCOMPARE(TimeZones::exchangeDate(utc(2026, 3, 10, 3, 59)), QDate(2026, 3, 9));  // 23:59 EDT
    QCOMPARE(TimeZones::exchangeDate(utc(2026, 3, 10, 4, 0)), QDate(2026, 3, 10));  // 00:00 EDT
    QCOMPARE(TimeZones::exchangeDate(utc(2026, 1, 6, 4, 59)), QDate(2026, 1, 5));   // 23:59 EST
    QCOMPARE(TimeZones::exchangeDate(utc(2026, 1, 6, 5, 0)), QDate(2026, 1, 6));    // 00:00 EST
    QVERIFY(!TimeZones::exchangeDate(kInvalidTimestamp).isValid());
  }

  void exchangeDateText() {
    // The text form backtest JSON and the backtest tables show: ISO date, zero-padded, empty when invalid.
    QCOMPARE(TimeZones::exchangeDateText(utc(2026, 3, 10, 3, 59)), QStringLiteral("2026-03-09"));  // 23:59 EDT
    QCOMPARE(TimeZones::exchangeDateText(utc(2026, 1, 6, 5, 0)), QStringLiteral("2026-01-06"));    // 00:00 EST
    QCOMPARE(TimeZones::exchangeDateText(0), QStringLiteral("1969-12-31"));                      // 19:00 EST
    QVERIFY(TimeZones::exchangeDateText(kInvalidTimestamp).isEmpty());
  }

  void displayChicago() {
    // The 09:30 ET open is 08:30 in Chicago, winter and summer alike.
    QCOMPARE(TimeZones::toDisplay(utc(2026, 3, 9, 13, 30)).time(), QTime(8, 30));
    QCOMPARE(TimeZones::toDisplay(utc(2026, 1, 5, 14, 30)).time(), QTime(8, 30));
    QCOMPARE(TimeZones::formatDisplay(utc(2026, 3, 9, 13, 30), QStringLiteral("HH:mm")), QStringLiteral("08:30"));
    QCOMPARE(TimeZones::formatDisplay(utc(2026, 3, 9, 13, 30, 5, 42)),
             QStringLiteral("2026-03-09 08:30:05"));
    QCOMPARE(TimeZones::formatDisplay(utc(2026, 3, 9, 13, 30, 5, 42), QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")),
             QStringLiteral("2026-03-09 08:30:05.042"));
    QCOMPARE(TimeZones::formatExchange(utc(2026, 3, 9, 13, 30)), QStringLiteral("2026-03-09 09:30:00"));
    QCOMPARE(TimeZones::fromDisplay(QDate(2026, 3, 9), QTime(8, 30)), utc(2026, 3, 9, 13, 30));
    QVERIFY(TimeZones::formatDisplay(kInvalidTimestamp).isEmpty());
  }

  void displayLondon() {
    QVERIFY(TimeZones::setDisplayTimeZone("Europe/London"));
    QCOMPARE(TimeZones::displayTimeZoneId(), QByteArray("Europe/London"));
    // 2026-03-09: New York already on EDT, London still on GMT -> the open shows 13:30.
    QCOMPARE(TimeZones::toDisplay(utc(2026, 3, 9, 13, 30)).time(), QTime(13, 30));
    // 2026-04-06: both on summer time -> 14:30.
    QCOMPARE(TimeZones::toDisplay(utc(2026, 4, 6, 13, 30)).time(), QTime(14, 30));
    QCOMPARE(TimeZones::fromDisplay(QDate(2026, 4, 6), QTime(14, 30)), utc(2026, 4, 6, 13, 30));
    // The exchange zone is unaffected.
    QCOMPARE(TimeZones::toExchange(utc(2026, 4, 6, 13, 30)).time(), QTime(9, 30));
    TimeZones::resetDisplayTimeZone();
    QCOMPARE(TimeZones::displayTimeZoneId(), QByteArray("America/Chicago"));
  }

  void invalidDisplayZoneKeepsOld() {
    QVERIFY(TimeZones::setDisplayTimeZone("Europe/London"));
    QVERIFY(!TimeZones::setDisplayTimeZone("Mars/Olympus_Mons"));
    QVERIFY(!TimeZones::setDisplayTimeZone("America/New_Yrok"));
    QVERIFY(!TimeZones::setDisplayTimeZone(""));
    QCOMPARE(TimeZones::displayTimeZoneId(), QByteArray("Europe/London"));
    QCOMPARE(TimeZones::toDisplay(utc(2026, 4, 6, 13, 30)).time(), QTime(14, 30));
  }

  void invalidInputs() {
    QCOMPARE(TimeZones::fromExchange(QDate(), QTime(9, 30)), kInvalidTimestamp);
    QCOMPARE(TimeZones::fromExchange(QDate(2026, 3, 9), QTime()), kInvalidTimestamp);
    QCOMPARE(TimeZones::fromQDateTime(QDateTime()), kInvalidTimestamp);
    QCOMPARE(TimeZones::fromZone(QDate(2026, 3, 9), QTime(9, 30), QTimeZone()), kInvalidTimestamp);
    QVERIFY(!TimeZones::toExchange(kInvalidTimestamp).isValid());
    QVERIFY(!TimeZones::toUtcDateTime(kInvalidTimestamp).isValid());
    // int64 nanoseconds end at 2262-04-11T23:47:16Z.
    QCOMPARE(TimeZones::fromExchange(QDate(2300, 1, 2), QTime(9, 30)), kInvalidTimestamp);
    QCOMPARE(TimeZones::fromExchange(QDate(1600, 1, 3), QTime(9, 30)), kInvalidTimestamp);
    QCOMPARE(TimeZones::fromExchange(QDate(2262, 1, 3), QTime(9, 30)), utc(2262, 1, 3, 14, 30));
    QCOMPARE(TimeZones::fromQDateTime(QDateTime(QDate(2300, 1, 1), QTime(0, 0), Qt::UTC)), kInvalidTimestamp);
    // Extreme but valid Timestamps convert without overflow.
    QVERIFY(TimeZones::toExchange(std::numeric_limits<Timestamp>::max()).isValid());
    QCOMPARE(TimeZones::toUtcDateTime(std::numeric_limits<Timestamp>::max()).date(), QDate(2262, 4, 11));
  }

  void concurrentDisplayChanges() {
    // Writers flip the display zone while readers convert; every read must be Chicago (08:30) or London (14:30).
    const Timestamp t = utc(2026, 1, 5, 14, 30);
    std::atomic<int> bad{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < 2; ++w) {
      threads.emplace_back([w] {
        for (int i = 0; i < 2000; ++i) {
          TimeZones::setDisplayTimeZone((i + w) % 2 ? "Europe/London" : "America/Chicago");
          TimeZones::setDisplayTimeZone("Invalid/Zone");
        }
      });
    }
    for (int r = 0; r < 2; ++r) {
      threads.emplace_back([&bad, t] {
        for (int i = 0; i < 5000; ++i) {
          const QTime shown = TimeZones::toDisplay(t).time();
          if (shown != QTime(8, 30) && shown != QTime(14, 30)) bad.fetch_add(1);
          const QByteArray id = TimeZones::displayTimeZoneId();
          if (id != "Europe/London" && id != "America/Chicago") bad.fetch_add(1);
        }
      });
    }
    for (auto& th : threads) th.join();
    QCOMPARE(bad.load(), 0);
  }
};

QTEST_APPLESS_MAIN(tst_TimeZones)
#include "tst_TimeZones.moc"
