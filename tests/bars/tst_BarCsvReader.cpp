// THE bar CSV reader (core/bars/BarCsvReader.h): every rule of issue "data you can trust" as a case, and the fast
// wall-clock conversion (time::LocalTimeResolver) against TimeZones::fromZone.
#include "core/bars/BarCsvReader.h"
#include "core/time/CivilTime.h"
#include "core/time/TimeZones.h"

#include <fmt/format.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QRandomGenerator>
#include <QtTest>

#include <charconv>
#include <cstdio>
#include <cstring>
#include <memory>
#include <map>
#include <cmath>

using namespace meridian;
using namespace meridian::bars;

namespace {

const std::string kHeader = "Date,Open,High,Low,Close,Adj Close,Volume\n";

domain::Timestamp utc(int y, int m, int d, int hh, int mm, int ss = 0) {
  return QDateTime(QDate(y, m, d), QTime(hh, mm, ss), Qt::UTC).toMSecsSinceEpoch() * domain::kNanosPerMilli;
}

Result<BarCsv> read(const std::string& text, const CsvReadOptions& o = {}) { return readBarCsv(text, o, "t.csv"); }

std::string errorOf(const Result<BarCsv>& r) { return r.ok() ? std::string("(ok)") : r.error().message; }

CsvReadOptions mapped() {
  CsvReadOptions o;
  o.layout = CsvReadOptions::Layout::Mapped;
  o.columns = CsvColumns{"ts", "", "o", "h", "l", "c", "", "v", "", ""};
  return o;
}

}  // namespace

class tst_BarCsvReader : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void readsAValidFile() {
    auto r = read(kHeader + "2024-01-02,10,11,9,10.5,10.4,1000\n\n2024-01-03,10.5,12,10,11,10.9,2000\n");
    QVERIFY2(r.ok(), errorOf(r).c_str());
    QCOMPARE(r->bars.size(), std::size_t(2));
    QCOMPARE(r->bars[0].ts, utc(2024, 1, 2, 14, 30));  // 09:30 EST
    QCOMPARE(r->bars[1].close, 11.0);
    QCOMPARE(r->bars[1].volume, 2000.0);
    QCOMPARE(r->lines, (std::vector<std::size_t>{2, 4}));
    QVERIFY(r->timeframe == domain::Timeframe::Day1);
    QCOMPARE(r->header.size(), std::size_t(7));
  }

  // The timeframe of an intraday file is its smallest row spacing: 5 min -> 5m, 15 min -> 15m, >= 1 h -> 1h, any
  // other spacing -> 1m. Two sessions (2024-07-02 and the 13:00 early close of 2024-07-03), New York wall times.
  void detectsTheTimeframe_data() {
    QTest::addColumn<int>("minutes");
    QTest::addColumn<int>("expected");
    QTest::newRow("1m") << 1 << int(domain::Timeframe::Minute1);
    QTest::newRow("5m") << 5 << int(domain::Timeframe::Minute5);
    QTest::newRow("15m") << 15 << int(domain::Timeframe::Minute15);
    QTest::newRow("10m is 1m") << 10 << int(domain::Timeframe::Minute1);
    QTest::newRow("30m is 1m") << 30 << int(domain::Timeframe::Minute1);
    QTest::newRow("1h") << 60 << int(domain::Timeframe::Hour1);
  }
  void detectsTheTimeframe() {
    QFETCH(int, minutes);
    QFETCH(int, expected);
    std::string text = kHeader;
    std::size_t rows = 0;
    for (const auto& [day, closeMinute] : {std::pair{2, 16 * 60}, std::pair{3, 13 * 60}})
      for (int m = 9 * 60 + 30; m < closeMinute; m += minutes, ++rows)
        text += fmt::format("2024-07-0{} {:02}:{:02},10,11,9,10.5,10.5,{}\n", day, m / 60, m % 60, 100 + rows);
    auto r = read(text);
    QVERIFY2(r.ok(), errorOf(r).c_str());
    QCOMPARE(r->bars.size(), rows);
    QCOMPARE(int(r->timeframe), expected);
    QCOMPARE(r->bars.front().ts, utc(2024, 7, 2, 13, 30));
    QCOMPARE(r->bars[1].ts - r->bars[0].ts, minutes * domain::kNanosPerMinute);
    // One gap wider than the spacing (a missing bar) does not change it.
    if (minutes == 5 || minutes == 15) {
      const auto cut = text.find("2024-07-02 10:");
      const auto next = text.find('\n', cut);
      auto r2 = read(text.substr(0, cut) + text.substr(next + 1));
      QVERIFY2(r2.ok(), errorOf(r2).c_str());
      QCOMPARE(int(r2->timeframe), expected);
    }
  }

  // Every rejected input: the message names the file, the line, the column (where there is one) and the reason.
  void rejectsWithFileLineColumnAndReason_data() {
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("header only") << "" << "t.csv: no data rows (only a header)";
    QTest::newRow("fields") << "2024-01-02,1,2,0.5,1.5,1.5\n" << "t.csv:2: 6 fields, the header has 7";
    QTest::newRow("not a number") << "2024-01-02,1,2x,0.5,1.5,1.5,10\n" << "t.csv:2: column 3 (High): '2x' is not a number";
    QTest::newRow("nan") << "2024-01-02,nan,2,0.5,1.5,1.5,10\n" << "t.csv:2: column 2 (Open): 'nan' is not a finite number";
    QTest::newRow("inf") << "2024-01-02,1,inf,0.5,1.5,1.5,10\n" << "t.csv:2: column 3 (High): 'inf' is not a finite number";
    QTest::newRow("huge") << "2024-01-02,1e308,1e308,1e308,1e308,1e308,10\n"
                          << "t.csv:2: column 2 (Open): 1e+308 is above the sanity bound for a price (1e+09)";
    QTest::newRow("zero") << "2024-01-02,1,2,0,1.5,1.5,10\n" << "t.csv:2: column 4 (Low): 0 is not a positive price";
    QTest::newRow("negative") << "2024-01-02,-1,2,0.5,1.5,1.5,10\n" << "t.csv:2: column 2 (Open): -1 is not a positive price";
    QTest::newRow("high") << "2024-01-02,1,1.4,0.5,1.5,1.5,10\n"
                          << "t.csv:2: column 3 (High): high 1.4 is below max(open 1, close 1.5)";
    QTest::newRow("low") << "2024-01-02,1,2,1.2,1.5,1.5,10\n"
                         << "t.csv:2: column 4 (Low): low 1.2 is above min(open 1, close 1.5)";
    QTest::newRow("volume") << "2024-01-02,1,2,0.5,1.5,1.5,1e20\n"
                            << "t.csv:2: column 7 (Volume): volume 1e+20 is outside 0 .. 1e+15";
    QTest::newRow("date") << "2024-02-30,1,2,0.5,1.5,1.5,10\n" << "t.csv:2: column 1 (Date): '2024-02-30' is not a date";
    QTest::newRow("after 2262") << "2263-01-02,1,2,0.5,1.5,1.5,10\n"
                                << "t.csv:2: column 1 (Date): '2263-01-02' is outside the representable range";
    QTest::newRow("2262-04-12") << "2262-04-12,1,2,0.5,1.5,1.5,10\n"
                                << "t.csv:2: column 1 (Date): '2262-04-12' is outside the representable range";
    QTest::newRow("before 1677") << "1677-09-20,1,2,0.5,1.5,1.5,10\n"
                                 << "t.csv:2: column 1 (Date): '1677-09-20' is outside the representable range";
    QTest::newRow("date-time after 2262") << "2262-04-11 23:50,1,2,0.5,1.5,1.5,10\n"
                                          << "t.csv:2: column 1 (Date): '2262-04-11 23:50' is outside the "
                                             "representable range";
    QTest::newRow("epoch after 2262") << "9999999999,1,2,0.5,1.5,1.5,10\n"
                                      << "t.csv:2: column 1 (Date): '9999999999' is outside the representable range";
    QTest::newRow("digits beyond int64") << "99999999999999999999999,1,2,0.5,1.5,1.5,10\n"
                                         << "t.csv:2: column 1 (Date): '99999999999999999999999' is not a date";
    QTest::newRow("duplicate") << "2024-01-02,1,2,0.5,1.5,1.5,10\n2024-01-03,1,2,0.5,1.5,1.5,10\n"
                                  "2024-01-03,1,2,0.5,1.6,1.6,10\n"
                               << "t.csv:4: column 1 (Date): '2024-01-03' repeats the time of line 3";
    QTest::newRow("out of order") << "2024-01-03,1,2,0.5,1.5,1.5,10\n2024-01-02,1,2,0.5,1.5,1.5,10\n"
                                  << "t.csv:3: column 1 (Date): '2024-01-02' is before the previous row's time "
                                     "(line 2)";
    QTest::newRow("partial null") << "2024-01-02,null,2,0.5,1.5,1.5,10\n"
                                  << "t.csv:2: column 2 (Open): 'null' is not a number";
    QTest::newRow("all null") << "2024-01-02,null,null,null,null,null,null\n"
                              << "t.csv: no bars: all 1 data rows are 'null'";
    QTest::newRow("unclosed quote") << "\"2024-01-02,1,2,0.5,1.5,1.5,10\n" << "t.csv:2: a quoted field is not closed";
  }
  void rejectsWithFileLineColumnAndReason() {
    QFETCH(QString, body);
    QFETCH(QString, message);
    auto r = read(kHeader + body.toStdString());
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, std::string(kCsvParse));
    QVERIFY2(QString::fromStdString(r.error().message).startsWith(message), r.error().message.c_str());
  }

  void headerProblems() {
    auto empty = read("");
    QCOMPARE(errorOf(empty), std::string("t.csv: empty file (no header)"));
    auto blank = read("\n\n");
    QCOMPARE(errorOf(blank), std::string("t.csv: empty file (no header)"));
    auto noClose = read("Date,Open,High,Low,Volume\n2024-01-02,1,2,0.5,10\n");
    QCOMPARE(errorOf(noClose),
             std::string("t.csv:1: no column for 'close' in header [Date,Open,High,Low,Volume]"));
    CsvReadOptions adj;
    adj.adjust = true;
    auto noAdj = read("Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,10\n", adj);
    QVERIFY(errorOf(noAdj).find("no adjusted-close column") != std::string::npos);
  }

  // Lenient only when asked: sort, keep the last of a duplicated time.
  void sortAndDedupeOnRequest() {
    const std::string body = kHeader +
                             "2024-01-03,1,2,0.5,1.5,1.5,30\n"
                             "2024-01-02,1,2,0.5,1.5,1.5,20\n"
                             "2024-01-03,1,2,0.5,1.5,1.5,31\n";
    CsvReadOptions o;
    o.sort = true;
    auto sortedOnly = read(body, o);  // sorted, but the duplicate is still an error
    QVERIFY(!sortedOnly.ok());
    QVERIFY2(errorOf(sortedOnly).find("t.csv:4: column 1 (Date): repeats the time of line 2") == 0,
             errorOf(sortedOnly).c_str());
    o.dedupeLast = true;
    auto r = read(body, o);
    QVERIFY2(r.ok(), errorOf(r).c_str());
    QCOMPARE(r->bars.size(), std::size_t(2));
    QCOMPARE(r->bars[0].volume, 20.0);
    QCOMPARE(r->bars[1].volume, 31.0);  // the last row of 2024-01-03 in file order
    QCOMPARE(r->lines, (std::vector<std::size_t>{3, 4}));
    QCOMPARE(r->droppedDuplicates, std::size_t(1));
    QVERIFY(r->sortedRows > 0);

    CsvReadOptions dedupe;
    dedupe.dedupeLast = true;
    auto inOrder = read(kHeader + "2024-01-02,1,2,0.5,1.5,1.5,20\n2024-01-02,1,2,0.5,1.5,1.5,21\n", dedupe);
    QVERIFY2(inOrder.ok(), errorOf(inOrder).c_str());
    QCOMPARE(inOrder->bars.size(), std::size_t(1));
    QCOMPARE(inOrder->bars[0].volume, 21.0);
    QVERIFY(!read(body, dedupe).ok());  // out of order without sort
  }

  // The screener's mode: bad rows are listed (line, column, reason) and skipped; good rows are kept.
  void skipBadRowsListsThem() {
    CsvReadOptions o;
    o.skipBadRows = true;
    auto r = read(kHeader + "2024-01-02,1,2,0.5,1.5,1.5,20\n2024-01-03,1,x,0.5,1.5,1.5,20\n"
                            "2024-01-04,1,2,0.5,1.5,1.5,20\n2024-01-04,1,2,0.5,1.5,1.5,20\n",
                  o);
    QVERIFY2(r.ok(), errorOf(r).c_str());
    QCOMPARE(r->bars.size(), std::size_t(2));
    QCOMPARE(r->badRows, std::size_t(2));
    QCOMPARE(r->rowErrors.size(), std::size_t(2));
    QCOMPARE(r->rowErrors[0].line, std::size_t(3));
    QCOMPARE(r->rowErrors[0].column, 3);
    QCOMPARE(r->rowErrors[0].columnName, std::string("High"));
    QCOMPARE(r->rowErrors[0].describe("t.csv"), std::string("t.csv:3: column 3 (High): 'x' is not a number"));
    QCOMPARE(r->rowErrors[1].line, std::size_t(5));
  }

  // Memory per line is bounded: an over-long line fails once the limit is passed, whatever the line's length.
  void overLongLineFails() {
    std::string text = kHeader + "2024-01-02,1,2,0.5,1.5,1.5,20\n" + std::string(200 * 1024, '9') + "\n";
    auto r = read(text);
    QCOMPARE(errorOf(r), std::string("t.csv:3: line is longer than 65536 bytes (the limit; is this a bar CSV?)"));
    CsvReadOptions o;
    o.maxLineBytes = 100;
    std::string open = kHeader + "\"";  // a quote never closed: the record runs on over short lines
    for (int i = 0; i < 50; ++i) open += "xxxxxxxxxx\n";
    auto quoted = read(open, o);
    QVERIFY2(errorOf(quoted).find("t.csv:2: record is longer than 100 bytes") == 0, errorOf(quoted).c_str());
  }

  void namesTheEncoding_data() {
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("message");
    QTest::newRow("utf-16 le") << QByteArray("\xFF\xFE" "D\0a\0", 6) << "t.csv: is UTF-16 LE (byte-order mark FF FE)";
    QTest::newRow("utf-16 be") << QByteArray("\xFE\xFF\0D\0a", 6) << "t.csv: is UTF-16 BE (byte-order mark FE FF)";
    QTest::newRow("utf-32 le") << QByteArray("\xFF\xFE\0\0D\0\0\0", 8)
                               << "t.csv: is UTF-32 LE (byte-order mark FF FE 00 00)";
    QTest::newRow("utf-32 be") << QByteArray("\0\0\xFE\xFF\0\0\0D", 8)
                               << "t.csv: is UTF-32 BE (byte-order mark 00 00 FE FF)";
    QTest::newRow("no bom") << QByteArray("D\0a\0t\0e\0", 8) << "t.csv: contains NUL bytes";
  }
  void namesTheEncoding() {
    QFETCH(QByteArray, content);
    QFETCH(QString, message);
    auto r = readBarCsv(std::string_view(content.constData(), std::size_t(content.size())), {}, "t.csv");
    QVERIFY2(QString::fromStdString(errorOf(r)).startsWith(message), errorOf(r).c_str());
    // A real UTF-16 file of a valid CSV says the same.
    const QString csv = QString::fromStdString(kHeader + "2024-01-02,1,2,0.5,1.5,1.5,20\n");
    QByteArray utf16("\xFF\xFE", 2);
    utf16.append(reinterpret_cast<const char*>(csv.utf16()), csv.size() * 2);
    QVERIFY(errorOf(readBarCsv(std::string_view(utf16.constData(), std::size_t(utf16.size())), {}, "t.csv"))
                .find("UTF-16 LE") != std::string::npos);
    // A UTF-8 BOM is fine.
    QVERIFY(read("\xEF\xBB\xBF" + kHeader + "2024-01-02,1,2,0.5,1.5,1.5,20\n").ok());
  }

  void filesDirectoriesAndMissingFiles() {
    QTemporaryDir dir;
    auto d = readBarCsvFile(dir.path().toStdString());
    QCOMPARE(d.error().code, std::string(kCsvOpen));
    QCOMPARE(d.error().message, "'" + dir.path().toStdString() + "' is a directory, not a CSV file");
    auto missing = readBarCsvFile(dir.path().toStdString() + "/none.csv");
    QCOMPARE(missing.error().code, std::string(kCsvOpen));
    QVERIFY(missing.error().message.find("no such file") != std::string::npos);
    const QString path = dir.filePath("x.csv");
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray::fromStdString(kHeader + "2024-01-02,1,2,0.5,1.5,1.5,20\n"));
    f.close();
    auto ok = readBarCsvFile(path.toStdString());
    QVERIFY2(ok.ok(), errorOf(ok).c_str());
    QCOMPARE(ok->bars.size(), std::size_t(1));
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(QByteArray::fromStdString(kHeader));
    f.close();
    QCOMPARE(errorOf(readBarCsvFile(path.toStdString())), path.toStdString() + ": no data rows (only a header)");
  }

  void dateTimesAndZones() {
    CsvReadOptions o = mapped();
    auto r = readBarCsv("ts,o,h,l,c,v\n"
                        "2024-07-01 09:30,1,2,0.5,1.5,10\n"
                        "2024-07-01T09:31:00Z,1,2,0.5,1.5,10\n"
                        "2024-07-01T09:32:00.250+02:00,1,2,0.5,1.5,10\n"
                        "2024-07-01 09:33:00-0400,1,2,0.5,1.5,10\n",
                        o, "m.csv");
    QVERIFY(!r.ok());  // 09:31Z and 09:32+02:00 lie before 09:30 EDT: out of order
    r = readBarCsv("ts,o,h,l,c,v\n"
                   "2024-07-01T07:32:00.250+02:00,1,2,0.5,1.5,10\n"
                   "2024-07-01 09:30,1,2,0.5,1.5,10\n"
                   "2024-07-01T13:31:00Z,1,2,0.5,1.5,10\n"
                   "2024-07-01 09:33:00-0400,1,2,0.5,1.5,10\n"
                   "1719841000,1,2,0.5,1.5,10\n"
                   "1719841060123,1,2,0.5,1.5,10\n",
                   o, "m.csv");
    QVERIFY2(r.ok(), errorOf(r).c_str());
    QCOMPARE(r->bars[0].ts, utc(2024, 7, 1, 5, 32) + 250 * domain::kNanosPerMilli);
    QCOMPARE(r->bars[1].ts, utc(2024, 7, 1, 13, 30));  // wall time in New York (EDT)
    QCOMPARE(r->bars[2].ts, utc(2024, 7, 1, 13, 31));
    QCOMPARE(r->bars[3].ts, utc(2024, 7, 1, 13, 33));
    QCOMPARE(r->bars[4].ts, domain::fromSeconds(1719841000));
    QCOMPARE(r->bars[5].ts, domain::fromMillis(1719841060123));
    QVERIFY(r->timeframe == domain::Timeframe::Minute1);
    o.timeZone = "Europe/London";
    r = readBarCsv("ts,o,h,l,c,v\n2024-07-01 09:30:15.123456789,1,2,0.5,1.5,10\n", o, "m.csv");
    QVERIFY2(r.ok(), errorOf(r).c_str());
    QCOMPARE(r->bars[0].ts, utc(2024, 7, 1, 8, 30, 15) + 123456789);
    o.timeZone = "Mars/Olympus";
    QCOMPARE(readBarCsv("ts,o,h,l,c,v\n", o, "m.csv").error().code, std::string(kCsvUsage));
  }

  void quotedFields() {
    auto r = read("\"Date\",\"Open\",High,Low,Close,Adj Close,Volume\r\n"
                  "\"2024-01-02\", \"1\" ,2,0.5,1.5,1.5,\"2,000\"\r\n");
    QVERIFY(!r.ok());  // "2,000" is one field and not a number
    QVERIFY2(errorOf(r).find("t.csv:2: column 7 (Volume): '2,000' is not a number") == 0, errorOf(r).c_str());
    r = read("\"Date\",\"Open\",High,Low,Close,Adj Close,Volume\r\n\"2024-01-02\", \"1\" ,2,0.5,1.5,1.5,\"2000\"\r\n");
    QVERIFY2(r.ok(), errorOf(r).c_str());
    QCOMPARE(r->bars[0].volume, 2000.0);
  }

  // The fast wall-clock conversion gives exactly TimeZones::fromZone's answers: every day's 09:30 from 1678 to
  // 2261 in New York, and every quarter hour of the days around each DST change 1900-2100 in three zones.
  void localTimeResolverMatchesFromZone() {
    time::LocalTimeResolver ny(time::TimeZones::exchangeTimeZone());
    for (QDate d(1678, 1, 1); d < QDate(2262, 1, 1); d = d.addDays(1)) {
      const std::int64_t local = time::daysFromCivil(d.year(), d.month(), d.day()) * 86400 + 9 * 3600 + 1800;
      const auto want = time::TimeZones::fromExchange(d, QTime(9, 30));
      if (ny.toUtcSeconds(local) * domain::kNanosPerSecond != want)
        QFAIL(qPrintable("09:30 of " + d.toString(Qt::ISODate)));
    }
    for (const char* id : {"America/New_York", "Europe/London", "Australia/Lord_Howe"}) {
      const QTimeZone zone(id);
      QVERIFY(zone.isValid());
      time::LocalTimeResolver resolver(zone);
      int checked = 0;
      for (const auto& t : zone.transitions(QDateTime(QDate(1900, 1, 1), QTime(0, 0), Qt::UTC),
                                            QDateTime(QDate(2100, 1, 1), QTime(0, 0), Qt::UTC))) {
        const QDate day = t.atUtc.date();
        for (QDate d = day.addDays(-1); d <= day.addDays(1); d = d.addDays(1))
          for (int minute = 0; minute < 24 * 60; minute += 15) {
            const QTime tm(minute / 60, minute % 60);
            const std::int64_t local = time::daysFromCivil(d.year(), d.month(), d.day()) * 86400 + minute * 60;
            const auto want = time::TimeZones::fromZone(d, tm, zone);
            if (resolver.toUtcSeconds(local) * domain::kNanosPerSecond != want)
              QFAIL(qPrintable(QString("%1 %2 %3").arg(id, d.toString(Qt::ISODate), tm.toString())));
            ++checked;
          }
      }
      QVERIFY(checked > 1000);
    }
  }

  // The reader's fast decimal path gives exactly std::from_chars's double for every spelling it takes.
  void numbersEqualFromChars() {
    QRandomGenerator rng(7);
    std::string text = "Date,Open,High,Low,Close,Volume\n";
    std::vector<std::string> values;
    const char* fixed[] = {"0.1", "2.179012", "45.560001", "1e3", "12345678.9012345", "1234567.89012345678",
                           "0.30000000000000004", "+7.25", "99999.999999", "1.", "000123.4500", "5e-3"};
    for (int i = 0; i < 3000; ++i) {
      std::string v = i < int(std::size(fixed)) ? fixed[i]
                                                : QString::number(rng.bounded(1, 1 << 29) / std::pow(10.0, rng.bounded(0, 12)),
                                                                  'f', rng.bounded(0, 12)).toStdString();
      if (std::stod(v) == 0.0) v = "1";
      values.push_back(v);
      const QDate d = QDate(1700, 1, 1).addDays(i);
      text += d.toString(Qt::ISODate).toStdString() + "," + v + "," + v + "," + v + "," + v + ",1\n";
    }
    auto r = readBarCsv(text, {}, "n.csv");
    QVERIFY2(r.ok(), errorOf(r).c_str());
    for (std::size_t i = 0; i < values.size(); ++i) {
      std::string_view s = values[i];
      if (s.front() == '+') s.remove_prefix(1);
      double want = 0;
      std::from_chars(s.data(), s.data() + s.size(), want);
      if (r->bars[i].open != want) QFAIL(values[i].c_str());
    }
  }

  // The one-pass path for plain lines must give exactly what the general path gives: the same bars, lines,
  // counts and errors. Random files mixing plain rows with every kind of line the fast path has to hand over
  // (other number spellings, padding, quotes, blank lines, wrong field counts, bad values, out-of-order and
  // repeated times, other date forms, invalid dates, CRLF), read with random options, once each way.
  // The fuzzer's find: a date-width field (10 or 19 bytes followed by a delimiter) that runs over a line end into
  // a last line without '\n'. The fast path must not take it (the scans after it would read past the text), and
  // both paths must answer alike. The text sits in a buffer of exactly its size, so ASan sees any overrun.
  void dateFieldNeverRunsIntoTheNextLine() {
    const std::string cases[] = {
        std::string("Date,Open,High,Low,Close,Adj Close,Volume\r\n2233-01-22ume\r\n2200,1.953125,1.552083,1.640625,"
                    "1.518424,67e2Volume1"),
        std::string("Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,10\n2024\n01-03,1,2,0.5,1.5,10"),
        std::string("Date,Open,High,Low,Close,Volume\n2024-01-02 09:3\n:00,1,2,0.5,1.5,10\n1,2,3,4,5,6,7,8,9"),
    };
    for (const std::string& text : cases) {
      const auto exact = std::make_unique<char[]>(text.size());
      std::memcpy(exact.get(), text.data(), text.size());
      const std::string_view view(exact.get(), text.size());
      CsvReadOptions fast, general;
      general.fastPath = false;
      const auto a = readBarCsv(view, fast, "f.csv");
      const auto b = readBarCsv(view, general, "f.csv");
      QCOMPARE(a.ok(), b.ok());
      if (!a.ok()) QCOMPARE(a.error().message, b.error().message);
      else QVERIFY(a->bars == b->bars);
    }
  }

  void fastPathMatchesGeneralPath() {
    QRandomGenerator rng(11);
    auto pick = [&](int n) { return int(rng.bounded(n)); };
    auto fmtNum = [](const char* f, double v) {
      char buf[64];
      std::snprintf(buf, sizeof buf, f, v);
      return std::string(buf);
    };
    int fastRows = 0, failures = 0, successes = 0;
    for (int round = 0; round < 400; ++round) {
      CsvReadOptions o;
      const bool mappedLayout = pick(3) == 0;
      const bool intraday = pick(2) == 0;
      const char delim = pick(4) == 0 ? ';' : ',';
      const bool crlf = pick(4) == 0;
      const int badEvery = pick(3) == 0 ? 1000000 : 10 + pick(60);  // a third of the files are all plain rows
      o.delimiter = delim;
      o.adjust = pick(4) == 0;
      o.sort = pick(4) == 0;
      o.dedupeLast = pick(4) == 0;
      o.skipBadRows = pick(3) == 0;
      o.requireComplete = pick(6) == 0;
      // Column order: Yahoo's, or a mapped file with the columns shuffled, an extra one and vwap/trades.
      std::vector<std::string> cols = {"Date", "Open", "High", "Low", "Close", "Adj Close", "Volume"};
      if (mappedLayout) {
        o.layout = CsvReadOptions::Layout::Mapped;
        o.columns = CsvColumns{"ts", "", "o", "h", "l", "c", o.adjust ? "adj" : "", "v", "vw", "n"};
        cols = {"ts", "o", "h", "l", "c", "adj", "v", "vw", "n", "note"};
        for (std::size_t i = cols.size() - 1; i > 0; --i) std::swap(cols[i], cols[std::size_t(pick(int(i) + 1))]);
      }
      std::string text;
      for (std::size_t i = 0; i < cols.size(); ++i) text += (i ? std::string(1, delim) : "") + cols[i];
      text += crlf ? "\r\n" : "\n";
      QDateTime when(QDate(1990 + pick(60), 1 + pick(12), 1), QTime(9, 30), Qt::UTC);
      double px = 20 + pick(200);
      for (int row = 0; row < 150; ++row) {
        when = intraday ? when.addSecs(60 * (1 + pick(3))) : when.addDays(1 + pick(3));
        px = std::max(1.0, px + (pick(200) - 100) / 100.0);
        std::string date = intraday ? when.toString("yyyy-MM-dd HH:mm:ss").toStdString()
                                    : when.date().toString(Qt::ISODate).toStdString();
        std::map<std::string, std::string> v = {
            {"open", fmtNum("%.2f", px)},        {"high", fmtNum("%.2f", px + 1)}, {"low", fmtNum("%.2f", px - 0.5)},
            {"close", fmtNum("%.2f", px + 0.25)}, {"adj", fmtNum("%.4f", px * 0.9)}, {"volume", std::to_string(pick(100000))},
            {"vwap", pick(2) ? fmtNum("%.3f", px + 0.1) : ""}, {"trades", std::to_string(pick(500))},
            {"note", pick(2) ? "x" : ""}};
        const char* numeric[] = {"open", "high", "low", "close", "adj", "volume", "vwap", "trades"};
        if (pick(badEvery) == 0) {
          std::string& n = v[numeric[pick(8)]];
          switch (pick(29)) {
            case 0: n = fmtNum("%.17g", px + 0.5); break;                 // 17 significant digits
            case 1: n = "000" + n; break;                                  // leading zeros
            case 2: n = fmtNum("%.3e", px + 0.5); break;                   // exponent
            case 3: n = " " + n + " "; break;                              // padding
            case 4: n = "+" + n; break;
            case 5: n = "-" + n; break;
            case 6: n = "null"; break;
            case 7: n = ""; break;
            case 8: n = "1e400"; break;
            case 9: n = "\"" + n + "\""; break;                            // quoted
            case 10: n = n + "."; break;
            case 11: n = "." + std::to_string(pick(100)); break;
            case 12: n = "0.0000000000000000000000001"; break;            // more than 22 fraction digits
            case 13: n = "12.3.4"; break;
            case 14: date = " " + date; break;
            case 15: date = intraday ? date.substr(0, 16) : "20200230"; break;  // yyyy-MM-dd HH:mm / yyyyMMdd
            case 16:  // 'T' form / yyyyMMdd
              date = intraday ? date.substr(0, 10) + "T" + date.substr(11)
                              : date.substr(0, 4) + date.substr(5, 2) + date.substr(8, 2);
              break;
            case 17: date = intraday ? date + "Z" : date.substr(0, 8) + "31"; break;  // offset / maybe invalid day
            case 18: when = when.addDays(-2); break;                       // out of order (next row)
            case 19: date = "2020-03-08 02:30:00"; break;                  // New York DST gap
            case 20: text += crlf ? "\r\n" : "\n"; break;                  // blank line
            case 21: v["note"] = "a" + std::string(1, delim) + "b"; break; // one field too many
            case 22: v["high"] = fmtNum("%.2f", px - 5); break;             // high below max(open, close)
            case 23: date = "2263-01-01"; break;                            // out of range
            case 24: date = intraday ? "2020-01-01 24:00:00" : "2020-13-01"; break;
            case 25: date += " "; break;                                   // trailing padding (11 / 20 wide)
            case 26: date = date.substr(0, date.size() - 1); break;        // one short (9 / 18 wide)
            case 27: date = date.substr(0, 10) + "\"" + date.substr(10); break;  // a quote inside the 19 bytes
            default: n = std::to_string(int(px)); break;                   // an integer
          }
        }
        std::string line;
        for (std::size_t i = 0; i < cols.size(); ++i) {
          const std::string& c = cols[i];
          const std::string field = c == "Date" || c == "ts" ? date
                                    : c == "Open" || c == "o" ? v["open"]
                                    : c == "High" || c == "h" ? v["high"]
                                    : c == "Low" || c == "l" ? v["low"]
                                    : c == "Close" || c == "c" ? v["close"]
                                    : c == "Adj Close" || c == "adj" ? v["adj"]
                                    : c == "Volume" || c == "v" ? v["volume"]
                                    : c == "vw" ? v["vwap"]
                                    : c == "n" ? v["trades"] : v["note"];
          line += (i ? std::string(1, delim) : "") + field;
        }
        text += line + (crlf ? "\r\n" : "\n");
        if (pick(200) == 0) text += line + (crlf ? "\r\n" : "\n");  // the same time twice
      }
      if (pick(3) == 0) text.pop_back();  // the last line without its newline (or a lone '\r')
      CsvReadOptions general = o;
      general.fastPath = false;
      const auto a = readBarCsv(text, o, "f.csv");
      const auto b = readBarCsv(text, general, "f.csv");
      const QByteArray context = QByteArray::fromStdString("round " + std::to_string(round) + ":\n" + text.substr(0, 2000));
      QVERIFY2(a.ok() == b.ok(), context.constData());
      if (!a.ok()) {
        QCOMPARE(a.error().message, b.error().message);
        QCOMPARE(a.error().code, b.error().code);
        ++failures;
        continue;
      }
      ++successes;
      QVERIFY2(a->bars == b->bars, context.constData());
      QVERIFY(a->lines == b->lines);
      QCOMPARE(a->rows, b->rows);
      QCOMPARE(a->skippedNullRows, b->skippedNullRows);
      QCOMPARE(a->sortedRows, b->sortedRows);
      QCOMPARE(a->droppedDuplicates, b->droppedDuplicates);
      QCOMPARE(a->badRows, b->badRows);
      QVERIFY(a->timeframe == b->timeframe);
      QCOMPARE(a->rowErrors.size(), b->rowErrors.size());
      for (std::size_t i = 0; i < a->rowErrors.size(); ++i)
        QCOMPARE(a->rowErrors[i].describe("f"), b->rowErrors[i].describe("f"));
      fastRows += int(a->bars.size());
    }
    // Both outcomes occur, and most files are read through (not rejected at their first rows).
    QVERIFY(failures > 20);
    QVERIFY(successes > 20);
    QVERIFY(fastRows > 5000);
  }

  void civilDates() {
    QCOMPARE(time::daysFromCivil(1970, 1, 1), std::int64_t(0));
    QCOMPARE(time::daysFromCivil(2000, 3, 1), QDate(1970, 1, 1).daysTo(QDate(2000, 3, 1)));
    QCOMPARE(time::daysFromCivil(1677, 9, 21), QDate(1970, 1, 1).daysTo(QDate(1677, 9, 21)));
    QVERIFY(time::isValidCivilDate(2024, 2, 29));
    QVERIFY(!time::isValidCivilDate(2023, 2, 29));
    QVERIFY(!time::isValidCivilDate(1900, 2, 29));
    QVERIFY(time::isValidCivilDate(2000, 2, 29));
  }
};

QTEST_GUILESS_MAIN(tst_BarCsvReader)
#include "tst_BarCsvReader.moc"
