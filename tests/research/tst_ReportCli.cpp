// meridian-cli report against a journal on SQLite and PostgreSQL: orders and fills written through the storage
// API (as the execution service writes them), the report's figures checked against hand-computed P&L (the fills of
// tst_PnlReport: -1, +99, 0, -101 over four sessions); --compare-backtest against a live strategy whose journaled
// fills are the ones the backtester makes (the live and backtest columns must agree).
#include "core/backtest/BarSeriesLoader.h"
#include "core/storage/StorageFactory.h"
#include "core/time/TimeZones.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <memory>

#include <fmt/core.h>

#include "../support/CliRun.h"
#include "../support/LiveFillsFixture.h"
#include "../support/PnlFixture.h"
#include "../support/OptionalScratchPg.h"
#include "../support/RequireServers.h"

using namespace meridian;

class tst_ReportCli : public QObject {
  Q_OBJECT
  QTemporaryDir m_home;
  std::unique_ptr<testsupport::OptionalScratchPg> m_pg;
  std::string pgUri() const { return m_pg ? m_pg->uri() : std::string(); }

  QProcessEnvironment env(const QString& backend) const {
    QProcessEnvironment e;
    e.insert("MERIDIAN_DB_BACKEND", backend);
    e.insert("MERIDIAN_DB_SQLITE_PATH", m_home.filePath("journal.sqlite"));
    e.insert("MERIDIAN_DB_PG_URI", QString::fromStdString(pgUri()));
    e.insert("MERIDIAN_PAPER_INITIAL_CASH", "100000");
    return e;
  }

  // The store of `backend` (SQLite: the file `sqliteName` in the home), opened.
  std::unique_ptr<storage::IStorage> openStore(const QString& backend, const QString& sqliteName) const {
    storage::StorageConfig c;
    c.backend = backend.toStdString();
    c.sqlitePath = m_home.filePath(sqliteName).toStdString();
    c.pgUri = pgUri();
    auto made = storage::makeStorage(c);
    if (!made.ok()) return nullptr;
    auto s = std::move(made).value();
    return s->open().ok() ? std::move(s) : nullptr;
  }

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_home.isValid());
    m_pg = std::make_unique<testsupport::OptionalScratchPg>("meridian_report_cli");
    for (const QString backend : {"sqlite", "postgres"}) {
      if (m_pg->skip(backend)) continue;
      auto s = openStore(backend, "journal.sqlite");
      QVERIFY(s);
      const std::string error = testsupport::journalPnlFixture(*s);
      QVERIFY2(error.empty(), error.c_str());
    }
  }

  void reportFromTheJournal_data() {
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << "sqlite";
    QTest::newRow("postgres") << "postgres";
  }
  void reportFromTheJournal() {
    QFETCH(QString, backend);
    if (m_pg->skip(backend)) MERIDIAN_SKIP_OR_FAIL("MERIDIAN_TEST_PG_URI not set");
    const QString csvPath = m_home.filePath(backend + "-report.csv");
    auto r = testsupport::runCli(m_home, {"report", "--json", "--csv", csvPath}, env(backend));
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value("from").toString(), QString("2026-12-01"));
    QCOMPARE(o.value("to").toString(), QString("2026-12-04"));
    QCOMPARE(o.value("start_equity").toDouble(), 100000.0);
    QCOMPARE(o.value("end_equity").toDouble(), 99997.0);
    QCOMPARE(o.value("pnl").toDouble(), -3.0);
    QCOMPARE(o.value("fees").toDouble(), 3.0);
    QCOMPARE(o.value("fills").toInt(), 4);
    QStringList daily;
    for (const QJsonValue& v : o.value("daily").toArray()) {
      const QJsonObject d = v.toObject();
      daily << QString("%1 %2 %3 %4").arg(d.value("period").toString(), d.value("strategy").toString(),
                                          d.value("symbol").toString()).arg(d.value("pnl").toDouble());
    }
    QCOMPARE(daily, (QStringList{"2026-12-01 s1 AAPL -1", "2026-12-02 s1 AAPL 99", "2026-12-03 manual MSFT 0",
                                 "2026-12-04 s1 AAPL -101"}));
    QCOMPARE(o.value("metrics").toObject().value("trades").toInt(), 1);
    QFile csv(csvPath);
    QVERIFY(csv.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(csv.readAll());
    QVERIFY2(text.contains("month,2026-12,s1,AAPL,-3,-3,3,3,0\n"), qPrintable(text));

    // A range and a strategy: Tuesday's position is carried in.
    r = testsupport::runCli(m_home, {"report", "--json", "--from", "2026-12-02", "--strategy", "s1"}, env(backend));
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QJsonObject s1 = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(s1.value("start_equity").toDouble(), 99999.0);
    QCOMPARE(s1.value("pnl").toDouble(), -2.0);
    QCOMPARE(s1.value("fills").toInt(), 2);

    // Text and errors.
    r = testsupport::runCli(m_home, {"report"}, env(backend));
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("P&L 2026-12-01..2026-12-04 (all strategies): -3.00 on 4 fills"), qPrintable(r.out));
    r = testsupport::runCli(m_home, {"report", "--from", "2026-13-01"}, env(backend));
    QCOMPARE(r.code, 2);
    r = testsupport::runCli(m_home, {"report", "--from", "2026-12-04", "--to", "2026-12-01"}, env(backend));
    QCOMPARE(r.code, 2);
  }

  void compareWithBacktest_data() { reportFromTheJournal_data(); }
  // The fills journaled under live:sma_cross:ORCL are the backtester's own over 2010 (warmed up on 2009), as a
  // paper broker filling every order at the bar's price would have; the report of that live strategy with
  // --compare-backtest runs the strategy with its configured parameters on the stored ORCL bars: the two columns
  // agree fill for fill, and the P&L is the sum of the closed trades'.
  void compareWithBacktest() {
    QFETCH(QString, backend);
    if (m_pg->skip(backend)) MERIDIAN_SKIP_OR_FAIL("MERIDIAN_TEST_PG_URI not set");
    auto s = openStore(backend, "compare.sqlite");
    QVERIFY(s);
    auto orcl = backtest::loadYahooCsv(MERIDIAN_SHARED_DATA "/orcl-1995-2014.csv");
    QVERIFY(orcl.ok());
    QVERIFY(s->upsertBars("ORCL", "csv", orcl->bars).ok());

    const QDate from(2010, 1, 4), to(2010, 12, 31);
    const testsupport::LiveFills lf =
        testsupport::journalBacktestFills(*s, orcl->bars, from, to, "ORCL", "live:sma_cross:ORCL");
    QVERIFY2(lf.error.empty(), lf.error.c_str());
    QVERIFY(lf.closed >= 2);
    const QDate end = lf.end;
    const double closedPnl = lf.closedPnl;
    const std::int64_t closed = lf.closed, fills = lf.fills;

    QProcessEnvironment e = env(backend);
    e.insert("MERIDIAN_DB_SQLITE_PATH", m_home.filePath("compare.sqlite"));
    e.insert("MERIDIAN_STRATEGY_LIVE", "sma_cross:ORCL");
    e.insert("MERIDIAN_STRATEGY_SMA_CROSS__FAST", "10");
    e.insert("MERIDIAN_STRATEGY_SMA_CROSS__SLOW", "30");
    e.insert("MERIDIAN_STRATEGY_SIZE", "100");
    e.insert("MERIDIAN_STRATEGY_CAPITAL", "100000");
    e.insert("MERIDIAN_STRATEGY_HISTORY_SOURCE", "csv");
    e.insert("MERIDIAN_STRATEGY_HISTORY_DAYS", "365");
    const QStringList args{"report", "--strategy", "live:sma_cross:ORCL", "--from", from.toString(Qt::ISODate),
                           "--to", end.toString(Qt::ISODate), "--compare-backtest"};
    auto r = testsupport::runCli(m_home, args + QStringList{"--json"}, e);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
    QCOMPARE(o.value("strategy").toString(), QString("live:sma_cross:ORCL"));  // the report's own keys stay
    const QJsonObject cmp = o.value("backtest_comparison").toObject();
    QCOMPARE(cmp.value("strategy").toString(), QString("sma_cross"));
    QCOMPARE(cmp.value("params").toString(), QString("fast=10, slow=30"));
    QCOMPARE(cmp.value("from").toString(), from.toString(Qt::ISODate));
    QCOMPARE(cmp.value("to").toString(), end.toString(Qt::ISODate));
    const QJsonObject liveSide = cmp.value("live").toObject(), btSide = cmp.value("backtest").toObject();
    QCOMPARE(liveSide.value("fills").toInteger(), fills);
    QCOMPARE(btSide.value("fills").toInteger(), fills);
    QCOMPARE(liveSide.value("trades").toInteger(), closed);
    QCOMPARE(btSide.value("trades").toInteger(), closed);
    QVERIFY(std::abs(closedPnl) > 1.0);
    QVERIFY2(std::abs(liveSide.value("pnl").toDouble() - closedPnl) < 1e-6, qPrintable(r.out.left(400)));
    QVERIFY2(std::abs(btSide.value("pnl").toDouble() - closedPnl) < 1e-6, qPrintable(QString::number(btSide.value("pnl").toDouble())));
    QVERIFY(std::abs(cmp.value("pnl_difference").toDouble()) < 1e-6);
    QCOMPARE(btSide.value("start_value").toDouble(), 100000.0);
    QCOMPARE(btSide.value("metrics").toObject().value("trades").toInteger(), closed);

    r = testsupport::runCli(m_home, args, e);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    QVERIFY2(r.out.contains("live vs backtest: live:sma_cross:ORCL (sma_cross fast=10, slow=30 on ORCL)"), qPrintable(r.out));
    QVERIFY2(r.out.contains(QString::fromStdString(fmt::format("  {:<16} {:>14} {:>14}", "P&L",
                                                              fmt::format("{:+.2f}", closedPnl),
                                                              fmt::format("{:+.2f}", closedPnl)))),
             qPrintable(r.out));
    // The backtest fills as the paper venue does: with paper.commission_per_share set, each of its fills (100 shares)
    // pays 1.00 and its P&L is net of that; the live side is the journal's, unchanged.
    e.insert("MERIDIAN_PAPER_COMMISSION_PER_SHARE", "0.01");
    r = testsupport::runCli(m_home, args + QStringList{"--json"}, e);
    QVERIFY2(r.code == 0, qPrintable(r.err));
    const QJsonObject feeCmp = QJsonDocument::fromJson(r.out.toUtf8()).object().value("backtest_comparison").toObject();
    const QJsonObject feeBt = feeCmp.value("backtest").toObject();
    QCOMPARE(feeBt.value("fills").toInteger(), fills);
    QVERIFY2(std::abs(feeBt.value("fees").toDouble() - double(fills)) < 1e-9, qPrintable(r.out.left(600)));
    QVERIFY(std::abs(feeBt.value("pnl").toDouble() - (closedPnl - double(fills))) < 1e-6);
    QVERIFY(std::abs(feeCmp.value("live").toObject().value("pnl").toDouble() - closedPnl) < 1e-6);
    e.remove("MERIDIAN_PAPER_COMMISSION_PER_SHARE");
    // Errors name what is wrong.
    r = testsupport::runCli(m_home, {"report", "--compare-backtest"}, e);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--strategy live:"), qPrintable(r.err));
    r = testsupport::runCli(m_home, {"report", "--strategy", "live:rsi_reversion:ORCL", "--compare-backtest"}, e);
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("not a configured live strategy (strategy.live: live:sma_cross:ORCL)"), qPrintable(r.err));
  }
};

QTEST_GUILESS_MAIN(tst_ReportCli)
#include "tst_ReportCli.moc"
