#include "core/backtest/BarSeriesLoader.h"

#include <QDateTime>
#include <QtTest>

using namespace meridian;
using namespace meridian::backtest;

namespace {
std::string data(const char* f) { return std::string(MERIDIAN_SHARED_DATA) + "/" + f; }
domain::Timestamp utc(int y, int m, int d, int hh, int mm) {
  return QDateTime(QDate(y, m, d), QTime(hh, mm), Qt::UTC).toMSecsSinceEpoch() * domain::kNanosPerMilli;
}
const char* kHeader = "Date,Open,High,Low,Close,Adj Close,Volume\n";
}  // namespace

class tst_BarSeriesLoader : public QObject {
  Q_OBJECT
 private Q_SLOTS:
  void loadsOrcl() {
    auto s = loadYahooCsv(data("orcl-1995-2014.csv"));
    QVERIFY(s.ok());
    QCOMPARE(s->symbol, std::string("ORCL"));
    QCOMPARE(s->bars.size(), std::size_t(5036));
    const auto& b = s->bars.front();
    QCOMPARE(b.open, 2.179012);
    QCOMPARE(b.high, 2.191358);
    QCOMPARE(b.low, 2.117284);
    QCOMPARE(b.close, 2.117284);
    QCOMPARE(b.volume, 36301200.0);
    QCOMPARE(b.ts, utc(1995, 1, 3, 14, 30));  // 09:30 EST
    QCOMPARE(s->bars.back().ts, utc(2014, 12, 31, 14, 30));
    for (std::size_t i = 1; i < s->bars.size(); ++i) QVERIFY(s->bars[i].ts > s->bars[i - 1].ts);
  }
  void summerBarsAreStampedAtTheEdtOpen() {
    auto s = parseYahooCsv(std::string(kHeader) + "2014-07-01,10,11,9,10.5,10.5,100\n", "X", "mem");
    QVERIFY(s.ok());
    QCOMPARE(s->bars[0].ts, utc(2014, 7, 1, 13, 30));
  }
  void loadsTheIndexFileWithOpenInterest() {
    auto s = loadYahooCsv(data("2006-day-001.csv"), "IDX");
    QVERIFY(s.ok());
    QCOMPARE(s->bars.size(), std::size_t(255));
    QCOMPARE(s->bars[0].close, 3604.33);
  }
  void adjustedPrices() {
    CsvOptions o;
    o.adjust = true;
    auto s = parseYahooCsv(std::string(kHeader) + "2000-01-03,10,12,8,10,5,100\n", "X", "mem", o);
    QVERIFY(s.ok());
    QCOMPARE(s->bars[0].open, 5.0);
    QCOMPARE(s->bars[0].high, 6.0);
    QCOMPARE(s->bars[0].close, 5.0);
  }
  void malformedRowsFailWithLineNumbers_data() {
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("fields") << "2000-01-03,1,2,0.5,1.5,1.5,100\n2000-01-04,1,2,0.5,1.5,100\n"
                            << "mem:3: 6 fields, the header has 7";
    QTest::newRow("number") << "2000-01-03,1,2,0.5,abc,1.5,100\n" << "mem:2: column 5 (Close): 'abc' is not a number";
    QTest::newRow("null") << "2000-01-03,null,2,0.5,1,1,100\n" << "mem:2: column 2 (Open): 'null' is not a number";
    QTest::newRow("date") << "2000-13-03,1,2,0.5,1.5,1.5,100\n" << "mem:2: column 1 (Date): '2000-13-03' is not a date";
    QTest::newRow("order") << "2000-01-04,1,2,0.5,1.5,1.5,100\n2000-01-03,1,2,0.5,1.5,1.5,100\n"
                           << "mem:3: column 1 (Date): '2000-01-03' is before the previous row's time (line 2)";
    QTest::newRow("ohlc") << "2000-01-03,1,1.2,0.5,1.5,1.5,100\n" << "mem:2: column 3 (High): high 1.2 is below max(open 1, close 1.5)";
    QTest::newRow("negative volume") << "2000-01-03,1,2,0.5,1.5,1.5,-1\n"
                                     << "mem:2: column 7 (Volume): volume -1 is outside 0 .. 1e+15";
  }
  void malformedRowsFailWithLineNumbers() {
    QFETCH(QString, body);
    QFETCH(QString, message);
    auto s = parseYahooCsv(std::string(kHeader) + body.toStdString(), "X", "mem");
    QVERIFY(!s.ok());
    QCOMPARE(s.error().code, std::string("csv.parse"));
    QVERIFY2(QString::fromStdString(s.error().message).startsWith(message), s.error().message.c_str());
  }
  void headerAndFileErrors() {
    auto noClose = parseYahooCsv("Date,Open,High,Low,Volume\n2000-01-03,1,2,0.5,100\n", "X", "mem");
    QVERIFY(!noClose.ok());
    QVERIFY(noClose.error().message.find("mem:1:") == 0);
    QVERIFY(!parseYahooCsv("", "X", "mem").ok());
    QVERIFY(!parseYahooCsv(kHeader, "X", "mem").ok());  // no rows
    auto missing = loadYahooCsv("/nonexistent/file.csv");
    QCOMPARE(missing.error().code, std::string("csv.open"));
    QVERIFY(missing.error().message.find("/nonexistent/file.csv") != std::string::npos);
    // A UTF-8 byte order mark before the header is ignored.
    QVERIFY(parseYahooCsv("\xEF\xBB\xBF" + std::string(kHeader) + "2000-01-03,1,2,0.5,1.5,1.5,100\n", "X", "m").ok());
    // CRLF line endings are fine.
    QVERIFY(parseYahooCsv("Date,Open,High,Low,Close,Adj Close,Volume\r\n2000-01-03,1,2,0.5,1.5,1.5,100\r\n", "X", "m").ok());
  }
  void symbolsFromFileNames() {
    QCOMPARE(symbolFromPath("/a/b/orcl-1995-2014.csv"), std::string("ORCL"));
    QCOMPARE(symbolFromPath("spy.csv"), std::string("SPY"));
    QCOMPARE(symbolFromPath("brk_b.csv"), std::string("BRK"));
  }
  void alignsSeriesOnCommonDates() {
    auto orcl = loadYahooCsv(data("orcl-1995-2014.csv"));
    auto yhoo = loadYahooCsv(data("yhoo-1996-2014.csv"));
    std::vector<BarSeries> v{std::move(orcl).value(), std::move(yhoo).value()};
    QVERIFY(!checkAligned(views(v)).ok());
    auto a = alignSeries(std::move(v));
    QVERIFY(a.ok());
    QCOMPARE((*a)[0].bars.size(), std::size_t(4713));
    QCOMPARE((*a)[1].bars.size(), std::size_t(4713));
    QVERIFY(checkAligned(views(*a)).ok());
    QCOMPARE((*a)[0].bars.front().ts, utc(1996, 4, 12, 13, 30));  // YHOO's first day (EDT)
  }
};

QTEST_APPLESS_MAIN(tst_BarSeriesLoader)
#include "tst_BarSeriesLoader.moc"
