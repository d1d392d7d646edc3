// meridian-cli report against a journal on SQLite and PostgreSQL: orders and fills written through the storage
// API (as the execution service writes them), the report's figures checked against hand-computed P&L (the fills of
// tst_PnlReport: -1, +99, 0, -101 over four sessions).
#include "core/storage/StorageFactory.h"
#include "core/time/TimeZones.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

#include "../support/CliRun.h"
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

 private Q_SLOTS:
  void initTestCase() {
    QVERIFY(m_home.isValid());
    m_pg = std::make_unique<testsupport::OptionalScratchPg>("meridian_report_cli");
    for (const QString backend : {"sqlite", "postgres"}) {
      if (m_pg->skip(backend)) continue;
      storage::StorageConfig c;
      c.backend = backend.toStdString();
      c.sqlitePath = m_home.filePath("journal.sqlite").toStdString();
      c.pgUri = pgUri();
      auto made = storage::makeStorage(c);
      QVERIFY(made.ok());
      auto s = std::move(made).value();
      QVERIFY(s->open().ok());
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
};

QTEST_GUILESS_MAIN(tst_ReportCli)
#include "tst_ReportCli.moc"
