// Backtests on stored series (issue 13): the real meridian-cli against SQLite and PostgreSQL.
//  * A daily CSV imported with `import-csv` and backtested with --symbol gives byte-identical output to the --csv run
//    of the same file: single run, grid, walk-forward, --from/--to, pairs-scan.
//  * Minute bars of two cointegrated symbols over NYSE sessions (early closes included) are stored; the pairs strategy
//    runs on 1h bars aggregated from them, and the bar count and span follow the calendar (computed here from the
//    sessions, independently of the aggregator).
//  * A 5-minute CSV (NYSE sessions, early closes) imported with `import-csv` is stored as csv_5m, and its --symbol
//    --timeframe 5m backtest is byte-identical to the --csv run of the file; 15m bars aggregated from it follow the
//    calendar (sessions cut at early closes).
//  * What is not stored is an error naming the symbol; a coarser series is never passed off as a finer one.
#include "core/domain/Types.h"
#include "core/storage/StorageFactory.h"
#include "core/time/NyseCalendar.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <memory>

#include "../support/CliRun.h"
#include "../support/OptionalScratchPg.h"
#include "../support/RequireServers.h"

using namespace meridian;

namespace {
constexpr domain::Timestamp kMinute = 60'000'000'000LL;

QString data(const char* f) { return QString(MERIDIAN_SHARED_DATA) + "/" + f; }

}  // namespace

class tst_StoredBacktest : public QObject {
  Q_OBJECT
  QTemporaryDir m_home;
  std::unique_ptr<testsupport::OptionalScratchPg> m_pg;
  std::string pgUri() const { return m_pg ? m_pg->uri() : std::string(); }

  QProcessEnvironment env(const QString& backend) const {
    QProcessEnvironment e;
    e.insert("MERIDIAN_DB_BACKEND", backend);
    if (backend == "sqlite") e.insert("MERIDIAN_DB_SQLITE_PATH", m_home.filePath("stored.sqlite"));
    else e.insert("MERIDIAN_DB_PG_URI", QString::fromStdString(pgUri()));
    return e;
  }
  storage::StorageConfig storageConfig(const QString& backend) const {
    storage::StorageConfig c;
    c.backend = backend.toStdString();
    c.sqlitePath = m_home.filePath("stored.sqlite").toStdString();
    c.pgUri = pgUri();
    return c;
  }
  testsupport::CliRun run(const QString& backend, const QStringList& args) const {
    return testsupport::runCli(m_home, args, env(backend));
  }
  void backends() {
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << "sqlite";
    QTest::newRow("postgres") << "postgres";
  }

  // Minute bars of A and B (B a random walk, A = 1.5 B + 10 + a mean-reverting spread) over `sessions`.
  static void minuteBars(const std::vector<time::Session>& sessions, std::vector<domain::Bar>& a,
                         std::vector<domain::Bar>& b) {
    QRandomGenerator rng(20261206);
    double pb = 40.0, spread = 0.0;
    const auto bar = [](domain::Timestamp ts, double open, double close) {
      domain::Bar x;
      x.ts = ts;
      x.open = open;
      x.close = close;
      x.high = std::max(open, close) + 0.01;
      x.low = std::min(open, close) - 0.01;
      x.volume = 1000;
      x.vwap = (open + close) / 2;
      x.trades = 10;
      return x;
    };
    for (const auto& s : sessions)
      for (domain::Timestamp ts = s.open; ts < s.close; ts += kMinute) {
        const double openB = pb, openA = 1.5 * pb + 10.0 + spread;
        pb = std::max(5.0, pb + 0.02 * (rng.generateDouble() - 0.5));
        spread = 0.995 * spread + 0.05 * (rng.generateDouble() - 0.5);  // half-life ~2.3 h in minutes
        b.push_back(bar(ts, openB, pb));
        a.push_back(bar(ts, openA, 1.5 * pb + 10.0 + spread));
      }
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_home.isValid());
    m_pg = std::make_unique<testsupport::OptionalScratchPg>("meridian_stored_bt");
    for (const QString backend : {"sqlite", "postgres"}) {
      if (m_pg->skip(backend)) continue;
      for (const char* s : {"ORCL=orcl-1995-2014.csv", "YHOO=yhoo-1996-2014.csv"}) {
        const QStringList parts = QString(s).split('=');
        const auto r = run(backend, {"import-csv", data(parts[1].toUtf8().constData()), "--symbol", parts[0]});
        QVERIFY2(r.code == 0, qPrintable(backend + ": " + r.err));
      }
    }
  }

  void storedEqualsCsv_data() {
    backends();
  }
  void storedEqualsCsv() {
    QFETCH(QString, backend);
    if (m_pg->skip(backend)) MERIDIAN_SKIP_OR_FAIL("MERIDIAN_TEST_PG_URI not set");
    const QStringList common{"--cash", "100000", "--commission-pct", "0.1", "--size", "100", "--json"};
    const QStringList sma{"backtest", "--strategy", "sma_cross", "--param", "fast=10", "--param", "slow=30"};
    const QList<QStringList> variants{
        {},
        {"--from", "2001-03-01", "--to", "2009-06-30"},
        {"--grid", "fast=5:15:5", "--grid", "slow=20,40"},
        {"--grid", "fast=5:15:5", "--walk-forward", "1000:250"},
    };
    for (const QStringList& v : variants) {
      const auto fromCsv = run(backend, sma + QStringList{"--csv", "ORCL=" + data("orcl-1995-2014.csv")} + common + v);
      const auto stored = run(backend, sma + QStringList{"--symbol", "ORCL"} + common + v);
      QVERIFY2(fromCsv.code == 0, qPrintable(fromCsv.err));
      QVERIFY2(stored.code == 0, qPrintable(stored.err));
      QVERIFY(fromCsv.out.size() > 200);
      QCOMPARE(stored.out, fromCsv.out);
    }
    // Two stored series for the pairs scanner: the same table as from the files.
    const auto scanCsv = run(backend, {"pairs-scan", "--csv", "ORCL=" + data("orcl-1995-2014.csv"), "--csv",
                                       "YHOO=" + data("yhoo-1996-2014.csv")});
    const auto scanStored = run(backend, {"pairs-scan", "--symbol", "ORCL", "--symbol", "YHOO", "--source", "csv"});
    QVERIFY2(scanCsv.code == 0, qPrintable(scanCsv.err));
    QVERIFY2(scanStored.code == 0, qPrintable(scanStored.err));
    QVERIFY(QJsonDocument::fromJson(scanStored.out.toUtf8()).array().size() == 1);
    QCOMPARE(scanStored.out, scanCsv.out);
  }

  // A 5m CSV file -> import-csv -> csv_5m; the stored series backtests exactly like the file, and aggregates to 15m.
  void fiveMinuteStoredEqualsCsv_data() { backends(); }
  void fiveMinuteStoredEqualsCsv() {
    QFETCH(QString, backend);
    if (m_pg->skip(backend)) MERIDIAN_SKIP_OR_FAIL("MERIDIAN_TEST_PG_URI not set");
    // 2024-06-24 .. 2024-07-12: 14 sessions, the 13:00 early close of Jul 3 among them.
    const auto sessions = time::NyseCalendar::instance().sessions(QDate(2024, 6, 24), QDate(2024, 7, 12));
    std::int64_t bars5 = 0, bars15 = 0;
    for (const auto& s : sessions) {
      bars5 += (s.close - s.open) / (5 * kMinute);
      bars15 += (s.close - s.open + 15 * kMinute - 1) / (15 * kMinute);
    }
    QCOMPARE(sessions.size(), std::size_t(14));
    const QString path = m_home.filePath(QStringLiteral("fivemin-%1.csv").arg(backend));
    {
      QFile f(path);
      QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
      QByteArray text = "Date,Open,High,Low,Close,Adj Close,Volume\n";
      QRandomGenerator rng(5);
      double px = 50.0;
      for (const auto& s : sessions)
        for (domain::Timestamp ts = s.open; ts < s.close; ts += 5 * kMinute) {
          const double open = px;
          px = std::max(5.0, px + 0.4 * (rng.generateDouble() - 0.5) + 0.05 * std::sin(double(ts / kMinute) / 90.0));
          const QString when = QDateTime::fromMSecsSinceEpoch(ts / 1'000'000, Qt::UTC).toString(Qt::ISODate);
          text += QStringLiteral("%1,%2,%3,%4,%5,%5,%6\n")
                      .arg(when)
                      .arg(open, 0, 'f', 4)
                      .arg(std::max(open, px) + 0.02, 0, 'f', 4)
                      .arg(std::min(open, px) - 0.02, 0, 'f', 4)
                      .arg(px, 0, 'f', 4)
                      .arg(1000 + rng.bounded(500))
                      .toUtf8();
        }
      f.write(text);
    }
    const QString symbol = QStringLiteral("FIVE") + backend.left(1).toUpper();
    const auto imported = run(backend, {"import-csv", path, "--symbol", symbol});
    QVERIFY2(imported.code == 0, qPrintable(imported.err));
    QVERIFY2(imported.out.contains("csv_5m"), qPrintable(imported.out));
    const QStringList sma{"backtest", "--strategy", "sma_cross", "--param", "fast=6", "--param", "slow=24",
                          "--cash", "100000", "--size", "100", "--json"};
    const auto fromCsv = run(backend, sma + QStringList{"--csv", symbol + "=" + path});
    const auto stored = run(backend, sma + QStringList{"--symbol", symbol, "--timeframe", "5m"});
    QVERIFY2(fromCsv.code == 0, qPrintable(fromCsv.err));
    QVERIFY2(stored.code == 0, qPrintable(stored.err));
    const QJsonObject o = QJsonDocument::fromJson(stored.out.toUtf8()).object();
    QCOMPARE(o.value("bars").toInteger(), bars5);
    QVERIFY2(o.value("num_trades").toInt() > 0, qPrintable(stored.out.left(600)));
    QCOMPARE(stored.out, fromCsv.out);
    // The same source named explicitly, and 5min spelled as users write it.
    const auto named = run(backend, sma + QStringList{"--symbol", symbol, "--timeframe", "5MIN", "--source", "csv_5m"});
    QVERIFY2(named.code == 0, qPrintable(named.err));
    QCOMPARE(named.out, fromCsv.out);
    // 15m bars aggregated from the stored 5m ones: one per started quarter hour of each session.
    const auto m15 = run(backend, sma + QStringList{"--symbol", symbol, "--timeframe", "15m"});
    QVERIFY2(m15.code == 0, qPrintable(m15.err));
    QCOMPARE(QJsonDocument::fromJson(m15.out.toUtf8()).object().value("bars").toInteger(), bars15);
    // 1m is finer than anything stored: an error, never the 5m bars passed off as minutes.
    const auto m1 = run(backend, sma + QStringList{"--symbol", symbol, "--timeframe", "1m"});
    QCOMPARE(m1.code, 1);
    QVERIFY2(m1.err.contains("coarser series csv_5m (5m)"), qPrintable(m1.err));
  }

  void missingSeriesAreErrors_data() { backends(); }
  void missingSeriesAreErrors() {
    QFETCH(QString, backend);
    if (m_pg->skip(backend)) MERIDIAN_SKIP_OR_FAIL("MERIDIAN_TEST_PG_URI not set");
    auto r = run(backend, {"backtest", "--symbol", "NOPE"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("no 1d bars of NOPE are stored"), qPrintable(r.err));
    r = run(backend, {"backtest", "--symbol", "ORCL", "--timeframe", "1h"});  // only daily bars are stored
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("coarser series csv (1d)"), qPrintable(r.err));
    r = run(backend, {"backtest", "--symbol", "ORCL", "--source", "yahoo"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("no yahoo 1d bars of ORCL"), qPrintable(r.err));
    r = run(backend, {"backtest", "--symbol", "ORCL", "--adjusted"});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains("only csv (not adjusted)"), qPrintable(r.err));
    r = run(backend, {"backtest", "--csv", data("orcl-1995-2014.csv"), "--timeframe", "1h"});
    QCOMPARE(r.code, 2);
    r = run(backend, {"backtest", "--symbol", "ORCL", "--timeframe", "5d"});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("'5d' is not 1m, 5m, 15m, 1h or 1d"), qPrintable(r.err));
  }

  // The pairs strategy end to end on hourly bars made from stored minute bars.
  void hourlyPairsFromStoredMinutes_data() { backends(); }
  void hourlyPairsFromStoredMinutes() {
    QFETCH(QString, backend);
    if (m_pg->skip(backend)) MERIDIAN_SKIP_OR_FAIL("MERIDIAN_TEST_PG_URI not set");
    // 2024-07-01 .. 2024-12-31: 128 sessions with the early closes of Jul 3, Nov 29 and Dec 24 (13:00).
    const auto sessions = time::NyseCalendar::instance().sessions(QDate(2024, 7, 1), QDate(2024, 12, 31));
    int early = 0;
    std::int64_t expectedBars = 0;
    for (const auto& s : sessions) {
      early += s.earlyClose;
      expectedBars += (s.close - s.open + 60 * kMinute - 1) / (60 * kMinute);  // 09:30, 10:30, ... the last cut
    }
    QCOMPARE(early, 3);
    std::vector<domain::Bar> a, b;
    minuteBars(sessions, a, b);
    {
      auto made = storage::makeStorage(storageConfig(backend));
      QVERIFY(made.ok());
      auto store = std::move(made).value();
      QVERIFY(store->open().ok());
      QVERIFY(store->upsertBars("PAIRA", "csv_1m", a).ok());
      QVERIFY(store->upsertBars("PAIRB", "csv_1m", b).ok());
    }
    const auto r = run(backend, {"backtest", "--strategy", "pairs", "--symbol", "PAIRA", "--symbol", "PAIRB",
                                 "--timeframe", "1h", "--param", "formation=200", "--param", "refit=50", "--json"});
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value("bars").toInteger(), expectedBars);
    QCOMPARE(o.value("start").toString(), QString("2024-07-01"));
    QCOMPARE(o.value("end").toString(), QString("2024-12-31"));
    QVERIFY2(o.value("num_trades").toInt() > 0, qPrintable(r.out.left(600)));
    // Both legs trade: every pairs trade has one per symbol.
    QSet<QString> symbols;
    for (const QJsonValue& t : o.value("trades").toArray()) symbols.insert(t.toObject().value("symbol").toString());
    QCOMPARE(symbols, (QSet<QString>{"PAIRA", "PAIRB"}));
    // 5m bars from the same minutes: 78 per full session, 42 on an early close.
    const auto fiveMin = run(backend, {"backtest", "--strategy", "sma_cross", "--symbol", "PAIRA", "--timeframe", "5m",
                                       "--json"});
    QVERIFY2(fiveMin.code == 0, qPrintable(fiveMin.err));
    QCOMPARE(QJsonDocument::fromJson(fiveMin.out.toUtf8()).object().value("bars").toInteger(),
             static_cast<qint64>(a.size() / 5));
    // Daily bars from the same minutes: one per session.
    const auto daily = run(backend, {"backtest", "--strategy", "sma_cross", "--symbol", "PAIRA", "--json"});
    QVERIFY2(daily.code == 0, qPrintable(daily.err));
    QCOMPARE(QJsonDocument::fromJson(daily.out.toUtf8()).object().value("bars").toInteger(),
             static_cast<qint64>(sessions.size()));
  }
};

QTEST_GUILESS_MAIN(tst_StoredBacktest)
#include "tst_StoredBacktest.moc"
