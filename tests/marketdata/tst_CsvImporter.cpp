// CsvImporter on the real Yahoo CSV files in ../shared/data (row counts counted independently here, first/last
// values checked against literals read from the files) plus malformed input, mapped columns and time zones.
#include "core/marketdata/csv/CsvImporter.h"
#include "core/time/TimeZones.h"

#include <QFile>
#include <QtTest>

using namespace meridian;
using namespace meridian::marketdata;

namespace {

QString dataFile(const char* name) { return QStringLiteral(MERIDIAN_SHARED_DATA) + "/" + name; }

// Data rows = non-empty lines minus the header, counted without the importer.
int countDataRows(const QString& path) {
  QFile f(path);
  if (!f.open(QIODevice::ReadOnly)) return -1;
  int lines = 0;
  while (!f.atEnd())
    if (!f.readLine().trimmed().isEmpty()) ++lines;
  return lines - 1;
}

domain::Timestamp open930(int y, int m, int d) { return time::TimeZones::fromExchange(QDate(y, m, d), QTime(9, 30)); }

struct Expect {
  domain::Timestamp ts;
  double o, h, l, c, v;
};

void checkBar(const domain::Bar& b, const Expect& e) {
  QCOMPARE(b.ts, e.ts);
  QCOMPARE(b.open, e.o);
  QCOMPARE(b.high, e.h);
  QCOMPARE(b.low, e.l);
  QCOMPARE(b.close, e.c);
  QCOMPARE(b.volume, e.v);
}

Error errorOf(const QByteArray& csv, CsvOptions o = {}) {
  auto r = CsvImporter::read(csv, o, "t.csv");
  if (r.ok()) return Error{"unexpected success", ""};
  return r.error();
}

}  // namespace

class tst_CsvImporter : public QObject {
  Q_OBJECT

 private Q_SLOTS:
  void realYahooFiles_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QDate>("firstDate");
    QTest::addColumn<QList<double>>("first");  // o h l c v
    QTest::addColumn<QDate>("lastDate");
    QTest::addColumn<QList<double>>("last");
    QTest::newRow("nvda") << dataFile("nvda-1999-2014.csv") << QDate(1999, 1, 22)
                          << QList<double>{1.750000, 1.953125, 1.552083, 1.640625, 67867200} << QDate(2014, 12, 31)
                          << QList<double>{20.400000, 20.510000, 19.990000, 20.049999, 4157500};
    QTest::newRow("orcl") << dataFile("orcl-1995-2014.csv") << QDate(1995, 1, 3)
                          << QList<double>{2.179012, 2.191358, 2.117284, 2.117284, 36301200} << QDate(2014, 12, 31)
                          << QList<double>{45.450001, 45.560001, 44.970001, 44.970001, 13269200};
    QTest::newRow("yhoo") << dataFile("yhoo-1996-2014.csv") << QDate(1996, 4, 12)
                          << QList<double>{1.052083, 1.791667, 1.020833, 1.375000, 408720000} << QDate(2014, 12, 31)
                          << QList<double>{51.540001, 51.680000, 50.459999, 50.509998, 9305000};
    QTest::newRow("index 2006 (Volume,OpenInterest, no Adj Close)")
        << dataFile("2006-day-001.csv") << QDate(2006, 1, 2) << QList<double>{3578.73, 3605.95, 3578.73, 3604.33, 0}
        << QDate(2006, 12, 29) << QList<double>{4130.12, 4142.01, 4119.94, 4119.94, 0};
  }
  void realYahooFiles() {
    QFETCH(QString, file);
    QFETCH(QDate, firstDate);
    QFETCH(QList<double>, first);
    QFETCH(QDate, lastDate);
    QFETCH(QList<double>, last);
    const int rows = countDataRows(file);
    QVERIFY(rows > 0);
    auto data = CsvImporter::readFile(file);
    QVERIFY2(data.ok(), data.ok() ? "" : data.error().message.c_str());
    QCOMPARE(int(data->rows), rows);
    QCOMPARE(int(data->bars.size()), rows);
    QCOMPARE(data->skippedNullRows, std::size_t(0));
    QVERIFY(data->timeframe == Timeframe::Day1);
    QCOMPARE(data->lines.front(), 2);
    checkBar(data->bars.front(), {open930(firstDate.year(), firstDate.month(), firstDate.day()), first[0], first[1],
                                  first[2], first[3], first[4]});
    checkBar(data->bars.back(), {open930(lastDate.year(), lastDate.month(), lastDate.day()), last[0], last[1], last[2],
                                 last[3], last[4]});
    for (std::size_t i = 1; i < data->bars.size(); ++i) QVERIFY(data->bars[i].ts > data->bars[i - 1].ts);
  }

  void adjustedImportScalesByAdjClose() {
    CsvOptions o;
    o.adjust = true;
    auto data = CsvImporter::readFile(dataFile("nvda-1999-2014.csv"), o);
    QVERIFY(data.ok());
    const auto& b = data->bars.front();  // 1999-01-22,1.750000,1.953125,1.552083,1.640625,1.518424,67867200
    const double f = 1.518424 / 1.640625;
    QCOMPARE(b.close, 1.518424);
    QVERIFY(qFuzzyCompare(b.open, 1.75 * f));
    QVERIFY(qFuzzyCompare(b.high, 1.953125 * f));
    QVERIFY(qFuzzyCompare(b.low, 1.552083 * f));
    // no Adj Close column -> clear error, no bars
    auto idx = CsvImporter::readFile(dataFile("2006-day-001.csv"), o);
    QVERIFY(!idx.ok());
    QCOMPARE(idx.error().code, std::string("csv.parse"));
  }

  void symbolFromFileName() {
    QCOMPARE(CsvImporter::symbolFromFileName("/x/nvda-1999-2014.csv"), QString("NVDA"));
    QCOMPARE(CsvImporter::symbolFromFileName("AAPL.csv"), QString("AAPL"));
    QCOMPARE(CsvImporter::symbolFromFileName("brk.b_daily.csv"), QString("BRK.B"));
  }

  void malformedRowsNameTheLine() {
    const QByteArray head = "Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,10,11,9,10.5,10.5,100\n";
    Error e = errorOf(head + "2024-01-03,10,11,9,10.5,100\n");
    QCOMPARE(e.code, std::string("csv.parse"));
    QVERIFY2(e.message.find("t.csv:3:") != std::string::npos, e.message.c_str());
    QVERIFY(e.message.find("6 fields, the header has 7") != std::string::npos);

    e = errorOf(head + "\n2024-01-03,10,abc,9,10.5,10.5,100\n");
    QVERIFY2(e.message.find("t.csv:4: column 3 (High): 'abc' is not a number") != std::string::npos, e.message.c_str());

    e = errorOf(head + "2024-13-45,10,11,9,10.5,10.5,100\n");
    QVERIFY2(e.message.find("t.csv:3: column 1 (Date): '2024-13-45' is not a date") != std::string::npos, e.message.c_str());

    e = errorOf(head + "2024-01-03,10,11,10.2,10.5,10.5,100\n");  // low > open
    QVERIFY2(e.message.find("t.csv:3: column 4 (Low): low 10.2 is above min(open 10, close 10.5)") != std::string::npos, e.message.c_str());

    e = errorOf(head + "2024-01-03,10,11,9,inf,10.5,100\n");
    QVERIFY2(e.message.find("t.csv:3: column 5 (Close): 'inf' is not a finite number") != std::string::npos, e.message.c_str());

    e = errorOf("Date,Open,High,Close\n2024-01-02,1,2,1\n");
    QVERIFY2(e.message.find("t.csv:1: no column for 'low'") != std::string::npos, e.message.c_str());

    e = errorOf("");
    QCOMPARE(e.code, std::string("csv.parse"));
  }

  void yahooNullRowsAreSkipped() {
    auto data = CsvImporter::read("Date,Open,High,Low,Close,Adj Close,Volume\r\n"
                                  "2024-01-02,10,11,9,10.5,10.5,100\r\n"
                                  "2024-01-03,null,null,null,null,null,null\r\n"
                                  "2024-01-04,10,11,9,10.5,10.5,100\r\n");
    QVERIFY(data.ok());
    QCOMPARE(data->rows, std::size_t(3));
    QCOMPARE(data->skippedNullRows, std::size_t(1));
    QCOMPARE(data->bars.size(), std::size_t(2));
    QCOMPARE(data->lines, (std::vector<int>{2, 4}));
  }

  void bomQuotesAndDuplicatesRefused() {
    auto data = CsvImporter::read("\xEF\xBB\xBF\"Date\",\"Open\",\"High\",\"Low\",\"Close\",\"Volume\"\n"
                                  "\"2024-01-02\",\"10\",\"11\",\"9\",\"10.5\",\"1,000\"\n");
    QVERIFY(!data.ok());  // "1,000" is one field but not a number
    QVERIFY(data.error().message.find("column 6 (Volume): '1,000' is not a number") != std::string::npos);
    data = CsvImporter::read("\xEF\xBB\xBF\"Date\",Open,High,Low,Close,Volume\n"
                             "\"2024-01-02\",10,11,9,10.5,1000\n2024-01-02,10,12,9,11,2000\n");
    QVERIFY(!data.ok());  // a duplicated time is an error unless the last row is asked to win
    QVERIFY2(data.error().message.find("csv:3: column 1 (Date): '2024-01-02' repeats the time of line 2") == 0,
             data.error().message.c_str());
    CsvOptions dedupe;
    dedupe.dedupeLast = true;
    data = CsvImporter::read("\xEF\xBB\xBF\"Date\",Open,High,Low,Close,Volume\n"
                             "\"2024-01-02\",10,11,9,10.5,1000\n2024-01-02,10,12,9,11,2000\n",
                             dedupe);
    QVERIFY(data.ok());
    QCOMPARE(data->bars.size(), std::size_t(1));
    QCOMPARE(data->bars[0].volume, 2000.0);
    QCOMPARE(data->droppedDuplicates, std::size_t(1));
  }

  void mappedColumnsAndTimeZones() {
    auto map = CsvColumnMap::parse("date=ts,open=o,high=h,low=l,close=c,volume=v");
    QVERIFY(map.ok());
    CsvOptions o;
    o.format = CsvOptions::Format::Mapped;
    o.map = *map;
    auto data = CsvImporter::read("ts,o,h,l,c,v\n"
                                  "2024-01-02 09:30:00,1,2,0.5,1.5,100\n"        // wall time in New York
                                  "2024-01-02T14:31:00Z,1,2,0.5,1.5,100\n"       // explicit UTC
                                  "2024-01-02T09:32:00-05:00,1,2,0.5,1.5,100\n"  // explicit offset
                                  "1704205980,1,2,0.5,1.5,100\n",                // epoch seconds (14:33Z)
                                  o);
    QVERIFY2(data.ok(), data.ok() ? "" : data.error().message.c_str());
    QCOMPARE(data->bars.size(), std::size_t(4));
    const auto t0 = open930(2024, 1, 2);
    QCOMPARE(data->bars[0].ts, t0);
    QCOMPARE(data->bars[1].ts, t0 + domain::kNanosPerMinute);
    QCOMPARE(data->bars[2].ts, t0 + 2 * domain::kNanosPerMinute);
    QCOMPARE(data->bars[3].ts, t0 + 3 * domain::kNanosPerMinute);
    QVERIFY(data->timeframe == Timeframe::Minute1);

    o.timeZone = "America/Chicago";
    data = CsvImporter::read("ts,o,h,l,c,v\n2024-01-02 08:30,1,2,0.5,1.5,100\n", o);
    QVERIFY(data.ok());
    QCOMPARE(data->bars[0].ts, t0);  // 08:30 CST == 09:30 EST
  }

  void timestampsFarApartDoNotOverflow() {
    // 1706 and 2024 are more than INT64_MAX ns apart: the bar-spacing check must not overflow (found by fuzz_csv;
    // the reproducer is in the seed corpus). Two bars three centuries apart are hourly-or-coarser data.
    auto map = CsvColumnMap::parse("date=ts,open=o,high=h,low=l,close=c,volume=v");
    QVERIFY(map.ok());
    CsvOptions o;
    o.format = CsvOptions::Format::Mapped;
    o.map = *map;
    auto data = CsvImporter::read("ts,o,h,l,c,v\n"
                                  "1706-04-01T10:00:00Z,1,2,0.5,1.5,100\n"
                                  "2024-01-02T14:30:00Z,1,2,0.5,1.5,100\n",
                                  o);
    QVERIFY2(data.ok(), data.ok() ? "" : data.error().message.c_str());
    QCOMPARE(data->bars.size(), std::size_t(2));
    QVERIFY(data->bars[0].ts < 0 && data->bars[1].ts > 0);
    QVERIFY(data->timeframe == Timeframe::Hour1);
  }

  void separateTimeColumn() {
    auto map = CsvColumnMap::parse("date=Day,time=Time,open=O,high=H,low=L,close=C");
    QVERIFY(map.ok());
    CsvOptions o;
    o.format = CsvOptions::Format::Mapped;
    o.map = *map;
    auto data = CsvImporter::read("Day,Time,O,H,L,C\n2024-01-02,09:30,1,2,0.5,1.5\n2024-01-02,10:30,1,2,0.5,1.5\n", o);
    QVERIFY(data.ok());
    QCOMPARE(data->bars[1].ts, open930(2024, 1, 2) + domain::kNanosPerHour);
    QCOMPARE(data->bars[0].volume, 0.0);
    QVERIFY(data->timeframe == Timeframe::Hour1);
  }

  void mapSpecErrors() {
    QVERIFY(!CsvColumnMap::parse("date=Date,open=O").ok());  // high/low/close missing
    QCOMPARE(CsvColumnMap::parse("date=D,open=O,high=H,low=L,close=C,colour=red").error().code, std::string("usage"));
    QVERIFY(!CsvColumnMap::parse("date").ok());
    CsvOptions o;
    o.format = CsvOptions::Format::Mapped;
    o.map = *CsvColumnMap::parse("date=D,open=O,high=H,low=L,close=C,volume=Vol");
    auto data = CsvImporter::read("D,O,H,L,C\n2024-01-02,1,2,0.5,1.5\n", o);
    QVERIFY(!data.ok());
    QVERIFY(data.error().message.find("volume") != std::string::npos);
  }

  void customDateFormat() {
    CsvOptions o;
    o.dateFormat = "MM/dd/yyyy";
    auto data = CsvImporter::read("Date,Open,High,Low,Close,Volume\n01/02/2024,1,2,0.5,1.5,10\n", o);
    QVERIFY(data.ok());
    QCOMPARE(data->bars[0].ts, open930(2024, 1, 2));
  }

  // ---- Edge cases: quoting, compact dates, epoch milliseconds, time zones and DST --------------------------------
  static CsvOptions mapped(const char* spec) {
    CsvOptions o;
    o.format = CsvOptions::Format::Mapped;
    o.map = *CsvColumnMap::parse(QString::fromLatin1(spec));
    return o;
  }
  static domain::Timestamp utcTs(const char* iso) {
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch() * domain::kNanosPerMilli;
  }

  void escapedQuotesInsideQuotedFields() {
    // RFC 4180: "" inside a quoted field is one quote; the delimiter inside quotes is data, not a separator.
    auto data = CsvImporter::read("Date,Open,High,Low,Close,Volume,Note\n"
                                  "2024-01-02,10,11,9,10.5,1000,\"said \"\"hi\"\", then left\"\n"
                                  "2024-01-03,10,11,9,10.5,1000,\"\"\"\"\n",
                                  mapped("date=Date,open=Open,high=High,low=Low,close=Close,volume=Volume"));
    QVERIFY2(data.ok(), data.ok() ? "" : data.error().message.c_str());
    QCOMPARE(data->bars.size(), std::size_t(2));
    QCOMPARE(data->bars[1].ts, open930(2024, 1, 3));
    QCOMPARE(data->bars[1].close, 10.5);
    // The unescaped value is what is parsed: "10""" is 10" (not a number), named by its line.
    data = CsvImporter::read("Date,Open,High,Low,Close,Volume\n2024-01-02,\"10\"\"\",11,9,10.5,1000\n");
    QVERIFY(!data.ok());
    QVERIFY2(data.error().message.find("csv:2: column 2 (Open): '10\"' is not a number") != std::string::npos, data.error().message.c_str());
  }

  void compactDatesAndEpochMilliseconds() {
    auto data = CsvImporter::read("Date,Open,High,Low,Close,Volume\n20240102,1,2,0.5,1.5,10\n20240103,1,2,0.5,1.5,10\n");
    QVERIFY2(data.ok(), data.ok() ? "" : data.error().message.c_str());
    QCOMPARE(data->bars[0].ts, open930(2024, 1, 2));
    QCOMPARE(data->bars[1].ts, open930(2024, 1, 3));
    QVERIFY(data->timeframe == Timeframe::Day1);
    data = CsvImporter::read("Date,Open,High,Low,Close,Volume\n20241302,1,2,0.5,1.5,10\n");  // month 13
    QVERIFY(!data.ok());
    // 13 digits: epoch milliseconds (1704205800000 = 2024-01-02T14:30:00Z), kept to the millisecond.
    data = CsvImporter::read("ts,o,h,l,c,v\n1704205800000,1,2,0.5,1.5,100\n1704205860250,1,2,0.5,1.5,100\n",
                             mapped("date=ts,open=o,high=h,low=l,close=c,volume=v"));
    QVERIFY2(data.ok(), data.ok() ? "" : data.error().message.c_str());
    QCOMPARE(data->bars[0].ts, open930(2024, 1, 2));
    QCOMPARE(data->bars[1].ts, open930(2024, 1, 2) + domain::kNanosPerMinute + 250 * domain::kNanosPerMilli);
    // Neither 8, 10 nor 13 digits: not a time.
    data = CsvImporter::read("ts,o,h,l,c,v\n17042058000,1,2,0.5,1.5,100\n", mapped("date=ts,open=o,high=h,low=l,close=c,volume=v"));
    QVERIFY(!data.ok());
  }

  void unknownTimeZoneIsAClearError() {
    CsvOptions o;
    o.timeZone = "Mars/Olympus_Mons";
    auto data = CsvImporter::read("Date,Open,High,Low,Close,Volume\n2024-01-02,1,2,0.5,1.5,10\n", o);
    QVERIFY(!data.ok());
    QCOMPARE(data.error().code, std::string("usage"));
    QVERIFY2(data.error().message.find("unknown time zone 'Mars/Olympus_Mons'") != std::string::npos,
             data.error().message.c_str());
  }

  void localWallTimesInTheDstGapAndOverlap() {
    auto o = mapped("date=ts,open=o,high=h,low=l,close=c,volume=v");
    o.sort = true;  // the gap's 02:30 (07:30Z) comes after 03:00 (07:00Z): rows out of time order, sorted here
    // Gap: 2026-03-08 02:30 does not exist in New York; read with the offset before the jump (EST) = 07:30Z.
    // Overlap: 2026-11-01 01:30 happens twice; the first (EDT) = 05:30Z. Either side of each, the plain offsets.
    auto data = CsvImporter::read("ts,o,h,l,c,v\n"
                                  "2026-03-08 01:59,1,2,0.5,1.5,1\n"
                                  "2026-03-08 02:30,1,2,0.5,1.5,1\n"
                                  "2026-03-08 03:00,1,2,0.5,1.5,1\n"
                                  "2026-11-01 00:59,1,2,0.5,1.5,1\n"
                                  "2026-11-01 01:30,1,2,0.5,1.5,1\n"
                                  "2026-11-01 02:00,1,2,0.5,1.5,1\n",
                                  o);
    QVERIFY2(data.ok(), data.ok() ? "" : data.error().message.c_str());
    QCOMPARE(data->bars.size(), std::size_t(6));
    QCOMPARE(data->bars[0].ts, utcTs("2026-03-08T06:59:00Z"));
    QCOMPARE(data->bars[1].ts, utcTs("2026-03-08T07:00:00Z"));  // 03:00 EDT
    QCOMPARE(data->bars[2].ts, utcTs("2026-03-08T07:30:00Z"));  // the gap's 02:30, read as EST
    QCOMPARE(data->bars[3].ts, utcTs("2026-11-01T04:59:00Z"));
    QCOMPARE(data->bars[4].ts, utcTs("2026-11-01T05:30:00Z"));
    QCOMPARE(data->bars[5].ts, utcTs("2026-11-01T07:00:00Z"));
    // Written with an offset, the second 01:30 is taken as written.
    data = CsvImporter::read("ts,o,h,l,c,v\n2026-11-01T01:30:00-05:00,1,2,0.5,1.5,1\n", o);
    QVERIFY(data.ok());
    QCOMPARE(data->bars[0].ts, utcTs("2026-11-01T06:30:00Z"));
  }
};

QTEST_GUILESS_MAIN(tst_CsvImporter)
#include "tst_CsvImporter.moc"
