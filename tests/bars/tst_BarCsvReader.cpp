// THE bar CSV reader (core/bars/BarCsvReader.h): every rule of issue "data you can trust" as a case, and the fast
// wall-clock conversion (time::LocalTimeResolver) against TimeZones::fromZone.
#include "core/bars/BarCsvReader.h"
#include "core/time/CivilTime.h"
#include "core/time/TimeZones.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QRandomGenerator>
#include <QtTest>

#include <charconv>
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
